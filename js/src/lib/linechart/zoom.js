// The line chart's zoom and selection math, over a view {x0, x1, y0, y1, left, right, top,
// bottom} (data ranges in axis units, i.e. log10 on a log axis, and their pixel box).

export const MIN_DRAG = 5; // pixels a drag must cover to count as a box or a range

// pixel -> data along each axis
export const xOf = (view, px) => view.x0 + ((px - view.left) / (view.right - view.left)) * (view.x1 - view.x0);
export const yOf = (view, py) => view.y0 + ((view.bottom - py) / (view.bottom - view.top)) * (view.y1 - view.y0);

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

// The domain a dragged box from pixel a to pixel b ({px, py}) zooms to: {x, y} ranges in axis
// units, clamped to the plot; y is null when the box is flatter than MIN_DRAG (an x-only
// zoom), and the whole result null when it is narrower than MIN_DRAG.
export function boxDomain(view, a, b) {
  const [p0, p1] = [a.px, b.px].map((p) => clamp(p, view.left, view.right)).sort((u, v) => u - v);
  const [q0, q1] = [a.py, b.py].map((q) => clamp(q, view.top, view.bottom)).sort((u, v) => u - v);
  if (p1 - p0 < MIN_DRAG) return null;
  const x = [xOf(view, p0), xOf(view, p1)];
  const y = q1 - q0 < MIN_DRAG ? null : [yOf(view, q1), yOf(view, q0)];
  return { x, y };
}

// [lo, hi] scaled by `factor` around `at` (factor < 1 zooms in; `at` stays where it is).
export function zoomAround([lo, hi], at, factor) {
  return [at - (at - lo) * factor, at + (hi - at) * factor];
}

// The scale factor of one wheel event (deltaY in pixels; pinch arrives as ctrl + wheel):
// 100 px of wheel zoom in or out by about 20%, one event at most by half or double.
export function wheelFactor(deltaY, deltaMode = 0) {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return clamp(Math.exp(pixels * 0.002), 0.5, 2);
}

// The domain after a wheel zoom at pixel (px, py) of `view`: both axes around the pointer.
export function wheelDomain(view, px, py, factor) {
  return {
    x: zoomAround([view.x0, view.x1], xOf(view, px), factor),
    y: zoomAround([view.y0, view.y1], yOf(view, py), factor),
  };
}

// The x range a shift-drag from pixel a to b selects, or null when too short.
export function dragRange(view, a, b) {
  const [p0, p1] = [a, b].map((p) => clamp(p, view.left, view.right)).sort((u, v) => u - v);
  return p1 - p0 < MIN_DRAG ? null : [xOf(view, p0), xOf(view, p1)];
}
