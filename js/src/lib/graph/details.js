// The details panel of the graph view: what is known of one item (pure), and that as DOM.
// Every user string (node names, ops, attribute values) goes in as textContent.
import { KIND_OP, KIND_SCOPE } from "./hierarchy.js";

// {name, kind: "op"|"scope", ...}: a scope's op count; an op's op type, device, dtype, shapes,
// attributes [[key, value]] and its inputs / outputs [{item, text}] ("^name" for control
// edges, "name:slot" for outputs past the first).
export function nodeDetails(h, i) {
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

// [[op type, count]] of the ops directly or indirectly inside `scope`, most frequent first.
export function opHistogram(h, scope) {
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

function row(parent, key, value) {
  if (value === "" || value === undefined || value === null) return;
  const dt = document.createElement("dt");
  dt.textContent = key;
  const dd = document.createElement("dd");
  dd.textContent = String(value);
  dd.style.cssText = "margin:0;overflow-wrap:anywhere;";
  parent.append(dt, dd);
}

// Fill `panel` with the details of item i (-1: the hint); `reveal(item)` follows an input
// or output link.
export function showDetails(panel, h, i, expanded, reveal) {
  panel.replaceChildren();
  const title = document.createElement("div");
  // node names are long paths without spaces: break anywhere but between words first
  title.style.cssText = "font-weight:bold;margin-bottom:6px;overflow-wrap:anywhere;";
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
    row(dl, "state", expanded ? "expanded" : "collapsed");
    const hist = opHistogram(h, i).slice(0, 12);
    for (const [op, c] of hist) row(dl, op, c);
    return;
  }
  row(dl, "op", d.op);
  row(dl, "device", d.device);
  row(dl, "dtype", d.dtype);
  row(dl, "shapes", d.shapes);
  const shown = new Map([["op", d.op], ["device", d.device], ["dtype", d.dtype]]);
  for (const [k, v] of d.attributes) if (shown.get(k) !== v) row(dl, k, v); // not twice
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
      a.style.overflowWrap = "anywhere";
      a.addEventListener("click", (ev) => { ev.preventDefault(); reveal(end.item); });
      li.append(a);
      ul.append(li);
    }
    panel.append(ul);
  }
}
