// Model graph drawing: a layered DAG of the currently expanded name scopes, on canvas.
//
// Input is the column form built by jupyter_tb/graph_model.py: per-item typed arrays
// (name, parent, kind, op, device, dtype, shapes, n_ops, attr_offsets/key/value) indexing
// one `strings` table, plus op-to-op edges (edge_src, edge_dst, edge_slot, edge_control).
// Item 0 is the root scope; items are ordered parents-first.
//
// Only the visible graph is laid out: every op is drawn as its outermost collapsed
// ancestor (a metanode), edges between the same two drawn items are merged (their count
// sets the stroke width), expanded scopes become dagre clusters. Layouts are cached per
// set of expanded scopes, so collapsing back or re-expanding costs nothing. Graphs too big
// for dagre to lay out interactively fall back to a quick layered layout.
//
// Every user string (node names, ops, attribute values) reaches the DOM as textContent or
// is painted with canvas fillText; nothing is parsed as HTML.

import dagre from "@dagrejs/dagre";

const KIND_OP = 0;
const KIND_SCOPE = 1;
const CACHE_SIZE = 24; // whole-view layouts kept (per set of expanded scopes)
const LEVEL_CACHE_SIZE = 50000; // per-scope level layouts kept (small objects)
const COLORS = {
  op: "#ffffff", opStroke: "#5f6b7a", meta: "#dbe7f6", metaStroke: "#44698f",
  cluster: "rgba(120,150,190,0.08)", clusterStroke: "#8aa2c0", edge: "#8a9099",
  control: "#b0b6bd", selected: "#f28e2b", text: "#1f2933", muted: "#6b7785",
};

// ---------------------------------------------------------------- hierarchy (pure)

export function buildHierarchy(model) {
  const n = model.parent.length;
  const s = (i) => (i >= 0 ? model.strings[i] : "");
  const names = new Array(n);
  const labels = new Array(n);
  const children = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    names[i] = s(model.name[i]);
    const p = model.parent[i];
    if (p >= 0) children[p].push(i);
    const seg = names[i].slice(names[i].lastIndexOf("/") + 1);
    // an op named like its enclosing scope ("dense" inside "dense/") shows as "(dense)"
    labels[i] = p > 0 && names[p] === names[i] ? `(${seg})` : seg;
  }
  const byName = new Map(); // ops win over a same-named scope
  const scopeByName = new Map();
  for (let i = 0; i < n; i++) {
    if (model.kind[i] === KIND_SCOPE) scopeByName.set(names[i], i);
    const prior = byName.get(names[i]);
    if (prior === undefined || model.kind[prior] === KIND_SCOPE) byName.set(names[i], i);
  }
  return { model, n, names, labels, children, byName, scopeByName, str: s };
}

// For each item the item drawn in its place; `open` is a Uint8Array of expanded scopes.
export function representatives(h, open) {
  const { parent } = h.model;
  const rep = new Int32Array(h.n);
  for (let i = 0; i < h.n; i++) {
    rep[i] = i;
    const p = parent[i];
    if (p < 0) continue;
    if (rep[p] !== p) rep[i] = rep[p];
    else if (p !== 0 && !open[p]) rep[i] = p;
  }
  return rep;
}

// The drawn graph: items (ops, collapsed scopes, expanded clusters) and merged edges.
export function visibleGraph(h, open) {
  const rep = representatives(h, open);
  const items = [];
  for (let i = 1; i < h.n; i++) if (rep[i] === i) items.push(i);
  const { edge_src: es, edge_dst: ed, edge_control: ec } = h.model;
  const merged = new Map();
  for (let e = 0; e < es.length; e++) {
    const a = rep[es[e]], b = rep[ed[e]];
    if (a === b) continue;
    const key = (a * h.n + b) * 2 + ec[e];
    merged.set(key, (merged.get(key) || 0) + 1);
  }
  const edges = [];
  for (const [key, count] of merged) {
    const control = key % 2;
    const pair = (key - control) / 2;
    edges.push({ src: Math.floor(pair / h.n), dst: pair % h.n, control, count });
  }
  return { items, edges, rep };
}

// ---------------------------------------------------------------- layout
//
// Nested layout, one small layered graph per expanded scope (as TensorBoard does): a
// scope's children are laid out among themselves with the op edges lifted to them, and
// an expanded child is a box as large as its own layout. Each level's layout depends only
// on the scope and the sizes of its children, so it is cached under that key: expanding
// one block re-lays just the block and the levels above it, never the whole graph.

const PAD = 10; // inside a cluster box
const HEADER = 20; // cluster label band
// Levels between these sizes go through dagre (routed edges); tiny levels (a chain of a
// few ops: dagre's fixed cost dominates) and wide ones use the quick layering.
const DAGRE_LEVEL_MIN = 6;
const DAGRE_LEVEL_LIMIT = 100;

function nodeSize(h, i) {
  const label = h.labels[i];
  if (h.model.kind[i] === KIND_OP) return { width: Math.min(200, Math.max(44, label.length * 6.6 + 18)), height: 24 };
  const sub = `${h.model.n_ops[i]} ops`;
  const chars = Math.max(label.length, sub.length);
  return { width: Math.min(220, Math.max(70, chars * 7 + 26)), height: 38 };
}

// Op edges grouped by the scope where they are drawn: the lowest common ancestor of their
// ends, between the two children of that scope that contain the ends. Fixed per model.
export function levelEdges(h) {
  const { parent, edge_src: es, edge_dst: ed, edge_control: ec } = h.model;
  const depth = new Int32Array(h.n);
  for (let i = 1; i < h.n; i++) depth[i] = depth[parent[i]] + 1;
  const levels = new Map();
  for (let e = 0; e < es.length; e++) {
    let a = es[e], b = ed[e];
    if (a === b) continue;
    while (depth[a] > depth[b]) a = parent[a];
    while (depth[b] > depth[a]) b = parent[b];
    while (parent[a] !== parent[b]) { a = parent[a]; b = parent[b]; }
    if (a === b) continue;
    const scope = parent[a];
    let m = levels.get(scope);
    if (!m) levels.set(scope, (m = new Map()));
    const key = `${a}>${b}`;
    const prior = m.get(key);
    if (prior) { prior.count++; prior.control = prior.control && ec[e] === 1; }
    else m.set(key, { a, b, count: 1, control: ec[e] === 1 });
  }
  return { depth, levels };
}

function layoutLevel(h, lev, scope, kids, sizes) {
  const edges = [...(lev.levels.get(scope)?.values() || [])];
  const useDagre = kids.length >= DAGRE_LEVEL_MIN && kids.length <= DAGRE_LEVEL_LIMIT;
  return useDagre ? dagreLevel(kids, sizes, edges) : quickLevel(kids, sizes, edges);
}

function dagreLevel(kids, sizes, edges) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 16, ranksep: 30, edgesep: 8, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  kids.forEach((k, j) => g.setNode(String(k), { width: sizes[j].width, height: sizes[j].height }));
  for (const e of edges) g.setEdge(String(e.a), String(e.b), { weight: e.control ? 1 : 2 });
  dagre.layout(g);
  const pos = new Map(kids.map((k) => { const n = g.node(String(k)); return [k, { x: n.x, y: n.y }]; }));
  const routes = new Map(edges.map((e) => [`${e.a}>${e.b}`, g.edge(String(e.a), String(e.b))?.points || null]));
  const gr = g.graph();
  return { pos, routes, width: gr.width || 0, height: gr.height || 0 };
}

// Longest-path ranks, two barycenter sweeps, one row per rank: linear-ish, for levels too
// wide for dagre to stay interactive. Edges are drawn straight.
function quickLevel(kids, sizes, edges) {
  const m = kids.length;
  const index = new Map(kids.map((k, j) => [k, j]));
  const outs = Array.from({ length: m }, () => []);
  const ins = Array.from({ length: m }, () => []);
  const indeg = new Int32Array(m);
  for (const e of edges) {
    const a = index.get(e.a), b = index.get(e.b);
    outs[a].push(b); ins[b].push(a); indeg[b]++;
  }
  const rank = new Int32Array(m);
  const done = new Uint8Array(m);
  const queue = [];
  for (let j = 0; j < m; j++) if (!indeg[j]) queue.push(j);
  for (let q = 0; q < m; q++) {
    if (q === queue.length) {
      // stuck on a cycle (control deps between scopes make them common): release the
      // waiting node with the fewest unmet inputs, as if those edges pointed back
      let best = -1;
      for (let j = 0; j < m; j++) if (!done[j] && (best < 0 || indeg[j] < indeg[best])) best = j;
      indeg[best] = 0;
      queue.push(best);
    }
    const a = queue[q];
    done[a] = 1;
    for (const b of outs[a]) {
      if (done[b]) continue; // an edge closing a cycle
      if (rank[a] + 1 > rank[b]) rank[b] = rank[a] + 1;
      if (--indeg[b] === 0) queue.push(b);
    }
  }
  const rows = [];
  for (let j = 0; j < m; j++) (rows[rank[j]] ||= []).push(j);
  const order = new Float64Array(m);
  const dense = rows.filter(Boolean);
  dense.forEach((row) => row.forEach((j, o) => (order[j] = o)));
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const row of dense) {
      const bary = new Map(row.map((j) => [j, ins[j].length ? ins[j].reduce((s, a) => s + order[a], 0) / ins[j].length : order[j]]));
      row.sort((a, b) => bary.get(a) - bary.get(b));
      row.forEach((j, o) => (order[j] = o));
    }
  }
  const rowWidths = dense.map((row) => row.reduce((s, j) => s + sizes[j].width + 16, -16));
  const width = Math.max(0, ...rowWidths);
  const pos = new Map();
  let y = 0;
  dense.forEach((row, r) => {
    let x = (width - rowWidths[r]) / 2;
    const rowH = Math.max(...row.map((j) => sizes[j].height));
    for (const j of row) {
      pos.set(kids[j], { x: x + sizes[j].width / 2, y: y + rowH / 2 });
      x += sizes[j].width + 16;
    }
    y += rowH + 30;
  });
  return { pos, routes: new Map(), width, height: Math.max(0, y - 30) };
}

// Lay out the visible graph: returns absolute boxes of drawn items and edge polylines.
export function layoutGraph(h, lev, open, cache) {
  const kidsOf = h.children;
  const boxes = new Map(); // expanded scope -> its level layout (content size)
  const sizeOf = (i) => {
    if (h.model.kind[i] === KIND_SCOPE && open[i]) {
      const inner = solve(i);
      return { width: Math.max(inner.width + 2 * PAD, h.labels[i].length * 7 + 30), height: inner.height + HEADER + PAD };
    }
    return nodeSize(h, i);
  };
  const solve = (scope) => {
    const kids = kidsOf[scope];
    const sizes = kids.map(sizeOf);
    const key = `${scope}|${sizes.map((s) => `${s.width},${s.height}`).join(";")}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = layoutLevel(h, lev, scope, kids, sizes);
      cache.set(key, hit);
    }
    boxes.set(scope, { layout: hit, sizes, kids });
    return hit;
  };
  const root = solve(0);
  // absolute placement, parents first
  const pos = new Map();
  const origin = new Map([[0, { x: 20, y: 20 }]]);
  const place = (scope) => {
    const { layout, sizes, kids } = boxes.get(scope);
    const o = origin.get(scope);
    kids.forEach((k, j) => {
      const p = layout.pos.get(k);
      const cluster = h.model.kind[k] === KIND_SCOPE && !!open[k];
      const b = { x: o.x + p.x, y: o.y + p.y, w: sizes[j].width, h: sizes[j].height, cluster };
      pos.set(k, b);
      if (cluster) {
        const inner = boxes.get(k).layout;
        origin.set(k, { x: b.x - inner.width / 2, y: b.y - b.h / 2 + HEADER });
        place(k);
      }
    });
  };
  place(0);
  return { pos, origin, boxes, width: root.width + 40, height: root.height + 40 };
}

// The polyline of one drawn edge (reps a -> b): the route between the two children of
// their common scope, extended from/to the real ends when those sit inside clusters.
export function edgePath(h, lev, lay, a, b) {
  let x = a, y = b;
  const { depth } = lev;
  const parent = h.model.parent;
  while (depth[x] > depth[y]) x = parent[x];
  while (depth[y] > depth[x]) y = parent[y];
  while (parent[x] !== parent[y]) { x = parent[x]; y = parent[y]; }
  const pa = lay.pos.get(a), pb = lay.pos.get(b);
  const start = { x: pa.x, y: pa.y + pa.h / 2 }, end = { x: pb.x, y: pb.y - pb.h / 2 };
  const level = lay.boxes.get(parent[x]);
  const route = level && level.layout.routes.get(`${x}>${y}`);
  if (!route) return [start, end];
  const o = lay.origin.get(parent[x]);
  const pts = route.map((p) => ({ x: o.x + p.x, y: o.y + p.y }));
  if (x !== a) pts.unshift(start);
  if (y !== b) pts.push(end);
  return pts;
}

// ---------------------------------------------------------------- details panel

function row(parent, key, value) {
  if (value === "" || value === undefined || value === null) return;
  const dt = document.createElement("dt");
  dt.textContent = key;
  const dd = document.createElement("dd");
  dd.textContent = String(value);
  dd.style.cssText = "margin:0;word-break:break-all;";
  parent.append(dt, dd);
}

function nodeDetails(h, i) {
  const m = h.model;
  const out = { name: h.names[i], kind: m.kind[i] === KIND_OP ? "op" : "scope" };
  if (m.kind[i] === KIND_SCOPE) {
    out.n_ops = m.n_ops[i];
    return out;
  }
  out.op = h.str(m.op[i]);
  out.device = h.str(m.device[i]);
  out.dtype = h.str(m.dtype[i]);
  out.shapes = h.str(m.shapes[i]);
  out.attributes = [];
  for (let a = m.attr_offsets[i]; a < m.attr_offsets[i + 1]; a++) out.attributes.push([h.str(m.attr_key[a]), h.str(m.attr_value[a])]);
  out.inputs = [];
  out.outputs = [];
  for (let e = 0; e < m.edge_src.length; e++) {
    if (m.edge_dst[e] === i) out.inputs.push(edgeEnd(h, e, m.edge_src[e]));
    if (m.edge_src[e] === i) out.outputs.push(edgeEnd(h, e, m.edge_dst[e]));
  }
  return out;
}

function edgeEnd(h, e, item) {
  const m = h.model;
  if (m.edge_control[e]) return { item, text: `^${h.names[item]}` };
  return { item, text: m.edge_slot[e] ? `${h.names[item]}:${m.edge_slot[e]}` : h.names[item] };
}

function opHistogram(h, scope) {
  const counts = new Map();
  const m = h.model;
  for (let i = scope + 1; i < h.n; i++) {
    if (m.kind[i] !== KIND_OP) continue;
    let p = m.parent[i];
    while (p > scope) p = m.parent[p];
    if (p !== scope) continue;
    const op = h.str(m.op[i]);
    counts.set(op, (counts.get(op) || 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

// ---------------------------------------------------------------- the view

export function createGraphView(el, model, { onSelect = null, height = 560 } = {}) {
  el.classList.add("jtb-graph");
  const toolbar = document.createElement("div");
  toolbar.className = "jtb-graph-toolbar";
  const body = document.createElement("div");
  body.className = "jtb-graph-body";
  body.style.cssText = `display:flex;gap:8px;height:${height}px;`;
  const stage = document.createElement("div");
  stage.style.cssText = "position:relative;flex:1 1 auto;min-width:0;border:1px solid #d0d7de;border-radius:4px;overflow:hidden;background:#fafbfc;";
  const canvas = document.createElement("canvas");
  canvas.style.cssText = "display:block;width:100%;height:100%;cursor:grab;touch-action:none;";
  stage.append(canvas);
  const panel = document.createElement("div");
  panel.className = "jtb-graph-details";
  panel.style.cssText = "flex:0 0 300px;overflow:auto;font:12px sans-serif;border:1px solid #d0d7de;border-radius:4px;padding:8px;background:#fff;";
  body.append(stage, panel);
  el.append(toolbar, body);

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

  let h = null, lev = null, open = null, vis = null, lay = null, paths = [], selected = -1;
  let cache = new Map(); // open-set key -> { vis, lay, paths }
  let levelCache = new Map(); // scope + child sizes -> level layout
  const view = { k: 1, x: 0, y: 0 };
  let frame = 0;
  const timings = { layout_ms: 0, draw_ms: 0, cached: false };

  button("Fit", "Fit the graph to the view", () => { fit(); draw(); });
  button("Collapse all", "Collapse every scope", () => { open.fill(0); relayout(-1); fit(); });
  button("Expand all", "Expand every scope", () => { expandAll(); fit(); draw(); });
  toolbar.append(status);

  function setModel(next) {
    h = buildHierarchy(next);
    lev = levelEdges(h);
    open = new Uint8Array(h.n);
    cache = new Map();
    levelCache = new Map();
    selected = -1;
    // a graph with a single top-level scope starts with that scope open
    if (h.children[0].length === 1 && next.kind[h.children[0][0]] === KIND_SCOPE) open[h.children[0][0]] = 1;
    relayout(-1);
    fit();
    showDetails(-1);
  }

  function relayout(anchor) {
    const before = anchor >= 0 && lay && lay.pos.get(anchor);
    const key = openKey();
    const t0 = performance.now();
    let hit = cache.get(key);
    timings.cached = !!hit;
    if (!hit) {
      const v = visibleGraph(h, open);
      if (levelCache.size > LEVEL_CACHE_SIZE) levelCache.clear();
      const l = layoutGraph(h, lev, open, levelCache);
      hit = { vis: v, lay: l, paths: v.edges.map((e) => edgePath(h, lev, l, e.src, e.dst)) };
      cache.set(key, hit);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
    }
    vis = hit.vis;
    lay = hit.lay;
    paths = hit.paths;
    timings.layout_ms = performance.now() - t0;
    // keep the clicked item under the cursor: shift the view by how far it moved
    const after = before && lay.pos.get(anchor);
    if (before && after) {
      view.x += (before.x - after.x) * view.k;
      view.y += (before.y - before.h / 2 - (after.y - after.h / 2)) * view.k;
    }
    status.textContent = `${h.model.n_ops[0]} ops · ${vis.items.length} shown · layout ${timings.layout_ms.toFixed(0)} ms`;
    el.dataset.visible = String(vis.items.length);
    el.dataset.layoutMs = timings.layout_ms.toFixed(1);
    draw();
  }

  function openKey() {
    let key = "";
    for (let i = 0; i < h.n; i++) if (open[i]) key += i + ",";
    return key;
  }

  function fit() {
    if (!lay) return;
    const w = canvas.clientWidth || 600, ht = canvas.clientHeight || height;
    const k = Math.min(2, Math.min(w / (lay.width + 40), ht / (lay.height + 40)));
    view.k = k > 0 && isFinite(k) ? k : 1;
    view.x = (w - lay.width * view.k) / 2;
    view.y = Math.max(10, (ht - lay.height * view.k) / 2);
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
    if (!lay) return;
    ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
    // visible world rectangle, for culling
    const x0 = -view.x / view.k, y0 = -view.y / view.k, x1 = x0 + w / view.k, y1 = y0 + ht / view.k;
    const inView = (p) => p.x + p.w / 2 >= x0 && p.x - p.w / 2 <= x1 && p.y + p.h / 2 >= y0 && p.y - p.h / 2 <= y1;
    const showText = view.k > 0.35;
    if (!showText) {
      paintOverview(ctx, inView, x0, y0, x1, y1);
      timings.draw_ms = performance.now() - t0;
      el.dataset.drawMs = timings.draw_ms.toFixed(2);
      return;
    }
    // clusters, outermost first (items are parents-first)
    for (const i of vis.items) {
      const p = lay.pos.get(i);
      if (!p.cluster || !inView(p)) continue;
      ctx.fillStyle = COLORS.cluster;
      ctx.strokeStyle = i === selected ? COLORS.selected : COLORS.clusterStroke;
      ctx.lineWidth = 1 / view.k;
      roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, 6);
      ctx.fill(); ctx.stroke();
      if (showText) {
        ctx.fillStyle = COLORS.muted;
        ctx.font = "bold 11px sans-serif";
        ctx.textBaseline = "top";
        ctx.fillText(`− ${h.labels[i]}`, p.x - p.w / 2 + 6, p.y - p.h / 2 + 3, p.w - 12);
      }
    }
    // edges
    for (let e = 0; e < vis.edges.length; e++) {
      const pts = paths[e];
      if (!pts || pts.length < 2) continue;
      const ed = vis.edges[e];
      let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
      for (const q of pts) { bx0 = Math.min(bx0, q.x); bx1 = Math.max(bx1, q.x); by0 = Math.min(by0, q.y); by1 = Math.max(by1, q.y); }
      if (bx1 < x0 || bx0 > x1 || by1 < y0 || by0 > y1) continue;
      const hot = selected >= 0 && (ed.src === selected || ed.dst === selected);
      ctx.strokeStyle = hot ? COLORS.selected : ed.control ? COLORS.control : COLORS.edge;
      ctx.lineWidth = (ed.control ? 1 : Math.min(6, 1 + Math.log2(ed.count))) / Math.max(view.k, 0.5);
      ctx.setLineDash(ed.control ? [4, 3] : []);
      ctx.beginPath();
      ctx.moveTo(pts[0].x, pts[0].y);
      for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
      ctx.stroke();
      ctx.setLineDash([]);
      arrow(ctx, pts[pts.length - 2], pts[pts.length - 1]);
      if (showText && ed.count > 1) {
        const mid = pts[Math.floor(pts.length / 2)];
        ctx.fillStyle = COLORS.muted;
        ctx.font = "10px sans-serif";
        ctx.textBaseline = "middle";
        ctx.fillText(`×${ed.count}`, mid.x + 4, mid.y);
      }
    }
    // nodes
    ctx.textBaseline = "middle";
    for (const i of vis.items) {
      const p = lay.pos.get(i);
      if (p.cluster || !inView(p)) continue;
      const isOp = h.model.kind[i] === KIND_OP;
      ctx.fillStyle = isOp ? COLORS.op : COLORS.meta;
      ctx.strokeStyle = i === selected ? COLORS.selected : isOp ? COLORS.opStroke : COLORS.metaStroke;
      ctx.lineWidth = (i === selected ? 2.5 : 1) / Math.max(view.k, 0.5);
      roundRect(ctx, p.x - p.w / 2, p.y - p.h / 2, p.w, p.h, isOp ? p.h / 2 : 5);
      ctx.fill(); ctx.stroke();
      if (!showText) continue;
      ctx.fillStyle = COLORS.text;
      ctx.textAlign = "center";
      if (isOp) {
        ctx.font = "11px sans-serif";
        ctx.fillText(h.labels[i], p.x, p.y, p.w - 8);
      } else {
        ctx.font = "bold 11px sans-serif";
        ctx.fillText(`+ ${h.labels[i]}`, p.x, p.y - 7, p.w - 8);
        ctx.font = "10px sans-serif";
        ctx.fillStyle = COLORS.muted;
        ctx.fillText(`${h.model.n_ops[i]} ops`, p.x, p.y + 8, p.w - 8);
      }
      ctx.textAlign = "left";
    }
    timings.draw_ms = performance.now() - t0;
    el.dataset.drawMs = timings.draw_ms.toFixed(2);
  }

  // Zoomed out (labels unreadable anyway): one path per style, plain rectangles, no
  // arrowheads or dashes, so thousands of items cost a handful of canvas calls.
  function paintOverview(ctx, inView, x0, y0, x1, y1) {
    const px = 1 / view.k;
    const rects = (pred) => {
      ctx.beginPath();
      for (const i of vis.items) {
        const p = lay.pos.get(i);
        if (pred(i, p) && inView(p)) ctx.rect(p.x - p.w / 2, p.y - p.h / 2, p.w, p.h);
      }
    };
    ctx.lineWidth = px;
    rects((i, p) => p.cluster);
    ctx.fillStyle = COLORS.cluster; ctx.fill();
    ctx.strokeStyle = COLORS.clusterStroke; ctx.stroke();
    for (const control of [0, 1]) {
      ctx.beginPath();
      vis.edges.forEach((ed, e) => {
        const pts = paths[e];
        if (ed.control !== control || !pts || pts.length < 2) return;
        const a = pts[0], b = pts[pts.length - 1];
        if (Math.max(a.x, b.x) < x0 || Math.min(a.x, b.x) > x1 || Math.max(a.y, b.y) < y0 || Math.min(a.y, b.y) > y1) return;
        ctx.moveTo(a.x, a.y);
        for (let k = 1; k < pts.length; k++) ctx.lineTo(pts[k].x, pts[k].y);
      });
      ctx.strokeStyle = control ? COLORS.control : COLORS.edge;
      ctx.stroke();
    }
    for (const isOp of [true, false]) {
      rects((i, p) => !p.cluster && (h.model.kind[i] === KIND_OP) === isOp);
      ctx.fillStyle = isOp ? COLORS.op : COLORS.meta; ctx.fill();
      ctx.strokeStyle = isOp ? COLORS.opStroke : COLORS.metaStroke; ctx.stroke();
    }
    const p = selected >= 0 && lay.pos.get(selected);
    if (p) {
      ctx.lineWidth = 3 * px;
      ctx.strokeStyle = COLORS.selected;
      ctx.strokeRect(p.x - p.w / 2, p.y - p.h / 2, p.w, p.h);
    }
  }

  function arrow(ctx, a, b) {
    const ang = Math.atan2(b.y - a.y, b.x - a.x), s = 6;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath();
    ctx.moveTo(b.x, b.y);
    ctx.lineTo(b.x - s * Math.cos(ang - 0.4), b.y - s * Math.sin(ang - 0.4));
    ctx.lineTo(b.x - s * Math.cos(ang + 0.4), b.y - s * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fill();
  }

  // innermost item under a canvas point: nodes first, then the smallest cluster
  function hitTest(cx, cy) {
    const wx = (cx - view.x) / view.k, wy = (cy - view.y) / view.k;
    let best = -1, bestArea = Infinity;
    for (const i of vis.items) {
      const p = lay.pos.get(i);
      if (Math.abs(wx - p.x) > p.w / 2 || Math.abs(wy - p.y) > p.h / 2) continue;
      const area = p.cluster ? p.w * p.h : 0;
      if (area < bestArea) { best = i; bestArea = area; }
    }
    return best;
  }

  function toggle(i) {
    open[i] = open[i] ? 0 : 1;
    if (!open[i]) for (let j = i + 1; j < h.n; j++) if (open[j] && isInside(j, i)) open[j] = 0;
    relayout(i);
    if (open[i]) showBox(lay.pos.get(i));
  }

  // pan (and zoom out if it is too big) so a box is entirely on screen
  function showBox(p) {
    if (!p) return;
    const w = canvas.clientWidth || 600, ht = canvas.clientHeight || height, m = 12;
    const k = Math.min(view.k, (w - 2 * m) / p.w, (ht - 2 * m) / p.h);
    if (k < view.k) {
      view.x = w / 2 - p.x * k;
      view.y = ht / 2 - p.y * k;
      view.k = k;
    }
    const left = view.x + (p.x - p.w / 2) * view.k, right = view.x + (p.x + p.w / 2) * view.k;
    const top = view.y + (p.y - p.h / 2) * view.k, bottom = view.y + (p.y + p.h / 2) * view.k;
    if (right > w - m) view.x -= right - (w - m);
    if (left < m) view.x += m - left;
    if (bottom > ht - m) view.y -= bottom - (ht - m);
    if (top < m) view.y += m - top;
    draw();
  }

  function expandAll() {
    for (let i = 0; i < h.n; i++) if (h.model.kind[i] === KIND_SCOPE) open[i] = 1;
    relayout(-1);
  }

  function isInside(j, scope) {
    for (let p = h.model.parent[j]; p >= 0; p = h.model.parent[p]) if (p === scope) return true;
    return false;
  }

  // expand every ancestor of an item, then centre on it (used by input/output links)
  function reveal(i) {
    for (let p = h.model.parent[i]; p > 0; p = h.model.parent[p]) open[p] = 1;
    relayout(-1);
    const p = lay.pos.get(i);
    if (p) {
      view.x = canvas.clientWidth / 2 - p.x * view.k;
      view.y = canvas.clientHeight / 2 - p.y * view.k;
    }
    select(i);
  }

  function select(i) {
    selected = i;
    showDetails(i);
    draw();
    if (onSelect) onSelect(i >= 0 ? h.names[i] : null);
  }

  function showDetails(i) {
    panel.replaceChildren();
    const title = document.createElement("div");
    title.style.cssText = "font-weight:bold;margin-bottom:6px;word-break:break-all;";
    if (i < 0) {
      title.textContent = "Click a node for details; click a scope (+) to expand it, a cluster (−) to collapse it.";
      title.style.fontWeight = "normal";
      panel.append(title);
      return;
    }
    const d = nodeDetails(h, i);
    title.textContent = d.name;
    panel.append(title);
    const dl = document.createElement("dl");
    dl.className = "jtb-graph-dl";
    dl.style.cssText = "display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:0;";
    panel.append(dl);
    if (d.kind === "scope") {
      row(dl, "scope", `${d.n_ops} ops`);
      row(dl, "state", open[i] ? "expanded" : "collapsed");
      const hist = opHistogram(h, i).slice(0, 12);
      for (const [op, c] of hist) row(dl, op, c);
      return;
    }
    row(dl, "op", d.op);
    row(dl, "device", d.device);
    row(dl, "dtype", d.dtype);
    row(dl, "shapes", d.shapes);
    for (const [k, v] of d.attributes) row(dl, k, v);
    for (const [label, list] of [["inputs", d.inputs], ["outputs", d.outputs]]) {
      const head = document.createElement("div");
      head.style.cssText = "margin-top:8px;font-weight:bold;";
      head.textContent = `${label} (${list.length})`;
      panel.append(head);
      const ul = document.createElement("ul");
      ul.style.cssText = "margin:2px 0;padding-left:16px;";
      for (const end of list.slice(0, 200)) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = "#";
        a.textContent = end.text;
        a.style.wordBreak = "break-all";
        a.addEventListener("click", (ev) => { ev.preventDefault(); reveal(end.item); });
        li.append(a);
        ul.append(li);
      }
      panel.append(ul);
    }
  }

  // ---- pointer: drag pans, wheel zooms about the cursor, a click (no drag) acts
  let drag = null;
  const onDown = (ev) => {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.setPointerCapture?.(ev.pointerId);
    canvas.style.cursor = "grabbing";
  };
  const onMove = (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    draw();
  };
  const onUp = (ev) => {
    if (!drag) return;
    const moved = drag.moved;
    drag = null;
    canvas.style.cursor = "grab";
    if (moved) return;
    const r = canvas.getBoundingClientRect();
    const i = hitTest(ev.clientX - r.left, ev.clientY - r.top);
    if (i < 0) return select(-1);
    if (h.model.kind[i] === KIND_SCOPE) toggle(i);
    select(i);
  };
  const onWheel = (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    const cx = ev.clientX - r.left, cy = ev.clientY - r.top;
    const k = Math.max(0.02, Math.min(8, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    draw();
  };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  canvas.addEventListener("pointerdown", onDown, { signal });
  canvas.addEventListener("pointermove", onMove, { signal });
  canvas.addEventListener("pointerup", onUp, { signal });
  canvas.addEventListener("wheel", onWheel, { passive: false, signal });
  const resize = new ResizeObserver(() => draw());
  resize.observe(stage);

  setModel(model);

  return {
    update(next) { setModel(next); },
    expand(name) { const i = h.scopeByName.get(name); if (i !== undefined && !open[i]) toggle(i); },
    expandAll,
    fit() { fit(); draw(); },
    collapse(name) { const i = h.scopeByName.get(name); if (i !== undefined && open[i]) toggle(i); },
    select(name) { const i = name == null ? -1 : h.byName.get(name); if (i !== undefined) (i >= 0 ? reveal(i) : select(-1)); },
    timings,
    // centre of a drawn item in canvas pixels (null when not drawn): for tests and tooling
    locate(name) {
      const drawn = [h.byName.get(name), h.scopeByName.get(name)].filter((i) => i !== undefined && lay.pos.has(i));
      const p = drawn.length ? lay.pos.get(drawn[0]) : null;
      if (!p) return null;
      return { x: view.x + p.x * view.k, y: view.y + (p.cluster ? p.y - p.h / 2 + 8 : p.y) * view.k };
    },
    state: () => ({ visible: vis.items.length, edges: vis.edges.length, view: { ...view }, selected: selected >= 0 ? h.names[selected] : null }),
    destroy() {
      cancelAnimationFrame(frame);
      resize.disconnect();
      listening.abort();
      el.replaceChildren();
    },
  };
}

function roundRect(ctx, x, y, w, h, r) {
  r = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}
