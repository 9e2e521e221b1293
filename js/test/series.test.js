// lib/series.js: scalar series folding, smoothing cache, zoom requests; and the line chart's
// pure pieces (lib/linechart/): data extents, per-pixel downsampling, hover rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  alignTo, appendToSeries, createSmoother, grow, rangeRequest, relativeTimes, seriesFromMessage, setSmoothed, smoothingApproximated, windowXs,
} from "../src/lib/series.js";
import { smooth } from "../src/lib/smoothing.js";
import { dataExtent, quantile } from "../src/lib/linechart/extent.js";
import { hoverRows, nearestIndex } from "../src/lib/linechart/hover.js";
import { traceColumns } from "../src/lib/linechart/trace.js";
import { recordingContext } from "./helpers.js";

const f64 = (...v) => Float64Array.from(v);
const message = (steps, extra = {}) => ({
  run: "r", tag: "loss", mode: "full", total: steps.length,
  step: f64(...steps), wall: f64(...steps.map((s) => 1000 + s)), value: f64(...steps.map((s) => s * 2)), ...extra,
});

test("series fold: a copy in growable arrays, appends at the end, versions bump", () => {
  const msg = message([0, 1, 2]);
  const s = seriesFromMessage(msg);
  assert.equal(s.n, 3);
  assert.ok(s.step.length >= 16 && s.step !== msg.step);
  appendToSeries(s, { ...message([3, 4]), total: 5 });
  assert.equal(s.n, 5);
  assert.equal(s.total, 5);
  assert.equal(s.version, 2);
  assert.deepEqual(Array.from(s.value.subarray(0, s.n)), [0, 2, 4, 6, 8]);
  const big = new Float64Array(40);
  appendToSeries(s, { ...message(Array.from({ length: 40 }, (_, i) => 5 + i)), total: 45 });
  assert.equal(s.n, 45);
  assert.equal(s.step[44], 44);
  assert.equal(grow(big, 10), big);
  assert.equal(grow(big, 41).length, 80);
});

test("sampled series: the kernel's smoothing is kept while its weight matches", () => {
  const s = seriesFromMessage(message([0, 10], { mode: "sampled", smoothed: f64(0, 1), weight: 0.6 }));
  assert.equal(smoothingApproximated(s, 0.6), false);
  assert.equal(smoothingApproximated(s, 0.9), true);
  appendToSeries(s, message([20], { smoothed: f64(2), weight: 0.6 }));
  assert.equal(s.weight, 0.6);
  assert.equal(s.smoothed[2], 2);
  appendToSeries(s, message([30], { smoothed: f64(3), weight: 0.5 }));
  assert.equal(s.weight, null); // mixed weights: not exact any more
  assert.equal(setSmoothed(s, { smoothed: f64(1, 2), weight: 0.7 }), false); // stale: wrong length
  assert.equal(setSmoothed(s, { smoothed: f64(9, 8, 7, 6), weight: 0.7 }), true);
  assert.equal(s.weight, 0.7);
  assert.equal(s.smoothed[3], 6);
  assert.equal(smoothingApproximated(seriesFromMessage(message([1])), 0.9), false); // full series: exact
});

test("smoother: exact kernel values when they match, else a cached browser EMA", () => {
  const smoothed = createSmoother();
  const full = seriesFromMessage(message([0, 1, 2, 3]));
  assert.deepEqual(smoothed(full, 0), { values: null, approximated: false });
  const a = smoothed(full, 0.5);
  assert.equal(a.approximated, false);
  assert.deepEqual(Array.from(a.values), Array.from(smooth(full.value, 0.5, 4)));
  assert.equal(smoothed(full, 0.5).values, a.values); // cached
  appendToSeries(full, message([4]));
  assert.notEqual(smoothed(full, 0.5).values, a.values); // the series changed
  const sampled = seriesFromMessage(message([0, 10], { mode: "sampled", smoothed: f64(5, 6), weight: 0.6 }));
  assert.deepEqual(Array.from(smoothed(sampled, 0.6).values.subarray(0, 2)), [5, 6]);
  assert.equal(smoothed(sampled, 0.8).approximated, true);
});

test("zoom requests: the relative axis is moved back to wall time; windows map back", () => {
  const s = seriesFromMessage(message([0, 5, 10]));
  assert.deepEqual(rangeRequest(s, "step", [2, 8], 419.6), { run: "r", tag: "loss", x0: 2, x1: 8, axis: "step", px: 420 });
  assert.deepEqual(rangeRequest(s, "relative", [2, 8], 100), { run: "r", tag: "loss", x0: 1002, x1: 1008, axis: "wall", px: 100 });
  assert.equal(rangeRequest(s, "wall", [1001, 1002], 100).axis, "wall");
  assert.deepEqual(Array.from(relativeTimes(s.wall, s.n)), [0, 5, 10]);
  const window = { step: f64(1, 2), wall: f64(1001, 1002) };
  assert.equal(windowXs(window, "step", 1000), window.step);
  assert.deepEqual(Array.from(windowXs(window, "relative", 1000)), [1, 2]);
});

test("alignTo: values of another series at the same steps, NaN where it has none", () => {
  const a = seriesFromMessage(message([0, 10, 20, 30]));
  const b = seriesFromMessage({ ...message([10, 25, 30]), value: f64(1, 2, 3) });
  assert.deepEqual(Array.from(alignTo(a, b)), [NaN, 1, NaN, 3]);
  assert.deepEqual(Array.from(alignTo(a, undefined)), [NaN, NaN, NaN, NaN]);
});

test("extent: x over all points or the zoom, y over the points shown, padded by 5%", () => {
  const series = [{ x: f64(0, 1, 2, 3), y: f64(10, 20, 30, 1000), n: 4 }, { x: f64(5), y: f64(15) }];
  const all = dataExtent(series);
  assert.equal(all.x0, 0);
  assert.equal(all.x1, 5);
  assert.ok(Math.abs(all.y0 - (10 - 49.5)) < 1e-9 && Math.abs(all.y1 - (1000 + 49.5)) < 1e-9);
  const zoomed = dataExtent(series, { domain: { x: [0.5, 2.5], y: null } });
  assert.deepEqual([zoomed.x0, zoomed.x1], [0.5, 2.5]);
  assert.ok(Math.abs(zoomed.y1 - 30.5) < 1e-9); // the 1000 at x=3 is outside the zoom
  const log = dataExtent([{ x: f64(0, 1, 2), y: f64(0.001, -5, 1000) }], { logY: true });
  assert.ok(Math.abs(log.y0 - (-3 - 0.3)) < 1e-9 && Math.abs(log.y1 - (3 + 0.3)) < 1e-9); // -5 has no log
});

test("extent: outliers ignored past the 5th..95th percentile; empty and flat data stay drawable", () => {
  const y = f64(...Array.from({ length: 100 }, (_, i) => i), 1e9);
  const x = f64(...Array.from({ length: 101 }, (_, i) => i));
  const robust = dataExtent([{ x, y }], { ignoreOutliers: true });
  assert.ok(robust.y1 < 200);
  assert.equal(quantile([0, 10], 0.5), 5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  assert.deepEqual(dataExtent([]), { x0: 0, x1: 1, y0: -0.05, y1: 1.05 });
  const flat = dataExtent([{ x: f64(3), y: f64(2) }]);
  assert.deepEqual([flat.x0, flat.x1], [2.5, 3.5]);
  assert.ok(flat.y0 < 2 && flat.y1 > 2);
});

test("downsampling: per pixel column first/min/max/last, spikes kept, O(pixels) vertices", () => {
  const n = 100000;
  const xs = new Float64Array(n), ys = new Float64Array(n);
  for (let i = 0; i < n; i++) { xs[i] = i; ys[i] = Math.sin(i / 50); }
  ys[54321] = 50; // one spike
  const path = recordingContext();
  const sx = (x) => (x / n) * 500, sy = (y) => 100 - y;
  const emitted = traceColumns(path, xs, ys, n, sx, sy, 0, 500);
  assert.ok(emitted <= 4 * 502, `${emitted} vertices`);
  assert.equal(path.calls[0][0], "moveTo");
  const spikeColumn = Math.round(sx(54321));
  assert.ok(path.calls.some(([, px, py]) => px === spikeColumn && py === sy(50)));
  const columns = path.calls.map((c) => c[1]);
  for (let i = 1; i < columns.length; i++) assert.ok(columns[i] >= columns[i - 1]);
});

test("downsampling: gaps break the line, off-plot points clamp beside it, log y", () => {
  const path = recordingContext();
  traceColumns(path, f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 3, 4), 5, (x) => x * 10, (y) => y, 0, 40);
  assert.deepEqual(path.calls.filter((c) => c[0] === "moveTo").map((c) => c[1]), [0, 30]);
  const clamp = recordingContext();
  traceColumns(clamp, f64(-100, 0, 1000), f64(1, 1, 1), 3, (x) => x, (y) => y, 0, 50);
  assert.deepEqual(clamp.calls.map((c) => c[1]), [-2, -2, 0, 0, 52, 52]);
  const log = recordingContext();
  traceColumns(log, f64(0, 1, 2), f64(100, -1, 10), 3, (x) => x * 10, (y) => y, 0, 40, true);
  assert.deepEqual(log.calls.map((c) => [c[0], c[2]]), [["moveTo", 2], ["lineTo", 2], ["moveTo", 1], ["lineTo", 1]]);
});

test("hover: nearest point per series by x, with the smoothed value when there is one", () => {
  assert.equal(nearestIndex(f64(0, 10, 20), 3, 14), 1);
  assert.equal(nearestIndex(f64(0, 10, 20), 3, 16), 2);
  assert.equal(nearestIndex(f64(0, 10, 20), 3, 15), 1); // ties go left
  assert.equal(nearestIndex(f64(0, 10, 20, 99), 3, 1000), 2); // only the first n count
  assert.equal(nearestIndex(f64(), 0, 1), -1);
  const rows = hoverRows([
    { name: "a", color: "#f00", x: f64(0, 10), y: f64(1, 2), smooth: f64(1.5, 1.8), n: 2 },
    { name: "b", color: "#00f", x: f64(0, 4, 9), y: f64(5, 6, 7), smooth: null },
    { name: "empty", color: "#0f0", x: f64(), y: f64(), n: 0 },
  ], 8);
  assert.deepEqual(rows.map((r) => [r.name, r.index, r.value, r.smoothed, r.shown]), [["a", 1, 2, 1.8, 1.8], ["b", 2, 7, null, 7]]);
});
