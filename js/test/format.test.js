// lib/format.js: axis ticks (linear, log10, wall-time seconds) and number formatting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisLabels, formatDuration, formatNumber, formatTick, formatWall, formatX, logTicks, ticks, timeTicks } from "../src/lib/format.js";

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

test("wall-time ticks land on round local times, and their labels all differ", () => {
  for (const [span, count] of [[2.4, 5], [75, 6], [3 * 3600 + 17, 5], [40 * 60, 8], [3 * 86400, 6], [20 * 86400, 5]]) {
    const start = 1700000000.37;
    const { ticks: at, step } = timeTicks(start, start + span, count, true);
    assert.ok(at.length >= 2 && at.length <= 2 * count + 1, `${span}: ${at.length} ticks`);
    assert.ok(at[0] >= start && at.at(-1) <= start + span);
    const labels = at.map(axisLabels("wall", step, span));
    assert.equal(new Set(labels).size, labels.length, `${span}: ${labels}`);
    for (const t of at) {
      const d = new Date(t * 1000);
      const localSeconds = d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds() + d.getMilliseconds() / 1000;
      if (step < 86400) assert.ok(Math.abs(localSeconds / step - Math.round(localSeconds / step)) < 1e-6, `${t} not on a ${step}s boundary`);
      else assert.equal(localSeconds, 0); // days start at local midnight
    }
  }
});

test("wall-time labels: seconds when the step needs them, dates over days", () => {
  const t = new Date(2024, 2, 5, 14, 30, 15).getTime() / 1000;
  assert.equal(axisLabels("wall", 5, 60)(t), "14:30:15");
  assert.equal(axisLabels("wall", 600, 7200)(t), "14:30");
  assert.equal(axisLabels("wall", 0.25, 2)(t + 0.25), "14:30:15.25");
  assert.equal(axisLabels("wall", 6 * 3600, 3 * 86400)(t), "Mar 5 14:30");
  assert.equal(axisLabels("wall", 86400, 9 * 86400)(t), "Mar 5");
  assert.equal(formatWall(t), "2024-03-05 14:30:15");
});

test("relative ticks: round durations, humanised", () => {
  const { ticks: at, step } = timeTicks(0, 5 * 3600, 5);
  assert.equal(step, 3600);
  assert.deepEqual(at.map(axisLabels("relative", step)), ["0s", "1h", "2h", "3h", "4h", "5h"]);
  assert.equal(formatDuration(90), "1m 30s");
  assert.equal(formatDuration(86400 + 4 * 3600 + 5), "1d 4h");
  assert.equal(formatDuration(0.35), "350ms");
  assert.equal(formatDuration(2.5), "2.5s");
  assert.equal(formatDuration(-120), "-2m");
});

test("log-y tick labels: powers of ten and nice values, never long decimals", () => {
  const label = axisLabels("log");
  assert.deepEqual(logTicks(-4, 1, 6).map(label), ["1e-4", "0.001", "0.01", "0.1", "1", "10"]);
  const narrow = logTicks(Math.log10(0.95), Math.log10(1.02), 4).map(label);
  assert.ok(narrow.length >= 2);
  for (const text of narrow) assert.ok(text.length <= 5, text); // e.g. "0.96", not "0.981748"
  assert.equal(formatTick(2500000), "2.5e6");
  assert.equal(formatTick(0.1 + 0.2), "0.3");
});
