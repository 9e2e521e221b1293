// One 3-D mesh on a WebGL canvas (three.js): faces shaded with the logged vertex colours (or one
// colour), or the vertices as points when no faces were logged; the bounding box with, per
// axis, its name and value range along the box edge that is outermost on screen (re-chosen as
// the camera turns, so labels sit outside the cloud as on matplotlib's 3-D axes); drag orbits,
// wheel zooms, right-drag pans.
// Knows nothing of widgets.
//
//   const view = createMeshView(el, { height });
//   view.update({ vertices: Float32Array(3n), faces: Int32Array(3f) | null, colors: Uint8Array(3n) | null,
//                 color: "#rrggbb" });   // keeps the camera while the bounding box stays similar
//   view.destroy();
// DOM: the WebGL canvas ([data-jtb-canvas], data-jtb-drawn = frames drawn) and a 2-D overlay for
// labels; el gets data-jtb-mesh-mode = "faces" | "points" and data-jtb-faces = faces drawn, and
// el.jtbMeshLabels = the labels of the last frame [{text, x, y, w, h}] (CSS px, centre; tests).
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { h } from "./dom.js";
import { formatNumber } from "./format.js";

// x, y, z: darker on a light background, lighter on a dark one (each >= 4.5:1 on Lab's)
const AXIS_COLORS = { light: ["#c62828", "#2e7d32", "#1565c0"], dark: ["#ff7b72", "#56d364", "#79c0ff"] };

// Per axis (0 x, 1 y, 2 z) the edge of the box [min, max] (3-arrays) parallel to it that lies
// outermost on screen: [start, end] 3-arrays with start at the axis's minimum. project(p) ->
// [x, y] in screen px (y down). An edge whose middle is farthest from the box centre's image
// is on the silhouette, so labels pushed outward from it do not cover the cloud; lower edges
// win near-ties (axes read along the bottom, as on paper).
export function outerEdges(min, max, project) {
  const centre = project(min.map((v, i) => (v + max[i]) / 2));
  return [0, 1, 2].map((axis) => {
    const [j, k] = [0, 1, 2].filter((a) => a !== axis);
    let best = null;
    for (const a of [min[j], max[j]]) {
      for (const b of [min[k], max[k]]) {
        const start = [0, 0, 0], end = [0, 0, 0];
        start[axis] = min[axis]; end[axis] = max[axis];
        start[j] = end[j] = a; start[k] = end[k] = b;
        const [p, q] = [project(start), project(end)];
        const mid = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
        const score = Math.hypot(mid[0] - centre[0], mid[1] - centre[1]) + 0.25 * (mid[1] - centre[1]);
        if (!best || score > best.score) best = { score, start, end };
      }
    }
    return [best.start, best.end];
  });
}

// Text boxes {text, x, y, w, h} (centres) for one axis's labels at screen points p (minimum),
// q (maximum), pushed `gap` px outward from the screen point `centre`, plus the axis name at
// the edge's middle, a little further out. measure(text) -> width px.
export function axisLabels(name, lowText, highText, p, q, centre, measure, gap = 10, lineHeight = 13) {
  const mid = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
  let out = [mid[0] - centre[0], mid[1] - centre[1]];
  const length = Math.hypot(out[0], out[1]) || 1;
  out = [out[0] / length, out[1] / length];
  const place = (text, at, extra) => {
    const w = measure(text), h = lineHeight;
    // far enough out that the whole box clears the edge, whichever way `out` points
    const push = gap + extra + Math.abs(out[0]) * (w / 2) + Math.abs(out[1]) * (h / 2);
    return { text, x: at[0] + out[0] * push, y: at[1] + out[1] * push, w, h };
  };
  return [place(name, mid, 6), place(lowText, p, 0), place(highText, q, 0)];
}

// Move `label` inside a width x height canvas and, when it covers one already `placed` (two
// axes' labels at their shared corner), a line at a time away from that one; false when it
// still collides after a few tries (it is then left out).
export function settle(label, placed, width, height, tries = 3) {
  for (let attempt = 0; ; attempt++) {
    label.x = Math.min(Math.max(label.x, label.w / 2 + 2), width - label.w / 2 - 2);
    label.y = Math.min(Math.max(label.y, label.h / 2 + 2), height - label.h / 2 - 2);
    const other = placed.find((p) => overlaps(label, p));
    if (!other) return true;
    if (attempt === tries) return false;
    const step = other.h / 2 + label.h / 2 + 1;
    const below = other.y + step;
    // a line below it when it was lower and there is room, else a line above
    label.y = label.y >= other.y && below + label.h / 2 <= height - 2 ? below : other.y - step;
  }
}

const overlaps = (a, b) => Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

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
    drawLabels(width, heightPx); // first: it moves the coloured axis edges for this pose
    renderer.render(scene, camera);
    canvas.setAttribute("data-jtb-drawn", String(++drawn));
  }

  // Per axis its name and range along its outermost box edge (chosen for this camera pose),
  // the edge drawn in the axis's colour; labels that would overlap one already placed (where
  // two axes' edges meet) are left out.
  function drawLabels(width, heightPx) {
    const dpr = window.devicePixelRatio || 1;
    overlay.width = Math.round(width * dpr);
    overlay.height = Math.round(heightPx * dpr);
    const ctx = overlay.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, heightPx);
    el.jtbMeshLabels = [];
    if (!box || !axes) return;
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    const v = new THREE.Vector3();
    const project = (p) => { v.set(p[0], p[1], p[2]).project(camera); return [((v.x + 1) / 2) * width, ((1 - v.y) / 2) * heightPx]; };
    const [min, max] = [box.min.toArray(), box.max.toArray()];
    const edges = outerEdges(min, max, project);
    const edgeLine = axes.userData.edges.geometry.attributes.position;
    edges.forEach(([a, b], i) => { edgeLine.setXYZ(2 * i, ...a); edgeLine.setXYZ(2 * i + 1, ...b); });
    edgeLine.needsUpdate = true;
    const centre = project(min.map((m, i) => (m + max[i]) / 2));
    const background = themeColor("--jp-layout-color1", "#ffffff");
    const colors = AXIS_COLORS[new THREE.Color(background).getHSL({}).l < 0.5 ? "dark" : "light"];
    const edgeColor = axes.userData.edges.geometry.attributes.color; // follows the theme
    colors.forEach((c, i) => { const k = new THREE.Color(c); edgeColor.setXYZ(2 * i, k.r, k.g, k.b); edgeColor.setXYZ(2 * i + 1, k.r, k.g, k.b); });
    edgeColor.needsUpdate = true;
    const placed = [];
    edges.forEach(([a, b], i) => {
      const texts = axisLabels("xyz"[i], formatNumber(min[i]), formatNumber(max[i]), project(a), project(b), centre,
        (text) => ctx.measureText(text).width);
      for (const label of texts) {
        if (!settle(label, placed, width, heightPx)) continue;
        placed.push(label);
        ctx.strokeStyle = background; // a halo in the background colour keeps text readable over lines and points
        ctx.lineWidth = 3;
        ctx.strokeText(label.text, label.x, label.y);
        ctx.fillStyle = colors[i];
        ctx.fillText(label.text, label.x, label.y);
      }
    });
    el.jtbMeshLabels = placed;
  }

  const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };
  controls.addEventListener("change", schedule);

  // the bounding box, and three coloured edges (one per axis) that drawLabels moves onto the
  // outermost edge for the camera pose, in the theme's axis colours, before each frame
  function buildAxes(bounds) {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.Float32BufferAttribute(new Float32Array(18), 3));
    geometry.setAttribute("color", new THREE.Float32BufferAttribute(new Float32Array(18), 3));
    const edges = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ vertexColors: true }));
    edges.frustumCulled = false; // its positions change every frame
    edges.renderOrder = 1; // over the box's own (same) edge
    const group = new THREE.Group();
    group.add(new THREE.Box3Helper(bounds, new THREE.Color(themeColor("--jp-border-color1", "#bbbbbb"))), edges);
    group.userData.edges = edges;
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
    camera.position.copy(sphere.center).addScaledVector(direction, radius * 3.5); // room for the labels around the box
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
