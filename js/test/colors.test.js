// lib/colors.js: one colour per run, distinct across runs, stable for each run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRunColors, hexToRgb, runColor } from "../src/lib/colors.js";

// CIE76 distance between two "#rrggbb" colours
function deltaE(a, b) {
  const lab = (hex) => {
    const lin = hexToRgb(hex).map((c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    const [r, g, bl] = lin;
    const xyz = [(r * 0.4124 + g * 0.3576 + bl * 0.1805) / 0.95047, r * 0.2126 + g * 0.7152 + bl * 0.0722, (r * 0.0193 + g * 0.1192 + bl * 0.9505) / 1.08883];
    const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [fx, fy, fz] = xyz.map(f);
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

test("24 runs get 24 clearly different colours, whatever their names", () => {
  for (const names of [
    Array.from({ length: 24 }, (_, i) => `run_${i}`),
    Array.from({ length: 24 }, (_, i) => `lr=1e-${i}/seed=${i % 3}`),
  ]) {
    const color = createRunColors();
    const colors = names.map(color);
    assert.equal(new Set(colors).size, 24);
    for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) {
      assert.ok(deltaE(colors[i], colors[j]) > 25, `${names[i]} ${colors[i]} ~ ${names[j]} ${colors[j]}`);
    }
  }
});

test("beyond the palette runs still get distinct #rrggbb colours", () => {
  const color = createRunColors();
  const colors = Array.from({ length: 200 }, (_, i) => color(`r${i}`));
  assert.equal(new Set(colors).size, 200);
  for (const c of colors) assert.match(c, /^#[0-9a-f]{6}$/);
});

test("a run keeps its colour while others come and go; a fresh page colours it the same", () => {
  const color = createRunColors();
  const first = color("baseline");
  for (let i = 0; i < 50; i++) color(`other${i}`);
  assert.equal(color("baseline"), first);
  assert.equal(createRunColors()("baseline"), first);
  assert.equal(runColor("some run"), runColor("some run"));
  const again = createRunColors();
  assert.equal(again("b"), createRunColors()("b"));
});

test("hexToRgb reads #rrggbb and falls back for anything else", () => {
  assert.deepEqual(hexToRgb("#ff7043"), [255, 112, 67]);
  assert.deepEqual(hexToRgb("0077BB"), [0, 119, 187]);
  assert.deepEqual(hexToRgb("rgb(1,2,3)"), [80, 80, 80]);
  assert.deepEqual(hexToRgb("#fff", [1, 2, 3]), [1, 2, 3]);
});

test("the first runs get the colour-blind-safe first colours, whatever their names", async () => {
  const { PALETTE } = await import("../src/lib/colors.js");
  for (const names of [["a", "b", "c"], ["lr=0.1", "lr=0.01", "lr=0.001", "live", "baseline"]]) {
    const color = createRunColors();
    for (const name of names) assert.ok(PALETTE.slice(0, 5).includes(color(name)), `${name} -> ${color(name)}`);
  }
});

test("claim: a persisted colour is kept and avoided by later runs", () => {
  const color = createRunColors();
  color.claim("old", "#0077bb");
  assert.equal(color("old"), "#0077bb");
  const others = Array.from({ length: 30 }, (_, i) => color(`r${i}`));
  assert.ok(!others.includes("#0077bb"));
});

test("the first five colours stay apart under simulated colour blindness (Machado 2009, full severity)", async () => {
  const { PALETTE } = await import("../src/lib/colors.js");
  const MACHADO = {
    deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
    protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
  };
  const toLinear = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const toHex = (v) => {
    v = Math.min(1, Math.max(0, v));
    const s = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
    return Math.round(s * 255).toString(16).padStart(2, "0");
  };
  const simulate = (hex, m) => {
    const lin = hexToRgb(hex).map(toLinear);
    return `#${m.map((row) => toHex(row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])).join("")}`;
  };
  for (const [name, m] of Object.entries(MACHADO)) {
    const seen = PALETTE.slice(0, 5).map((c) => simulate(c, m));
    for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) {
      assert.ok(deltaE(seen[i], seen[j]) > 12, `${name}: ${PALETTE[i]} ~ ${PALETTE[j]} (${deltaE(seen[i], seen[j]).toFixed(1)})`);
    }
  }
});
