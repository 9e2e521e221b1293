// The profile overview's chart: one stacked bar per profiled step (where its time went).
//   drawStepBars(canvas, wrap, steps, parts, selected) -> bar hit boxes [{x0, x1, row}]
import { fitCanvas } from "./canvas.js";
import { themeColors } from "./theme.js";
import { formatDuration } from "./profile_format.js";

export const STEP_PARTS = [
  { key: "dataloader_us", label: "Data loading", color: "#e6a23c" },
  { key: "forward_us", label: "Forward", color: "#4e79a7" },
  { key: "backward_us", label: "Backward", color: "#59a14f" },
  { key: "optimizer_us", label: "Optimizer", color: "#b07aa1" },
  { key: "other_us", label: "Other", color: "#9c9c9c" },
];

export const GPU_PARTS = [
  { key: "kernel_us", label: "Kernel", color: "#e15759" },
  { key: "memcpy_us", label: "Memcpy", color: "#76b7b2" },
  { key: "memset_us", label: "Memset", color: "#edc948" },
];

const MARGIN = { left: 64, right: 8, top: 8, bottom: 22 };

export function drawStepBars(canvas, wrap, steps, selected = -1) {
  const ctx = canvas.getContext("2d");
  const { width, height } = fitCanvas(canvas, wrap, ctx, 200, 120);
  const colors = themeColors(wrap);
  const n = steps.step.length;
  const plotW = width - MARGIN.left - MARGIN.right, plotH = height - MARGIN.top - MARGIN.bottom;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, steps.duration_us[i]);
  top = top || 1;
  ctx.font = "10px sans-serif";
  ctx.fillStyle = colors.fg;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const f of [0, 0.5, 1]) {
    const y = MARGIN.top + plotH * (1 - f);
    ctx.fillStyle = colors.grid;
    ctx.fillRect(MARGIN.left, Math.round(y), plotW, 1);
    ctx.fillStyle = colors.fg;
    ctx.fillText(formatDuration(top * f), MARGIN.left - 4, y);
  }
  const slot = plotW / Math.max(n, 1);
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const boxes = [];
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let i = 0; i < n; i++) {
    const x = MARGIN.left + slot * i + (slot - barW) / 2;
    let y = MARGIN.top + plotH;
    for (const part of STEP_PARTS) {
      const h = (steps[part.key][i] / top) * plotH;
      ctx.fillStyle = part.color;
      ctx.globalAlpha = selected < 0 || selected === i ? 1 : 0.45;
      ctx.fillRect(x, y - h, barW, h);
      y -= h;
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = colors.fg;
    if (slot > 24 || i % Math.ceil(24 / slot) === 0) ctx.fillText(String(steps.step[i]), x + barW / 2, MARGIN.top + plotH + 4);
    boxes.push({ x0: x, x1: x + barW, row: i });
  }
  return boxes;
}
