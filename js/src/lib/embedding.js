// The embedding projector's data work, in the browser so it stays live while the kernel is
// busy: point colours from a metadata column, regex search, nearest neighbours, what to
// highlight and label, sprite thumbnails. Pure functions over typed arrays and plain data.
// A metadata column is {name, values: [distinct strings], codes: (n) indices into values,
// numbers: (n) Float64Array | null (when every value is numeric)}.
import { hexToRgb } from "./colors.js";
import { userRegex } from "./dom.js";

export const CATEGORICAL_LIMIT = 20;
// 20 distinguishable colours (Tableau 20 order)
const CATEGORY_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
  "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
].map((hex) => hexToRgb(hex));
const GRADIENT = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"].map((hex) => hexToRgb(hex)); // viridis stops
const PLAIN = hexToRgb("#3b73b9");
const MISSING = [200, 200, 200];
const MAX_SEARCH_LABELS = 50; // search matches get labels only when this few

// [r, g, b] of the viridis ramp at t in [0, 1] (clamped).
export function gradientAt(t) {
  const x = Math.min(Math.max(t, 0), 1) * (GRADIENT.length - 1);
  const k = Math.min(Math.floor(x), GRADIENT.length - 2);
  const f = x - k;
  return GRADIENT[k].map((c, j) => Math.round(c + (GRADIENT[k + 1][j] - c) * f));
}

// Per-point RGBA for a metadata column, and legend entries [{text, rgb}]: few values get a
// category colour each, many numbers a gradient from the smallest to the largest, many
// strings a colour by value (equal labels share one).
export function columnColors(column, n) {
  const rgba = new Uint8Array(4 * n);
  const legend = [];
  if (!column) {
    for (let i = 0; i < n; i++) rgba.set(PLAIN, 4 * i);
    return { rgba, legend };
  }
  const { values, codes, numbers } = column;
  if (values.length <= CATEGORICAL_LIMIT) {
    for (let i = 0; i < n; i++) rgba.set(CATEGORY_COLORS[codes[i] % CATEGORY_COLORS.length], 4 * i);
    values.forEach((text, k) => legend.push({ text, rgb: CATEGORY_COLORS[k % CATEGORY_COLORS.length] }));
  } else if (numbers) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) if (Number.isFinite(numbers[i])) { lo = Math.min(lo, numbers[i]); hi = Math.max(hi, numbers[i]); }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) rgba.set(Number.isFinite(numbers[i]) ? gradientAt((numbers[i] - lo) / span) : MISSING, 4 * i);
    legend.push({ text: String(lo), rgb: GRADIENT[0] }, { text: String(hi), rgb: GRADIENT[GRADIENT.length - 1] });
  } else {
    for (let i = 0; i < n; i++) rgba.set(CATEGORY_COLORS[codes[i] % CATEGORY_COLORS.length], 4 * i);
  }
  return { rgba, legend };
}

// Indices whose value in `column` matches the regex (tested once per distinct value); with
// no column, the point indices are searched.
export function searchMatches(column, n, text) {
  const regex = userRegex(text);
  if (!regex) return [];
  if (!column) {
    const out = [];
    for (let i = 0; i < n; i++) if (regex.test(String(i))) out.push(i);
    return out;
  }
  const hit = column.values.map((value) => regex.test(value));
  const out = [];
  for (let i = 0; i < n; i++) if (hit[column.codes[i]]) out.push(i);
  return out;
}

// Euclidean length of each row of an (n, d) array.
export function rowNorms(vectors, n, d) {
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += vectors[i * d + j] * vectors[i * d + j];
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

// k nearest rows to row `index` of an (n, d) Float32Array, itself excluded: [{index, distance}]
// nearest first; metric "cosine" (1 - cosine similarity; `norms` from rowNorms saves work)
// or "euclidean".
export function nearestNeighbors(vectors, n, d, index, k, metric, norms = null) {
  const q = index * d;
  let qNorm = 0;
  for (let j = 0; j < d; j++) qNorm += vectors[q + j] * vectors[q + j];
  qNorm = Math.sqrt(qNorm);
  const best = []; // sorted ascending by distance, at most k
  for (let i = 0; i < n; i++) {
    if (i === index) continue;
    const o = i * d;
    let distance;
    if (metric === "cosine") {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += vectors[o + j] * vectors[q + j];
      let norm = norms ? norms[i] : 0;
      if (!norms) { for (let j = 0; j < d; j++) norm += vectors[o + j] * vectors[o + j]; norm = Math.sqrt(norm); }
      distance = norm > 0 && qNorm > 0 ? 1 - dot / (norm * qNorm) : 1;
    } else {
      let sum = 0;
      for (let j = 0; j < d; j++) { const diff = vectors[o + j] - vectors[q + j]; sum += diff * diff; }
      distance = Math.sqrt(sum);
    }
    if (best.length === k && distance >= best[k - 1].distance) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].distance > distance) at--;
    best.splice(at, 0, { index: i, distance });
    if (best.length > k) best.pop();
  }
  return best;
}

// What the plot highlights and labels: the lasso selection, search matches, the focused
// point and its neighbours (highlighted); the focused point (bold), its neighbours and a few
// search matches (labelled). labelOf(i) -> text.
export function highlightFor({ n, selected, matches, focused, neighbors, labelOf }) {
  const set = new Set(selected);
  for (const i of matches) set.add(i);
  const hasFocus = focused >= 0 && focused < n;
  if (hasFocus) set.add(focused);
  for (const { index } of neighbors) set.add(index);
  const labels = [];
  if (hasFocus) labels.push({ index: focused, text: labelOf(focused), strong: true });
  for (const { index } of neighbors) labels.push({ index, text: labelOf(index) });
  if (matches.length <= MAX_SEARCH_LABELS) for (const i of matches) labels.push({ index: i, text: labelOf(i) });
  return { highlight: [...set], labels };
}

// "variance explained: 41.0% + 20.5% = 61.5%" for the first `dims` PCA components.
export function varianceText(variance, dims) {
  const shown = variance.slice(0, dims);
  const total = shown.reduce((a, b) => a + b, 0);
  return `variance explained: ${shown.map((v) => `${(100 * v).toFixed(1)}%`).join(" + ")} = ${(100 * total).toFixed(1)}%`;
}

// Source rectangle of point i's thumbnail in a sprite sheet of `perRow` cells of width x
// height, and the size it is drawn at to fit a box of `fit` pixels.
export function spriteCell(i, { width, height, perRow }, fit = 64) {
  const scale = fit / Math.max(width, height);
  return {
    sx: (i % perRow) * width, sy: Math.floor(i / perRow) * height,
    w: Math.round(width * scale), h: Math.round(height * scale),
  };
}
