// lib/parcoords.js: the per-column axis scales (log for learning rates) and brushing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisScale, brushMask } from "../src/lib/parcoords.js";

const numbers = (...v) => ({ kind: "number", values: Float64Array.from(v), categories: [] });

test("axis scale: three or more decades of positive values get a log scale", () => {
  const lr = axisScale(numbers(1e-4, 1e-3, 1e-2, 1e-1));
  assert.equal(lr.log, true);
  assert.ok(Math.abs(lr.norm(1e-3) - 1 / 3) < 1e-12);
  assert.ok(Math.abs(lr.inv(0.5) - 10 ** -2.5) < 1e-15);
  assert.deepEqual(lr.ticks.map((t) => t.label), ["1.00e-4", "5.62e-4", "0.00316228", "0.0177828", "0.1"]);
  const lin = axisScale(numbers(-1, 0, 3, NaN));
  assert.equal(lin.log, false);
  assert.equal(lin.norm(0), 0.25);
  assert.equal(axisScale(numbers(0.001, 10)).log, true);
  assert.equal(axisScale(numbers(0, 10000)).log, false); // zero has no logarithm
});

test("axis scale: flat, empty and categorical columns", () => {
  const flat = axisScale(numbers(2, 2));
  assert.equal(flat.norm(2), 0.5);
  assert.deepEqual(flat.ticks, [{ value: 2, label: "2" }]);
  assert.equal(axisScale(numbers(NaN)).norm(0.5), 0.5);
  const cat = axisScale({ kind: "string", values: Float64Array.from([0, 1, 2]), categories: ["adam", "sgd", "rmsprop"] });
  assert.equal(cat.categorical, true);
  assert.deepEqual([cat.norm(0), cat.norm(1), cat.norm(2)], [0, 0.5, 1]);
  assert.deepEqual(cat.ticks.map((t) => t.label), ["adam", "sgd", "rmsprop"]);
});

test("brushes: rows inside every brushed axis; missing values never pass a brush", () => {
  const columns = [numbers(0, 5, 10, NaN), numbers(1, 2, 3, 4)];
  const scales = columns.map(axisScale);
  assert.deepEqual(Array.from(brushMask(columns, scales, new Map(), 4)), [1, 1, 1, 1]);
  assert.deepEqual(Array.from(brushMask(columns, scales, new Map([[0, [0.4, 1]]]), 4)), [0, 1, 1, 0]);
  assert.deepEqual(Array.from(brushMask(columns, scales, new Map([[0, [0.4, 1]], [1, [0, 0.5]]]), 4)), [0, 1, 0, 0]);
});
