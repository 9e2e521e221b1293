// Trace timeline on a canvas: one row per (lane, nesting depth), lanes per process / thread /
// GPU stream. Knows nothing of widgets: takes the columns of
// jupyter_tb/compute/profile_tables.py timeline() (spans sorted by row, then start).
//
//   const tl = createTimeline(el, { onPick(span|null) });
//   tl.update(layout); tl.highlight(mask|null) (Uint8Array over name codes); tl.setWindow(t0, t1);
//
// Cost is bounded by pixels, not spans: a row's visible spans are a binary search away, and
// spans narrower than a pixel are merged into one pixel-wide mark per column (the next span
// drawn is found by binary search past that column), so 1M spans zoomed out draw like a few
// thousand. Wheel zooms around the pointer (down to microseconds), drag pans, double-click
// shows the whole trace.
import { h } from "./dom.js";
import { sizeCanvas } from "./canvas.js";
import { themeColors } from "./theme.js";
import { formatDuration } from "./profile_format.js";

const ROW_H = 16;
const LABEL_W = 180;
const AXIS_H = 20;
const MIN_SPAN_US = 1; // the narrowest window: 1 µs across the canvas

// First index in [lo, hi) whose value is >= t (values ascending).
export function lowerBound(values, t, lo, hi) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// The marks to draw for one row's spans [lo, hi) in the window [t0, t1) over `width` px:
// calls emit(x0, x1, index, merged) with pixel x, the span index (the first of a merged
// pixel) and merged = spans folded into that mark. Returns the number of marks.
export function rowMarks(start, dur, lo, hi, t0, t1, width, emit) {
  const scale = width / (t1 - t0);
  // spans of a row do not overlap, so ends ascend too: the first visible ends after t0
  let i = lowerBound(start, t0, lo, hi);
  if (i > lo && start[i - 1] + dur[i - 1] > t0) i -= 1;
  let marks = 0;
  while (i < hi && start[i] < t1) {
    const x0 = (start[i] - t0) * scale;
    const x1 = (start[i] + dur[i] - t0) * scale;
    if (x1 - x0 >= 1) {
      emit(Math.max(x0, 0), Math.min(x1, width), i, 1);
      i += 1;
    } else {
      const px = Math.floor(x0);
      const next = lowerBound(start, t0 + (px + 1) / scale, i + 1, hi);
      emit(px, px + 1, i, next - i);
      i = next;
    }
    marks += 1;
  }
  return marks;
}

// The span under a point: row index from y, then the last span starting at or before t.
export function spanAt(layout, row, t, slack = 0) {
  const off = layout.row_offsets;
  if (row < 0 || row >= off.length - 1) return -1;
  const lo = off[row], hi = off[row + 1];
  const i = lowerBound(layout.start, t + 1e-9, lo, hi) - 1;
  if (i >= lo && t <= layout.start[i] + layout.dur[i] + slack) return i;
  const j = i + 1; // just right of t, within the slack (thin spans are hard to hit)
  if (j < hi && layout.start[j] - t <= slack) return j;
  return -1;
}

// A stable colour per name code (hue from a hash), lighter on dark themes.
export function nameColor(code, dark = false) {
  let x = (code + 1) * 2654435761;
  x = (x ^ (x >>> 15)) >>> 0;
  const hue = x % 360;
  return `hsl(${hue} 55% ${dark ? 45 : 68}%)`;
}

// Window [t0, t1] zoomed by `factor` (<1 zooms in) around time `at`, kept inside [0, end].
export function zoomWindow(t0, t1, at, factor, end) {
  const span = Math.min(Math.max((t1 - t0) * factor, MIN_SPAN_US), Math.max(end, MIN_SPAN_US));
  const left = at - ((at - t0) / (t1 - t0)) * span;
  return clampWindow(left, left + span, end);
}

export function clampWindow(t0, t1, end) {
  const span = t1 - t0;
  if (t0 < 0) return [0, span];
  if (t1 > end && end - span >= 0) return [end - span, end];
  return [t0, t1];
}

export function createTimeline(el, { onPick = () => {}, height = 480 } = {}) {
  const canvas = h("canvas", { class: "jtb-timeline-canvas", "data-jtb-timeline": "" });
  const tip = h("div", { class: "jtb-timeline-tip", style: { display: "none" } });
  const wrap = h("div", { class: "jtb-timeline", style: { height: `${height}px` } }, [canvas, tip]);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  let layout = null;
  let end = 1;
  let win = [0, 1];
  let scrollRow = 0;
  let highlighted = null; // Uint8Array over name codes, or null
  let picked = -1;
  let frame = 0;
  let drag = null;
  const stats = { marks: 0, ms: 0, frames: 0 };

  function rowsShown() { return Math.max(1, Math.floor((wrap.clientHeight - AXIS_H) / ROW_H)); }

  function draw() {
    frame = 0;
    const t = performance.now();
    const width = Math.max(wrap.clientWidth, 200);
    const heightPx = Math.max(wrap.clientHeight, 80);
    sizeCanvas(canvas, width, heightPx, ctx);
    const colors = themeColors(wrap);
    const dark = document.body?.dataset?.jpThemeLight === "false";
    ctx.font = "11px sans-serif";
    ctx.textBaseline = "middle";
    if (!layout) return;
    const plotW = width - LABEL_W;
    const [t0, t1] = win;
    drawAxis(ctx, t0, t1, plotW, colors);
    const off = layout.row_offsets;
    const nRows = off.length - 1;
    let marks = 0;
    let lastLane = -1;
    for (let r = scrollRow; r < Math.min(nRows, scrollRow + rowsShown()); r++) {
      const y = AXIS_H + (r - scrollRow) * ROW_H;
      const lane = layout.row_lane[r];
      if (lane !== lastLane) {
        ctx.fillStyle = colors.grid;
        ctx.fillRect(0, y, width, 1);
        ctx.fillStyle = colors.fg;
        ctx.textAlign = "left";
        ctx.fillText(clip(ctx, layout.lanes[lane], LABEL_W - 8), 4, y + ROW_H / 2);
        lastLane = lane;
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(LABEL_W, y, plotW, ROW_H);
      ctx.clip();
      marks += rowMarks(layout.start, layout.dur, off[r], off[r + 1], t0, t1, plotW, (x0, x1, i, merged) => {
        const name = layout.name[i];
        const hot = highlighted !== null && anyMarked(layout.name, i, i + merged, highlighted);
        ctx.fillStyle = hot ? "#e8a200" : i === picked ? colors.text : nameColor(name, dark);
        ctx.globalAlpha = highlighted !== null && !hot ? 0.3 : 1;
        ctx.fillRect(LABEL_W + x0, y + 1, Math.max(x1 - x0, 1), ROW_H - 2);
        if (x1 - x0 > 40) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = dark ? "#fff" : "#111";
          ctx.textAlign = "left";
          ctx.fillText(clip(ctx, layout.names[name] || "", x1 - x0 - 6), LABEL_W + x0 + 3, y + ROW_H / 2);
        }
      });
      ctx.restore();
    }
    ctx.globalAlpha = 1;
    stats.marks = marks;
    stats.ms = performance.now() - t;
    stats.frames += 1;
    canvas.dataset.marks = String(marks);
    canvas.dataset.drawMs = stats.ms.toFixed(2);
    canvas.dataset.frames = String(stats.frames);
    canvas.dataset.window = `${t0},${t1}`;
  }

  function schedule() { if (!frame) frame = requestAnimationFrame(draw); }

  function rowAt(y) { return y < AXIS_H ? -1 : scrollRow + Math.floor((y - AXIS_H) / ROW_H); }
  function timeAt(x, width) { return win[0] + ((x - LABEL_W) / (width - LABEL_W)) * (win[1] - win[0]); }

  function onWheel(event) {
    if (!layout) return;
    event.preventDefault();
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    if (event.shiftKey || x < LABEL_W) { // scroll rows
      const nRows = layout.row_offsets.length - 1;
      scrollRow = Math.max(0, Math.min(nRows - 1, scrollRow + Math.sign(event.deltaY)));
    } else {
      const at = timeAt(x, rect.width);
      win = zoomWindow(win[0], win[1], at, Math.pow(1.0015, event.deltaY), end);
    }
    schedule();
  }

  function onDown(event) {
    drag = { x: event.clientX, y: event.clientY, win: win.slice(), moved: false };
    canvas.setPointerCapture?.(event.pointerId);
  }
  function onMove(event) {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const width = canvas.getBoundingClientRect().width - LABEL_W;
    const shift = (-dx / width) * (drag.win[1] - drag.win[0]);
    win = clampWindow(drag.win[0] + shift, drag.win[1] + shift, end);
    schedule();
  }
  function onUp(event) {
    const wasDrag = drag && drag.moved;
    drag = null;
    if (wasDrag || !layout) return;
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left, y = event.clientY - rect.top;
    const t = timeAt(x, rect.width);
    const slack = 3 * (win[1] - win[0]) / (rect.width - LABEL_W);
    const i = x > LABEL_W ? spanAt(layout, rowAt(y), t, slack) : -1;
    picked = i;
    showTip(i, x, y);
    onPick(i >= 0 ? spanInfo(i) : null);
    schedule();
  }

  function spanInfo(i) {
    return {
      index: i,
      event: layout.event[i],
      name: layout.names[layout.name[i]] || "",
      cat: layout.cats[layout.cat[i]] || "",
      start: layout.start[i],
      dur: layout.dur[i],
      lane: layout.lanes[layout.row_lane[lowerBound(layout.row_offsets, i + 1, 0, layout.row_offsets.length) - 1]],
    };
  }

  function showTip(i, x, y) {
    if (i < 0) { tip.style.display = "none"; return; }
    const info = spanInfo(i);
    tip.replaceChildren(
      h("b", { text: info.name }),
      h("div", { text: `${info.cat} · ${formatDuration(info.dur)} at ${formatDuration(info.start)}` }),
    );
    Object.assign(tip.style, { display: "", left: `${Math.min(x + 8, wrap.clientWidth - 260)}px`, top: `${y + 8}px` });
  }

  const onDouble = () => { win = [0, end]; schedule(); };
  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("dblclick", onDouble);
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(schedule) : null;
  resize?.observe(wrap);

  return {
    update(next) {
      layout = next;
      end = 0;
      for (let r = 0; r < next.row_offsets.length - 1; r++) {
        const last = next.row_offsets[r + 1] - 1;
        if (last >= next.row_offsets[r]) end = Math.max(end, next.start[last] + next.dur[last]);
      }
      end = Math.max(end, MIN_SPAN_US);
      // as tall as the rows need, within limits (the user can drag it taller: CSS resize)
      wrap.style.height = `${Math.min(height, Math.max(120, AXIS_H + (next.row_offsets.length - 1) * ROW_H + 8))}px`;
      win = [0, end];
      scrollRow = 0;
      picked = -1;
      tip.style.display = "none";
      schedule();
    },
    highlight(mask) { highlighted = mask; schedule(); },
    setWindow(t0, t1) { win = clampWindow(t0, Math.max(t1, t0 + MIN_SPAN_US), end); schedule(); },
    window: () => win.slice(),
    zoom(factor, at = (win[0] + win[1]) / 2) { win = zoomWindow(win[0], win[1], at, factor, end); schedule(); },
    redraw: schedule,
    drawNow: draw,
    stats,
    destroy() {
      cancelAnimationFrame(frame);
      resize?.disconnect();
      wrap.remove();
    },
  };
}

function anyMarked(names, lo, hi, mask) {
  for (let i = lo; i < hi; i++) if (mask[names[i]]) return true;
  return false;
}

function clip(ctx, text, width) {
  if (width <= 8) return "";
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ctx.measureText(text.slice(0, mid) + "…").width <= width) lo = mid; else hi = mid - 1;
  }
  return lo ? text.slice(0, lo) + "…" : "";
}

function drawAxis(ctx, t0, t1, plotW, colors) {
  const span = t1 - t0;
  const raw = span / 8;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = (raw / power < 2 ? 2 : raw / power < 5 ? 5 : 10) * power;
  ctx.fillStyle = colors.fg;
  ctx.textAlign = "center";
  for (let v = Math.ceil(t0 / step) * step; v <= t1; v += step) {
    const x = LABEL_W + ((v - t0) / span) * plotW;
    ctx.fillStyle = colors.grid;
    ctx.fillRect(Math.round(x), AXIS_H - 4, 1, 4);
    ctx.fillStyle = colors.fg;
    ctx.fillText(formatDuration(v), x, AXIS_H / 2);
  }
}
