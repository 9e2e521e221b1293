// What the graph view layers over the plain drawing: colour by device or by structure, tensor
// shapes on edges (from _output_shapes), the input ancestry of a node ("trace inputs") and
// name search. Pure functions over the hierarchy (hierarchy.js) and the drawn graph.
import { KIND_OP, KIND_SCOPE } from "./hierarchy.js";

// Pale fills, dark node text on them (paint.js's themedFill darkens them on dark themes).
export const PALETTE = [
  "#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99", "#8dd3c7", "#bebada",
  "#80b1d3", "#fccde5", "#d9d9d9", "#ccebc5", "#ffed6f", "#e5c494", "#b3e2cd", "#f4cae4",
];
const MIXED = "#c8c8c8";

// Output shapes of an op ("[2,3], [4]" -> ["[2,3]", "[4]"]).
function shapeList(text) {
  return text ? text.match(/\[[^\]]*\]/g) || [] : [];
}

// The shape of every op edge (its source op's output at edge_slot), "" when unknown.
export function edgeShapes(h) {
  const { edge_src: es, edge_slot: slot, shapes } = h.model;
  const cache = new Map();
  const out = new Array(es.length);
  for (let e = 0; e < es.length; e++) {
    const src = es[e];
    if (!cache.has(src)) cache.set(src, shapeList(h.str(shapes[src])));
    out[e] = cache.get(src)[Math.max(0, slot[e])] || "";
  }
  return out;
}

// Label of a drawn (merged) edge: its tensor's shape, the shared shape of all it stands for
// ("3× [8,16]"), or "N tensors" when they differ or are unknown.
export function mergedEdgeLabel(h, vis, shapes, drawnEdge) {
  const { rep } = vis;
  const { edge_src: es, edge_dst: ed, edge_control: ec } = h.model;
  if (!vis.shapeLabels) { // computed once per drawn graph
    const labels = new Map();
    for (let e = 0; e < es.length; e++) {
      const a = rep[es[e]], b = rep[ed[e]];
      if (a === b || ec[e]) continue;
      const key = a * h.n + b;
      const seen = labels.get(key);
      if (seen === undefined) labels.set(key, shapes[e]);
      else if (seen !== shapes[e]) labels.set(key, null);
    }
    vis.shapeLabels = labels;
  }
  if (drawnEdge.control) return "";
  const shape = vis.shapeLabels.get(drawnEdge.src * h.n + drawnEdge.dst);
  if (drawnEdge.count === 1) return shape || "";
  return shape ? `${drawnEdge.count}× ${shape}` : `${drawnEdge.count} tensors`;
}

// Fill colour per item for "device": each op's device; a scope takes its ops' device when they
// share one, else grey. Returns {fill: Array, legend: [[device, colour]]}.
export function deviceColours(h) {
  const { device, kind, parent } = h.model;
  const ids = new Int32Array(h.n).fill(-2); // -2 none yet, -3 mixed
  for (let i = h.n - 1; i >= 1; i--) {
    if (kind[i] !== KIND_OP) continue;
    const d = device[i];
    for (let p = i; p >= 0; p = parent[p]) {
      if (ids[p] === -2) ids[p] = d;
      else if (ids[p] !== d) ids[p] = -3;
      else break; // ancestors above already agree
      if (p === 0) break;
    }
  }
  const names = [...new Set([...ids].filter((d) => d >= 0))].map((d) => [d, h.str(d)]).sort((a, b) => a[1].localeCompare(b[1]));
  const colourOf = new Map(names.map(([d], k) => [d, PALETTE[k % PALETTE.length]]));
  const fill = Array.from(ids, (d) => (d >= 0 ? colourOf.get(d) : d === -3 ? MIXED : null));
  const legend = names.map(([d, name]) => [name, colourOf.get(d)]);
  if (ids.some((d, i) => i > 0 && d === -1)) legend.push(["(no device)", null]);
  if (ids.some((d, i) => i > 0 && d === -3)) legend.push(["several devices", MIXED]);
  return { fill, legend };
}

// Fill colour per item for "structure": scopes with the same inside (the same tree of op
// types) share a colour, as in TensorBoard; a structure seen once keeps the default fill.
export function structureColours(h) {
  const { kind, op } = h.model;
  const sig = new Array(h.n);
  for (let i = h.n - 1; i >= 0; i--) { // children come after parents: build bottom-up
    if (kind[i] === KIND_OP) { sig[i] = `o${op[i]}`; continue; }
    sig[i] = `(${h.children[i].map((c) => sig[c]).sort().join(",")})`;
  }
  const counts = new Map();
  for (let i = 1; i < h.n; i++) if (kind[i] === KIND_SCOPE) counts.set(sig[i], (counts.get(sig[i]) || 0) + 1);
  const shared = [...counts].filter(([, c]) => c > 1).map(([s]) => s).sort();
  const colourOf = new Map(shared.map((s, k) => [s, PALETTE[k % PALETTE.length]]));
  const fill = Array.from({ length: h.n }, (_, i) => (kind[i] === KIND_SCOPE ? colourOf.get(sig[i]) || null : null));
  return { fill, legend: shared.length ? [[`${shared.length} repeated structure${shared.length > 1 ? "s" : ""} (same colour = same inside)`, null]] : [] };
}

// Ops feeding item i, transitively (control inputs too): a Uint8Array over items with 1 for
// every op in the ancestry (and i's own ops when i is a scope).
export function inputAncestry(h, i) {
  const { edge_src: es, edge_dst: ed, parent } = h.model;
  if (!h.inputs) { // op -> its input edges, built once
    h.inputs = Array.from({ length: h.n }, () => []);
    for (let e = 0; e < es.length; e++) h.inputs[ed[e]].push(es[e]);
  }
  const inside = (j) => { for (let p = j; p >= 0; p = parent[p]) if (p === i) return true; return false; };
  const marked = new Uint8Array(h.n);
  const stack = [];
  for (let j = 0; j < h.n; j++) if (h.model.kind[j] === KIND_OP && inside(j)) { marked[j] = 1; stack.push(j); }
  while (stack.length) {
    const j = stack.pop();
    for (const src of h.inputs[j]) if (!marked[src]) { marked[src] = 1; stack.push(src); }
  }
  return marked;
}

// Drawn items touched by marked ops (an op marks its representative).
export function drawnMarked(vis, marked) {
  const out = new Set();
  for (let j = 0; j < marked.length; j++) if (marked[j]) out.add(vis.rep[j]);
  return out;
}

// Items whose full name matches the query (case-insensitive substring, or /regex/).
export function searchItems(h, query) {
  const text = query.trim();
  if (!text) return [];
  let test;
  const re = /^\/(.+)\/$/.exec(text);
  if (re) {
    try { const rx = new RegExp(re[1], "i"); test = (s) => rx.test(s); } catch { return []; }
  } else {
    const lower = text.toLowerCase();
    test = (s) => s.toLowerCase().includes(lower);
  }
  const found = [];
  for (let i = 1; i < h.n; i++) if (test(h.names[i])) found.push(i);
  return found;
}
