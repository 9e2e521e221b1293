// lib/histogram.js: axis ticks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisTicks } from "../src/lib/histogram.js";

test("every range gets at least two distinct ticks inside it", () => {
  for (const [lo, hi, count] of [[0.05, 0.95, 3], [0.2, 0.8, 3], [0.013, 0.98, 3], [-3.2, 4.1, 4], [0, 1, 2], [100, 250, 4], [0.4999, 0.5001, 3]]) {
    const out = axisTicks(lo, hi, count);
    assert.ok(out.length >= 2, `${lo}..${hi}: ${out}`);
    assert.equal(new Set(out).size, out.length);
    assert.ok(out.every((t) => t >= lo - 1e-9 && t <= hi + 1e-9), `${lo}..${hi}: ${out}`);
  }
  assert.ok(axisTicks(2, 2, 3).length >= 2); // a single value: ticks around it
});
