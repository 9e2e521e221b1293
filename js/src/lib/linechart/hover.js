// What the line chart's hover line meets: per series the point nearest in x.

// nearest index of x in the first n entries of a (mostly) ascending array, or -1 when n is 0
export function nearestIndex(xs, n, x) {
  let lo = 0, hi = n - 1;
  if (n <= 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
  return lo;
}

// One readout row per series at hover position x: {name, color, index, x, value, smoothed,
// shown (the value the line shows), series}.
export function hoverRows(seriesList, x) {
  const rows = [];
  for (const s of seriesList) {
    const n = s.n ?? s.x.length;
    const i = nearestIndex(s.x, n, x);
    if (i < 0) continue;
    rows.push({
      name: s.name, color: s.color, index: i, x: s.x[i], value: s.y[i],
      smoothed: s.smooth ? s.smooth[i] : null, shown: s.smooth ? s.smooth[i] : s.y[i], series: s,
    });
  }
  return rows;
}
