// The point cloud's data as the GPU gets it: normalised positions, upload order, colours
// with hidden points marked, the highlighted subset and point sizes. Pure functions over
// typed arrays (n points: positions n*3, colours n*4 RGBA bytes).

// While the camera moves, a big cloud draws a fixed random subset of this many points and
// the whole cloud once the camera rests (SETTLE_MS): the shape reads the same, and frames
// stay short even on software WebGL. Points are uploaded in a shuffled order so any prefix
// of the buffer is a uniform sample.
export const MOVING_LIMIT = 40000;
export const SETTLE_MS = 180;
const MAX_LABELS = 200;

// A seeded permutation of 0..n-1 (xorshift32 Fisher-Yates): the same cloud, the same sample.
export function shuffledOrder(n, seed = 12345) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let state = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    const j = state % (i + 1);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  return order;
}

// Rows of `width` values taken in `order` (null: the array itself).
export function gather(values, order, width) {
  if (!order) return values;
  const out = new values.constructor(values.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    for (let c = 0; c < width; c++) out[width * k + c] = values[width * i + c];
  }
  return out;
}

// Centre and scale the finite points into [-1, 1] (aspect kept); NaN rows become hidden.
export function normalise(positions, dims) {
  const n = Math.floor(positions.length / 3);
  const out = new Float32Array(n * 3);
  const hidden = new Uint8Array(n);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = dims === 3 ? positions[3 * i + 2] : 0;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) { hidden[i] = 1; continue; }
    if (x < lo[0]) lo[0] = x; if (x > hi[0]) hi[0] = x;
    if (y < lo[1]) lo[1] = y; if (y > hi[1]) hi[1] = y;
    if (z < lo[2]) lo[2] = z; if (z > hi[2]) hi[2] = z;
  }
  if (lo[0] === Infinity) return { positions: out, hidden, visible: 0 };
  const centre = lo.map((v, k) => (v + hi[k]) / 2);
  const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) / 2 || 1;
  let visible = 0;
  for (let i = 0; i < n; i++) {
    if (hidden[i]) continue;
    visible += 1;
    out[3 * i] = (positions[3 * i] - centre[0]) / extent;
    out[3 * i + 1] = (positions[3 * i + 1] - centre[1]) / extent;
    out[3 * i + 2] = dims === 3 ? (positions[3 * i + 2] - centre[2]) / extent : 0;
  }
  return { positions: out, hidden, visible };
}

// A copy of the colours whose alpha byte marks hidden points (0) from drawn ones (255).
export function withHiddenAlpha(colors, hidden) {
  const rgba = new Uint8Array(colors);
  for (let i = 0; i < hidden.length; i++) rgba[4 * i + 3] = hidden[i] ? 0 : 255;
  return rgba;
}

// The highlighted points that exist and are drawn, with their positions and opaque colours.
export function highlightPoints(indices, positions, colors, hidden) {
  const n = hidden.length;
  const keep = [];
  for (const i of indices || []) if (i >= 0 && i < n && !hidden[i]) keep.push(i);
  const pos = new Float32Array(3 * keep.length);
  const rgba = new Uint8Array(4 * keep.length);
  keep.forEach((i, k) => {
    pos.set(positions.subarray(3 * i, 3 * i + 3), 3 * k);
    rgba.set(colors.subarray(4 * i, 4 * i + 3), 4 * k);
    rgba[4 * k + 3] = 255;
  });
  return { keep, positions: pos, colors: rgba };
}

// Labels [{index, text, strong}] that can be shown: at most MAX_LABELS, of drawn points.
export function drawableLabels(list, hidden) {
  return (list || []).slice(0, MAX_LABELS).filter((item) => item.index < hidden.length && !hidden[item.index]);
}

// How many points of the (shuffled) buffer to draw: a sample while the camera moves.
export function drawCount(n, shuffled, msSinceMove, limit = MOVING_LIMIT) {
  return shuffled && msSinceMove < SETTLE_MS ? Math.min(limit, n) : n;
}

// Point sizes in device pixels: smaller the more points there are; highlighted ones larger.
export function pointSizes(n, pixelRatio, pointSize = 0) {
  const base = (pointSize || Math.max(2, Math.min(7, 9 - 1.2 * Math.log10(Math.max(n, 1))))) * pixelRatio;
  return { base, highlight: Math.max(base * 2.2, 9 * pixelRatio) };
}
