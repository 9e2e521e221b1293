// Scalars view: one chart per tag, selected runs overlaid. Wire protocol in
// jupyter_tb/widgets/views/scalars.py. Everything interactive (smoothing, runs, log scale,
// hover, zoom within data already here) happens in the browser; the kernel is asked only to
// refine a zoomed window of a downsampled series, for CSV downloads, and for exact smoothing
// of downsampled series (until it answers, the browser approximates and says so). Series
// folding and the lines drawn are js/src/lib/series.js.
import { downloadFile, h, smoothingSlider } from "../lib/dom.js";
import { formatNumber } from "../lib/format.js";
import { createLineChart } from "../lib/linechart.js";
import {
  appendToSeries, createSmoother, rangeRequest, relativeTimes, seriesFromMessage, setSmoothed, windowXs,
} from "../lib/series.js";
import { seriesKey } from "../lib/steps.js";

// Hover readout: per run its colour, name, step, value, smoothed value and time.
function showReadout(readout, rows) {
  readout.replaceChildren();
  if (!rows) return;
  for (const row of rows) {
    const s = row.series;
    const wall = s.wallAt ? s.wallAt(row.index) : NaN;
    readout.append(h("div", { class: "jtb-readout-row", "data-jtb-readout-row": row.name }, [
      h("span", { class: "jtb-swatch", style: { background: row.color } }),
      h("span", { class: "jtb-run-name", text: row.name }),
      h("span", { text: `step ${formatNumber(s.stepAt(row.index))}` }),
      h("span", { text: `value ${formatNumber(row.value)}` }),
      row.smoothed !== null ? h("span", { text: `smoothed ${formatNumber(row.smoothed)}` }) : null,
      h("span", { text: Number.isFinite(wall) ? new Date(wall * 1000).toLocaleString() : "" }),
    ]));
  }
}

// Smoothing, x axis, log y and outlier controls; onChange(name, value) for each.
function createToolbar(model, onChange) {
  const smoothing = smoothingSlider(model.get("smoothing") ?? 0.6, (weight) => onChange("smoothing", weight));
  const note = h("span", {
    class: "jtb-note", "data-jtb-smoothing-note": "", style: { display: "none" },
    text: "≈ smoothing approximated from the downsampled series; exact values arrive when the kernel is idle",
  });
  const axis = h("select", { class: "jtb-input", "data-jtb-x-axis": "" }, ["step", "relative", "wall"].map((v) => h("option", { value: v, text: v })));
  axis.value = model.get("x_axis") || "step";
  const logBox = h("input", { type: "checkbox", "data-jtb-log-y": "", checked: !!model.get("log_y") });
  const outlierBox = h("input", { type: "checkbox", "data-jtb-ignore-outliers": "", checked: !!model.get("ignore_outliers") });
  axis.addEventListener("change", () => onChange("x_axis", axis.value));
  logBox.addEventListener("change", () => onChange("log_y", logBox.checked));
  outlierBox.addEventListener("change", () => onChange("ignore_outliers", outlierBox.checked));
  const el = h("div", { class: "jtb-toolbar" }, [
    smoothing.el,
    h("label", { class: "jtb-control" }, [h("span", { text: "X axis" }), axis]),
    h("label", { class: "jtb-control" }, [logBox, h("span", { text: "log y" })]),
    h("label", { class: "jtb-control" }, [outlierBox, h("span", { text: "ignore outliers" })]),
    note,
  ]);
  return { el, note };
}

export default {
  createState() {
    return { runs: [], tags: {}, series: new Map(), kernelWeight: 0.6 };
  },

  onMessage(state, msg) {
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
    const { state, model, selection } = ctx;
    const settings = {
      smoothing: model.get("smoothing") ?? 0.6,
      x_axis: model.get("x_axis") || "step",
      log_y: !!model.get("log_y"),
      ignore_outliers: !!model.get("ignore_outliers"),
    };
    const toolbar = createToolbar(model, (name, value) => {
      settings[name] = value;
      ctx.save(name, value);
      if (name === "x_axis") for (const card of grid.cards.values()) { card.windows.clear(); card.chart.setDomain(null); }
      redrawAll();
    });
    const charts = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No scalar data yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [toolbar.el, empty, charts]));
    const cleanups = [];

    // -- per-series derived arrays (cached) ------------------------------------------------------
    const relative = new WeakMap();
    function xsOf(series) {
      if (settings.x_axis === "step") return series.step;
      if (settings.x_axis === "wall") return series.wall;
      let cached = relative.get(series);
      if (!cached || cached.version !== series.version) {
        cached = { version: series.version, rel: relativeTimes(series.wall, series.n) };
        relative.set(series, cached);
      }
      return cached.rel;
    }
    const smoothed = createSmoother();

    // -- cards ----------------------------------------------------------------------------
    function makeCard(tag) {
      const readout = h("div", { class: "jtb-readout", "data-jtb-readout": "" });
      const body = h("div", { class: "jtb-chart-body" });
      const resetButton = h("button", { class: "jtb-button", "data-jtb-reset-zoom": "", text: "reset zoom" });
      const csvButton = h("button", { class: "jtb-button", "data-jtb-csv": "", text: "CSV" });
      const el = h("div", { class: "jtb-card", "data-jtb-chart": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag }), resetButton, csvButton]),
        body,
        readout,
      ]);
      const card = { el, tag, windows: new Map(), drawn: 0 };
      card.chart = createLineChart(body, {
        onZoom: (range) => zoom(card, range),
        onHover: (rows) => showReadout(readout, rows),
      });
      resetButton.addEventListener("click", () => { card.chart.setDomain(null); zoom(card, null); });
      csvButton.addEventListener("click", () => downloadCsv(tag));
      return card;
    }

    // show the zoomed range at once, then ask the kernel for the full-resolution points of
    // the downsampled series inside it
    async function zoom(card, range) {
      card.windows.clear();
      ctx.save("x_range", range ? [range[0], range[1]] : []);
      redraw(card);
      if (!range) return;
      const width = Math.max(card.el.clientWidth - 70, 100);
      for (const run of selection.runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        if (!series || series.mode !== "sampled" || !selection.isShown(run)) continue;
        const xKind = settings.x_axis;
        ctx.request("range", rangeRequest(series, xKind, range, width))
          .then((data) => {
            if (card.chart.domain !== range || settings.x_axis !== xKind) return; // zoom moved on
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
      const weight = settings.smoothing;
      card.approximated = false;
      const out = [];
      for (const run of selection.runs) {
        if (!selection.isShown(run)) continue;
        const series = state.series.get(seriesKey(run, card.tag));
        if (!series || series.n === 0) continue;
        const window = card.windows.get(run);
        const base = { name: run, color: selection.color(run) };
        if (window && window.data.weight === weight) {
          const d = window.data;
          out.push({
            ...base, x: windowXs(d, settings.x_axis, series.wall[0]), y: d.value, smooth: weight ? d.smoothed : null, n: d.value.length,
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
      const lines = linesFor(card);
      card.chart.update({ series: lines, xKind: settings.x_axis, logY: settings.log_y, ignoreOutliers: settings.ignore_outliers });
      card.drawn += 1;
      card.el.setAttribute("data-jtb-points", String(lines.reduce((sum, s) => sum + s.n, 0)));
      card.el.setAttribute("data-jtb-drawn", String(card.drawn));
      showNote();
    }

    const showNote = () => {
      const approximated = [...grid.cards.values()].some((card) => card.approximated);
      toolbar.note.style.display = approximated ? "" : "none";
    };
    const grid = ctx.showTagCards(charts, empty, {
      makeCard, drawCard: redraw, dropCard: (card) => card.chart.destroy(), byTag: true,
    });
    const redrawAll = () => grid.schedule();

    cleanups.push(ctx.onMessage((msg) => {
      if (msg.type !== "series") return;
      const card = grid.cards.get(msg.tag);
      if (card) card.windows.delete(msg.run); // a fresh overview replaces refined windows
    }));

    return () => { for (const fn of cleanups) fn(); };
  },
};
