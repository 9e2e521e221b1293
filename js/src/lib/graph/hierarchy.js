// The model graph as a tree of name scopes, and which items are drawn for a set of expanded
// scopes. Pure functions over the column form built by jupyter_tb/compute/graph_model.py:
// per-item typed arrays (name, parent, kind, op, device, dtype, shapes, n_ops,
// attr_offsets/key/value) indexing one `strings` table, plus op-to-op edges (edge_src,
// edge_dst, edge_slot, edge_control). Item 0 is the root scope; items are ordered
// parents-first. `open` is always a Uint8Array with 1 for each expanded scope.

export const KIND_OP = 0;
export const KIND_SCOPE = 1;

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

// For each item the item drawn in its place.
function representatives(h, open) {
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

// The expanded scopes a graph starts with: a graph with a single top-level scope starts with
// that scope open.
export function initialOpen(h) {
  const open = new Uint8Array(h.n);
  const top = h.children[0];
  if (top.length === 1 && h.model.kind[top[0]] === KIND_SCOPE) open[top[0]] = 1;
  return open;
}

// A cache key naming the set of expanded scopes.
export function openKey(open) {
  let key = "";
  for (let i = 0; i < open.length; i++) if (open[i]) key += i + ",";
  return key;
}

function isInside(h, j, scope) {
  for (let p = h.model.parent[j]; p >= 0; p = h.model.parent[p]) if (p === scope) return true;
  return false;
}

// Expand or collapse scope i in place; collapsing also collapses every scope inside it.
export function toggleScope(h, open, i) {
  open[i] = open[i] ? 0 : 1;
  if (!open[i]) for (let j = i + 1; j < h.n; j++) if (open[j] && isInside(h, j, i)) open[j] = 0;
}

// Expand every ancestor of item i in place, so that i itself is drawn.
export function openAncestors(h, open, i) {
  for (let p = h.model.parent[i]; p > 0; p = h.model.parent[p]) open[p] = 1;
}

export function openAll(h, open) {
  for (let i = 0; i < h.n; i++) if (h.model.kind[i] === KIND_SCOPE) open[i] = 1;
}
