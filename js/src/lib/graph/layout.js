// Where each drawn item of the model graph goes. Nested layout, one small layered graph per
// expanded scope (as TensorBoard does): a scope's children are laid out among themselves
// with the op edges lifted to them, and an expanded child is a box as large as its own
// layout. Each level's layout depends only on the scope and the sizes of its children, so it
// is cached under that key: expanding one block re-lays just the block and the levels above
// it, never the whole graph. Levels too big (or too small) for dagre to pay off use a quick
// layered layout with straight edges.
import dagre from "@dagrejs/dagre";
import { KIND_OP, KIND_SCOPE, visibleGraph } from "./hierarchy.js";

const PAD = 10; // inside a cluster box
const HEADER = 20; // cluster label band
// Levels between these sizes go through dagre (routed edges); tiny levels (a chain of a
// few ops: dagre's fixed cost dominates) and wide ones use the quick layering.
const DAGRE_LEVEL_MIN = 6;
const DAGRE_LEVEL_LIMIT = 100;
const ROW_GAP = 16; // quick layout: between items of a row
const RANK_GAP = 30; // quick layout: between rows

// Box of a drawn, not expanded item: ops are pills, collapsed scopes taller boxes with a
// second line ("N ops").
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

function layoutLevel(lev, scope, kids, sizes) {
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
// wide for dagre to stay interactive. Edges ({a, b} between kids) are drawn straight.
// Returns item centres relative to the level's top-left corner.
export function quickLevel(kids, sizes, edges) {
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
  const rowWidths = dense.map((row) => row.reduce((s, j) => s + sizes[j].width + ROW_GAP, -ROW_GAP));
  const width = Math.max(0, ...rowWidths);
  const pos = new Map();
  let y = 0;
  dense.forEach((row, r) => {
    let x = (width - rowWidths[r]) / 2;
    const rowH = Math.max(...row.map((j) => sizes[j].height));
    for (const j of row) {
      pos.set(kids[j], { x: x + sizes[j].width / 2, y: y + rowH / 2 });
      x += sizes[j].width + ROW_GAP;
    }
    y += rowH + RANK_GAP;
  });
  return { pos, routes: new Map(), width, height: Math.max(0, y - RANK_GAP) };
}

// Lay out the visible graph: absolute boxes {x, y (centre), w, h, cluster} of drawn items
// (pos), the top-left corner of each expanded scope's content (origin) and its level layout
// (boxes). `cache` maps level keys to level layouts and is filled as a side effect.
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
      hit = layoutLevel(lev, scope, kids, sizes);
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

// Everything drawn for one set of expanded scopes: {vis (visibleGraph), lay (layoutGraph),
// paths (one polyline per vis edge)}.
export function layoutScene(h, lev, open, levelCache) {
  const vis = visibleGraph(h, open);
  const lay = layoutGraph(h, lev, open, levelCache);
  return { vis, lay, paths: vis.edges.map((e) => edgePath(h, lev, lay, e.src, e.dst)) };
}
