// Drawing a long series in O(pixels): the polyline is reduced to first/min/max/last per
// pixel column as it is traced, so a 20k-point series costs what a 1k-point one does and
// every spike still shows. Points outside [left, right] collapse onto a column just beyond
// the edge (clipped when drawn); non-finite points break the line.

// Trace the first n points of (xs, ys) into `path` (anything with moveTo/lineTo: a canvas
// context or a recorder) through scales sx, sy; logY draws log10(y). Returns the number of
// vertices emitted.
export function traceColumns(path, xs, ys, n, sx, sy, left, right, logY = false) {
  let column = null, first = 0, low = 0, high = 0, last = 0, pen = false, emitted = 0;
  const flush = () => {
    if (column === null) return;
    if (!pen) { path.moveTo(column, first); pen = true; } else path.lineTo(column, first);
    emitted += 1;
    if (low !== high) { path.lineTo(column, low); path.lineTo(column, high); emitted += 2; }
    path.lineTo(column, last);
    emitted += 1;
  };
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    let y = ys[i];
    if (logY) y = y > 0 ? Math.log10(y) : NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y)) { flush(); column = null; pen = false; continue; }
    const px = Math.min(Math.max(Math.round(sx(x)), left - 2), right + 2);
    const py = sy(y);
    if (px !== column) { flush(); column = px; first = low = high = last = py; }
    else { if (py < low) low = py; if (py > high) high = py; last = py; }
  }
  flush();
  return emitted;
}
