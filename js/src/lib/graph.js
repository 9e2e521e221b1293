// Model graph view: a layered DAG of the currently expanded name scopes, on canvas, with a
// toolbar and a details panel. This module holds the view's state and its interaction
// (drag pans, wheel zooms about the cursor, a click selects, expands or collapses); the
// pieces it puts together are plain functions in ./graph/:
//   hierarchy.js  the scope tree and the items drawn for a set of expanded scopes
//   layout.js     where they go (nested per-scope layouts, cached per scope and child sizes)
//   viewport.js   the camera (fit, zoom, reveal), culling and what lies under the pointer
//   paint.js      drawing one frame
//   details.js    the details panel
//   style.js      colour by device / structure, edge shapes, trace inputs, search
//
// Only the visible graph is laid out: every op is drawn as its outermost collapsed ancestor
// (a metanode), edges between the same two drawn items are merged (their count sets the
// stroke width), expanded scopes become boxes around their own layout. Layouts are cached
// per set of expanded scopes, so collapsing back or re-expanding costs nothing.
//
// Every user string (node names, ops, attribute values) reaches the DOM as textContent or is
// painted with canvas fillText; nothing is parsed as HTML.
import { KIND_SCOPE, buildHierarchy, initialOpen, openAll, openAncestors, openKey, toggleScope } from "./graph/hierarchy.js";
import { layoutScene, levelEdges } from "./graph/layout.js";
import { boxIntoView, centreOn, clickPoint, fitView, itemAt, keepAnchored, worldRect, zoomAbout } from "./graph/viewport.js";
import { MIN_TEXT_PX, graphInk, paintGraph, themedFill } from "./graph/paint.js";
import { showDetails } from "./graph/details.js";
import { onThemeChange, themeColors } from "./theme.js";
import { deviceColours, drawnMarked, edgeShapes, inputAncestry, mergedEdgeLabel, searchItems, structureColours } from "./graph/style.js";

const CACHE_SIZE = 24; // whole-view layouts kept (per set of expanded scopes)
const LEVEL_CACHE_SIZE = 50000; // per-scope level layouts kept (small objects)
const DRAG_SLOP = 3; // pixels a press may move and still be a click
const LEGIBLE_ZOOM = MIN_TEXT_PX / 11 + 0.02; // op names (11 px at zoom 1) at least MIN_TEXT_PX

export function createGraphView(el, model, { onSelect = null, height = 560 } = {}) {
  el.classList.add("jtb-graph");
  const toolbar = document.createElement("div");
  toolbar.className = "jtb-graph-toolbar";
  const body = document.createElement("div");
  body.className = "jtb-graph-body"; // side by side, stacked on narrow views (style.css)
  body.style.setProperty("--jtb-graph-height", `${height}px`);
  const stage = document.createElement("div");
  stage.className = "jtb-graph-stage";
  stage.style.cssText = "position:relative;min-width:0;border-radius:4px;overflow:hidden;";
  const canvas = document.createElement("canvas");
  canvas.style.cssText = "display:block;width:100%;height:100%;cursor:grab;touch-action:none;";
  const hint = document.createElement("div"); // said when the zoom leaves every name out
  hint.className = "jtb-graph-hint";
  hint.setAttribute("data-jtb-graph-hint", "");
  hint.style.cssText = "position:absolute;left:8px;bottom:6px;font:12px sans-serif;pointer-events:none;display:none;";
  stage.append(canvas, hint);
  const panel = document.createElement("div");
  panel.className = "jtb-graph-details";
  panel.style.cssText = "overflow:auto;font:12px sans-serif;border-radius:4px;padding:8px;";
  body.append(stage, panel);
  const legend = document.createElement("div");
  legend.className = "jtb-graph-legend";
  legend.setAttribute("data-jtb-graph-legend", "");
  el.append(toolbar, legend, body);

  const button = (text, title, fn) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.title = title;
    b.addEventListener("click", fn);
    toolbar.append(b);
    return b;
  };
  const status = document.createElement("span");
  status.className = "jtb-graph-status";
  status.style.cssText = "margin-left:8px;color:#6b7785;font:12px sans-serif;";

  let h = null, lev = null, open = null, scene = null, selected = -1;
  let cache = new Map(); // open-set key -> scene {vis, lay, paths}
  let levelCache = new Map(); // scope + child sizes -> level layout
  let view = { k: 1, x: 0, y: 0 };
  let fitted = true; // the view is a plain fit (no pan, zoom or reveal since): refit on resize
  let frame = 0;
  const timings = { layout_ms: 0, draw_ms: 0, cached: false };
  const canvasSize = () => ({ w: canvas.clientWidth || 600, ht: canvas.clientHeight || height });

  button("Fit", "Fit the graph to the view", () => { fit(); draw(); });
  button("Collapse all", "Collapse every scope", () => { open.fill(0); relayout(-1); fit(); });
  // Expand all: the whole graph rarely fits legibly; show its top at the smallest zoom where op
  // names are readable (Fit still shows all of it, with names left out rather than smeared)
  button("Expand all", "Expand every scope", () => { openAll(h, open); relayout(-1); fit(LEGIBLE_ZOOM); draw(); });

  // search: matches are ringed; Enter (or the ▸ button) reveals the next one
  const search = document.createElement("input");
  search.type = "search";
  search.placeholder = "search nodes (text or /regex/)";
  search.size = 26; // room for the placeholder
  search.setAttribute("data-jtb-graph-search", "");
  const found = document.createElement("span");
  found.setAttribute("data-jtb-graph-matches", "");
  let matches = [], matchAt = -1;
  search.addEventListener("input", () => { matches = searchItems(h, search.value); matchAt = -1; found.textContent = search.value ? `${matches.length} found` : ""; restyle(); });
  search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") nextMatch(); });
  toolbar.append(search, found);
  button("▸", "Show the next match", () => nextMatch());

  const colourBy = document.createElement("select");
  colourBy.setAttribute("data-jtb-graph-color", "");
  for (const [value, text] of [["none", "colour: none"], ["structure", "colour: structure"], ["device", "colour: device"]]) {
    const o = document.createElement("option"); o.value = value; o.textContent = text; colourBy.append(o);
  }
  colourBy.addEventListener("change", () => restyle());
  const traceBox = document.createElement("input");
  traceBox.type = "checkbox";
  traceBox.setAttribute("data-jtb-graph-trace", "");
  traceBox.addEventListener("change", () => restyle());
  const traceLabel = document.createElement("label");
  traceLabel.title = "highlight every op the selected node depends on";
  traceLabel.append(traceBox, "trace inputs");
  toolbar.append(colourBy, traceLabel, status);

  let look = {}, shapes = [], colours = {};
  // the layers over the drawing (colours, trace, search marks, edge shapes) for the current scene
  function restyle() {
    if (!h || !scene) return;
    const mode = colourBy.value;
    const ink = themeColors(stage);
    const scheme = mode === "device" ? (colours.device ||= deviceColours(h)) : mode === "structure" ? (colours.structure ||= structureColours(h)) : null;
    const trace = traceBox.checked && selected >= 0 ? drawnMarked(scene.vis, inputAncestry(h, selected)) : null;
    const drawnMatches = new Set(matches.map((i) => scene.vis.rep[i]));
    const nodeInk = graphInk(ink.dark);
    look = { fill: scheme && scheme.fill, bright: trace, marks: drawnMatches, edgeLabel: (ed) => mergedEdgeLabel(h, scene.vis, shapes, ed), muted: ink.fg, halo: ink.bg, ink: nodeInk };
    legend.replaceChildren(...(scheme ? scheme.legend : []).map(([name, colour]) => {
      const item = document.createElement("span");
      item.setAttribute("data-jtb-graph-legend-entry", name);
      if (colour) { const sw = document.createElement("span"); sw.style.cssText = `display:inline-block;width:10px;height:10px;margin-right:4px;border:1px solid #888;background:${themedFill(colour, nodeInk)}`; item.append(sw); }
      item.append(name);
      return item;
    }));
    el.dataset.traced = trace ? String(trace.size) : "";
    draw();
  }

  function nextMatch() {
    if (!matches.length) return;
    matchAt = (matchAt + 1) % matches.length;
    reveal(matches[matchAt]);
    const p = scene.lay.pos.get(matches[matchAt]);
    if (p) { view = { ...view, k: Math.max(view.k, 1) }; view = centreOn(view, p, canvas.clientWidth, canvas.clientHeight); }
    restyle();
  }

  function setModel(next) {
    h = buildHierarchy(next);
    shapes = edgeShapes(h);
    colours = {};
    matches = searchItems(h, search.value);
    lev = levelEdges(h);
    open = initialOpen(h);
    cache = new Map();
    levelCache = new Map();
    selected = -1;
    relayout(-1);
    fit();
    details(-1);
  }

  // lay out the current open set (cached), keeping item `anchor` (or -1) where it was
  function relayout(anchor) {
    const before = anchor >= 0 && scene && scene.lay.pos.get(anchor);
    const key = openKey(open);
    const t0 = performance.now();
    let hit = cache.get(key);
    timings.cached = !!hit;
    if (!hit) {
      if (levelCache.size > LEVEL_CACHE_SIZE) levelCache.clear();
      hit = layoutScene(h, lev, open, levelCache);
      cache.set(key, hit);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
    }
    scene = hit;
    timings.layout_ms = performance.now() - t0;
    const after = before && scene.lay.pos.get(anchor);
    if (before && after) view = keepAnchored(view, before, after);
    status.textContent = `${h.model.n_ops[0]} ops · ${scene.vis.items.length} shown · layout ${timings.layout_ms.toFixed(0)} ms`;
    el.dataset.visible = String(scene.vis.items.length);
    el.dataset.layoutMs = timings.layout_ms.toFixed(1);
    restyle();
  }

  // fit the graph to the canvas; with minZoom, never below it (then centred at the top)
  function fit(minZoom = 0) {
    if (!scene) return;
    fitted = !minZoom;
    const { w, ht } = canvasSize();
    view = fitView(scene.lay.width, scene.lay.height, w, ht);
    if (view.k < minZoom) view = { k: minZoom, x: Math.min(10, (w - scene.lay.width * minZoom) / 2), y: 10 };
  }

  function draw() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; paint(); });
  }

  function paint() {
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, ht = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(ht * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(ht * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, ht);
    if (!scene) return;
    ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
    const painted = paintGraph(ctx, h, scene, view, worldRect(view, w, ht), selected, look);
    timings.draw_ms = performance.now() - t0;
    el.dataset.labels = String(painted.labels);
    hint.style.display = painted.labels || !scene.vis.items.length ? "none" : "";
    hint.textContent = `${scene.vis.items.length} items too small to label here: zoom in (wheel), search, or Expand all`;
    el.dataset.minLabelPx = painted.labels ? painted.minLabelPx.toFixed(1) : "";
    el.dataset.zoom = view.k.toFixed(3);
    el.dataset.drawMs = timings.draw_ms.toFixed(2);
  }

  function toggle(i) {
    toggleScope(h, open, i);
    relayout(i);
    if (open[i]) showBox(scene.lay.pos.get(i));
  }

  function showBox(p) {
    if (!p) return;
    fitted = false;
    const { w, ht } = canvasSize();
    view = boxIntoView(view, p, w, ht);
    draw();
  }

  // expand every ancestor of an item, then centre on it (used by input/output links)
  function reveal(i) {
    fitted = false;
    openAncestors(h, open, i);
    relayout(-1);
    const p = scene.lay.pos.get(i);
    if (p) view = centreOn(view, p, canvas.clientWidth, canvas.clientHeight);
    select(i);
  }

  function select(i) {
    selected = i;
    details(i);
    restyle();
    if (onSelect) onSelect(i >= 0 ? h.names[i] : null);
  }

  function details(i) {
    showDetails(panel, h, i, i >= 0 && !!open[i], reveal);
  }

  // ---- pointer: drag pans, wheel zooms about the cursor, a click (no drag) acts
  let drag = null;
  const local = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  const onDown = (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.setPointerCapture?.(ev.pointerId);
    canvas.style.cursor = "grabbing";
  };
  const onMove = (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > DRAG_SLOP) drag.moved = true;
    if (drag.moved) fitted = false;
    view = { k: view.k, x: drag.vx + dx, y: drag.vy + dy };
    draw();
  };
  const onUp = (ev) => {
    if (!drag) return;
    const moved = drag.moved;
    drag = null;
    canvas.style.cursor = "grab";
    if (moved) return;
    const [cx, cy] = local(ev);
    const i = itemAt(scene.vis.items, scene.lay.pos, view, cx, cy);
    if (i < 0) return select(-1);
    if (h.model.kind[i] === KIND_SCOPE) toggle(i);
    select(i);
  };
  const onWheel = (ev) => {
    ev.preventDefault();
    fitted = false;
    const [cx, cy] = local(ev);
    view = zoomAbout(view, cx, cy, ev.deltaY);
    draw();
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  canvas.addEventListener("pointerdown", onDown, { signal });
  canvas.addEventListener("pointermove", onMove, { signal });
  canvas.addEventListener("pointerup", onUp, { signal });
  canvas.addEventListener("wheel", onWheel, { passive: false, signal });
  const resize = new ResizeObserver(() => { if (fitted) fit(); draw(); });
  resize.observe(stage);
  const unTheme = onThemeChange(() => restyle());

  setModel(model);

  return {
    update(next) { setModel(next); },
    expand(name) { const i = h.scopeByName.get(name); if (i !== undefined && !open[i]) toggle(i); },
    expandAll() { openAll(h, open); relayout(-1); },
    fit() { fit(); draw(); },
    collapse(name) { const i = h.scopeByName.get(name); if (i !== undefined && open[i]) toggle(i); },
    select(name) { const i = name == null ? -1 : h.byName.get(name); if (i !== undefined) (i >= 0 ? reveal(i) : select(-1)); },
    timings,
    // centre of a drawn item in canvas pixels (null when not drawn): for tests and tooling
    locate(name) {
      const drawn = [h.byName.get(name), h.scopeByName.get(name)].filter((i) => i !== undefined && scene.lay.pos.has(i));
      return drawn.length ? clickPoint(view, scene.lay.pos.get(drawn[0])) : null;
    },
    // for tests and tooling: drawn edges with their labels, an item's fill, the traced items
    edgeLabels: () => scene.vis.edges.map((ed) => [h.names[ed.src], h.names[ed.dst], look.edgeLabel ? look.edgeLabel(ed) : ""]),
    fillOf: (name) => (look.fill ? look.fill[h.byName.get(name) ?? h.scopeByName.get(name)] ?? null : null),
    traced: () => (look.bright ? [...look.bright].map((i) => h.names[i]) : []),
    state: () => ({ visible: scene.vis.items.length, edges: scene.vis.edges.length, view: { ...view }, selected: selected >= 0 ? h.names[selected] : null }),
    destroy() {
      cancelAnimationFrame(frame);
      resize.disconnect();
      unTheme();
      listening.abort();
      el.replaceChildren();
    },
  };
}
