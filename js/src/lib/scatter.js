// WebGL point cloud for the embedding projector (three.js). Knows nothing of widget models:
//
//   const plot = createScatter(el, { height: 480 });
//   plot.update({ positions, dims, colors, highlight, labels, mode });   // any subset
//   plot.on("hover" | "click" | "select", fn) -> unsubscribe
//   plot.destroy();
//
// positions: Float32Array of n*3 (x, y, z per point; NaN marks a point the projection does
//   not cover, which is then not drawn and cannot be picked). dims 2 draws x, y with an
//   orthographic camera (drag pans, wheel zooms at the cursor); dims 3 uses a perspective
//   camera orbiting the cloud (drag rotates, right-drag pans, wheel zooms).
// colors: Uint8Array of n*4 RGBA. highlight: indices drawn larger, ringed and on top, while
//   the other points fade toward the background. labels: [{index, text}] shown next to
//   their points (text via textContent only). mode "lasso" (or shift-drag in any mode)
//   draws a free-hand lasso; the points inside are reported through "select".
// Drawing happens on demand (camera moves, data changes), never in a free-running loop, so
// an idle plot costs nothing; hover picking projects points on the CPU once per camera pose.
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

const VERTEX = `
attribute vec4 rgba;
uniform float uSize;
uniform float uPerspective;
uniform float uDistance;
uniform float uDim;
uniform vec3 uBackground;
varying vec3 vColor;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float size = uSize;
  if (uPerspective > 0.5) size = clamp(uSize * uDistance / max(-mv.z, 0.01), 1.0, 64.0);
  gl_PointSize = size;
  vColor = mix(rgba.rgb, uBackground, uDim);
  if (rgba.a < 0.5) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // hidden: outside the clip cube
}`;

const FRAGMENT = `
uniform float uRing;
varying vec3 vColor;
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float r = dot(c, c);
  if (r > 1.0) discard;
  vec3 color = vColor;
  if (uRing > 0.5 && r > 0.5) color = vec3(0.1, 0.1, 0.1);
  gl_FragColor = vec4(color, 1.0);
}`;

const PICK_RADIUS = 10; // CSS pixels
const CAMERA_DISTANCE = 3.2;
// While the camera moves, a big cloud draws a fixed random subset of this many points and
// the whole cloud once the camera rests (SETTLE_MS): the shape reads the same, and frames
// stay short even on software WebGL. Points are uploaded in a shuffled order so any prefix
// of the buffer is a uniform sample.
const MOVING_LIMIT = 40000;
const SETTLE_MS = 180;

// A seeded permutation of 0..n-1 (xorshift32 Fisher-Yates): the same cloud, the same sample.
export function shuffledOrder(n, seed = 12345) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    const j = state % (i + 1);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  return order;
}

function gather(values, order, width) {
  if (!order) return values;
  const out = new values.constructor(values.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    for (let c = 0; c < width; c++) out[width * k + c] = values[width * i + c];
  }
  return out;
}

// Centre and scale the finite points into [-1, 1] (aspect kept); NaN rows become hidden.
export function normalise(positions, dims) {
  const n = Math.floor(positions.length / 3);
  const out = new Float32Array(n * 3);
  const hidden = new Uint8Array(n);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = dims === 3 ? positions[3 * i + 2] : 0;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) { hidden[i] = 1; continue; }
    if (x < lo[0]) lo[0] = x; if (x > hi[0]) hi[0] = x;
    if (y < lo[1]) lo[1] = y; if (y > hi[1]) hi[1] = y;
    if (z < lo[2]) lo[2] = z; if (z > hi[2]) hi[2] = z;
  }
  if (lo[0] === Infinity) return { positions: out, hidden, visible: 0 };
  const centre = lo.map((v, k) => (v + hi[k]) / 2);
  const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2 || 1;
  let visible = 0;
  for (let i = 0; i < n; i++) {
    if (hidden[i]) continue;
    visible += 1;
    out[3 * i] = (positions[3 * i] - centre[0]) / extent;
    out[3 * i + 1] = (positions[3 * i + 1] - centre[1]) / extent;
    out[3 * i + 2] = dims === 3 ? (positions[3 * i + 2] - centre[2]) / extent : 0;
  }
  return { positions: out, hidden, visible };
}

// Ray-casting point-in-polygon test; polygon is a flat [x0, y0, x1, y1, ...] array.
export function insidePolygon(x, y, polygon) {
  let inside = false;
  for (let i = 0, j = polygon.length - 2; i < polygon.length; j = i, i += 2) {
    const xi = polygon[i], yi = polygon[i + 1], xj = polygon[j], yj = polygon[j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function defaultPointSize(n) {
  return Math.max(2, Math.min(7, 9 - 1.2 * Math.log10(Math.max(n, 1))));
}

function material(ring, depthTest) {
  return new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    depthTest,
    depthWrite: depthTest,
    uniforms: {
      uSize: { value: 4 },
      uPerspective: { value: 0 },
      uDistance: { value: CAMERA_DISTANCE },
      uDim: { value: 0 },
      uRing: { value: ring ? 1 : 0 },
      uBackground: { value: new THREE.Color(1, 1, 1) },
    },
  });
}

export function createScatter(el, options = {}) {
  const height = options.height || 480;
  const background = new THREE.Color(options.background || "#ffffff");
  const listeners = { hover: new Set(), click: new Set(), select: new Set() };
  const stats = { renders: 0, lastRenderMs: 0, points: 0, drawn: 0 };
  const movingLimit = options.movingLimit ?? MOVING_LIMIT;

  const root = document.createElement("div");
  Object.assign(root.style, { position: "relative", width: "100%", height: `${height}px`, overflow: "hidden", touchAction: "none" });
  el.append(root);
  let renderer;
  try {
    renderer = new THREE.WebGLRenderer({ antialias: false, powerPreference: "high-performance" });
  } catch (error) { // no WebGL (blocked or no GPU driver): say so instead of a blank box
    root.textContent = `WebGL is not available in this browser: ${error.message || error}`;
    const noop = () => {};
    return { canvas: null, stats, update: noop, on: () => noop, pick: () => -1, selectInside: () => [],
      screenPosition: () => null, resetView: noop, rotateBy: noop, renderNow: noop, destroy: () => root.remove() };
  }
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(background, 1);
  const canvas = renderer.domElement;
  canvas.setAttribute("data-jtb-scatter-canvas", "");
  Object.assign(canvas.style, { display: "block", width: "100%", height: "100%" });
  const overlay = document.createElement("canvas"); // lasso path
  Object.assign(overlay.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
  const labelLayer = document.createElement("div");
  Object.assign(labelLayer.style, { position: "absolute", inset: "0", pointerEvents: "none", overflow: "hidden" });
  root.append(canvas, overlay, labelLayer);

  const scene = new THREE.Scene();
  const geometry = new THREE.BufferGeometry();
  const baseMaterial = material(false, true);
  const cloud = new THREE.Points(geometry, baseMaterial);
  cloud.frustumCulled = false;
  const highlightGeometry = new THREE.BufferGeometry();
  const highlightMaterial = material(true, false);
  const highlightCloud = new THREE.Points(highlightGeometry, highlightMaterial);
  highlightCloud.frustumCulled = false;
  highlightCloud.renderOrder = 1;
  scene.add(cloud, highlightCloud);
  for (const m of [baseMaterial, highlightMaterial]) m.uniforms.uBackground.value.copy(background);

  const data = { n: 0, dims: 3, positions: new Float32Array(0), hidden: new Uint8Array(0), colors: new Uint8Array(0), highlight: [], order: null };
  let lastMove = -Infinity;
  let settleTimer = null;
  let camera = null;
  let controls = null;
  let mode = "pan";
  let labels = [];
  let width = 0, heightPx = 0;
  let frameRequested = false;
  let poseVersion = 0; // bumps whenever the camera moves: screen positions are stale
  let screen = { version: -1, xy: new Float32Array(0), depth: new Float32Array(0) };

  // ---- drawing -----------------------------------------------------------------------------
  function draw() {
    frameRequested = false;
    if (!camera || width === 0) return;
    const started = performance.now();
    const moving = data.order && started - lastMove < SETTLE_MS;
    stats.drawn = moving ? Math.min(movingLimit, data.n) : data.n;
    geometry.setDrawRange(0, stats.drawn);
    if (moving && !settleTimer) {
      settleTimer = setTimeout(() => { settleTimer = null; requestDraw(); }, SETTLE_MS + 10);
    }
    renderer.render(scene, camera);
    placeLabels();
    stats.renders += 1;
    stats.lastRenderMs = performance.now() - started;
    root.dataset.jtbDrawn = String(stats.renders);
  }
  function requestDraw() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(draw);
  }

  function resize() {
    const w = root.clientWidth, hgt = root.clientHeight;
    if (!w || !hgt || (w === width && hgt === heightPx)) return;
    width = w; heightPx = hgt;
    renderer.setSize(w, hgt, false);
    overlay.width = w; overlay.height = hgt;
    Object.assign(overlay.style, { width: `${w}px`, height: `${hgt}px` });
    fitCamera(false);
  }

  function fitCamera(reset) {
    if (!width) return;
    const aspect = width / heightPx;
    const pixelRatio = renderer.getPixelRatio();
    if (data.dims === 2) {
      if (!(camera && camera.isOrthographicCamera) || reset) {
        camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
        camera.position.set(0, 0, 5);
        makeControls();
      }
      const half = 1.08; // a margin around the unit square
      camera.left = -half * Math.max(aspect, 1); camera.right = half * Math.max(aspect, 1);
      camera.top = half / Math.min(aspect, 1); camera.bottom = -half / Math.min(aspect, 1);
    } else {
      if (!(camera && camera.isPerspectiveCamera) || reset) {
        camera = new THREE.PerspectiveCamera(45, aspect, 0.01, 100);
        camera.position.set(0, 0, CAMERA_DISTANCE);
        makeControls();
      }
      camera.aspect = aspect;
    }
    camera.updateProjectionMatrix();
    const size = (options.pointSize || defaultPointSize(data.n)) * pixelRatio;
    for (const m of [baseMaterial, highlightMaterial]) {
      m.uniforms.uPerspective.value = data.dims === 3 ? 1 : 0;
      m.uniforms.uSize.value = m === highlightMaterial ? Math.max(size * 2.2, 9 * pixelRatio) : size;
    }
    poseVersion += 1;
    requestDraw();
  }

  function makeControls() {
    if (controls) controls.dispose();
    controls = new OrbitControls(camera, canvas);
    controls.zoomToCursor = true;
    controls.enableDamping = false;
    if (data.dims === 2) {
      controls.enableRotate = false;
      controls.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
    } else {
      controls.mouseButtons = { LEFT: THREE.MOUSE.ROTATE, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN };
    }
    controls.enabled = mode !== "lasso";
    controls.addEventListener("change", () => { poseVersion += 1; lastMove = performance.now(); requestDraw(); });
  }

  // ---- data --------------------------------------------------------------------------------
  function setPositions(positions, dims) {
    const result = normalise(positions, dims);
    const n = result.hidden.length;
    data.n = n; data.dims = dims; data.positions = result.positions; data.hidden = result.hidden;
    stats.points = result.visible;
    root.dataset.jtbPoints = String(result.visible);
    data.order = n > movingLimit ? shuffledOrder(n) : null;
    geometry.setAttribute("position", new THREE.BufferAttribute(gather(data.positions, data.order, 3), 3));
    if (data.colors.length !== 4 * n) setColors(new Uint8Array(4 * n).fill(96));
    else applyColors();
    setHighlight(data.highlight.filter((i) => i < n));
    fitCamera(true);
  }

  function applyColors() {
    const rgba = new Uint8Array(data.colors); // own copy: alpha 0 marks hidden points
    for (let i = 0; i < data.n; i++) rgba[4 * i + 3] = data.hidden[i] ? 0 : 255;
    geometry.setAttribute("rgba", new THREE.BufferAttribute(gather(rgba, data.order, 4), 4, true));
  }

  function setColors(colors) {
    data.colors = colors;
    applyColors();
    setHighlight(data.highlight);
    requestDraw();
  }

  function setHighlight(indices) {
    const keep = [];
    for (const i of indices || []) if (i >= 0 && i < data.n && !data.hidden[i]) keep.push(i);
    data.highlight = keep;
    const m = keep.length;
    const pos = new Float32Array(3 * m);
    const rgba = new Uint8Array(4 * m);
    keep.forEach((i, k) => {
      pos.set(data.positions.subarray(3 * i, 3 * i + 3), 3 * k);
      rgba.set(data.colors.subarray(4 * i, 4 * i + 3), 4 * k);
      rgba[4 * k + 3] = 255;
    });
    highlightGeometry.setAttribute("position", new THREE.BufferAttribute(pos, 3));
    highlightGeometry.setAttribute("rgba", new THREE.BufferAttribute(rgba, 4, true));
    highlightGeometry.setDrawRange(0, m);
    baseMaterial.uniforms.uDim.value = m ? 0.75 : 0;
    requestDraw();
  }

  function setLabels(list) {
    labelLayer.replaceChildren();
    labels = (list || []).slice(0, 200).filter((item) => item.index < data.n && !data.hidden[item.index]).map((item) => {
      const node = document.createElement("div");
      node.textContent = String(item.text); // user data: text only
      node.setAttribute("data-jtb-point-label", String(item.index));
      Object.assign(node.style, {
        position: "absolute", font: "11px sans-serif", whiteSpace: "nowrap", padding: "0 3px",
        background: "rgba(255,255,255,0.8)", color: "#111", borderRadius: "2px",
        fontWeight: item.strong ? "700" : "400",
      });
      labelLayer.append(node);
      return { index: item.index, node };
    });
    requestDraw();
  }

  function placeLabels() {
    if (!labels.length) return;
    const v = new THREE.Vector3();
    for (const { index, node } of labels) {
      v.fromArray(data.positions, 3 * index).project(camera);
      const visible = v.z >= -1 && v.z <= 1;
      node.style.display = visible ? "" : "none";
      node.style.transform = `translate(${((v.x + 1) / 2) * width + 6}px, ${((1 - v.y) / 2) * heightPx - 7}px)`;
    }
  }

  // ---- picking and selection ---------------------------------------------------------------
  // Screen coordinates (CSS px) of every point for the current camera pose, computed once
  // per pose: ~1 ms for 100k points, far cheaper than a GPU read-back per mouse move.
  function screenPositions() {
    if (screen.version === poseVersion && screen.xy.length === 2 * data.n) return screen;
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).elements;
    const xy = new Float32Array(2 * data.n);
    const depth = new Float32Array(data.n);
    const p = data.positions;
    for (let i = 0; i < data.n; i++) {
      const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      const cx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
      const cy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
      const cz = (m[2] * x + m[6] * y + m[10] * z + m[14]) / w;
      xy[2 * i] = ((cx + 1) / 2) * width;
      xy[2 * i + 1] = ((1 - cy) / 2) * heightPx;
      depth[i] = data.hidden[i] || cz < -1 || cz > 1 ? NaN : cz;
    }
    screen = { version: poseVersion, xy, depth };
    return screen;
  }

  function pick(x, y) {
    if (!camera || !data.n) return -1;
    const { xy, depth } = screenPositions();
    let best = -1, bestScore = Infinity;
    const r2 = PICK_RADIUS * PICK_RADIUS;
    for (let i = 0; i < data.n; i++) {
      if (Number.isNaN(depth[i])) continue;
      const dx = xy[2 * i] - x, dy = xy[2 * i + 1] - y;
      const d2 = dx * dx + dy * dy;
      if (d2 > r2) continue;
      const score = d2 + depth[i] * 4; // among near-equal hits prefer the front one
      if (score < bestScore) { bestScore = score; best = i; }
    }
    return best;
  }

  function selectInside(polygon) {
    const { xy, depth } = screenPositions();
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let k = 0; k < polygon.length; k += 2) {
      x0 = Math.min(x0, polygon[k]); x1 = Math.max(x1, polygon[k]);
      y0 = Math.min(y0, polygon[k + 1]); y1 = Math.max(y1, polygon[k + 1]);
    }
    const chosen = [];
    for (let i = 0; i < data.n; i++) {
      if (Number.isNaN(depth[i])) continue;
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      if (insidePolygon(x, y, polygon)) chosen.push(i);
    }
    return chosen;
  }

  function emit(kind, ...args) {
    for (const fn of [...listeners[kind]]) {
      try { fn(...args); } catch (error) { console.error(error); }
    }
  }

  const local = (event) => {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  let press = null;
  let lasso = null;
  let hoverQueued = null;
  let hovered = -1;

  function drawLasso() {
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (!lasso || lasso.length < 4) return;
    ctx.beginPath();
    ctx.moveTo(lasso[0], lasso[1]);
    for (let k = 2; k < lasso.length; k += 2) ctx.lineTo(lasso[k], lasso[k + 1]);
    ctx.closePath();
    ctx.fillStyle = "rgba(80, 130, 255, 0.15)";
    ctx.strokeStyle = "rgba(40, 90, 220, 0.9)";
    ctx.fill();
    ctx.stroke();
  }

  function onPointerDown(event) {
    const [x, y] = local(event);
    press = { x, y, moved: false };
    if (event.button === 0 && (mode === "lasso" || event.shiftKey)) {
      if (controls) controls.enabled = false;
      lasso = [x, y];
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
      event.stopImmediatePropagation(); // keep OrbitControls out of it
    }
  }
  function onPointerMove(event) {
    const [x, y] = local(event);
    if (press && Math.hypot(x - press.x, y - press.y) > 3) press.moved = true;
    if (lasso) {
      lasso.push(x, y);
      drawLasso();
      return;
    }
    if (press && press.moved) return; // dragging the camera: no hover work
    hoverQueued = [x, y, event.clientX, event.clientY];
    requestAnimationFrame(() => {
      if (!hoverQueued) return;
      const [hx, hy, cx, cy] = hoverQueued;
      hoverQueued = null;
      const index = pick(hx, hy);
      if (index !== hovered || index >= 0) {
        hovered = index;
        canvas.style.cursor = index >= 0 ? "pointer" : "";
        emit("hover", index, cx, cy);
      }
    });
  }
  function onPointerUp(event) {
    const [x, y] = local(event);
    if (lasso) {
      const polygon = lasso;
      lasso = null;
      drawLasso();
      if (controls) controls.enabled = mode !== "lasso";
      if (press && !press.moved) emit("click", pick(x, y)); // a click, even in lasso mode
      else if (polygon.length >= 6) emit("select", selectInside(polygon));
      press = null;
      return;
    }
    if (press && !press.moved && event.button === 0) emit("click", pick(x, y));
    press = null;
  }
  function onPointerLeave() {
    if (hovered !== -1) { hovered = -1; emit("hover", -1, 0, 0); }
  }
  // capture phase: the lasso must see the press before OrbitControls does
  canvas.addEventListener("pointerdown", onPointerDown, { capture: true });
  canvas.addEventListener("pointermove", onPointerMove);
  canvas.addEventListener("pointerup", onPointerUp);
  canvas.addEventListener("pointerleave", onPointerLeave);
  canvas.addEventListener("contextmenu", (event) => event.preventDefault());

  const observer = new ResizeObserver(() => resize());
  observer.observe(root);
  resize();

  return {
    canvas,
    stats,
    update(next = {}) {
      if (next.positions) setPositions(next.positions, next.dims === 2 ? 2 : 3);
      else if (next.dims && next.dims !== data.dims) setPositions(data.positions, next.dims);
      if (next.colors) setColors(next.colors);
      if (next.highlight) setHighlight(next.highlight);
      if (next.labels) setLabels(next.labels);
      if (next.mode) {
        mode = next.mode === "lasso" ? "lasso" : "pan";
        if (controls) controls.enabled = mode !== "lasso";
        canvas.style.cursor = mode === "lasso" ? "crosshair" : "";
      }
      requestDraw();
    },
    on(kind, fn) {
      listeners[kind].add(fn);
      return () => listeners[kind].delete(fn);
    },
    pick,
    selectInside,
    // Screen position (CSS px, relative to the canvas) of point i, or null when hidden.
    screenPosition(i) {
      const { xy, depth } = screenPositions();
      return Number.isNaN(depth[i]) ? null : [xy[2 * i], xy[2 * i + 1]];
    },
    resetView() { fitCamera(true); },
    // Turn the 3-D camera about the vertical axis (benchmarks, keyboard users).
    rotateBy(radians) {
      if (!camera || data.dims !== 3) return;
      camera.position.applyAxisAngle(new THREE.Vector3(0, 1, 0), radians);
      camera.lookAt(controls.target);
      controls.update();
      poseVersion += 1;
      lastMove = performance.now();
      requestDraw();
    },
    renderNow() { draw(); },
    destroy() {
      observer.disconnect();
      clearTimeout(settleTimer);
      if (controls) controls.dispose();
      geometry.dispose(); highlightGeometry.dispose();
      baseMaterial.dispose(); highlightMaterial.dispose();
      renderer.dispose();
      renderer.forceContextLoss();
      root.remove();
      for (const set of Object.values(listeners)) set.clear();
    },
  };
}
