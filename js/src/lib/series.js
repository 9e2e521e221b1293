// Scalar series as the scalars and custom scalars views keep them, and the lines they hand
// to the line chart. Pure functions over typed arrays.
//
// A series is {run, tag, mode, total, n, step, wall, value, smoothed, weight, version}: the
// first n entries of growable Float64Arrays. mode "full" holds every point, "sampled" a
// downsample (then `smoothed` holds the kernel's exact smoothing of the full series at
// `weight`, or weight is null while it is not exact).
import { nearestIndex } from "./linechart/hover.js";
import { smooth } from "./smoothing.js";

// `array`, or a larger copy when it holds fewer than `need` entries (room doubles).
export function grow(array, need) {
  if (array.length >= need) return array;
  const next = new Float64Array(Math.max(need, array.length * 2, 64));
  next.set(array);
  return next;
}

// A series from a "series" message (copied into growable arrays).
export function seriesFromMessage(msg) {
  const n = msg.step.length;
  const copy = (a) => { const out = new Float64Array(Math.max(n, 16)); out.set(a); return out; };
  return {
    run: msg.run, tag: msg.tag, mode: msg.mode, total: msg.total, n,
    step: copy(msg.step), wall: copy(msg.wall), value: copy(msg.value),
    smoothed: msg.smoothed ? copy(msg.smoothed) : null,
    weight: msg.weight ?? null,
    version: 1,
  };
}

// Fold an "append" message (new points at the end) into a series.
export function appendToSeries(series, msg) {
  const add = msg.step.length;
  const n = series.n + add;
  for (const name of ["step", "wall", "value"]) {
    series[name] = grow(series[name], n);
    series[name].set(msg[name], series.n);
  }
  if (series.mode === "sampled") {
    series.smoothed = grow(series.smoothed || new Float64Array(0), n);
    if (msg.smoothed && msg.weight === series.weight) series.smoothed.set(msg.smoothed, series.n);
    else series.weight = null; // mixed weights: not exact any more
  }
  series.n = n;
  series.total = msg.total;
  series.version += 1;
}

// Fold a "smoothed" message (the kernel's exact smoothing at msg.weight); ignored when it
// does not cover the series as it is now.
export function setSmoothed(series, msg) {
  if (msg.smoothed.length !== series.n) return false;
  series.smoothed = grow(series.smoothed || new Float64Array(0), series.n);
  series.smoothed.set(msg.smoothed);
  series.weight = msg.weight;
  series.version += 1;
  return true;
}

// Whether the browser's smoothing of a series only approximates it: a downsample whose
// exact smoothing at `weight` has not arrived.
export function smoothingApproximated(series, weight) {
  return series.mode === "sampled" && !!weight && series.weight !== weight;
}

// Seconds since the series' first point, for the "relative" x axis.
export function relativeTimes(wall, n) {
  const rel = new Float64Array(n);
  const start = wall[0];
  for (let i = 0; i < n; i++) rel[i] = wall[i] - start;
  return rel;
}

// Smoothed values per series and weight, cached until the series changes:
//   const smoothed = createSmoother(); smoothed(series, weight) -> {values, approximated}
// values is null at weight 0; the kernel's exact values are used when they match.
export function createSmoother() {
  const cache = new WeakMap();
  return (series, weight) => {
    if (!weight) return { values: null, approximated: false };
    if (series.mode === "sampled" && series.smoothed && series.weight === weight) return { values: series.smoothed, approximated: false };
    const cached = cache.get(series);
    if (cached && cached.version === series.version && cached.weight === weight) return cached.result;
    const result = { values: smooth(series.value, weight, series.n), approximated: series.mode === "sampled" };
    cache.set(series, { version: series.version, weight, result });
    return result;
  };
}

// Arguments of the kernel's "range" request refining a zoomed x range of a downsampled
// series at `px` pixels: ranges on the relative axis are moved back to wall time.
export function rangeRequest(series, xKind, range, px) {
  const offset = xKind === "relative" ? series.wall[0] : 0;
  return {
    run: series.run, tag: series.tag, x0: range[0] + offset, x1: range[1] + offset,
    axis: xKind === "step" ? "step" : "wall", px: Math.round(px),
  };
}

// x values of a refined window ({step, wall, ...} from a "range" reply) on an x axis.
export function windowXs(window, xKind, wall0) {
  if (xKind === "step") return window.step;
  if (xKind === "wall") return window.wall;
  return window.wall.map((w) => w - wall0);
}

// values of `other` at the steps of `series` (exact step matches; NaN where `other` has none)
export function alignTo(series, other) {
  const out = new Float64Array(series.n).fill(NaN);
  if (!other) return out;
  for (let i = 0; i < series.n; i++) {
    const j = nearestIndex(other.step, other.n, series.step[i]);
    if (j >= 0 && other.step[j] === series.step[i]) out[i] = other.value[j];
  }
  return out;
}
