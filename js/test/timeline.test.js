// lib/timeline.js: visible spans by binary search, sub-pixel merging, hit testing, zoom bounds;
// lib/datatable.js: sort and search order; lib/profile_format.js units.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clampWindow, lowerBound, rowMarks, spanAt, zoomWindow } from "../src/lib/timeline.js";
import { tableOrder } from "../src/lib/datatable.js";
import { formatBytes, formatDuration } from "../src/lib/profile_format.js";

function marks(start, dur, t0, t1, width) {
  const out = [];
  rowMarks(Float64Array.from(start), Float32Array.from(dur), 0, start.length, t0, t1, width, (x0, x1, i, merged) => out.push([x0, x1, i, merged]));
  return out;
}

test("lowerBound: first index whose value is not below t", () => {
  const v = [1, 3, 3, 7];
  assert.equal(lowerBound(v, 0, 0, 4), 0);
  assert.equal(lowerBound(v, 3, 0, 4), 1);
  assert.equal(lowerBound(v, 4, 0, 4), 3);
  assert.equal(lowerBound(v, 99, 0, 4), 4);
  assert.equal(lowerBound(v, 3, 2, 4), 2);
});

test("rowMarks: wide spans drawn one each, clipped to the window", () => {
  // spans [0,10) [20,30) [40,50) µs; window [5, 45) over 40 px: 1 px per µs
  assert.deepEqual(marks([0, 20, 40], [10, 10, 10], 5, 45, 40), [[0, 5, 0, 1], [15, 25, 1, 1], [35, 40, 2, 1]]);
  assert.deepEqual(marks([0, 20], [10, 10], 100, 200, 40), []); // nothing visible
});

test("rowMarks: a million sub-pixel spans become one mark per pixel column", () => {
  const n = 1_000_000;
  const start = new Float64Array(n), dur = new Float32Array(n);
  for (let i = 0; i < n; i++) { start[i] = i; dur[i] = 0.5; }
  let count = 0, folded = 0;
  const drawn = rowMarks(start, dur, 0, n, 0, n, 800, (x0, x1, i, merged) => { count += 1; folded += merged; assert.equal(x1 - x0, 1); });
  assert.equal(drawn, count);
  assert.ok(count <= 801, `${count} marks`);
  assert.equal(folded, n); // every span is in exactly one mark
  // zoomed to 100 µs, the same spans are 8 px wide each: drawn one by one
  assert.equal(rowMarks(start, dur, 0, n, 5000, 5100, 800, () => {}), 100);
});

test("spanAt: the span under a time in a row, with slack for thin spans", () => {
  const layout = { start: Float64Array.from([0, 20, 5]), dur: Float32Array.from([10, 1, 2]), row_offsets: Int32Array.from([0, 2, 3]) };
  assert.equal(spanAt(layout, 0, 3), 0);
  assert.equal(spanAt(layout, 0, 15), -1);
  assert.equal(spanAt(layout, 0, 19.5, 1), 1);
  assert.equal(spanAt(layout, 1, 6), 2);
  assert.equal(spanAt(layout, 2, 6), -1);
});

test("zoomWindow: keeps the point under the pointer, stops at 1 µs and the whole trace", () => {
  const [a, b] = zoomWindow(0, 1000, 250, 0.5, 1000);
  assert.equal(b - a, 500);
  assert.equal((250 - a) / (b - a), 0.25);
  const [c, d] = zoomWindow(100, 100.5, 100.2, 0.01, 1000);
  assert.equal(d - c, 1);
  assert.deepEqual(zoomWindow(0, 1000, 500, 10, 1000), [0, 1000]);
  assert.deepEqual(clampWindow(-5, 95, 1000), [0, 100]);
  assert.deepEqual(clampWindow(950, 1050, 1000), [900, 1000]);
});

test("tableOrder: numeric and text sorts, regex search on the name column", () => {
  const data = { name: ["aten::mm", "aten::add", "Optimizer.step"], calls: Float64Array.from([3, 10, 1]) };
  assert.deepEqual(tableOrder(data, "calls", true, "name", null), [1, 0, 2]);
  assert.deepEqual(tableOrder(data, "calls", false, "name", null), [2, 0, 1]);
  assert.deepEqual(tableOrder(data, "name", false, "name", null), [1, 0, 2]);
  assert.deepEqual(tableOrder(data, "calls", true, "name", /^aten/), [1, 0]);
});

test("formatDuration / formatBytes", () => {
  assert.equal(formatDuration(1500), "1.5 ms");
  assert.equal(formatDuration(2.5e6), "2.5 s");
  assert.equal(formatDuration(0.25), "250 ns");
  assert.equal(formatDuration(12), "12 µs");
  assert.equal(formatBytes(2 * 1024 * 1024), "2 MB");
  assert.equal(formatBytes(512), "512 B");
});
