// Canvas line chart for many overlaid series with different x values (runs log different
// steps). Knows nothing of widgets: takes typed arrays, draws, reports hover, zoom and picks.
//
//   const chart = createLineChart(el, { onZoom(domain|null), onHover(rows|null, at),
//                                       onPick(rows, at), onRange([x0, x1]|null) });
//   chart.update({ series: [{ name, color, x, y, smooth, n, lower?, upper?, dash? }], xKind, logY, ignoreOutliers });
//   (lower/upper: optional arrays on the same x, drawn as a shaded band around the line;
//    dash: a canvas line-dash pattern)
//   chart.setDomain({x, y} | null); chart.domain; chart.setMarks({pick: x|null, range: [x0, x1]|null});
//   chart.plot (the element holding the canvas: views float their readout in it); chart.destroy();
//
// Interaction: drag a box to zoom x and y (a flat box zooms x only); shift-drag selects an x
// range (onRange); click picks the step under the pointer (onPick); Ctrl/Cmd/Alt + wheel (and
// pinch) zooms around the pointer, the plain wheel scrolls the page; double-click resets.
// `at` = {px, py, x, y} (pointer in plot pixels and data units). Domains are in axis units
// (log10 on a log axis; ./linechart/zoom.js).
//
// Cost is bounded by pixels: every series is reduced to min/max per pixel column while
// drawing (./linechart/trace.js), so a 20k-point series draws like a 1k-point one. The data
// ranges are ./linechart/extent.js, the hover rows ./linechart/hover.js, ticks lib/format.js.
import { h } from "./dom.js";
import { drawAxes, fitCanvas, registerPainter } from "./canvas.js";
import { themeColors } from "./theme.js";
import { axisLabels, logTicks, ticks, timeTicks } from "./format.js";
import { dataExtent, toAxisY } from "./linechart/extent.js";
import { hoverRows as rowsAt } from "./linechart/hover.js";
import { traceColumns } from "./linechart/trace.js";
import { MIN_DRAG, boxDomain, dragRange, wheelDomain, wheelFactor, xOf, yOf } from "./linechart/zoom.js";

const MARGIN = { left: 56, right: 12, top: 8, bottom: 26 };

// x ticks and their labels for an axis kind over [x0, x1] with room for `count`
function xAxis(kind, x0, x1, count) {
  if (kind === "wall" || kind === "relative") {
    const { ticks: at, step } = timeTicks(x0, x1, count, kind === "wall");
    return { at, label: axisLabels(kind, step, x1 - x0) };
  }
  return { at: ticks(x0, x1, count), label: axisLabels("step") };
}

export function createLineChart(el, { height = 220, onZoom = () => {}, onHover = () => {}, onPick = () => {}, onRange = () => {} } = {}) {
  const canvas = h("canvas", { class: "jtb-canvas", "data-jtb-canvas": "" });
  const band = h("div", { class: "jtb-zoom-band", style: { display: "none" } });
  const wrap = h("div", { class: "jtb-plot", style: { height: `${height}px` } }, [canvas, band]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let opts = { series: [], xKind: "step", logY: false, ignoreOutliers: false };
  let domain = null; // {x, y} zoomed ranges (axis units) or null
  let marks = { pick: null, range: null };
  let view = null; // last computed scales
  let hover = null; // pointer {px, py, x, y} while over the plot
  let drag = null;
  let frame = 0;

  function tracePath(g, xs, ys, n, sx, sy, left, right) {
    g.beginPath();
    traceColumns(g, xs, ys, n, sx, sy, left, right, opts.logY);
    g.stroke();
  }

  // shaded area between s.lower and s.upper (same x as s.y); gaps where either is not finite
  function fillBand(g, s, n, sx, sy) {
    const y = (v) => toAxisY(v, opts.logY);
    g.fillStyle = s.color;
    g.globalAlpha = 0.2;
    let start = 0;
    for (let i = 0; i <= n; i++) {
      const ok = i < n && Number.isFinite(s.x[i]) && Number.isFinite(y(s.lower[i])) && Number.isFinite(y(s.upper[i]));
      if (ok) continue;
      if (i - start > 1) {
        g.beginPath();
        for (let j = start; j < i; j++) g.lineTo(sx(s.x[j]), sy(y(s.upper[j])));
        for (let j = i - 1; j >= start; j--) g.lineTo(sx(s.x[j]), sy(y(s.lower[j])));
        g.closePath();
        g.fill();
      }
      start = i + 1;
    }
    g.globalAlpha = 1;
  }

  function drawSeries(g, s, sx, sy, left, right) {
    const n = s.n ?? s.x.length;
    if (s.lower && s.upper) fillBand(g, s, n, sx, sy);
    g.strokeStyle = s.color;
    g.setLineDash(s.dash || []);
    if (s.smooth) {
      g.globalAlpha = 0.25;
      g.lineWidth = 1;
      tracePath(g, s.x, s.y, n, sx, sy, left, right);
      g.globalAlpha = 1;
      g.lineWidth = 1.75;
      tracePath(g, s.x, s.smooth, n, sx, sy, left, right);
    } else {
      g.lineWidth = 1.5;
      tracePath(g, s.x, s.y, n, sx, sy, left, right);
    }
    g.setLineDash([]);
    if (n === 1) { // a lone point has no line: draw a dot
      g.fillStyle = s.color;
      g.beginPath(); g.arc(sx(s.x[0]), sy(toAxisY(s.y[0], opts.logY)), 2.5, 0, 2 * Math.PI); g.fill();
    }
  }

  // the picked step (solid line) and selected range (shaded), over the plot
  function drawMarks(g, fg, top, bottom, sx) {
    g.fillStyle = fg;
    if (marks.range) {
      g.globalAlpha = 0.1;
      const a = sx(marks.range[0]), b = sx(marks.range[1]);
      g.fillRect(a, top, b - a, bottom - top);
      g.globalAlpha = 1;
    }
    g.strokeStyle = fg;
    g.lineWidth = 1;
    for (const x of [marks.pick, ...(marks.range || [])]) {
      if (x === null || x === undefined) continue;
      const px = Math.round(sx(x)) + 0.5;
      g.beginPath(); g.moveTo(px, top); g.lineTo(px, bottom); g.stroke();
    }
  }

  function draw() {
    frame = 0;
    const { width, height: heightPx } = fitCanvas(canvas, wrap, ctx);
    view = paint(ctx, width, heightPx, hover);
  }

  // the chart at width x heightPx into the 2-D context g (the canvas, or a card download's);
  // `pointer` adds the hover line and dots. Returns the scales drawn with.
  function paint(g, width, heightPx, pointer = null) {
    const { x0, x1, y0, y1 } = dataExtent(opts.series, { domain, logY: opts.logY, ignoreOutliers: opts.ignoreOutliers });
    const left = MARGIN.left, right = width - MARGIN.right, top = MARGIN.top, bottom = heightPx - MARGIN.bottom;
    const sx = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
    const sy = (y) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
    const view = { x0, x1, y0, y1, left, right, top, bottom, sx, sy, width };
    const colors = themeColors(wrap);
    const x = xAxis(opts.xKind, x0, x1, Math.max(2, Math.floor((right - left) / 90)));
    const yCount = Math.max(2, Math.floor((bottom - top) / 40));
    const yAt = (opts.logY ? logTicks : ticks)(y0, y1, yCount);
    const yLabel = axisLabels(opts.logY ? "log" : "value");
    drawAxes(g, view, x.at, yAt, colors, x.label, yLabel);
    view.labels = { x: x.at.map(x.label), y: yAt.map(yLabel) }; // what the axes read (for tests)
    g.save();
    g.beginPath();
    g.rect(left, top, right - left, bottom - top);
    g.clip();
    for (const s of opts.series) drawSeries(g, s, sx, sy, left, right);
    g.globalAlpha = 1;
    drawMarks(g, colors.fg, top, bottom, sx);
    if (pointer) {
      g.strokeStyle = colors.fg;
      g.setLineDash([3, 3]);
      const px = Math.round(sx(pointer.x)) + 0.5;
      g.beginPath(); g.moveTo(px, top); g.lineTo(px, bottom); g.stroke();
      g.setLineDash([]);
      for (const row of rowsAt(opts.series, pointer.x)) {
        const yv = toAxisY(row.shown, opts.logY);
        if (!Number.isFinite(yv)) continue;
        g.fillStyle = row.color;
        g.beginPath(); g.arc(sx(row.x), sy(yv), 3, 0, 2 * Math.PI); g.fill();
      }
    }
    g.restore();
    return view;
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  // pointer -> {px, py, x, y} in plot pixels and data units (y back from log10 on a log axis)
  const pointer = (event) => {
    if (!view) return null;
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    const yAxis = yOf(view, py);
    return { px, py, x: xOf(view, px), y: opts.logY ? Math.pow(10, yAxis) : yAxis };
  };
  const rowsAtPointer = () => (hover ? rowsAt(opts.series, hover.x) : null);
  const setDomainAndTell = (next) => { domain = next; schedule(); onZoom(next); };

  function showBand(a, b, fullHeight) {
    const [l, r] = [a.px, b.px].map((p) => Math.min(Math.max(p, view.left), view.right)).sort((u, v) => u - v);
    let [t, btm] = [a.py, b.py].map((q) => Math.min(Math.max(q, view.top), view.bottom)).sort((u, v) => u - v);
    if (fullHeight || btm - t < MIN_DRAG) [t, btm] = [view.top, view.bottom];
    Object.assign(band.style, { display: "block", left: `${l}px`, width: `${r - l}px`, top: `${t}px`, height: `${btm - t}px` });
  }

  const onMove = (event) => {
    const at = pointer(event);
    if (!at) return;
    if (drag) showBand(drag, at, drag.shift);
    hover = at;
    onHover(rowsAtPointer(), at);
    schedule();
  };
  const onLeave = () => { hover = null; onHover(null, null); schedule(); };
  const onDown = (event) => {
    if (event.button !== 0) return;
    const at = pointer(event);
    if (at) drag = { ...at, shift: event.shiftKey };
  };
  const onUp = (event) => {
    if (!drag) return;
    const start = drag;
    drag = null;
    band.style.display = "none";
    const at = pointer(event);
    if (!at) return;
    if (Math.abs(at.px - start.px) < MIN_DRAG && Math.abs(at.py - start.py) < MIN_DRAG) {
      if (event.target === canvas) onPick(rowsAt(opts.series, at.x), at);
      return;
    }
    if (start.shift) {
      const range = dragRange(view, start.px, at.px);
      if (range) onRange(range);
      return;
    }
    const box = boxDomain(view, start, at);
    if (box) setDomainAndTell(box);
  };
  const onWheel = (event) => {
    if (!(event.ctrlKey || event.metaKey || event.altKey) || !view) return; // plain wheel: the page scrolls
    event.preventDefault();
    const at = pointer(event);
    setDomainAndTell(wheelDomain(view, at.px, at.py, wheelFactor(event.deltaY, event.deltaMode)));
  };
  const onDouble = () => setDomainAndTell(null);
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", onLeave);
  canvas.addEventListener("mousedown", onDown);
  window.addEventListener("mouseup", onUp);
  canvas.addEventListener("dblclick", onDouble);
  canvas.addEventListener("wheel", onWheel, { passive: false });
  const resize = new ResizeObserver(schedule);
  resize.observe(wrap);
  registerPainter(canvas, {
    paint: (g, width, heightPx) => { paint(g, width, heightPx); },
    legend: () => opts.series.map((s) => ({ name: s.name, color: s.color, dash: s.dash })),
  });

  return {
    update(next) {
      if (next.logY !== undefined && next.logY !== opts.logY && domain) domain = domain.x ? { x: domain.x, y: null } : null;
      opts = { ...opts, ...next };
      schedule();
      if (hover) onHover(rowsAtPointer(), hover);
    },
    setDomain(next) { domain = next; schedule(); },
    get domain() { return domain; },
    setMarks(next) { marks = { ...marks, ...next }; schedule(); },
    get view() { return view; },
    plot: wrap,
    drawNow: draw,
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      window.removeEventListener("mouseup", onUp);
      wrap.remove();
    },
  };
}
