// WebGL point cloud for the embedding projector and meshes (three.js). Knows nothing of
// widget models:
//
//   const plot = createScatter(el, { height: 480 });
//   plot.update({ positions, dims, colors, highlight, labels, mode, sprite });   // any subset
//   plot.on("hover" | "click" | "select" | "move", fn) -> unsubscribe   ("move": the camera or
//   the points moved, so screen positions reported before are stale)
//   plot.destroy();
//
// positions: Float32Array of n*3 (x, y, z per point; NaN marks a point the projection does
//   not cover, which is then not drawn and cannot be picked). dims 2 draws x, y with an
//   orthographic camera (drag pans, wheel zooms at the cursor); dims 3 uses a perspective
//   camera orbiting the cloud (drag rotates, right-drag pans, wheel zooms).
// colors: Uint8Array of n*4 RGBA. highlight: indices drawn larger, ringed and on top, while
//   the other points fade toward the background. labels: [{index, text}] shown next to
//   their points (text via textContent only). mode "lasso" (or shift-drag in any mode)
//   draws a free-hand lasso; the points inside are reported through "select". sprite:
//   {bitmap, width, height (one thumbnail), perRow} draws every point as its thumbnail
//   (null: round points again). background: a CSS colour (the theme changed).
// Drawing happens on demand (camera moves, data changes), never in a free-running loop, so
// an idle plot costs nothing. This module holds the renderer, camera and data shown; the pieces
// are in ./scatter/: points.js (data as uploaded), hit.js (screen projection, picking,
// lasso selection), paint.js (the WebGL points, camera frame, lasso, labels), pointer.js
// (gestures).
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import {
  MOVING_LIMIT, SETTLE_MS, drawCount, drawableLabels, highlightPoints, normalise, pointSizes, shuffledOrder, withHiddenAlpha,
} from "./scatter/points.js";
import { pickNearest, pointsInPolygon, projectToScreen } from "./scatter/hit.js";
import { CAMERA_DISTANCE, createCloud, drawLasso, labelPlacement, orthoFrame, perspectiveFov } from "./scatter/paint.js";
import { attachPointer } from "./scatter/pointer.js";

export function createScatter(el, options = {}) {
  const height = options.height || 480;
  const background = new THREE.Color(options.background || "#ffffff");
  const listeners = { hover: new Set(), click: new Set(), select: new Set(), move: new Set() };
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

  const cloud = createCloud(background);

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
    stats.drawn = drawCount(data.n, !!data.order, started - lastMove, movingLimit);
    cloud.setDrawCount(stats.drawn);
    if (stats.drawn < data.n && !settleTimer) {
      settleTimer = setTimeout(() => { settleTimer = null; requestDraw(); }, SETTLE_MS + 10);
    }
    renderer.render(cloud.scene, camera);
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
    if (data.dims === 2) {
      if (!(camera && camera.isOrthographicCamera) || reset) {
        camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -10, 10);
        camera.position.set(0, 0, 5);
        makeControls();
      }
      Object.assign(camera, orthoFrame(aspect));
    } else {
      if (!(camera && camera.isPerspectiveCamera) || reset) {
        camera = new THREE.PerspectiveCamera(45, aspect, 0.01, 100);
        camera.position.set(0, 0, CAMERA_DISTANCE);
        makeControls();
      }
      camera.aspect = aspect;
      camera.fov = perspectiveFov(aspect); // refits a resized canvas, keeping the user's orbit and zoom
    }
    camera.updateProjectionMatrix();
    cloud.setStyle(pointSizes(data.n, renderer.getPixelRatio(), options.pointSize), data.dims === 3);
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
    controls.addEventListener("change", () => { poseVersion += 1; lastMove = performance.now(); requestDraw(); emit("move"); });
  }

  // ---- data --------------------------------------------------------------------------------
  function setPositions(positions, dims) {
    const result = normalise(positions, dims);
    const n = result.hidden.length;
    data.n = n; data.dims = dims; data.positions = result.positions; data.hidden = result.hidden;
    stats.points = result.visible;
    root.dataset.jtbPoints = String(result.visible);
    data.order = n > movingLimit ? shuffledOrder(n) : null;
    cloud.setPositions(data.positions, data.order);
    if (data.colors.length !== 4 * n) setColors(new Uint8Array(4 * n).fill(96));
    else applyColors();
    setHighlight(data.highlight.filter((i) => i < n));
    fitCamera(true);
    emit("move"); // every point moved: whatever pointed at one (a tooltip) is stale
  }

  function applyColors() {
    cloud.setColors(withHiddenAlpha(data.colors, data.hidden), data.order); // own copy: alpha 0 marks hidden points
  }

  function setColors(colors) {
    data.colors = colors;
    applyColors();
    setHighlight(data.highlight);
    requestDraw();
  }

  function setHighlight(indices) {
    const shown = highlightPoints(indices, data.positions, data.colors, data.hidden);
    data.highlight = shown.keep;
    cloud.setHighlight(shown);
    requestDraw();
  }

  function setLabels(list) {
    labelLayer.replaceChildren();
    labels = drawableLabels(list, data.hidden).map((item) => {
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
      const place = labelPlacement(v.x, v.y, v.z, width, heightPx);
      node.style.display = place.visible ? "" : "none";
      node.style.transform = place.transform;
    }
  }

  // ---- picking and selection ---------------------------------------------------------------
  // screen positions for the current camera pose, computed once per pose
  function screenPositions() {
    if (screen.version === poseVersion && screen.xy.length === 2 * data.n) return screen;
    camera.updateMatrixWorld();
    const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse).elements;
    screen = { version: poseVersion, ...projectToScreen(m, data.positions, data.hidden, width, heightPx) };
    return screen;
  }

  function pick(x, y) {
    if (!camera || !data.n) return -1;
    return pickNearest(screenPositions(), x, y);
  }

  function selectInside(polygon) {
    return pointsInPolygon(screenPositions(), polygon);
  }

  function emit(kind, ...args) {
    for (const fn of [...listeners[kind]]) {
      try { fn(...args); } catch (error) { console.error(error); }
    }
  }

  const detachPointer = attachPointer(canvas, {
    lassoMode: () => mode === "lasso",
    setOrbit: (enabled) => { if (controls) controls.enabled = enabled; },
    pick,
    selectInside,
    drawLasso: (polygon) => drawLasso(overlay.getContext("2d"), polygon, overlay.width, overlay.height),
    emit,
  });

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
      if (next.background) {
        background.set(next.background);
        renderer.setClearColor(background, 1);
        cloud.setBackground(background);
      }
      if (next.sprite !== undefined) { cloud.setSprite(next.sprite); root.dataset.jtbSprites = next.sprite ? "1" : "0"; }
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
    resetView() { fitCamera(true); emit("move"); },
    // Turn the 3-D camera about the vertical axis (benchmarks, keyboard users).
    rotateBy(radians) {
      if (!camera || data.dims !== 3) return;
      camera.position.applyAxisAngle(new THREE.Vector3(0, 1, 0), radians);
      camera.lookAt(controls.target);
      controls.update();
      poseVersion += 1;
      lastMove = performance.now();
      requestDraw();
      emit("move");
    },
    renderNow() { draw(); },
    destroy() {
      observer.disconnect();
      clearTimeout(settleTimer);
      detachPointer();
      if (controls) controls.dispose();
      cloud.dispose();
      renderer.dispose();
      renderer.forceContextLoss();
      root.remove();
      for (const set of Object.values(listeners)) set.clear();
    },
  };
}
