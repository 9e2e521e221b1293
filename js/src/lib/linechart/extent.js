// The line chart's data ranges: x over every point (or the zoomed domain), y over the
// points inside that x range, on a log10 scale when asked, optionally without outliers.

// value at quantile q of an ascending array (linear interpolation), NaN when empty
export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// y as drawn: log10 on a log axis (NaN for values that have no logarithm)
export const toAxisY = (y, logY) => (logY ? (y > 0 ? Math.log10(y) : NaN) : y);

// {x0, x1, y0, y1} to draw: series [{x, y, smooth?, lower?, upper?, n?}]; domain {x, y}
// (each [lo, hi] in axis units or null: zoomed ranges) or null; ignoreOutliers keeps y within
// the 5th..95th percentile (with over 10 points); y gets 5% padding; empty or flat ranges are
// widened so the scales stay finite.
export function dataExtent(series, { domain = null, logY = false, ignoreOutliers = false } = {}) {
  let x0 = Infinity, x1 = -Infinity;
  const ys = [];
  let y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    const n = s.n ?? s.x.length;
    for (let i = 0; i < n; i++) {
      const x = s.x[i];
      if (!Number.isFinite(x)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  }
  if (domain && domain.x) [x0, x1] = domain.x;
  for (const s of series) {
    const n = s.n ?? s.x.length;
    for (const arr of [s.y, s.smooth, s.lower, s.upper]) {
      if (!arr) continue;
      for (let i = 0; i < n; i++) {
        const x = s.x[i];
        if (x < x0 || x > x1) continue;
        const y = toAxisY(arr[i], logY);
        if (!Number.isFinite(y)) continue;
        if (ignoreOutliers) ys.push(y);
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (ignoreOutliers && ys.length > 10) {
    ys.sort((a, b) => a - b);
    y0 = quantile(ys, 0.05);
    y1 = quantile(ys, 0.95);
  }
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; }
  if (x1 === x0) { x0 -= 0.5; x1 += 0.5; }
  if (!Number.isFinite(y0)) { y0 = 0; y1 = 1; }
  if (y1 === y0) { y0 -= Math.abs(y0) * 0.1 || 0.5; y1 += Math.abs(y1) * 0.1 || 0.5; }
  if (domain && domain.y) return { x0, x1, y0: domain.y[0], y1: domain.y[1] };
  const pad = (y1 - y0) * 0.05;
  return { x0, x1, y0: y0 - pad, y1: y1 + pad };
}
