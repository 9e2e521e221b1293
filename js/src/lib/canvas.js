import { formatNumber } from "./format.js";

// Size a canvas to width x height CSS pixels at the device's pixel ratio (resized only when
// that changed) and clear it. Returns the context, scaled so 1 unit = 1 CSS pixel.
export function sizeCanvas(canvas, width, height, ctx = canvas.getContext("2d")) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

// Size a canvas to its wrapper (at least minWidth x minHeight) and clear it; returns the
// drawing size in CSS pixels. A wrapper not laid out this instant (a hidden tab, JupyterLab
// swapping its theme's stylesheet) measures 0: the canvas keeps the size it had rather than
// collapsing to the minimum until something happens to resize it again.
export function fitCanvas(canvas, wrap, ctx, minWidth = 100, minHeight = 60) {
  const width = Math.max(wrap.clientWidth || parseFloat(canvas.style.width) || 0, minWidth);
  const height = Math.max(wrap.clientHeight || parseFloat(canvas.style.height) || 0, minHeight);
  sizeCanvas(canvas, width, height, ctx);
  return { width, height };
}

// Theme colours for axis text and grid lines: lib/theme.js (re-exported for the charts).
export { themeColors } from "./theme.js";

// Grid lines and labels: x ticks along the bottom, y ticks on the left.
// view = {left, right, top, bottom, sx(x), sy(y)}
export function drawAxes(ctx, view, xTicks, yTicks, { fg, grid }, xFormat = formatNumber, yFormat = formatNumber) {
  ctx.font = "10px sans-serif";
  ctx.lineWidth = 1;
  ctx.strokeStyle = grid;
  ctx.fillStyle = fg;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of yTicks) {
    const y = Math.round(view.sy(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(view.left, y); ctx.lineTo(view.right, y); ctx.stroke();
    ctx.fillText(yFormat(t), view.left - 4, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of xTicks) {
    const x = Math.round(view.sx(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, view.top); ctx.lineTo(x, view.bottom); ctx.stroke();
    ctx.fillText(xFormat(t), x, view.bottom + 4);
  }
}

// Charts that can draw themselves elsewhere (a card's PNG / SVG download: lib/cardexport.js)
// register a painter for their canvas:
//   paint(ctx, width, height)  draws what the canvas shows into any 2-D context (a canvas or
//                              lib/svgcontext.js) at that size in CSS pixels, without sizing,
//                              clearing or resetting the context's transform
//   legend?() -> [{name, color, dash?}]  the lines drawn, for charts that caption no runs
const painters = new WeakMap();
export function registerPainter(canvas, painter) { painters.set(canvas, painter); }
export function painterOf(canvas) { return painters.get(canvas) || null; }
