// Canvas line chart for many overlaid series with different x values (runs log different
// steps). Knows nothing of widgets: takes typed arrays, draws, reports hover and zoom.
//
//   const chart = createLineChart(el, { onZoom(range|null), onHover(rows|null) });
//   chart.update({ series: [{ name, color, x, y, smooth, n, lower?, upper? }], xKind, logY, ignoreOutliers });
//   (lower/upper: optional arrays on the same x, drawn as a shaded band around the line)
//   chart.setDomain([x0, x1] | null); chart.destroy();
//
// Cost is bounded by pixels: every series is reduced to min/max per pixel column while
// drawing (./linechart/trace.js), so a 20k-point series draws like a 1k-point one. The data
// ranges are ./linechart/extent.js, the hover readout ./linechart/hover.js.
import { h } from "./dom.js";
import { drawAxes, fitCanvas, themeColors } from "./canvas.js";
import { formatNumber, formatX, logTicks, ticks } from "./format.js";
import { dataExtent, toAxisY } from "./linechart/extent.js";
import { hoverRows as rowsAt } from "./linechart/hover.js";
import { traceColumns } from "./linechart/trace.js";

const MARGIN = { left: 56, right: 12, top: 8, bottom: 26 };

export function createLineChart(el, { height = 220, onZoom = () => {}, onHover = () => {} } = {}) {
  const canvas = h("canvas", { class: "jtb-canvas", "data-jtb-canvas": "" });
  const band = h("div", { class: "jtb-zoom-band", style: { display: "none" } });
  const wrap = h("div", { class: "jtb-plot", style: { height: `${height}px` } }, [canvas, band]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let opts = { series: [], xKind: "step", logY: false, ignoreOutliers: false };
  let domain = null; // zoomed x range or null
  let view = null; // last computed scales
  let hoverX = null;
  let drag = null;
  let frame = 0;

  function tracePath(xs, ys, n, sx, sy, left, right) {
    ctx.beginPath();
    traceColumns(ctx, xs, ys, n, sx, sy, left, right, opts.logY);
    ctx.stroke();
  }

  // shaded area between s.lower and s.upper (same x as s.y); gaps where either is not finite
  function fillBand(s, n, sx, sy) {
    const y = (v) => toAxisY(v, opts.logY);
    ctx.fillStyle = s.color;
    ctx.globalAlpha = 0.2;
    let start = 0;
    for (let i = 0; i <= n; i++) {
      const ok = i < n && Number.isFinite(s.x[i]) && Number.isFinite(y(s.lower[i])) && Number.isFinite(y(s.upper[i]));
      if (ok) continue;
      if (i - start > 1) {
        ctx.beginPath();
        for (let j = start; j < i; j++) ctx.lineTo(sx(s.x[j]), sy(y(s.upper[j])));
        for (let j = i - 1; j >= start; j--) ctx.lineTo(sx(s.x[j]), sy(y(s.lower[j])));
        ctx.closePath();
        ctx.fill();
      }
      start = i + 1;
    }
    ctx.globalAlpha = 1;
  }

  function draw() {
    frame = 0;
    const { width, height: heightPx } = fitCanvas(canvas, wrap, ctx);
    const { x0, x1, y0, y1 } = dataExtent(opts.series, { domain, logY: opts.logY, ignoreOutliers: opts.ignoreOutliers });
    const left = MARGIN.left, right = width - MARGIN.right, top = MARGIN.top, bottom = heightPx - MARGIN.bottom;
    const sx = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const sy = (y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
    view = { x0, x1, y0, y1, left, right, top, bottom, sx, sy, width };
    const colors = themeColors(wrap);
    const { fg } = colors;
    drawAxes(
      ctx, view,
      ticks(x0, x1, Math.max(2, Math.floor((right - left) / 90))),
      (opts.logY ? logTicks : ticks)(y0, y1, Math.max(2, Math.floor((bottom - top) / 40))),
      colors,
      (t) => formatX(t, opts.xKind),
      (t) => (opts.logY ? formatNumber(Math.pow(10, t)) : formatNumber(t)),
    );
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, right - left, bottom - top);
    ctx.clip();
    for (const s of opts.series) {
      const n = s.n ?? s.x.length;
      if (s.lower && s.upper) fillBand(s, n, sx, sy);
      ctx.strokeStyle = s.color;
      if (s.smooth) {
        ctx.globalAlpha = 0.25;
        ctx.lineWidth = 1;
        tracePath(s.x, s.y, n, sx, sy, left, right);
        ctx.globalAlpha = 1;
        ctx.lineWidth = 1.75;
        tracePath(s.x, s.smooth, n, sx, sy, left, right);
      } else {
        ctx.lineWidth = 1.5;
        tracePath(s.x, s.y, n, sx, sy, left, right);
      }
      if (n === 1) { // a lone point has no line: draw a dot
        const y = opts.logY ? Math.log10(s.y[0]) : s.y[0];
        ctx.fillStyle = s.color;
        ctx.beginPath(); ctx.arc(sx(s.x[0]), sy(y), 2.5, 0, 2 * Math.PI); ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    if (hoverX !== null) {
      ctx.strokeStyle = fg;
      ctx.setLineDash([3, 3]);
      const x = Math.round(sx(hoverX)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
      ctx.setLineDash([]);
      for (const row of hoverRows() || []) {
        const yv = opts.logY ? Math.log10(row.shown) : row.shown;
        if (!Number.isFinite(yv)) continue;
        ctx.fillStyle = row.color;
        ctx.beginPath(); ctx.arc(sx(row.x), sy(yv), 3, 0, 2 * Math.PI); ctx.fill();
      }
    }
    ctx.restore();
  }

  function hoverRows() {
    return hoverX === null ? null : rowsAt(opts.series, hoverX);
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  const xAt = (event) => {
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    if (!view) return null;
    return { px, x: view.x0 + ((px - view.left) / (view.right - view.left)) * (view.x1 - view.x0) };
  };
  const onMove = (event) => {
    const at = xAt(event);
    if (!at) return;
    if (drag) {
      const a = Math.max(Math.min(drag.px, at.px), view.left);
      const b = Math.min(Math.max(drag.px, at.px), view.right);
      Object.assign(band.style, { display: "block", left: `${a}px`, width: `${b - a}px`, top: `${view.top}px`, height: `${view.bottom - view.top}px` });
    }
    hoverX = at.x;
    onHover(hoverRows());
    schedule();
  };
  const onLeave = () => { hoverX = null; onHover(null); schedule(); };
  const onDown = (event) => {
    if (event.button !== 0) return;
    const at = xAt(event);
    if (at) drag = at;
  };
  const onUp = (event) => {
    if (!drag) return;
    const at = xAt(event);
    const start = drag;
    drag = null;
    band.style.display = "none";
    if (at && Math.abs(at.px - start.px) > 4) {
      const range = [Math.min(start.x, at.x), Math.max(start.x, at.x)];
      domain = range;
      schedule();
      onZoom(range);
    }
  };
  const onDouble = () => { domain = null; schedule(); onZoom(null); };
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", onLeave);
  canvas.addEventListener("mousedown", onDown);
  window.addEventListener("mouseup", onUp);
  canvas.addEventListener("dblclick", onDouble);
  const resize = new ResizeObserver(schedule);
  resize.observe(wrap);

  return {
    update(next) { opts = { ...opts, ...next }; schedule(); if (hoverX !== null) onHover(hoverRows()); },
    setDomain(range) { domain = range; schedule(); },
    get domain() { return domain; },
    drawNow: draw,
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      window.removeEventListener("mouseup", onUp);
      wrap.remove();
    },
  };
}
