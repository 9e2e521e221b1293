// The graph's camera and what lies under the pointer. A view is {k, x, y}: a world point
// (wx, wy) is drawn at canvas pixel (x + wx * k, y + wy * k). Items are layout boxes
// {x, y (centre), w, h, cluster}. Pure: functions return new views, nothing is drawn.

const MIN_ZOOM = 0.02;
const MAX_ZOOM = 8;
const MAX_FIT_ZOOM = 1.25; // a small graph is shown near its natural size (TensorBoard's), not blown up

// The whole layout (width x height) centred in a w x ht canvas, never magnified past 2x.
export function fitView(width, height, w, ht) {
  const k = Math.min(MAX_FIT_ZOOM, Math.min(w / (width + 40), ht / (height + 40)));
  const kk = k > 0 && isFinite(k) ? k : 1;
  return { k: kk, x: (w - width * kk) / 2, y: Math.max(10, (ht - height * kk) / 2) };
}

// Zoom by a wheel's deltaY about canvas point (cx, cy), which stays where it is.
export function zoomAbout(view, cx, cy, deltaY) {
  const k = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.k * Math.exp(-deltaY * 0.0015)));
  return { k, x: cx - ((cx - view.x) * k) / view.k, y: cy - ((cy - view.y) * k) / view.k };
}

// Pan (and zoom out if it is too big) so box p is entirely on a w x ht canvas, `margin`
// pixels from its edges.
export function boxIntoView(view, p, w, ht, margin = 12) {
  const v = { ...view };
  const k = Math.min(v.k, (w - 2 * margin) / p.w, (ht - 2 * margin) / p.h);
  if (k < v.k) {
    v.x = w / 2 - p.x * k;
    v.y = ht / 2 - p.y * k;
    v.k = k;
  }
  const left = v.x + (p.x - p.w / 2) * v.k, right = v.x + (p.x + p.w / 2) * v.k;
  const top = v.y + (p.y - p.h / 2) * v.k, bottom = v.y + (p.y + p.h / 2) * v.k;
  if (right > w - margin) v.x -= right - (w - margin);
  if (left < margin) v.x += margin - left;
  if (bottom > ht - margin) v.y -= bottom - (ht - margin);
  if (top < margin) v.y += margin - top;
  return v;
}

// The same zoom, panned so world point p sits in the middle of a w x ht canvas.
export function centreOn(view, p, w, ht) {
  return { k: view.k, x: w / 2 - p.x * view.k, y: ht / 2 - p.y * view.k };
}

// After a relayout moved box `before` to `after`: pan so its top edge centre stays under the
// pointer (a click that expands a scope leaves the scope where it was).
export function keepAnchored(view, before, after) {
  return {
    k: view.k,
    x: view.x + (before.x - after.x) * view.k,
    y: view.y + (before.y - before.h / 2 - (after.y - after.h / 2)) * view.k,
  };
}

// The world rectangle {x0, y0, x1, y1} a w x ht canvas shows.
export function worldRect(view, w, ht) {
  const x0 = -view.x / view.k, y0 = -view.y / view.k;
  return { x0, y0, x1: x0 + w / view.k, y1: y0 + ht / view.k };
}

export function boxInRect(p, r) {
  return p.x + p.w / 2 >= r.x0 && p.x - p.w / 2 <= r.x1 && p.y + p.h / 2 >= r.y0 && p.y - p.h / 2 <= r.y1;
}

// Whether the bounding box of polyline pts meets rectangle r.
export function pathInRect(pts, r) {
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (const q of pts) { bx0 = Math.min(bx0, q.x); bx1 = Math.max(bx1, q.x); by0 = Math.min(by0, q.y); by1 = Math.max(by1, q.y); }
  return !(bx1 < r.x0 || bx0 > r.x1 || by1 < r.y0 || by0 > r.y1);
}

// Whether the box spanned by a polyline's two ends meets rectangle r (the overview's cheaper
// test).
export function endsInRect(pts, r) {
  const a = pts[0], b = pts[pts.length - 1];
  return !(Math.max(a.x, b.x) < r.x0 || Math.min(a.x, b.x) > r.x1 || Math.max(a.y, b.y) < r.y0 || Math.min(a.y, b.y) > r.y1);
}

// The innermost item under canvas point (cx, cy), or -1: an op or collapsed scope first,
// else the smallest expanded cluster around the point.
export function itemAt(items, pos, view, cx, cy) {
  const wx = (cx - view.x) / view.k, wy = (cy - view.y) / view.k;
  let best = -1, bestArea = Infinity;
  for (const i of items) {
    const p = pos.get(i);
    if (Math.abs(wx - p.x) > p.w / 2 || Math.abs(wy - p.y) > p.h / 2) continue;
    const area = p.cluster ? p.w * p.h : 0;
    if (area < bestArea) { best = i; bestArea = area; }
  }
  return best;
}

// Where to click on box p (canvas pixels): its centre, or a cluster's label band.
export function clickPoint(view, p) {
  return { x: view.x + p.x * view.k, y: view.y + (p.cluster ? p.y - p.h / 2 + 8 : p.y) * view.k };
}
