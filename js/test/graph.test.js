// lib/graph/*: the model graph's hierarchy, layout, viewport (hit-testing) and painting.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KIND_OP, KIND_SCOPE, buildHierarchy, initialOpen, openAncestors, openKey, toggleScope, visibleGraph,
} from "../src/lib/graph/hierarchy.js";
import { edgePath, layoutGraph, layoutScene, levelEdges, quickLevel } from "../src/lib/graph/layout.js";
import {
  boxInRect, boxIntoView, centreOn, clickPoint, fitView, itemAt, keepAnchored, pathInRect, worldRect, zoomAbout,
} from "../src/lib/graph/viewport.js";
import { nodeDetails, opHistogram } from "../src/lib/graph/details.js";
import { paintGraph } from "../src/lib/graph/paint.js";
import { recordingContext } from "./helpers.js";

// The column form of jupyter_tb/compute/graph_model.py for ops named by path; scopes are
// made for every prefix. edges: [src, dst, {slot, control}].
function graphModel(ops, edges = [], { opType = () => "MatMul" } = {}) {
  const strings = [];
  const str = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  const items = [{ name: "", parent: -1, kind: KIND_SCOPE }];
  const index = new Map([["", 0]]);
  const add = (name, kind) => {
    if (index.has(name) && items[index.get(name)].kind === kind) return index.get(name);
    const slash = name.lastIndexOf("/");
    const parent = slash < 0 ? 0 : add(name.slice(0, slash), KIND_SCOPE);
    items.push({ name, parent, kind });
    index.set(kind === KIND_OP ? `op:${name}` : name, items.length - 1);
    if (kind === KIND_SCOPE) index.set(name, items.length - 1);
    return items.length - 1;
  };
  for (const op of ops) add(op, KIND_OP);
  const opIndex = (name) => index.get(`op:${name}`);
  const n = items.length;
  const nOps = new Int32Array(n);
  items.forEach((it, i) => { if (it.kind === KIND_OP) for (let p = it.parent; p >= 0; p = items[p].parent) nOps[p]++; });
  return {
    strings,
    name: Int32Array.from(items, (it) => str(it.name)),
    parent: Int32Array.from(items, (it) => it.parent),
    kind: Uint8Array.from(items, (it) => it.kind),
    op: Int32Array.from(items, (it) => (it.kind === KIND_OP ? str(opType(it.name)) : -1)),
    device: Int32Array.from(items, () => -1), dtype: Int32Array.from(items, () => -1), shapes: Int32Array.from(items, () => -1),
    n_ops: nOps,
    attr_offsets: new Int32Array(n + 1), attr_key: new Int32Array(0), attr_value: new Int32Array(0),
    edge_src: Int32Array.from(edges, (e) => opIndex(e[0])),
    edge_dst: Int32Array.from(edges, (e) => opIndex(e[1])),
    edge_slot: Int32Array.from(edges, (e) => e[2]?.slot || 0),
    edge_control: Uint8Array.from(edges, (e) => (e[2]?.control ? 1 : 0)),
  };
}

const MLP = graphModel(
  ["input", "dense/kernel", "dense/bias", "dense/matmul", "dense/add", "dense/act/relu", "head/matmul", "head/dense", "loss"],
  [["input", "dense/matmul"], ["dense/kernel", "dense/matmul"], ["dense/matmul", "dense/add"], ["dense/bias", "dense/add"],
   ["dense/add", "dense/act/relu"], ["dense/act/relu", "head/matmul"], ["dense/add", "head/matmul", { slot: 1 }],
   ["head/matmul", "head/dense"], ["head/dense", "loss"], ["input", "loss", { control: true }]],
);
const byName = (h, name) => h.byName.get(name);
const names = (h, list) => list.map((i) => h.names[i]);

test("hierarchy: names, labels and children; an op wins a name over its scope", () => {
  const h = buildHierarchy(graphModel(["dense", "dense/kernel"]));
  const op = byName(h, "dense");
  assert.equal(h.model.kind[op], KIND_OP);
  assert.equal(h.model.kind[h.scopeByName.get("dense")], KIND_SCOPE);
  assert.deepEqual(names(h, h.children[0]).sort(), ["dense", "dense"]);
  const inner = buildHierarchy(graphModel(["dense/dense"]));
  assert.equal(inner.labels[inner.byName.get("dense/dense")], "dense");
  assert.equal(buildHierarchy(MLP).labels[buildHierarchy(MLP).byName.get("dense/act/relu")], "relu");
});

test("visibleGraph: collapsed scopes fold their ops and merge parallel edges", () => {
  const h = buildHierarchy(MLP);
  const { items, edges } = visibleGraph(h, new Uint8Array(h.n));
  assert.deepEqual(names(h, items).sort(), ["dense", "head", "input", "loss"]);
  const find = (a, b, control = 0) => edges.find((e) => h.names[e.src] === a && h.names[e.dst] === b && e.control === control);
  assert.equal(find("dense", "head").count, 2); // relu -> matmul and add:1 -> matmul
  assert.equal(find("input", "dense").count, 1);
  assert.equal(find("input", "loss", 1).count, 1); // the control edge is its own edge
  assert.equal(find("input", "loss", 0), undefined);
  assert.equal(edges.length, 4); // nothing inside "dense" is drawn collapsed
});

test("visibleGraph: an expanded scope shows its children and drops edges inside one item", () => {
  const h = buildHierarchy(MLP);
  const open = new Uint8Array(h.n);
  open[h.scopeByName.get("dense")] = 1;
  const { items, edges, rep } = visibleGraph(h, open);
  assert.ok(names(h, items).includes("dense/act"));
  assert.ok(!names(h, items).includes("dense/act/relu"));
  assert.equal(rep[byName(h, "dense/act/relu")], h.scopeByName.get("dense/act"));
  for (const e of edges) assert.notEqual(e.src, e.dst);
  assert.ok(edges.some((e) => h.names[e.src] === "dense/add" && h.names[e.dst] === "dense/act"));
});

test("open sets: a single top scope starts open; collapsing closes nested scopes; reveal opens ancestors", () => {
  const h = buildHierarchy(graphModel(["model/a/b/op", "model/c"]));
  const open = initialOpen(h);
  assert.equal(openKey(open), `${h.scopeByName.get("model")},`);
  assert.equal(openKey(initialOpen(buildHierarchy(MLP))), "");
  openAncestors(h, open, byName(h, "model/a/b/op"));
  assert.equal(open[h.scopeByName.get("model/a/b")], 1);
  toggleScope(h, open, h.scopeByName.get("model/a"));
  assert.equal(open[h.scopeByName.get("model/a")], 0);
  assert.equal(open[h.scopeByName.get("model/a/b")], 0);
  assert.equal(open[h.scopeByName.get("model")], 1);
});

test("levelEdges: op edges are lifted to the children of their lowest common scope", () => {
  const h = buildHierarchy(MLP);
  const { levels, depth } = levelEdges(h);
  assert.equal(depth[byName(h, "dense/act/relu")], 3);
  const root = [...levels.get(0).values()].map((e) => [h.names[e.a], h.names[e.b], e.count, e.control]);
  assert.deepEqual(root.find((e) => e[0] === "dense" && e[1] === "head"), ["dense", "head", 2, false]);
  assert.deepEqual(root.find((e) => e[0] === "input" && e[1] === "loss"), ["input", "loss", 1, true]);
  const dense = [...levels.get(h.scopeByName.get("dense")).values()].map((e) => `${h.names[e.a]}>${h.names[e.b]}`);
  assert.ok(dense.includes("dense/add>dense/act"));
});

test("quickLevel: ranks follow edges, rows are centred, cycles still terminate", () => {
  const size = { width: 40, height: 20 };
  const chain = quickLevel([1, 2, 3, 4], [size, size, size, size], [{ a: 1, b: 2 }, { a: 2, b: 3 }, { a: 1, b: 4 }]);
  const y = (k) => chain.pos.get(k).y;
  assert.ok(y(1) < y(2) && y(2) < y(3));
  assert.equal(y(2), y(4)); // same rank: one row
  assert.equal(chain.width, 40 + 16 + 40);
  assert.equal(chain.height, 3 * 20 + 2 * 30);
  const cycle = quickLevel([7, 8, 9], [size, size, size], [{ a: 7, b: 8 }, { a: 8, b: 9 }, { a: 9, b: 7 }]);
  assert.equal(cycle.pos.size, 3);
  assert.equal(new Set([...cycle.pos.values()].map((p) => p.y)).size, 3);
});

test("layoutGraph: siblings do not overlap and an expanded scope's box holds its children", () => {
  const ops = [];
  const edges = [];
  for (let b = 0; b < 8; b++) { // 8 blocks at the top: dagre lays that level out
    ops.push(`block${b}/w`, `block${b}/mul`);
    edges.push([`block${b}/w`, `block${b}/mul`]);
    if (b) edges.push([`block${b - 1}/mul`, `block${b}/mul`]);
  }
  const h = buildHierarchy(graphModel(ops, edges));
  const lev = levelEdges(h);
  const open = new Uint8Array(h.n);
  const outer = h.scopeByName.get("block3");
  open[outer] = 1;
  const cache = new Map();
  const lay = layoutGraph(h, lev, open, cache);
  const top = h.children[0].map((i) => lay.pos.get(i));
  for (let a = 0; a < top.length; a++) {
    for (let b = a + 1; b < top.length; b++) {
      const p = top[a], q = top[b];
      const apart = Math.abs(p.x - q.x) >= (p.w + q.w) / 2 || Math.abs(p.y - q.y) >= (p.h + q.h) / 2;
      assert.ok(apart, `items ${a} and ${b} overlap`);
    }
  }
  const box = lay.pos.get(outer);
  assert.equal(box.cluster, true);
  for (const k of h.children[outer]) {
    const p = lay.pos.get(k);
    assert.ok(p.x - p.w / 2 >= box.x - box.w / 2 && p.x + p.w / 2 <= box.x + box.w / 2);
    assert.ok(p.y - p.h / 2 >= box.y - box.h / 2 && p.y + p.h / 2 <= box.y + box.h / 2);
  }
  assert.ok(lay.boxes.get(0).layout.routes.size > 0); // dagre routed the top level's edges
  const levels = cache.size;
  layoutGraph(h, lev, open, cache);
  assert.equal(cache.size, levels); // the same open set lays out nothing new
});

test("edgePath: from the bottom of the source to the top of the target", () => {
  const h = buildHierarchy(MLP);
  const lev = levelEdges(h);
  const open = new Uint8Array(h.n);
  open[h.scopeByName.get("dense")] = 1;
  const { lay, vis, paths } = layoutScene(h, lev, open, new Map());
  assert.equal(paths.length, vis.edges.length);
  const a = byName(h, "dense/add"), b = h.scopeByName.get("dense/act");
  const pts = edgePath(h, lev, lay, a, b);
  const pa = lay.pos.get(a), pb = lay.pos.get(b);
  assert.deepEqual(pts[0], { x: pa.x, y: pa.y + pa.h / 2 });
  assert.deepEqual(pts.at(-1), { x: pb.x, y: pb.y - pb.h / 2 });
});

test("viewport: fit centres the layout and never magnifies past 1.25x", () => {
  const small = fitView(100, 50, 800, 600);
  assert.equal(small.k, 1.25);
  assert.equal(small.x, (800 - 125) / 2);
  const big = fitView(4000, 1000, 800, 600);
  assert.ok(Math.abs(big.k - 800 / 4040) < 1e-12);
  assert.equal(big.y, Math.max(10, (600 - 1000 * big.k) / 2));
  assert.deepEqual(fitView(0, 0, 0, 0), { k: 1, x: 0, y: 10 });
});

test("viewport: wheel zoom keeps the point under the cursor and is clamped", () => {
  const view = { k: 1, x: 30, y: -20 };
  const zoomed = zoomAbout(view, 200, 100, -300);
  assert.ok(zoomed.k > 1);
  const before = [(200 - view.x) / view.k, (100 - view.y) / view.k];
  const after = [(200 - zoomed.x) / zoomed.k, (100 - zoomed.y) / zoomed.k];
  assert.ok(Math.abs(before[0] - after[0]) < 1e-9 && Math.abs(before[1] - after[1]) < 1e-9);
  assert.equal(zoomAbout(view, 0, 0, -1e6).k, 8);
  assert.equal(zoomAbout(view, 0, 0, 1e6).k, 0.02);
});

test("viewport: boxIntoView brings a box fully on screen, zooming out when it is too big", () => {
  const inside = (v, p, w, ht) => v.x + (p.x - p.w / 2) * v.k >= 12 - 1e-9 && v.x + (p.x + p.w / 2) * v.k <= w - 12 + 1e-9
    && v.y + (p.y - p.h / 2) * v.k >= 12 - 1e-9 && v.y + (p.y + p.h / 2) * v.k <= ht - 12 + 1e-9;
  const view = { k: 1, x: 0, y: 0 };
  const far = { x: 900, y: 700, w: 100, h: 40 };
  const panned = boxIntoView(view, far, 600, 400);
  assert.equal(panned.k, 1);
  assert.ok(inside(panned, far, 600, 400));
  const huge = { x: 0, y: 0, w: 2000, h: 100 };
  const zoomedOut = boxIntoView(view, huge, 600, 400);
  assert.ok(zoomedOut.k < 1 && inside(zoomedOut, huge, 600, 400));
  assert.deepEqual(view, { k: 1, x: 0, y: 0 }); // the old view is left alone
  assert.deepEqual(centreOn({ k: 2, x: 5, y: 5 }, { x: 10, y: 20 }, 600, 400), { k: 2, x: 280, y: 160 });
});

test("hit-testing: an op beats its cluster, the smallest cluster wins, empty space is -1", () => {
  const pos = new Map([
    [1, { x: 100, y: 100, w: 200, h: 200, cluster: true }],
    [2, { x: 100, y: 120, w: 100, h: 100, cluster: true }],
    [3, { x: 100, y: 130, w: 40, h: 20, cluster: false }],
  ]);
  const view = { k: 2, x: 10, y: 10 };
  const at = (wx, wy) => itemAt([1, 2, 3], pos, view, view.x + wx * view.k, view.y + wy * view.k);
  assert.equal(at(100, 130), 3);
  assert.equal(at(100, 90), 2);
  assert.equal(at(20, 20), 1);
  assert.equal(at(500, 500), -1);
  const c = clickPoint(view, pos.get(2));
  assert.equal(itemAt([1, 2, 3], pos, view, c.x, c.y), 2); // locate() points at the cluster's band
});

test("culling: the world rectangle of the canvas, boxes and polylines that meet it", () => {
  const r = worldRect({ k: 2, x: -100, y: -50 }, 400, 300);
  assert.deepEqual(r, { x0: 50, y0: 25, x1: 250, y1: 175 });
  assert.ok(boxInRect({ x: 40, y: 100, w: 30, h: 10 }, r)); // overlaps the left edge
  assert.ok(!boxInRect({ x: 20, y: 100, w: 30, h: 10 }, r));
  assert.ok(pathInRect([{ x: 0, y: 0 }, { x: 100, y: 100 }, { x: 400, y: 0 }], r));
  assert.ok(!pathInRect([{ x: 300, y: 0 }, { x: 400, y: 10 }], r));
});

test("keepAnchored: the expanded item's top edge stays where it was clicked", () => {
  const view = { k: 1.5, x: 10, y: 20 };
  const before = { x: 100, y: 50, w: 80, h: 30 };
  const after = { x: 160, y: 200, w: 300, h: 240 };
  const v = keepAnchored(view, before, after);
  assert.equal(v.x + after.x * v.k, view.x + before.x * view.k);
  assert.equal(v.y + (after.y - after.h / 2) * v.k, view.y + (before.y - before.h / 2) * view.k);
});

test("details: inputs and outputs name slots and control edges; scopes count their op types", () => {
  const h = buildHierarchy(graphModel(["a", "s/b", "s/c", "d"], [["a", "s/b"], ["s/b", "d", { slot: 2 }], ["a", "d", { control: true }]],
    { opType: (name) => (name === "s/c" ? "Add" : "MatMul") }));
  const d = nodeDetails(h, h.byName.get("d"));
  assert.equal(d.kind, "op");
  assert.equal(d.op, "MatMul");
  assert.deepEqual(d.inputs.map((e) => e.text), ["s/b:2", "^a"]);
  assert.deepEqual(nodeDetails(h, h.byName.get("a")).outputs.map((e) => e.text), ["s/b", "^d"]);
  const scope = nodeDetails(h, h.scopeByName.get("s"));
  assert.deepEqual(scope, { name: "s", kind: "scope", n_ops: 2 });
  assert.deepEqual(opHistogram(h, h.scopeByName.get("s")), [["MatMul", 1], ["Add", 1]]);
  assert.deepEqual(opHistogram(h, 0), [["MatMul", 3], ["Add", 1]]);
});

test("painting: labels only when zoomed in; zoomed out, one path per style", () => {
  const h = buildHierarchy(MLP);
  const scene = layoutScene(h, levelEdges(h), new Uint8Array(h.n), new Map());
  const rect = { x0: -1e6, y0: -1e6, x1: 1e6, y1: 1e6 };
  const near = recordingContext();
  paintGraph(near, h, scene, { k: 1, x: 0, y: 0 }, rect, -1);
  const texts = near.calls.filter((c) => c[0] === "fillText").map((c) => c[1]);
  assert.ok(texts.includes("input") && texts.includes("+ dense") && texts.includes("×2"));
  const far = recordingContext();
  paintGraph(far, h, scene, { k: 0.1, x: 0, y: 0 }, rect, -1);
  assert.equal(far.calls.filter((c) => c[0] === "fillText").length, 0);
  assert.ok(far.calls.filter((c) => c[0] === "stroke").length <= 5);
  const none = recordingContext();
  paintGraph(none, h, scene, { k: 1, x: 0, y: 0 }, { x0: 1e5, y0: 1e5, x1: 1e5 + 1, y1: 1e5 + 1 }, -1);
  assert.equal(none.calls.filter((c) => c[0] === "fillText").length, 0); // all culled
});

// ---- lib/graph/style.js: shapes on edges, colour by device / structure, trace, search
import { deviceColours, drawnMarked, edgeShapes, inputAncestry, mergedEdgeLabel, searchItems, structureColours } from "../src/lib/graph/style.js";

function withColumn(model, column, byName) {
  const strings = [...model.strings];
  const str = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  const values = Int32Array.from(model.name, (nameIndex, i) => (model.kind[i] === KIND_OP && byName(model.strings[nameIndex]) ? str(byName(model.strings[nameIndex])) : -1));
  return { ...model, strings, [column]: values };
}

test("style: an edge's label is its source output's shape; merged edges say how many", () => {
  const model = withColumn(MLP, "shapes", (name) => ({ "dense/add": "[8,4], [8,2]", "input": "[8,16]", "dense/kernel": "[16,4]" })[name]);
  const h = buildHierarchy(model);
  const shapes = edgeShapes(h);
  const vis = visibleGraph(h, new Uint8Array(h.n).fill(1));
  const label = (a, b) => mergedEdgeLabel(h, vis, shapes, vis.edges.find((e) => h.names[e.src] === a && h.names[e.dst] === b));
  assert.equal(label("input", "dense/matmul"), "[8,16]");
  assert.equal(label("dense/add", "head/matmul"), "[8,2]"); // output slot 1
  const closed = visibleGraph(h, new Uint8Array(h.n));
  const merged = closed.edges.find((e) => h.names[e.src] === "dense" && h.names[e.dst] === "head");
  assert.equal(mergedEdgeLabel(h, closed, shapes, merged), "2 tensors"); // [8,4] and [8,2]
});

test("style: colour by device (scopes of one device take it, mixed scopes grey) and by structure", () => {
  const model = withColumn(MLP, "device", (name) => (name.startsWith("dense/") ? "/gpu:0" : "/cpu:0"));
  const h = buildHierarchy(model);
  const { fill, legend } = deviceColours(h);
  assert.deepEqual(legend.map((l) => l[0]), ["/cpu:0", "/gpu:0"]);
  assert.equal(fill[byName(h, "dense/add")], fill[h.scopeByName.get("dense")]);
  assert.notEqual(fill[byName(h, "dense/add")], fill[byName(h, "input")]);
  assert.equal(fill[0], "#c8c8c8"); // the root holds both
  const twins = buildHierarchy(graphModel(["a/x", "a/y", "b/x", "b/y", "c/z"], [], { opType: (n) => n.slice(-1) }));
  const s = structureColours(twins);
  assert.ok(s.fill[twins.scopeByName.get("a")]);
  assert.equal(s.fill[twins.scopeByName.get("a")], s.fill[twins.scopeByName.get("b")]);
  assert.equal(s.fill[twins.scopeByName.get("c")], null); // a structure seen once
});

test("style: trace inputs follows edges backwards; search by substring or /regex/", () => {
  const h = buildHierarchy(MLP);
  const marked = inputAncestry(h, byName(h, "dense/add"));
  const traced = names(h, [...marked.keys()].filter((i) => marked[i]));
  assert.deepEqual(traced.sort(), ["dense/add", "dense/bias", "dense/kernel", "dense/matmul", "input"]);
  const vis = visibleGraph(h, new Uint8Array(h.n));
  assert.deepEqual(names(h, [...drawnMarked(vis, marked)]).sort(), ["dense", "input"]);
  assert.deepEqual(names(h, searchItems(h, "MATMUL")), ["dense/matmul", "head/matmul"]);
  assert.deepEqual(names(h, searchItems(h, "/^head/")), ["head", "head/matmul", "head/dense"].filter((n) => h.byName.has(n) || h.scopeByName.has(n)));
  assert.deepEqual(searchItems(h, "  "), []);
});

test("painting: no text under 8 px on screen; scope titles stay at a legible size when zoomed out", () => {
  const h = buildHierarchy(MLP);
  const open = new Uint8Array(h.n).fill(1);
  const scene = layoutScene(h, levelEdges(h), open, new Map());
  const rect = { x0: -1e6, y0: -1e6, x1: 1e6, y1: 1e6 };
  for (const k of [0.2, 0.5, 0.7]) {
    const ctx = recordingContext();
    const stats = paintGraph(ctx, h, scene, { k, x: 0, y: 0 }, rect, -1);
    const texts = ctx.calls.filter((c) => c[0] === "fillText").map((c) => c[1]);
    assert.ok(!texts.includes("input"), `op labels at zoom ${k}`);
    assert.ok(stats.labels === 0 || stats.minLabelPx >= 8);
  }
  const ctx = recordingContext();
  const stats = paintGraph(ctx, h, scene, { k: 1, x: 0, y: 0 }, rect, -1);
  assert.ok(stats.minLabelPx >= 8 && ctx.calls.some((c) => c[0] === "fillText" && c[1] === "input"));
});
