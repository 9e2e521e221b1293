// Histogram drawings on a canvas (no widget knowledge):
//   createHistogramChart(el, {height}) -> {update(data), destroy()}
//     data = {kind: "histogram", edges, counts (n x bins, row-major), steps, mode: "offset"|"overlay", color}
//         or {kind: "distribution", steps, percentiles (n x 9, row-major), color}
import { h } from "./dom.js";
import { drawAxes, fitCanvas, registerPainter, themeColors } from "./canvas.js";
import { formatNumber, ticks } from "./format.js";
import { hexToRgb } from "./colors.js";

const MARGIN = { left: 48, right: 40, top: 8, bottom: 22 };

// At least two distinct ticks over [lo, hi] for about `count` of them: ticks() rounds its step
// up (0.05..0.95 for 3 ticks gives step 0.5: "0.5" alone), so ask for more until two fit.
export function axisTicks(lo, hi, count) {
  if (!(hi > lo)) return ticks(lo - 0.5, lo + 0.5, 2);
  for (let wanted = Math.max(count, 2); wanted < 4 * Math.max(count, 2); wanted++) {
    const out = ticks(lo, hi, wanted);
    if (out.length >= 2) return out;
  }
  return [lo, hi];
}

function drawHistogram(ctx, data, box, colors) {
  const { edges, counts, steps, mode } = data;
  const bins = edges.length - 1;
  const n = steps.length;
  if (!n) return;
  let peak = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > peak) peak = counts[i];
  peak = peak || 1;
  const [r, g, b] = hexToRgb(data.color);
  const x0 = edges[0], x1 = edges[bins];
  const sx = (x) => box.left + ((x - x0) / (x1 - x0)) * (box.right - box.left);
  const offset = mode === "offset" && n > 1;
  // offset (TensorBoard's): one ridge per step, its baseline placed by the step's value from
  // the oldest (top, back) to the newest (bottom, front), each ridge as tall as 40%
  const curveHeight = offset ? (box.bottom - box.top) * 0.4 : box.bottom - box.top;
  const firstStep = steps[0], lastStep = steps[n - 1];
  const spanSteps = lastStep > firstStep ? lastStep - firstStep : 1;
  const baseOfStep = (step) => (offset ? box.top + curveHeight + ((box.bottom - box.top - curveHeight) * (step - firstStep)) / spanSteps : box.bottom);
  const view = { ...box, sx, sy: (c) => box.bottom - (c / peak) * curveHeight };
  const xTicks = axisTicks(x0, x1, Math.max(3, Math.floor((box.right - box.left) / 70)));
  drawAxes(ctx, view, xTicks, offset ? [] : axisTicks(0, peak, 4), colors);
  if (offset) { // step labels on the right
    ctx.textAlign = "left";
    ctx.fillStyle = colors.fg;
    for (const t of axisTicks(firstStep, lastStep, 4)) if (t >= firstStep && t <= lastStep) ctx.fillText(formatNumber(t), box.right + 4, baseOfStep(t));
  }
  box.shownTicks = xTicks;
  for (let i = 0; i < n; i++) {
    const age = n > 1 ? i / (n - 1) : 1;
    const base = baseOfStep(steps[i]);
    ctx.beginPath();
    ctx.moveTo(sx(edges[0]), base);
    for (let k = 0; k < bins; k++) {
      const y = base - (counts[i * bins + k] / peak) * curveHeight;
      ctx.lineTo(sx((edges[k] + edges[k + 1]) / 2), y);
    }
    ctx.lineTo(sx(edges[bins]), base);
    if (offset) {
      ctx.fillStyle = `rgba(${r},${g},${b},${0.15 + 0.6 * age})`;
      ctx.strokeStyle = colors.ridge;
      ctx.fill();
      ctx.stroke();
    } else {
      ctx.strokeStyle = `rgba(${r},${g},${b},${0.1 + 0.9 * age})`;
      ctx.stroke();
    }
  }
}

function drawDistribution(ctx, data, box, colors) {
  const { steps, percentiles } = data;
  const n = steps.length;
  if (!n) return;
  let lo = Infinity, hi = -Infinity;
  for (const v of percentiles) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!Number.isFinite(lo)) return;
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  let s0 = steps[0], s1 = steps[n - 1];
  if (s1 === s0) { s0 -= 0.5; s1 += 0.5; }
  const sx = (s) => box.left + ((s - s0) / (s1 - s0)) * (box.right - box.left);
  const sy = (v) => box.bottom - ((v - lo) / (hi - lo)) * (box.bottom - box.top);
  const xTicks = axisTicks(s0, s1, Math.max(3, Math.floor((box.right - box.left) / 70)));
  drawAxes(ctx, { ...box, sx, sy }, xTicks, axisTicks(lo, hi, 4), colors);
  box.shownTicks = xTicks;
  const [r, g, b] = hexToRgb(data.color);
  const at = (i, j) => percentiles[i * 9 + j];
  for (let band = 0; band < 4; band++) { // outermost (min..max) first
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx[i ? "lineTo" : "moveTo"](sx(steps[i]), sy(at(i, band)));
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(sx(steps[i]), sy(at(i, 8 - band)));
    ctx.closePath();
    ctx.fillStyle = `rgba(${r},${g},${b},${0.15 + band * 0.12})`;
    ctx.fill();
  }
  ctx.beginPath();
  for (let i = 0; i < n; i++) ctx[i ? "lineTo" : "moveTo"](sx(steps[i]), sy(at(i, 4)));
  ctx.strokeStyle = `rgb(${r},${g},${b})`;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

export function createHistogramChart(el, { height = 200 } = {}) {
  const canvas = h("canvas", { class: "jtb-hist-canvas", "data-jtb-canvas": "" });
  const wrap = h("div", { class: "jtb-plot", style: { height: `${height}px` } }, [canvas]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let data = null;
  let frame = 0;
  // the chart at width x heightPx into the 2-D context g (the canvas, or a card download's);
  // returns the box drawn in
  function paint(g, width, heightPx) {
    if (!data) return null;
    // ridge outlines in the page's background colour: they separate steps on either theme
    const colors = { ...themeColors(wrap), ridge: getComputedStyle(wrap).getPropertyValue("--jp-layout-color1").trim() || "#fff" };
    const box = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: heightPx - MARGIN.bottom };
    if (data.kind === "distribution") drawDistribution(g, data, box, colors);
    else drawHistogram(g, data, box, colors);
    return box;
  }
  function draw() {
    frame = 0;
    const { width, height: heightPx } = fitCanvas(canvas, wrap, ctx);
    const box = paint(ctx, width, heightPx);
    if (box) wrap.setAttribute("data-jtb-x-ticks", (box.shownTicks || []).map(formatNumber).join(" ")); // for tests
  }
  registerPainter(canvas, { paint: (g, width, heightPx) => { paint(g, width, heightPx); } });
  const schedule = () => { if (!frame) frame = requestAnimationFrame(draw); };
  const resize = new ResizeObserver(schedule);
  resize.observe(wrap);
  return {
    update(next) { data = next; schedule(); },
    destroy() { if (frame) cancelAnimationFrame(frame); resize.disconnect(); wrap.remove(); },
  };
}
