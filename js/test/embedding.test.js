// lib/embedding.js: the projector's colours, search, neighbours and highlights.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CATEGORICAL_LIMIT, columnColors, gradientAt, highlightFor, nearestNeighbors, rowNorms, searchMatches, spriteCell, varianceText,
} from "../src/lib/embedding.js";

const column = (values, codes, numbers = null) => ({ name: "c", values, codes: Int32Array.from(codes), numbers });
const rgbAt = (rgba, i) => Array.from(rgba.subarray(4 * i, 4 * i + 3));

test("colours by a few categories: one colour and one legend entry per value", () => {
  const { rgba, legend } = columnColors(column(["cat", "dog"], [0, 1, 0]), 3);
  assert.deepEqual(rgbAt(rgba, 0), rgbAt(rgba, 2));
  assert.notDeepEqual(rgbAt(rgba, 0), rgbAt(rgba, 1));
  assert.deepEqual(legend.map((e) => e.text), ["cat", "dog"]);
  assert.deepEqual(legend[1].rgb, rgbAt(rgba, 1));
  const plain = columnColors(null, 2);
  assert.deepEqual(rgbAt(plain.rgba, 0), rgbAt(plain.rgba, 1));
  assert.equal(plain.legend.length, 0);
});

test("colours by many numbers: a gradient from the smallest to the largest, grey for missing", () => {
  const n = CATEGORICAL_LIMIT + 5;
  const numbers = Float64Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i));
  const values = Array.from({ length: n }, (_, i) => String(i));
  const { rgba, legend } = columnColors(column(values, values.map((_, i) => i), numbers), n);
  assert.deepEqual(rgbAt(rgba, 0), gradientAt(0));
  assert.deepEqual(rgbAt(rgba, n - 1), gradientAt(1));
  assert.deepEqual(rgbAt(rgba, 3), [200, 200, 200]);
  assert.deepEqual(legend.map((e) => e.text), ["0", String(n - 1)]);
  assert.deepEqual(gradientAt(-5), gradientAt(0));
  assert.deepEqual(gradientAt(0.5), [33, 145, 140]); // the middle viridis stop
});

test("search: regex over distinct labels (or indices without metadata); bad patterns match literally", () => {
  const labels = column(["apple", "banana", "cherry"], [0, 1, 2, 1, 0]);
  assert.deepEqual(searchMatches(labels, 5, "an"), [1, 3]);
  assert.deepEqual(searchMatches(labels, 5, "^(apple|cherry)$"), [0, 2, 4]);
  assert.deepEqual(searchMatches(labels, 5, ""), []);
  assert.deepEqual(searchMatches(null, 12, "^1"), [1, 10, 11]);
  assert.deepEqual(searchMatches(column(["a(b", "ab"], [0, 1]), 2, "a(b"), [0]);
});

test("nearest neighbours: k nearest, itself excluded, by cosine or euclidean distance", () => {
  const vectors = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, -1, 0, 10, 0]);
  const euclid = nearestNeighbors(vectors, 5, 2, 0, 2, "euclidean");
  assert.deepEqual(euclid.map((e) => e.index), [1, 2]);
  assert.ok(Math.abs(euclid[0].distance - Math.hypot(0.1, 0.1)) < 1e-6);
  const cosine = nearestNeighbors(vectors, 5, 2, 0, 2, "cosine");
  assert.deepEqual(cosine.map((e) => e.index), [4, 1]); // (10, 0) points the same way
  assert.ok(Math.abs(cosine[0].distance) < 1e-9);
  const withNorms = nearestNeighbors(vectors, 5, 2, 0, 4, "cosine", rowNorms(vectors, 5, 2));
  assert.deepEqual(withNorms.map((e) => e.index), [4, 1, 2, 3]);
  assert.ok(Math.abs(withNorms[3].distance - 2) < 1e-9);
  assert.deepEqual(Array.from(rowNorms(Float32Array.from([3, 4]), 1, 2)), [5]);
});

test("highlights: selection, matches, focus and neighbours; labels for few matches only", () => {
  const labelOf = (i) => `p${i}`;
  const few = highlightFor({ n: 10, selected: [1], matches: [2, 3], focused: 4, neighbors: [{ index: 5 }], labelOf });
  assert.deepEqual(few.highlight.sort(), [1, 2, 3, 4, 5]);
  assert.deepEqual(few.labels, [
    { index: 4, text: "p4", strong: true }, { index: 5, text: "p5" }, { index: 2, text: "p2" }, { index: 3, text: "p3" },
  ]);
  const many = highlightFor({ n: 100, selected: [], matches: Array.from({ length: 60 }, (_, i) => i), focused: 99, neighbors: [], labelOf });
  assert.equal(many.highlight.length, 61);
  assert.equal(many.labels.length, 1);
  assert.deepEqual(highlightFor({ n: 3, selected: [], matches: [], focused: 7, neighbors: [], labelOf }), { highlight: [], labels: [] });
});

test("PCA variance text and sprite cells", () => {
  assert.equal(varianceText([0.41, 0.205, 0.1], 2), "variance explained: 41.0% + 20.5% = 61.5%");
  assert.deepEqual(spriteCell(5, { width: 28, height: 14, perRow: 4 }), { sx: 28, sy: 14, w: 64, h: 32 });
  assert.deepEqual(spriteCell(0, { width: 10, height: 10, perRow: 1 }), { sx: 0, sy: 0, w: 64, h: 64 });
});
