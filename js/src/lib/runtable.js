// Per-run rows of a line chart at one step or over a step range, and the table showing them:
// the scalars card's hover readout (floating over the chart) and its data table (under it,
// shown when a step is clicked or a range shift-dragged) are both this table.
//
// A line is what the line chart draws ({name, color, x, y, smooth, n}) plus
// stepAt(i), wallAt(i) and wall0 (the run's first wall time, for relative time).
//   stepRows(lines, x)            per line the point nearest x: {name, color, smoothed, value,
//                                 shown, step, wall, relative}
//   rangeRows(lines, x0, x1)      per line over x0 <= x <= x1: {name, color, min, max, mean,
//                                 change (last - first), first, last (steps), count}
//   sortRows(rows, how, y)        how: "default" (as given), "ascending" / "descending" (by the
//                                 value shown), "nearest" (to value y), "name", or {key, descending}
//   const table = createRowTable("readout" | "data-table"); table.el;
//   table.show({rows, mode: "step" | "range", sort, y, limit}); table.clear()
//   const readout = hoverReadout(() => lines, () => ({sort, limit})); chart option
//     onHover: readout.onHover; then readout.attach(chart.plot): the floating hover readout
// DOM: the table carries [data-jtb-<kind>], rows [data-jtb-<row>-row="<run>"] ("readout-row" or
// "data-row") whose run name is visible text; header buttons [data-jtb-sort="<key>"] sort.
import { h } from "./dom.js";
import { formatDuration, formatNumber, formatWall } from "./format.js";
import { hoverRows } from "./linechart/hover.js";

export function stepRows(lines, x) {
  return hoverRows(lines, x).map((row) => {
    const line = row.series;
    const wall = line.wallAt ? line.wallAt(row.index) : NaN;
    const band = line.lower && line.upper ? [line.lower[row.index], line.upper[row.index]] : null;
    const count = line.countAt ? line.countAt(row.index) : undefined; // a run group's runs at the step (lib/groups.js)
    return { ...row, step: line.stepAt ? line.stepAt(row.index) : row.x, wall, relative: wall - (line.wall0 ?? NaN), band, count };
  });
}

// first index of the first n entries of ascending xs with xs[i] >= x
function lowerBound(xs, n, x) {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export function rangeRows(lines, x0, x1) {
  const rows = [];
  for (const line of lines) {
    const n = line.n ?? line.x.length;
    const start = lowerBound(line.x, n, x0);
    let min = Infinity, max = -Infinity, sum = 0, count = 0, first = NaN, last = NaN, firstI = -1, lastI = -1;
    for (let i = start; i < n && line.x[i] <= x1; i++) {
      const v = line.y[i];
      if (!Number.isFinite(v)) continue;
      if (count === 0) { first = v; firstI = i; }
      last = v; lastI = i;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count += 1;
    }
    if (!count) continue;
    const stepAt = line.stepAt || ((i) => line.x[i]);
    rows.push({
      name: line.name, color: line.color, min, max, mean: sum / count, change: last - first,
      first: stepAt(firstI), last: stepAt(lastI), count, shown: last,
    });
  }
  return rows;
}

export function sortRows(rows, how = "default", y = NaN) {
  const out = [...rows];
  const byName = (a, b) => a.name.localeCompare(b.name);
  if (how === "name") return out.sort(byName);
  if (how === "ascending") return out.sort((a, b) => a.shown - b.shown || byName(a, b));
  if (how === "descending") return out.sort((a, b) => b.shown - a.shown || byName(a, b));
  if (how === "nearest" && Number.isFinite(y)) return out.sort((a, b) => Math.abs(a.shown - y) - Math.abs(b.shown - y) || byName(a, b));
  if (how && typeof how === "object") {
    const sign = how.descending ? -1 : 1;
    const key = how.key;
    return out.sort((a, b) => (key === "name" ? byName(a, b) : (a[key] - b[key]) || byName(a, b)) * sign);
  }
  return out;
}

const num = (v) => (v === null || v === undefined || Number.isNaN(v) ? "" : formatNumber(v));
const BAND_COLUMN = ["band", "Band", (b) => (b ? `${num(b[0])} … ${num(b[1])}` : "")];
const COUNT_COLUMN = ["count", "n", num]; // runs of a group contributing at the step
const clock = (t) => formatWall(t).slice(11); // the readout's wall time: the clock only
const COLUMNS = {
  step: [
    ["name", "Run"], ["smoothed", "Smoothed", num], ["value", "Value", num], ["step", "Step", num],
    ["relative", "Relative", (v) => (Number.isFinite(v) ? formatDuration(v) : "")], ["wall", "Wall time", formatWall],
  ],
  range: [
    ["name", "Run"], ["min", "Min", num], ["max", "Max", num], ["mean", "Mean", num], ["change", "Change", num],
    ["first", "From step", num], ["last", "To step", num],
  ],
};

// kind: "readout" (hover) or "data-table"; rows get [data-jtb-readout-row] / [data-jtb-data-row].
export function createRowTable(kind) {
  const rowAttr = kind === "readout" ? "data-jtb-readout-row" : "data-jtb-data-row";
  const wallColumn = kind === "readout" ? ["wall", "Time", clock] : null;
  const el = h("table", { class: `jtb-table jtb-${kind}`, [`data-jtb-${kind}`]: "" });
  let last = null; // what was shown, to re-sort when a header is clicked
  let columnSort = null; // {key, descending} chosen by a header click; overrides the setting

  function headerCell(key, label, mode) {
    const active = columnSort && columnSort.key === key;
    const button = h("button", {
      type: "button", class: "jtb-sort", "data-jtb-sort": key, text: label + (active ? (columnSort.descending ? " ▾" : " ▴") : ""),
      "aria-sort": active ? (columnSort.descending ? "descending" : "ascending") : "none",
    });
    button.addEventListener("click", () => {
      columnSort = active ? { key, descending: !columnSort.descending } : { key, descending: key !== "name" };
      if (last) show(last);
    });
    return h("th", { class: key === "name" ? "jtb-col-name" : "" }, [mode ? button : label]);
  }

  function show(what) {
    last = what;
    const { rows, mode = "step", sort = "default", y = NaN, limit = 0 } = what;
    const columns = COLUMNS[mode].map((column) => (column[0] === "wall" && wallColumn ? wallColumn : column));
    if (rows.some((row) => row.band)) columns.splice(3, 0, BAND_COLUMN);
    if (mode === "step" && rows.some((row) => row.count !== undefined)) columns.splice(4, 0, COUNT_COLUMN);
    const sorted = sortRows(rows, columnSort && kind !== "readout" ? columnSort : sort, y);
    const shown = limit > 0 ? sorted.slice(0, limit) : sorted;
    const head = h("tr", {}, columns.map(([key, label]) => headerCell(key, label, kind !== "readout")));
    const body = shown.map((row) => h("tr", { [rowAttr]: row.name }, columns.map(([key, , format]) => {
      if (key !== "name") return h("td", { class: "jtb-num", text: format(row[key]) });
      return h("td", { class: "jtb-col-name" }, [
        h("span", { class: "jtb-swatch", style: { background: row.color } }),
        h("span", { class: "jtb-row-name", text: row.name, title: row.name }),
      ]);
    })));
    const more = sorted.length - shown.length;
    const parts = [h("thead", {}, [head]), h("tbody", {}, body)];
    if (more > 0) parts.push(h("tfoot", {}, [h("tr", {}, [h("td", { colspan: String(columns.length), class: "jtb-note", text: `${more} more run${more === 1 ? "" : "s"}` })])]));
    el.replaceChildren(...parts);
  }

  return { el, show, clear() { last = null; el.replaceChildren(); } };
}

// The hover readout of a line chart: a readout table floating over the plot beside the pointer
// (never resizing the card): right of it, or left where the right has no room, or as far
// right as it fits. linesOf() -> the lines drawn; options() -> {sort, limit}.
export function hoverReadout(linesOf, options) {
  const table = createRowTable("readout");
  table.el.style.display = "none";
  function onHover(rows, at) {
    const el = table.el;
    if (!rows || !rows.length || !el.parentNode) { el.style.display = "none"; return; }
    table.show({ rows: stepRows(linesOf(), at.x), y: at.y, ...options() });
    el.style.display = "";
    const room = el.parentNode.clientWidth, width = el.offsetWidth;
    const right = at.px + 16, leftSide = at.px - 16 - width;
    const left = right + width <= room ? right : leftSide >= 0 ? leftSide : Math.max(0, room - width);
    Object.assign(el.style, { left: `${left}px`, top: `${Math.max(0, at.py + 12)}px` });
  }
  return { el: table.el, onHover, attach: (plot) => plot.append(table.el) };
}
