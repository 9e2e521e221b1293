// lib/smoothing.js: TensorBoard's debiased exponential moving average.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_WEIGHT, smooth } from "../src/lib/smoothing.js";

const close = (a, b, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

test("debiased EMA: the first value is kept, later ones follow last/(1 - w^k)", () => {
  const out = smooth([1, 2, 3], 0.5);
  close(out[0], 1);
  close(out[1], (0.5 * 0.5 + 0.5 * 2) / (1 - 0.25)); // 1.6667
  close(out[2], ((0.5 * 0.5 + 0.5 * 2) * 0.5 + 0.5 * 3) / (1 - 0.125));
});

test("weight 0 returns the values; weights are clamped to [0, MAX_WEIGHT]", () => {
  assert.deepEqual(Array.from(smooth([3, 1, 4, 1, 5], 0)), [3, 1, 4, 1, 5]);
  assert.deepEqual(Array.from(smooth([3, 1, 4], -2)), [3, 1, 4]);
  assert.deepEqual(Array.from(smooth([3, 1, 4, 1], 5)), Array.from(smooth([3, 1, 4, 1], MAX_WEIGHT)));
});

test("non-finite values pass through and do not poison later points", () => {
  const out = smooth([1, NaN, Infinity, 3], 0.6);
  assert.ok(Number.isNaN(out[1]));
  assert.equal(out[2], Infinity);
  close(out[3], (0.6 * 0.4 * 1 + 0.4 * 3) / (1 - 0.36));
});

test("a constant series is left exactly as it is; n limits the points smoothed", () => {
  assert.deepEqual(Array.from(smooth(new Float64Array([0.1, 0.1, 0.1]), 0.9)), [0.1, 0.1, 0.1]);
  const buffer = new Float64Array([1, 2, 3, 1000, 1000]); // growable buffer: only 3 points are real
  const out = smooth(buffer, 0.5, 3);
  assert.equal(out.length, 3);
  assert.ok(out[2] < 3);
});
