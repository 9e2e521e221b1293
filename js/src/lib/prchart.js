// Precision-recall chart: several curves overlaid on the unit square (x recall, y precision),
// hover picks the nearest point of any curve, click pins it. Knows nothing of widgets.
//
//   const chart = createPrChart(el, { height, onHover(point|null), onPick(point) });
//   chart.update({ curves: [{ name, color, recall, precision, thresholds, tp, fp, tn, fn }],
//                  pinned: { name, threshold } | null });
//   chart.destroy();
// point = { name, color, index, threshold, precision, recall, tp, fp, tn, fn }.
// Arrays are typed arrays of equal length (one entry per threshold); non-finite points
// (padding of a curve with fewer thresholds) are skipped.
import { h } from "./dom.js";
import { drawAxes, fitCanvas, themeColors } from "./canvas.js";
import { formatNumber, ticks } from "./format.js";

const MARGIN = { left: 44, right: 12, top: 8, bottom: 26 };
const PICK_RADIUS = 24; // CSS pixels

export function createPrChart(el, { height = 260, onHover = () => {}, onPick = () => {} } = {}) {
  const canvas = h("canvas", { class: "jtb-canvas", "data-jtb-canvas": "" });
  const wrap = h("div", { class: "jtb-plot", style: { height: `${height}px` } }, [canvas]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let curves = [];
  let pinned = null;
  let hover = null;
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
    for (let i = 0; i < curve.thresholds.length; i++) {
      const d = Math.abs(curve.thresholds[i] - pinned.threshold);
      if (d < gap && Number.isFinite(curve.precision[i])) { gap = d; best = i; }
    }
    return best < 0 ? null : pointOf(curve, best);
  }

  function marker(point, radius, ring) {
    ctx.fillStyle = point.color;
    ctx.beginPath(); ctx.arc(view.sx(point.recall), view.sy(point.precision), radius, 0, 2 * Math.PI); ctx.fill();
    if (ring) { ctx.strokeStyle = ring; ctx.lineWidth = 1.5; ctx.stroke(); }
  }

  function draw() {
    frame = 0;
    const { width, height: heightPx } = fitCanvas(canvas, wrap, ctx);
    const left = MARGIN.left, right = width - MARGIN.right, top = MARGIN.top, bottom = heightPx - MARGIN.bottom;
    const sx = (x) => left + x * (right - left);
    const sy = (y) => bottom - y * (bottom - top);
    view = { left, right, top, bottom, sx, sy };
    const colors = themeColors(wrap);
    drawAxes(ctx, view, ticks(0, 1, 5), ticks(0, 1, 5), colors, formatNumber, formatNumber);
    ctx.fillStyle = colors.fg;
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText("recall →", right, bottom - 2);
    ctx.save();
    ctx.beginPath(); ctx.rect(left - 4, top - 4, right - left + 8, bottom - top + 8); ctx.clip();
    for (const curve of curves) {
      ctx.strokeStyle = curve.color;
      ctx.lineWidth = 1.75;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < curve.recall.length; i++) {
        const x = curve.recall[i], y = curve.precision[i];
        if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
        if (pen) ctx.lineTo(sx(x), sy(y)); else { ctx.moveTo(sx(x), sy(y)); pen = true; }
      }
      ctx.stroke();
    }
    const pin = pinnedPoint();
    if (pin) marker(pin, 5, colors.fg);
    if (hover) marker(hover, 3.5, null);
    ctx.restore();
  }

  function schedule() { if (!frame) frame = requestAnimationFrame(draw); }

  function nearest(event) {
    if (!view) return null;
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    let best = null, gap = PICK_RADIUS * PICK_RADIUS;
    for (const curve of curves) {
      for (let i = 0; i < curve.recall.length; i++) {
        const x = curve.recall[i], y = curve.precision[i];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        const dx = view.sx(x) - px, dy = view.sy(y) - py;
        const d = dx * dx + dy * dy;
        if (d < gap) { gap = d; best = [curve, i]; }
      }
    }
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

  return {
    update(next) {
      if (next.curves) curves = next.curves;
      if ("pinned" in next) pinned = next.pinned;
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
    drawNow: draw,
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      wrap.remove();
    },
  };
}
