// lib/format.js: axis ticks (linear, log10, wall-time seconds) and number formatting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatNumber, formatX, logTicks, ticks } from "../src/lib/format.js";

const steps = (list) => list.slice(1).map((v, i) => +(v - list[i]).toPrecision(12));

test("linear ticks: 1-2-5 steps inside the range, about `count` of them", () => {
  assert.deepEqual(ticks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(ticks(0, 1, 5).map((v) => +v.toPrecision(12)), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const t = ticks(-3.7, 123.4, 6);
  assert.ok(t[0] >= -3.7 && t.at(-1) <= 123.4);
  assert.equal(new Set(steps(t)).size, 1);
  assert.ok([1, 2, 5].includes(steps(t)[0] / 10 ** Math.floor(Math.log10(steps(t)[0]))));
  assert.ok(t.length >= 4 && t.length <= 10);
});

test("linear ticks: zero is exactly zero and empty ranges give one tick", () => {
  assert.ok(ticks(-0.3, 0.3, 6).includes(0));
  assert.ok(!ticks(-0.3, 0.3, 6).some((v) => v !== 0 && Math.abs(v) < 1e-12));
  assert.deepEqual(ticks(5, 5, 4), [5]);
  assert.deepEqual(ticks(7, 2, 4), [7]);
});

test("log ticks: whole decades over wide spans, 1-2-5 within two decades (log10 units)", () => {
  assert.deepEqual(logTicks(-3, 2, 6), [-3, -2, -1, 0, 1, 2]);
  const wide = logTicks(-8, 8, 4);
  assert.ok(wide.every((t) => Number.isInteger(t)) && wide.length <= 6);
  const narrow = logTicks(0, 1.5, 4).map((t) => +(10 ** t).toPrecision(6));
  assert.deepEqual(narrow, [1, 2, 5, 10, 20]);
});

test("log ticks: a span under one 1-2-5 step falls back to linear ticks", () => {
  const t = logTicks(0.31, 0.33, 4);
  assert.ok(t.length >= 2);
  assert.ok(t.every((v) => v >= 0.31 - 1e-9 && v <= 0.33 + 1e-9));
});

test("wall-time axis: ticks over epoch seconds stay in range and format as clock times", () => {
  const start = 1700000000, end = start + 3 * 3600;
  const t = ticks(start, end, 5);
  assert.ok(t.length >= 3 && t[0] >= start && t.at(-1) <= end);
  for (const v of t) assert.match(formatX(v, "wall"), /\d{1,2}[:.]\d{2}[:.]\d{2}/);
  assert.notEqual(formatX(t[0], "wall"), formatX(t[1], "wall"));
});

test("relative axis: seconds, minutes, hours", () => {
  assert.equal(formatX(30, "relative"), "30s");
  assert.equal(formatX(600, "relative"), "10m");
  assert.equal(formatX(5 * 3600, "relative"), "5h");
  assert.equal(formatX(1234, "step"), "1234");
});

test("numbers: six significant digits, exponent for the very large and small", () => {
  assert.equal(formatNumber(0.1 + 0.2), "0.3");
  assert.equal(formatNumber(123456789), "1.23e+8");
  assert.equal(formatNumber(0.0001234), "1.23e-4");
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(-Infinity), "-Infinity");
});
