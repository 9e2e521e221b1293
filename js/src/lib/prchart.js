// Precision-recall chart: several curves overlaid on the unit square (x recall, y precision),
// hover picks the nearest point of any curve, click pins it. Knows nothing of widgets.
//
//   const chart = createPrChart(el, { height, onHover(point|null), onPick(point) });
//   chart.update({ curves: [{ name, color, recall, precision, thresholds, tp, fp, tn, fn }],
//                  pinned: { name, threshold } | null });
//   chart.destroy();
//   chart.update({ marked: [{ name, index }] })  rings drawn on chosen points (operating points)
// point = { name, color, index, threshold, precision, recall, tp, fp, tn, fn }.
// Arrays are typed arrays of equal length (one entry per threshold). Drawn and pickable are
// only the points of curveIndices(): finite ones (a curve with fewer thresholds is padded with
// NaN) with TP + FP > 0 (at thresholds nothing passes, precision is undefined; the writer
// stores 0 there, and joining it made every curve start with a line from (0, 0) that
// TensorBoard does not draw).
import { h } from "./dom.js";
import { drawAxes, fitCanvas, registerPainter, themeColors } from "./canvas.js";
import { formatNumber, ticks } from "./format.js";

const MARGIN = { left: 50, right: 12, top: 8, bottom: 34 };

// Indices of the points of `curve` that are drawn, in threshold order.
export function curveIndices(curve) {
  const out = [];
  for (let i = 0; i < curve.recall.length; i++) {
    if (!Number.isFinite(curve.recall[i]) || !Number.isFinite(curve.precision[i])) continue;
    if (curve.tp && curve.tp[i] + curve.fp[i] <= 0) continue;
    out.push(i);
  }
  return out;
}

// The operating point of `curve` for a target (index into its arrays, or -1 if none qualifies):
//   by "threshold": the drawn point whose threshold is nearest `target`;
//   by "precision": the highest recall among points with precision >= target (then the
//     higher precision, then the higher threshold);
//   by "recall": the highest precision among points with recall >= target (then the higher
//     recall, then the higher threshold).
export function operatingPoint(curve, by, target) {
  let best = -1;
  const better = (i) => {
    if (best < 0) return true;
    if (by === "threshold") return Math.abs(curve.thresholds[i] - target) < Math.abs(curve.thresholds[best] - target);
    const [primary, secondary] = by === "precision" ? [curve.recall, curve.precision] : [curve.precision, curve.recall];
    if (primary[i] !== primary[best]) return primary[i] > primary[best];
    if (secondary[i] !== secondary[best]) return secondary[i] > secondary[best];
    return curve.thresholds[i] > curve.thresholds[best];
  };
  for (const i of curveIndices(curve)) {
    if (by === "precision" && !(curve.precision[i] >= target)) continue;
    if (by === "recall" && !(curve.recall[i] >= target)) continue;
    if (better(i)) best = i;
  }
  return best;
}

// Nearest drawn point to (px, py) in screen space over all curves: [curve, index] or null.
export function nearestPoint(curves, sx, sy, px, py) {
  let best = null, gap = Infinity;
  for (const curve of curves) {
    for (const i of curveIndices(curve)) {
      const dx = sx(curve.recall[i]) - px, dy = sy(curve.precision[i]) - py;
      const d = dx * dx + dy * dy;
      if (d < gap) { gap = d; best = [curve, i]; }
    }
  }
  return best;
}

export function createPrChart(el, { height = 260, onHover = () => {}, onPick = () => {} } = {}) {
  const canvas = h("canvas", { class: "jtb-canvas", "data-jtb-canvas": "" });
  const wrap = h("div", { class: "jtb-plot", style: { height: `${height}px` } }, [canvas]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let curves = [];
  let pinned = null;
  let hover = null;
  let marked = [];
  let drawnPaths = []; // per curve the [recall, precision] points of its drawn line
  let view = null;
  let frame = 0;

  function pointOf(curve, index) {
    return {
      name: curve.name, color: curve.color, index,
      threshold: curve.thresholds[index], precision: curve.precision[index], recall: curve.recall[index],
      tp: curve.tp[index], fp: curve.fp[index], tn: curve.tn[index], fn: curve.fn[index],
    };
  }

  function pinnedPoint() {
    if (!pinned) return null;
    const curve = curves.find((c) => c.name === pinned.name);
    if (!curve) return null;
    let best = -1, gap = Infinity;
    for (const i of curveIndices(curve)) {
      const d = Math.abs(curve.thresholds[i] - pinned.threshold);
      if (d < gap) { gap = d; best = i; }
    }
    return best < 0 ? null : pointOf(curve, best);
  }

  function marker(g, at, point, radius, ring) {
    g.fillStyle = point.color;
    g.beginPath(); g.arc(at.sx(point.recall), at.sy(point.precision), radius, 0, 2 * Math.PI); g.fill();
    if (ring) { g.strokeStyle = ring; g.lineWidth = 1.5; g.stroke(); }
  }

  function draw() {
    frame = 0;
    const { width, height: heightPx } = fitCanvas(canvas, wrap, ctx);
    const drawn = paint(ctx, width, heightPx, hover);
    view = drawn.view;
    drawnPaths = drawn.paths;
  }

  // the chart at width x heightPx into the 2-D context g (the canvas, or a card download's),
  // with `pointer` (the hovered point) marked; returns the scales and the lines drawn
  function paint(g, width, heightPx, pointer = null) {
    const left = MARGIN.left, right = width - MARGIN.right, top = MARGIN.top, bottom = heightPx - MARGIN.bottom;
    const sx = (x) => left + x * (right - left);
    const sy = (y) => bottom - y * (bottom - top);
    const at = { left, right, top, bottom, sx, sy };
    const colors = themeColors(wrap);
    drawAxes(g, at, ticks(0, 1, 5), ticks(0, 1, 5), colors, formatNumber, formatNumber);
    g.fillStyle = colors.fg;
    g.font = "11px sans-serif";
    g.textAlign = "center";
    g.textBaseline = "bottom";
    g.fillText("Recall", (left + right) / 2, heightPx - 2);
    g.save();
    g.translate(12, (top + bottom) / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = "middle";
    g.fillText("Precision", 0, 0);
    g.restore();
    g.save();
    g.beginPath(); g.rect(left - 4, top - 4, right - left + 8, bottom - top + 8); g.clip();
    const paths = [];
    for (const curve of curves) {
      g.strokeStyle = curve.color;
      g.lineWidth = 1.75;
      g.beginPath();
      const kept = curveIndices(curve);
      kept.forEach((i, k) => g[k ? "lineTo" : "moveTo"](sx(curve.recall[i]), sy(curve.precision[i])));
      g.stroke();
      paths.push({ name: curve.name, points: kept.map((i) => [curve.recall[i], curve.precision[i]]) });
    }
    for (const { name, index } of marked) {
      const curve = curves.find((c) => c.name === name);
      if (curve && index >= 0) marker(g, at, pointOf(curve, index), 4.5, colors.fg);
    }
    const pin = pinnedPoint();
    if (pin) marker(g, at, pin, 5, colors.fg);
    if (pointer) marker(g, at, pointer, 3.5, null);
    g.restore();
    return { view: at, paths };
  }

  function schedule() { if (!frame) frame = requestAnimationFrame(draw); }

  // the nearest drawn point to the pointer, wherever it is over the plot
  function nearest(event) {
    if (!view) return null;
    const rect = canvas.getBoundingClientRect();
    const best = nearestPoint(curves, view.sx, view.sy, event.clientX - rect.left, event.clientY - rect.top);
    return best ? pointOf(best[0], best[1]) : null;
  }

  const onMove = (event) => { hover = nearest(event); onHover(hover); schedule(); };
  const onLeave = () => { hover = null; onHover(null); schedule(); };
  const onClick = (event) => { const point = nearest(event); if (point) onPick(point); };
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", onLeave);
  canvas.addEventListener("click", onClick);
  const resize = new ResizeObserver(schedule);
  resize.observe(wrap);
  registerPainter(canvas, {
    paint: (g, width, heightPx) => { paint(g, width, heightPx); },
    legend: () => curves.map((c) => ({ name: `${c.name} (step ${c.step})`, color: c.color })),
  });

  return {
    update(next) {
      if (next.curves) curves = next.curves;
      if ("pinned" in next) pinned = next.pinned;
      if (next.marked) marked = next.marked;
      if (hover) { // keep the readout on the same threshold of the (new) curve
        const curve = curves.find((c) => c.name === hover.name);
        hover = curve && hover.index < curve.recall.length ? pointOf(curve, hover.index) : null;
        onHover(hover);
      }
      schedule();
    },
    // canvas position (CSS pixels) of a curve's point: for tests and keyboard users
    locate(name, index) {
      const curve = curves.find((c) => c.name === name);
      if (!curve || !view) return null;
      return { x: view.sx(curve.recall[index]), y: view.sy(curve.precision[index]) };
    },
    pinnedPoint,
    drawn: () => drawnPaths, // what the last frame drew: for tests
    drawNow: draw,
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      wrap.remove();
    },
  };
}
