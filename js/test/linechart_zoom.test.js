// lib/linechart/zoom.js: box zoom, wheel zoom and range selection math.
import { test } from "node:test";
import assert from "node:assert/strict";
import { boxDomain, dragRange, wheelDomain, wheelFactor, xOf, yOf, zoomAround } from "../src/lib/linechart/zoom.js";

// a 100 x 100 px plot at (50, 10) showing x 0..10 and y 0..1
const view = { x0: 0, x1: 10, y0: 0, y1: 1, left: 50, right: 150, top: 10, bottom: 110 };
const close = (a, b) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${a} vs ${b}`));

test("pixels map to data on both axes (y grows upwards)", () => {
  assert.equal(xOf(view, 50), 0);
  assert.equal(xOf(view, 100), 5);
  assert.equal(yOf(view, 110), 0);
  assert.equal(yOf(view, 10), 1);
});

test("a dragged box zooms x and y to the box, whichever corner it started from", () => {
  const d = boxDomain(view, { px: 70, py: 30 }, { px: 120, py: 80 });
  close(d.x, [2, 7]);
  close(d.y, [0.3, 0.8]);
  const back = boxDomain(view, { px: 120, py: 80 }, { px: 70, py: 30 });
  close(back.x, d.x);
  close(back.y, d.y);
});

test("a flat box zooms x only, a thin one does nothing, corners outside the plot are clamped", () => {
  const flat = boxDomain(view, { px: 60, py: 50 }, { px: 140, py: 52 });
  close(flat.x, [1, 9]);
  assert.equal(flat.y, null);
  assert.equal(boxDomain(view, { px: 60, py: 20 }, { px: 62, py: 100 }), null);
  const out = boxDomain(view, { px: 0, py: 0 }, { px: 100, py: 60 });
  close(out.x, [0, 5]);
  close(out.y, [0.5, 1]);
});

test("wheel zoom keeps the point under the pointer in place", () => {
  close(zoomAround([0, 10], 5, 0.5), [2.5, 7.5]);
  close(zoomAround([0, 10], 0, 0.5), [0, 5]);
  const d = wheelDomain(view, 75, 35, 0.5); // pointer at x 2.5, y 0.75
  close(d.x, [1.25, 6.25]);
  close(d.y, [0.375, 0.875]);
  assert.ok(wheelFactor(-100) < 1 && wheelFactor(100) > 1); // wheel up zooms in
  assert.equal(wheelFactor(-1e6), 0.5);
  assert.equal(wheelFactor(1e6), 2);
  assert.ok(Math.abs(wheelFactor(-3, 1) - wheelFactor(-48)) < 1e-12); // lines count as 16 px
});

test("shift-drag ranges: ordered, clamped, none when too short", () => {
  close(dragRange(view, 130, 70), [2, 8]);
  close(dragRange(view, 0, 60), [0, 1]);
  assert.equal(dragRange(view, 80, 82), null);
});
