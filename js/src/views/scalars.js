// Scalars view: one chart per tag, selected runs overlaid. Wire protocol in
// jupyter_tb/widgets/views/scalars.py. Everything interactive (smoothing, runs, log scale,
// hover, zoom within data already here) happens in the browser; the kernel is asked only to
// refine a zoomed window of a downsampled series, for CSV downloads, and for exact smoothing
// of downsampled series (until it answers, the browser approximates and says so). Series
// folding and the lines drawn are js/src/lib/series.js.
import { downloadFile, h } from "../lib/dom.js";
import { createRowTable, hoverReadout, rangeRows, stepRows } from "../lib/runtable.js";
import { formatNumber, formatX } from "../lib/format.js";
import { createLineChart } from "../lib/linechart.js";
import {
  appendToSeries, createSmoother, rangeRequest, relativeTimes, seriesFromMessage, setSmoothed, windowXs,
} from "../lib/series.js";
import { seriesKey } from "../lib/steps.js";
import { foldGroupMessage, withGroups } from "../lib/groups.js";

// The note saying smoothing is approximated (the controls are the settings panel's).
function smoothingNote() {
  return h("span", {
    class: "jtb-note", "data-jtb-smoothing-note": "", style: { display: "none" },
    text: "≈ smoothing approximated from the downsampled series; exact values arrive when the kernel is idle",
  });
}

export default {
  createState() {
    return { runs: [], tags: {}, series: new Map(), kernelWeight: 0.6 };
  },

  onMessage(state, msg) {
    foldGroupMessage(state, msg); // run groups' aggregates (lib/groups.js)
    switch (msg.type) {
      case "reset":
        state.series.clear();
        state.kernelWeight = msg.smoothing;
        break;
      case "series":
        state.series.set(seriesKey(msg.run, msg.tag), seriesFromMessage(msg));
        break;
      case "append": {
        const series = state.series.get(seriesKey(msg.run, msg.tag));
        if (series) appendToSeries(series, msg);
        break;
      }
      case "smoothed": {
        const series = state.series.get(seriesKey(msg.run, msg.tag));
        if (series) setSmoothed(series, msg);
        break;
      }
      default:
    }
  },

  render(ctx) {
    const { state, selection } = ctx;
    const cleanups = [];
    // smoothing, x_axis, log_y, ignore_outliers: the board's settings (ctx.settings), read at each draw
    const setting = (name) => ctx.settings.get(name);
    const note = smoothingNote();
    cleanups.push(ctx.settings.subscribe((name) => {
      if (name !== "x_axis") return;
      for (const card of grid.cards.values()) {
        card.windows.clear();
        card.chart.setDomain(null);
        card.pick = card.range = null; // their x was on the other axis
        showTable(card);
      }
    }));
    const charts = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No scalar data yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [h("div", { class: "jtb-toolbar" }, [note]), empty, charts]));

    // -- per-series derived arrays (cached) ------------------------------------------------------
    const relative = new WeakMap();
    function xsOf(series) {
      if (setting("x_axis") === "step") return series.step;
      if (setting("x_axis") === "wall") return series.wall;
      let cached = relative.get(series);
      if (!cached || cached.version !== series.version) {
        cached = { version: series.version, rel: relativeTimes(series.wall, series.n) };
        relative.set(series, cached);
      }
      return cached.rel;
    }
    const smoothed = createSmoother();

    // -- cards ----------------------------------------------------------------------------
    // A card: title and buttons, the chart with its floating hover readout, and the data
    // table of a clicked step or a shift-dragged range (hidden until there is one).
    function makeCard(tag) {
      const readout = hoverReadout(() => card.lines, () => ({ sort: setting("tooltip_sort"), limit: setting("tooltip_rows") }));
      const table = createRowTable("data-table");
      const tableTitle = h("span", { class: "jtb-table-title" });
      const closeTable = h("button", { class: "jtb-button", type: "button", "aria-label": "Close the data table", text: "×" });
      const tableBox = h("div", { class: "jtb-table-box", style: { display: "none" } }, [
        h("div", { class: "jtb-table-head" }, [tableTitle, closeTable]),
        h("div", { class: "jtb-table-scroll" }, [table.el]),
      ]);
      const body = h("div", { class: "jtb-chart-body" });
      const resetButton = h("button", { class: "jtb-button", "data-jtb-reset-zoom": "", text: "reset zoom", style: { display: "none" } });
      const csvButton = h("button", { class: "jtb-button", "data-jtb-csv": "", text: "CSV", title: "Download the full series as CSV" });
      const el = h("div", { class: "jtb-card", "data-jtb-chart": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag }), resetButton, csvButton]),
        body,
        tableBox,
      ]);
      const card = { el, tag, windows: new Map(), drawn: 0, lines: [], pick: null, range: null, table, tableBox, tableTitle, resetButton };
      card.chart = createLineChart(body, {
        onZoom: (domain) => zoom(card, domain),
        onHover: readout.onHover,
        onPick: (rows, at) => { card.pick = rows.length ? at : null; card.range = null; showTable(card); },
        onRange: (range) => { card.range = range; card.pick = null; showTable(card); },
      });
      el.jtbCard = card; // for browser tests: card.chart.view (ranges, axis labels), card.range
      readout.attach(card.chart.plot);
      resetButton.addEventListener("click", () => { card.chart.setDomain(null); zoom(card, null); });
      csvButton.addEventListener("click", () => downloadCsv(tag));
      closeTable.addEventListener("click", () => { card.pick = card.range = null; showTable(card); });
      return card;
    }

    // the data table of the card's picked step or selected range, from the lines as drawn
    function showTable(card) {
      card.chart.setMarks({ pick: card.pick ? card.pick.x : null, range: card.range });
      card.tableBox.style.display = card.pick || card.range ? "" : "none";
      if (card.range) {
        const [x0, x1] = card.range;
        const kind = setting("x_axis");
        const span = kind === "step" ? `steps ${Math.ceil(x0)} … ${Math.floor(x1)}` : `${formatX(x0, kind)} … ${formatX(x1, kind)}`;
        card.tableTitle.textContent = `${span}${card.approximated ? " (≈ from the downsampled series)" : ""}`;
        card.table.show({ rows: rangeRows(card.lines, x0, x1), mode: "range", sort: "name" });
      } else if (card.pick) {
        const rows = stepRows(card.lines, card.pick.x);
        card.tableTitle.textContent = rows.length ? `step ${formatNumber(rows[0].step)}` : "";
        card.table.show({ rows, sort: setting("tooltip_sort"), y: card.pick.y, limit: setting("tooltip_rows") });
      } else {
        card.table.clear();
      }
    }

    // show the zoomed domain at once, then ask the kernel for the full-resolution points of
    // the downsampled series inside its x range
    async function zoom(card, domain) {
      card.windows.clear();
      card.resetButton.style.display = domain ? "" : "none";
      const range = domain && domain.x;
      ctx.save("x_range", range ? [range[0], range[1]] : []);
      redraw(card);
      if (!range) return;
      const width = Math.max(card.el.clientWidth - 70, 100);
      for (const run of selection.runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        if (!series || series.mode !== "sampled" || !selection.isShown(run)) continue;
        const xKind = setting("x_axis");
        ctx.request("range", rangeRequest(series, xKind, range, width))
          .then((data) => {
            if (card.chart.domain !== domain || setting("x_axis") !== xKind) return; // zoom moved on
            card.windows.set(run, { data, version: series.version });
            redraw(card);
          })
          .catch((error) => console.warn("jupyter-tb: zoom refinement failed", error));
      }
    }

    async function downloadCsv(tag) {
      const runs = selection.runs.filter((run) => selection.isShown(run));
      try {
        const data = await ctx.request("csv", { tag, runs });
        downloadFile(data.csv, data.filename, "text/csv");
      } catch (error) {
        console.warn("jupyter-tb: CSV download failed", error);
      }
    }

    // the chart's lines: a refined zoom window where one arrived at this weight, else the
    // series as held (smoothed in the browser when the kernel's smoothing is not there)
    function linesFor(card) {
      const weight = setting("smoothing");
      card.approximated = false;
      const out = [];
      for (const run of selection.runs) {
        if (!selection.isShown(run)) continue;
        const series = state.series.get(seriesKey(run, card.tag));
        if (!series || series.n === 0) continue;
        const window = card.windows.get(run);
        const base = { name: run, color: selection.color(run), wall0: series.wall[0] };
        if (window && window.data.weight === weight) {
          const d = window.data;
          out.push({
            ...base, x: windowXs(d, setting("x_axis"), series.wall[0]), y: d.value, smooth: weight ? d.smoothed : null, n: d.value.length,
            stepAt: (i) => d.step[i], wallAt: (i) => d.wall[i],
          });
          continue;
        }
        const { values, approximated: approx } = smoothed(series, weight);
        if (approx) card.approximated = true;
        out.push({
          ...base, x: xsOf(series), y: series.value, smooth: values, n: series.n,
          stepAt: (i) => series.step[i], wallAt: (i) => series.wall[i],
        });
      }
      return out;
    }

    function redraw(card) {
      const lines = withGroups(linesFor(card), { tag: card.tag, state, selection, settings: ctx.settings, el: card.el });
      card.lines = lines;
      if (card.pick || card.range) showTable(card);
      card.chart.update({ series: lines, xKind: setting("x_axis"), logY: setting("log_y"), ignoreOutliers: setting("ignore_outliers") });
      card.drawn += 1;
      card.el.setAttribute("data-jtb-points", String(lines.reduce((sum, s) => sum + s.n, 0)));
      card.el.setAttribute("data-jtb-drawn", String(card.drawn));
      showNote();
    }

    const showNote = () => {
      const approximated = [...grid.cards.values()].some((card) => card.approximated);
      note.style.display = approximated ? "" : "none";
    };
    const grid = ctx.showTagCards(charts, empty, {
      makeCard, drawCard: redraw, dropCard: (card) => card.chart.destroy(), byTag: true,
    });

    cleanups.push(ctx.onMessage((msg) => {
      if (msg.type !== "series") return;
      const card = grid.cards.get(msg.tag);
      if (card) card.windows.delete(msg.run); // a fresh overview replaces refined windows
    }));

    return () => { for (const fn of cleanups) fn(); };
  },
};
