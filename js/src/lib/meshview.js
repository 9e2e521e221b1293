// One 3-D mesh on a WebGL canvas (three.js): faces shaded with the logged vertex colours (or one
// colour), or the vertices as points when no faces were logged; axes along the bounding box
// with the axis names and value ranges; drag orbits, wheel zooms, right-drag pans.
// Knows nothing of widgets.
//
//   const view = createMeshView(el, { height });
//   view.update({ vertices: Float32Array(3n), faces: Int32Array(3f) | null, colors: Uint8Array(3n) | null,
//                 color: "#rrggbb" });   // keeps the camera while the bounding box stays similar
//   view.destroy();
// DOM: the WebGL canvas ([data-jtb-canvas], data-jtb-drawn = frames drawn) and a 2-D overlay for
// labels; el gets data-jtb-mesh-mode = "faces" | "points" and data-jtb-faces = faces drawn.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { h } from "./dom.js";
import { formatNumber } from "./format.js";

const AXIS_COLORS = ["#e5534b", "#3fb950", "#4c8dff"];

// Float RGB in [0, 1] per vertex from logged uint8 colours, or `fallback` everywhere.
export function vertexColors(count, colors, fallback) {
  const out = new Float32Array(3 * count);
  const hasColors = colors && colors.length >= 3 * count;
  const rgb = new THREE.Color(fallback);
  for (let i = 0; i < count; i++) {
    out[3 * i] = hasColors ? colors[3 * i] / 255 : rgb.r;
    out[3 * i + 1] = hasColors ? colors[3 * i + 1] / 255 : rgb.g;
    out[3 * i + 2] = hasColors ? colors[3 * i + 2] / 255 : rgb.b;
  }
  return out;
}

// Face indices that point at existing vertices (a damaged tensor must not crash the GPU upload).
export function validFaces(faces, count) {
  if (!faces || !faces.length) return null;
  for (let i = 0; i < faces.length; i++) if (!(faces[i] >= 0 && faces[i] < count)) return null;
  return faces;
}

export function createMeshView(el, { height = 320 } = {}) {
  const renderer = new THREE.WebGLRenderer({ antialias: true });
  const canvas = renderer.domElement;
  canvas.setAttribute("data-jtb-canvas", "");
  canvas.setAttribute("data-jtb-drawn", "0");
  const overlay = h("canvas", { class: "jtb-mesh-overlay" });
  el.style.height = `${height}px`;
  el.prepend(canvas, overlay);
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
  const headlight = new THREE.DirectionalLight(0xffffff, 2.2);
  camera.add(headlight);
  scene.add(camera, new THREE.AmbientLight(0xffffff, 0.9));
  const controls = new OrbitControls(camera, canvas);
  let object = null;
  let axes = null;
  let labels = [];
  let box = null;
  let drawn = 0;
  let frame = 0;

  function themeColor(name, fallback) {
    return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
  }

  function draw() {
    frame = 0;
    const width = Math.max(el.clientWidth, 100), heightPx = Math.max(el.clientHeight, 100);
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    renderer.setSize(width, heightPx, false);
    camera.aspect = width / heightPx;
    camera.updateProjectionMatrix();
    renderer.setClearColor(new THREE.Color(themeColor("--jp-layout-color1", "#ffffff")), 1);
    renderer.render(scene, camera);
    canvas.setAttribute("data-jtb-drawn", String(++drawn));
    drawLabels(width, heightPx);
  }

  // axis names and value ranges, projected from 3-D onto the overlay
  function drawLabels(width, heightPx) {
    const dpr = window.devicePixelRatio || 1;
    overlay.width = Math.round(width * dpr);
    overlay.height = Math.round(heightPx * dpr);
    const ctx = overlay.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, heightPx);
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    const fg = themeColor("--jp-ui-font-color1", "#333");
    for (const { at, text, color } of labels) {
      const p = at.clone().project(camera);
      if (p.z > 1) continue; // behind the camera
      ctx.fillStyle = color || fg;
      ctx.fillText(text, ((p.x + 1) / 2) * width, ((1 - p.y) / 2) * heightPx);
    }
  }

  const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };
  controls.addEventListener("change", schedule);

  function buildAxes(bounds) {
    const { min, max } = bounds;
    const size = max.clone().sub(min);
    const pad = Math.max(size.x, size.y, size.z) * 0.08 || 0.1;
    const ends = [new THREE.Vector3(max.x + pad, min.y, min.z), new THREE.Vector3(min.x, max.y + pad, min.z), new THREE.Vector3(min.x, min.y, max.z + pad)];
    const positions = [], colors = [];
    ends.forEach((end, i) => {
      const c = new THREE.Color(AXIS_COLORS[i]);
      positions.push(min.x, min.y, min.z, end.x, end.y, end.z);
      colors.push(c.r, c.g, c.b, c.r, c.g, c.b);
    });
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.Float32BufferAttribute(positions, 3));
    geometry.setAttribute("color", new THREE.Float32BufferAttribute(colors, 3));
    const group = new THREE.Group();
    group.add(new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ vertexColors: true })));
    const frameBox = new THREE.Box3Helper(bounds, new THREE.Color(themeColor("--jp-border-color1", "#bbbbbb")));
    group.add(frameBox);
    // each axis: its name past the end and its maximum at the box edge; the corner where the
    // axes meet: the three minima
    labels = [];
    ["x", "y", "z"].forEach((axis, i) => {
      const edge = min.clone().setComponent(i, max.getComponent(i));
      labels.push({ at: ends[i].clone().addScaledVector(ends[i].clone().sub(min).normalize(), pad * 0.6), text: axis, color: AXIS_COLORS[i] });
      labels.push({ at: edge, text: formatNumber(max.getComponent(i)), color: AXIS_COLORS[i] });
    });
    labels.push({ at: min.clone().subScalar(pad * 0.5), text: `(${[min.x, min.y, min.z].map(formatNumber).join(", ")})` });
    return group;
  }

  function dispose(thing) {
    if (!thing) return;
    scene.remove(thing);
    thing.traverse((o) => { o.geometry?.dispose(); o.material?.dispose(); });
  }

  function fitCamera(bounds) {
    const sphere = bounds.getBoundingSphere(new THREE.Sphere());
    const radius = sphere.radius || 1;
    const direction = new THREE.Vector3(1, 0.7, 1.5).normalize();
    camera.position.copy(sphere.center).addScaledVector(direction, radius * 3);
    camera.near = radius / 100;
    camera.far = radius * 100;
    controls.target.copy(sphere.center);
    controls.update();
  }

  const resize = new ResizeObserver(schedule);
  resize.observe(el);

  return {
    canvas,
    update({ vertices, faces = null, colors = null, color = "#888888" }) {
      dispose(object);
      dispose(axes);
      const count = vertices.length / 3;
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute("position", new THREE.BufferAttribute(vertices, 3));
      geometry.setAttribute("color", new THREE.BufferAttribute(vertexColors(count, colors, color), 3));
      const triangles = validFaces(faces, count);
      if (triangles) {
        geometry.setIndex(new THREE.BufferAttribute(triangles instanceof Uint32Array ? triangles : Uint32Array.from(triangles), 1));
        geometry.computeVertexNormals();
        object = new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide, flatShading: true }));
      } else {
        object = new THREE.Points(geometry, new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true }));
      }
      el.setAttribute("data-jtb-mesh-mode", triangles ? "faces" : "points");
      el.setAttribute("data-jtb-faces", String(triangles ? triangles.length / 3 : 0));
      scene.add(object);
      geometry.computeBoundingBox();
      const bounds = geometry.boundingBox;
      const changed = !box || bounds.min.distanceTo(box.min) + bounds.max.distanceTo(box.max) > 0.25 * box.min.distanceTo(box.max);
      if (changed) fitCamera(bounds);
      box = bounds.clone();
      axes = buildAxes(box);
      scene.add(axes);
      schedule();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      controls.dispose();
      dispose(object);
      dispose(axes);
      renderer.dispose();
      canvas.remove();
      overlay.remove();
    },
  };
}
