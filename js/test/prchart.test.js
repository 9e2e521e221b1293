// lib/prchart.js: which points are drawn, the operating point, the hover pick.
import { test } from "node:test";
import assert from "node:assert/strict";
import { curveIndices, nearestPoint, operatingPoint } from "../src/lib/prchart.js";

// a curve as the writer logs it: threshold i/(n-1), the last row (nothing passes) TP=FP=0
// with precision 0, recall 0
function curve() {
  const tp = Float32Array.from([50, 45, 40, 20, 0]);
  const fp = Float32Array.from([50, 20, 5, 1, 0]);
  const fn = Float32Array.from([0, 5, 10, 30, 50]);
  const tn = Float32Array.from([0, 30, 45, 49, 50]);
  const precision = tp.map((t, i) => (t + fp[i] > 0 ? t / (t + fp[i]) : 0));
  const recall = tp.map((t, i) => t / (t + fn[i]));
  return { name: "a", thresholds: Float32Array.from([0, 0.25, 0.5, 0.75, 1]), tp, fp, tn, fn, precision, recall };
}

test("the row where nothing passes (TP+FP=0, logged as precision 0 recall 0) is not drawn", () => {
  const c = curve();
  assert.deepEqual(curveIndices(c), [0, 1, 2, 3]);
  assert.ok(curveIndices(c).every((i) => !(c.recall[i] === 0 && c.precision[i] === 0)));
  c.recall[1] = NaN; // padding of a shorter curve
  assert.deepEqual(curveIndices(c), [0, 2, 3]);
});

test("operating point by threshold, precision target and recall target", () => {
  const c = curve();
  assert.equal(operatingPoint(c, "threshold", 0.5), 2);
  assert.equal(operatingPoint(c, "threshold", 0.3), 1);
  assert.equal(operatingPoint(c, "threshold", 1), 3); // the undrawn last row is never chosen
  // precision >= 0.85: points 2 (0.889) and 3 (0.952); the higher recall wins
  assert.equal(operatingPoint(c, "precision", 0.85), 2);
  assert.equal(operatingPoint(c, "precision", 0.99), -1);
  // recall >= 0.85: points 0 (1.0), 1 (0.9); the higher precision wins
  assert.equal(operatingPoint(c, "recall", 0.85), 1);
});

test("hover picks the nearest point wherever the pointer is", () => {
  const c = curve();
  const sx = (x) => 100 * x, sy = (y) => 100 - 100 * y;
  // far from every point (no radius limit), and never the undrawn (0, 0)
  const [picked, index] = nearestPoint([c], sx, sy, 0, 100);
  assert.equal(picked, c);
  assert.equal(index, 3);
  assert.equal(nearestPoint([c], sx, sy, 95, 50)[1], 0);
  assert.equal(nearestPoint([], sx, sy, 0, 0), null);
});
