// Parallel coordinates (with per-axis brushing) and a scatter matrix, on canvas.
//
// Data: `columns` = [{ name, kind: "number"|"string"|"bool", values: Float64Array (one per
// row; categories as codes; NaN = missing), categories: [label, ...] }], `colors` = one CSS
// colour per row. Both charts report the row the user clicks (onPick(row|-1)) and draw
// rows outside `visible` (a Uint8Array from the brushes / table filter) faintly.
//
//   const pc = createParallelCoordinates(el, { onBrush(mask, brushes), onPick(row) });
//   pc.update({ columns, colors, visible, selected });   pc.destroy();
//   const sm = createScatterMatrix(el, { onPick(row) });
//   sm.update({ xColumns, yColumns, colors, visible, selected });   sm.destroy();
//
// Column names and category labels are painted with fillText (never HTML).
import { formatNumber } from "./format.js";
import { registerPainter, sizeCanvas } from "./canvas.js";
import { onThemeChange, themeColors } from "./theme.js";

const FAINT = "rgba(160,168,178,0.35)";

// Axis lines, tick text and names in the theme's colours (readable on JupyterLab Dark too).
function inkOf(el) {
  const { fg, grid, text } = themeColors(el);
  return { fg, grid, strong: text };
}

// At most three ticks (ends and middle) for the small scatter-matrix axes.
function fewTicks(scale) {
  const t = scale.ticks;
  return t.length <= 3 ? t : [t[0], t[Math.floor(t.length / 2)], t[t.length - 1]];
}

// Axis scale for one column: value -> [0, 1] (0 = bottom). Numbers spanning three or more
// decades of positive values (learning rates) get a log scale, like TensorBoard's.
export function axisScale(column) {
  if (column.kind !== "number") {
    const n = Math.max(1, column.categories.length);
    return { log: false, ticks: column.categories.map((label, i) => ({ value: i, label })),
             norm: (v) => (n === 1 ? 0.5 : v / (n - 1)), inv: (t) => t * (n - 1), categorical: true };
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of column.values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  const log = lo > 0 && hi / lo >= 1000;
  const f = log ? Math.log10 : (x) => x;
  const flo = f(lo), fhi = f(hi);
  const span = fhi - flo || 1;
  const norm = (v) => (fhi === flo ? 0.5 : (f(v) - flo) / span);
  const inv = (t) => (log ? Math.pow(10, flo + t * span) : flo + t * span);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => ({ value: inv(t), label: formatNumber(inv(t)) }));
  return { log, ticks: fhi === flo ? [{ value: lo, label: formatNumber(lo) }] : ticks, norm, inv, categorical: false };
}

// Rows whose every brushed column lies inside its brush. brushes: Map column -> [lo, hi]
// in normalised axis units (0..1).
export function brushMask(columns, scales, brushes, n) {
  const mask = new Uint8Array(n).fill(1);
  for (const [c, [lo, hi]] of brushes) {
    const col = columns[c], sc = scales[c];
    for (let r = 0; r < n; r++) {
      const v = col.values[r];
      const t = Number.isFinite(v) ? sc.norm(v) : NaN;
      if (!(t >= lo && t <= hi)) mask[r] = 0;
    }
  }
  return mask;
}

export function createParallelCoordinates(el, { height = 300, onBrush = () => {}, onPick = () => {} } = {}) {
  const canvas = document.createElement("canvas");
  canvas.className = "jtb-parcoords";
  canvas.style.cssText = "display:block;cursor:crosshair;touch-action:none;";
  el.append(canvas);
  const M = { left: 40, right: 60, top: 34, bottom: 22 };
  let data = { columns: [], colors: [], visible: null, selected: -1 };
  let scales = [];
  let brushes = new Map();
  let mask = new Uint8Array(0);
  let width = 600;
  let drag = null, hover = -1;

  const axisX = (c) => M.left + (data.columns.length <= 1 ? 0 : (c * (width - M.left - M.right)) / (data.columns.length - 1));
  const yOf = (t) => M.top + (1 - t) * (height - M.top - M.bottom);
  const tOf = (y) => 1 - (y - M.top) / (height - M.top - M.bottom);
  const n = () => (data.columns[0] ? data.columns[0].values.length : 0);
  const shown = (r) => mask[r] && (!data.visible || data.visible[r]);

  function rowPoints(r) {
    return data.columns.map((col, c) => {
      const v = col.values[r];
      return Number.isFinite(v) ? [axisX(c), yOf(scales[c].norm(v))] : null;
    });
  }

  function strokeRow(ctx, r) {
    const pts = rowPoints(r);
    ctx.beginPath();
    let pen = false;
    for (const p of pts) {
      if (!p) { pen = false; continue; }
      if (pen) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
      pen = true;
    }
    ctx.stroke();
  }

  function draw() {
    width = Math.max(320, el.clientWidth || 600);
    paint(sizeCanvas(canvas, width, height));
    el.dataset.jtbRowsShown = String([...Array(n()).keys()].filter(shown).length);
  }

  // the chart at its current width into the 2-D context ctx (the canvas, or a download's)
  function paint(ctx) {
    const ink = inkOf(el);
    const rows = n();
    ctx.lineWidth = 1;
    ctx.strokeStyle = FAINT;
    for (let r = 0; r < rows; r++) if (!shown(r)) strokeRow(ctx, r);
    ctx.lineWidth = 1.6;
    for (let r = 0; r < rows; r++) {
      if (!shown(r) || r === data.selected || r === hover) continue;
      ctx.strokeStyle = data.colors[r] || "#4477aa";
      strokeRow(ctx, r);
    }
    for (const r of [hover, data.selected]) {
      if (r < 0 || r >= rows) continue;
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = ink.strong;
      strokeRow(ctx, r);
      ctx.lineWidth = 2;
      ctx.strokeStyle = data.colors[r] || "#4477aa";
      strokeRow(ctx, r);
    }
    // axes, ticks, names, brushes
    ctx.font = "11px sans-serif";
    data.columns.forEach((col, c) => {
      const x = axisX(c);
      ctx.strokeStyle = ink.fg;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, yOf(0));
      ctx.lineTo(x, yOf(1));
      ctx.stroke();
      ctx.fillStyle = ink.strong;
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.font = "bold 11px sans-serif";
      ctx.fillText(col.name + (scales[c].log ? " (log)" : ""), x, M.top - 14, 140);
      ctx.font = "10px sans-serif";
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      for (const t of scales[c].ticks) {
        const y = yOf(scales[c].norm(t.value));
        ctx.fillStyle = ink.fg;
        ctx.fillRect(x - 3, y, 6, 1);
        ctx.fillText(String(t.label), x + 5, y, 90);
      }
      const b = brushes.get(c);
      if (b) {
        ctx.fillStyle = "rgba(68,119,170,0.18)";
        ctx.strokeStyle = "#4477aa";
        ctx.fillRect(x - 8, yOf(b[1]), 16, yOf(b[0]) - yOf(b[1]));
        ctx.strokeRect(x - 8, yOf(b[1]), 16, yOf(b[0]) - yOf(b[1]));
      }
    });
  }
  registerPainter(canvas, { paint: (g) => paint(g) });

  function nearestAxis(x) {
    let best = -1, dist = 18;
    data.columns.forEach((_, c) => { const d = Math.abs(axisX(c) - x); if (d < dist) { dist = d; best = c; } });
    return best;
  }

  function nearestRow(x, y) {
    let best = -1, dist = 6;
    for (let r = 0; r < n(); r++) {
      if (!shown(r)) continue;
      const pts = rowPoints(r);
      for (let k = 1; k < pts.length; k++) {
        const a = pts[k - 1], b = pts[k];
        if (!a || !b || x < a[0] || x > b[0]) continue;
        const t = (x - a[0]) / (b[0] - a[0] || 1);
        const d = Math.abs(a[1] + t * (b[1] - a[1]) - y);
        if (d < dist) { dist = d; best = r; }
      }
    }
    return best;
  }

  const local = (ev) => { const r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; };
  function commitBrushes() {
    mask = brushMask(data.columns, scales, brushes, n());
    onBrush(mask, new Map([...brushes].map(([c, b]) => [data.columns[c].name, [scales[c].inv(b[0]), scales[c].inv(b[1])]])));
  }
  const onDown = (ev) => {
    const [x, y] = local(ev);
    const c = nearestAxis(x);
    drag = { c, y0: y, moved: false, x, y };
    canvas.setPointerCapture?.(ev.pointerId);
  };
  const onMove = (ev) => {
    const [x, y] = local(ev);
    if (!drag) {
      const r = nearestRow(x, y);
      if (r !== hover) { hover = r; draw(); }
      return;
    }
    if (Math.abs(y - drag.y0) > 3) drag.moved = true;
    if (drag.moved && drag.c >= 0) {
      const a = Math.max(0, Math.min(1, tOf(drag.y0))), b = Math.max(0, Math.min(1, tOf(y)));
      brushes.set(drag.c, [Math.min(a, b), Math.max(a, b)]);
      commitBrushes();
      draw();
    }
  };
  const onUp = (ev) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.moved) return;
    if (d.c >= 0 && brushes.has(d.c)) { // a click on a brushed axis clears its brush
      brushes.delete(d.c);
      commitBrushes();
      draw();
      return;
    }
    const [x, y] = local(ev);
    onPick(nearestRow(x, y));
  };
  const onLeave = () => { if (hover >= 0) { hover = -1; draw(); } };
  const listening = new AbortController(); // destroy() removes every listener at once
  const { signal } = listening;
  canvas.addEventListener("pointerdown", onDown, { signal });
  canvas.addEventListener("pointermove", onMove, { signal });
  canvas.addEventListener("pointerup", onUp, { signal });
  canvas.addEventListener("pointerleave", onLeave, { signal });
  const resize = new ResizeObserver(() => draw());
  resize.observe(el);
  const unTheme = onThemeChange(() => draw());

  return {
    update(next) {
      const sameColumns = data.columns.length === next.columns.length && data.columns.every((c, i) => c.name === next.columns[i].name);
      data = { selected: -1, visible: null, ...next };
      scales = data.columns.map(axisScale);
      if (!sameColumns) brushes = new Map();
      mask = brushMask(data.columns, scales, brushes, n());
      draw();
    },
    clearBrushes() { brushes.clear(); commitBrushes(); draw(); },
    get mask() { return mask; },
    setBrush(name, lo, hi) { // in data units; used by tests and Python round trips
      const c = data.columns.findIndex((col) => col.name === name);
      if (c < 0) return;
      const a = scales[c].norm(lo), b = scales[c].norm(hi);
      brushes.set(c, [Math.min(a, b), Math.max(a, b)]);
      commitBrushes();
      draw();
    },
    destroy() {
      resize.disconnect();
      unTheme();
      listening.abort();
      canvas.remove();
    },
  };
}

// Scatter matrix: one small plot per (y column, x column) pair, y = metrics, x = hparams, with
// tick values along the bottom row and the left column (data-jtb-ticks lists them, for tests).
export function createScatterMatrix(el, { cell = 150, onPick = () => {} } = {}) {
  const canvas = document.createElement("canvas");
  canvas.className = "jtb-scatter-matrix";
  canvas.style.cssText = "display:block;cursor:pointer;";
  el.append(canvas);
  const M = { left: 96, top: 8, bottom: 52, gap: 16 };
  let data = { xColumns: [], yColumns: [], colors: [], visible: null, selected: -1 };
  let placed = []; // [x, y, row] of every drawn point, for picking
  let tickText = []; // tick values painted (el.dataset.jtbTicks, for tests)

  function draw() {
    const nx = data.xColumns.length, ny = data.yColumns.length;
    const width = M.left + nx * (cell + M.gap);
    const height = M.top + ny * (cell + M.gap) + M.bottom;
    const drawn = paint(sizeCanvas(canvas, Math.max(width, 200), Math.max(height, 60)));
    placed = drawn.placed;
    tickText = drawn.tickText;
    el.dataset.jtbTicks = tickText.join("|");
  }

  // the matrix into the 2-D context ctx (the canvas, or a download's); returns the points
  // placed (for picking) and the tick values painted
  function paint(ctx) {
    const nx = data.xColumns.length, ny = data.yColumns.length;
    const placed = [], tickText = [];
    const ink = inkOf(el);
    ctx.font = "10px sans-serif";
    if (!nx || !ny) {
      ctx.fillStyle = ink.fg;
      ctx.fillText("No hparams or metrics to plot.", 8, 20);
      return { placed, tickText };
    }
    const xs = data.xColumns.map(axisScale), ys = data.yColumns.map(axisScale);
    const rows = data.xColumns[0].values.length;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x0 = M.left + i * (cell + M.gap), y0 = M.top + j * (cell + M.gap);
        ctx.strokeStyle = ink.grid;
        ctx.strokeRect(x0, y0, cell, cell);
        paintTicks(ctx, ink, xs[i], ys[j], x0, y0, i === 0, j === ny - 1, tickText);
        const order = [...Array(rows).keys()].sort((a, b) => (data.visible?.[a] ?? 1) - (data.visible?.[b] ?? 1));
        for (const r of order) {
          const vx = data.xColumns[i].values[r], vy = data.yColumns[j].values[r];
          if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
          const px = x0 + 6 + xs[i].norm(vx) * (cell - 12), py = y0 + cell - 6 - ys[j].norm(vy) * (cell - 12);
          const on = !data.visible || data.visible[r];
          ctx.fillStyle = on ? data.colors[r] || "#4477aa" : FAINT;
          ctx.beginPath();
          ctx.arc(px, py, r === data.selected ? 5 : 3, 0, 2 * Math.PI);
          ctx.fill();
          if (r === data.selected) { ctx.strokeStyle = ink.strong; ctx.stroke(); }
          if (on) placed.push([px, py, r]);
        }
        if (j === ny - 1) {
          ctx.fillStyle = ink.strong;
          ctx.textAlign = "center";
          ctx.textBaseline = "top";
          ctx.fillText(data.xColumns[i].name, x0 + cell / 2, y0 + cell + 20, cell);
        }
      }
      ctx.save();
      ctx.fillStyle = ink.strong;
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      ctx.translate(M.left - 52, M.top + j * (cell + M.gap) + cell / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(data.yColumns[j].name, 0, 0, cell);
      ctx.restore();
    }
    return { placed, tickText };
  }
  registerPainter(canvas, { paint: (g) => { paint(g); } });

  // tick marks on every cell's edges; values under the bottom row and left of the first column
  function paintTicks(ctx, ink, sx, sy, x0, y0, labelY, labelX, tickText) {
    ctx.fillStyle = ink.fg;
    ctx.font = "10px sans-serif";
    for (const t of fewTicks(sx)) {
      const px = x0 + 6 + sx.norm(t.value) * (cell - 12);
      ctx.fillRect(px, y0 + cell, 1, 4);
      if (!labelX) continue;
      tickText.push(String(t.label));
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(String(t.label), px, y0 + cell + 5, cell / 2);
    }
    for (const t of fewTicks(sy)) {
      const py = y0 + cell - 6 - sy.norm(t.value) * (cell - 12);
      ctx.fillRect(x0 - 4, py, 4, 1);
      if (!labelY) continue;
      tickText.push(String(t.label));
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(String(t.label), x0 - 6, py, 40);
    }
  }

  const onClick = (ev) => {
    const r = canvas.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    let best = -1, dist = 8;
    for (const [px, py, row] of placed) {
      const d = Math.hypot(px - x, py - y);
      if (d < dist) { dist = d; best = row; }
    }
    onPick(best);
  };
  canvas.addEventListener("click", onClick);
  const unTheme = onThemeChange(() => draw());
  return {
    update(next) { data = { visible: null, selected: -1, ...next }; draw(); },
    destroy() { unTheme(); canvas.removeEventListener("click", onClick); canvas.remove(); },
  };
}
