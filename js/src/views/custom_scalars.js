// Custom scalars view: the logged layout's categories (collapsible, `closed` honoured) of
// charts. A multiline chart draws every scalar series whose tag its regexes matched (matched
// in Python, listed per chart in the layout); a margin chart draws a value series with a
// shaded band between its lower and upper series. Series data and its wire protocol are the
// scalars view's (jupyter_tb/widgets/views/custom_scalars.py), so its state folding is reused.
// Lines have their run's colour (the runs table's, as in every view); the tags of a multiline
// chart differ by dash pattern. The hover readout floats over the plot (lib/runtable.js).
// DOM: [data-jtb-category="<title>"] (<details>), [data-jtb-custom-chart="<title>"] (card;
// data-jtb-chart-kind multiline|margin, data-jtb-lines = lines drawn), [data-jtb-smoothing]
// (the board's smoothing setting), [data-jtb-readout] rows [data-jtb-readout-row="<line>"].
import { h, smoothingSlider } from "../lib/dom.js";
import { addDownloadMenu } from "../lib/cards.js";
import { createLineChart } from "../lib/linechart.js";
import { hoverReadout } from "../lib/runtable.js";
import { alignTo, createSmoother } from "../lib/series.js";
import { seriesKey as key } from "../lib/steps.js";
import { withGroupsByTag } from "../lib/groups.js";
import scalars from "./scalars.js";

export default {
  createState() {
    return { ...scalars.createState(), layout: [] };
  },

  onMessage(state, msg) {
    scalars.onMessage(state, msg);
    if ((msg.type === "reset" || msg.type === "catalog") && msg.layout) state.layout = msg.layout;
  },

  render(ctx) {
    const { state, selection } = ctx;
    // the board's smoothing (ctx.settings), also set from this tab's own slider
    const weightNow = () => ctx.settings.get("smoothing");
    const smoothing = smoothingSlider(weightNow(), (next) => ctx.settings.set("smoothing", next));
    const unwatch = ctx.settings.subscribe((name, value) => { if (name === "smoothing") smoothing.show(value); });
    const body = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No custom scalar layout logged." });
    ctx.mount(h("div", { class: "jtb-main" }, [h("div", { class: "jtb-toolbar" }, [smoothing.el]), empty, body]));

    const smoothed = createSmoother();
    const smoothedOf = (series) => smoothed(series, weightNow()).values;

    const line = (name, color, series, extra = {}) => ({
      name, color, x: series.step, y: series.value, smooth: smoothedOf(series), n: series.n,
      stepAt: (i) => series.step[i], wallAt: (i) => series.wall[i], wall0: series.wall[0], ...extra,
    });

    // a run's lines have the run's colour everywhere; the tags of one chart differ by dash
    const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];
    function chartSeries({ spec: chart, el }) {
      const out = [];
      for (const run of selection.runs) {
        if (!selection.isShown(run)) continue;
        if (chart.kind === "margin") {
          for (const s of chart.series) {
            const value = state.series.get(key(run, s.value));
            if (!value || !value.n) continue;
            // unsmoothed, as TensorBoard draws margin charts: the value stays inside its band
            out.push(line(`${run}: ${s.value}`, selection.color(run), value, {
              smooth: null,
              lower: alignTo(value, state.series.get(key(run, s.lower))),
              upper: alignTo(value, state.series.get(key(run, s.upper))),
            }));
          }
          continue;
        }
        for (const tag of chart.tags) {
          const series = state.series.get(key(run, tag));
          if (!series || !series.n) continue;
          const dash = DASHES[chart.tags.indexOf(tag) % DASHES.length];
          out.push(line(chart.tags.length === 1 ? run : `${run}: ${tag}`, selection.color(run), series, { dash, run, tag }));
        }
      }
      if (chart.kind !== "multiline") return out;
      // run groups: per tag a group line with its band replaces its runs (lib/groups.js)
      const dashOf = (tag) => DASHES[chart.tags.indexOf(tag) % DASHES.length];
      return withGroupsByTag(out, chart.tags, { state, selection, settings: ctx.settings, el, dashOf });
    }

    // categories and charts are rebuilt only when the layout changes; charts redraw in place
    let shownLayout = null;
    let cards = [];
    function build() {
      for (const card of cards) card.chart.destroy();
      cards = [];
      body.replaceChildren();
      for (const category of state.layout) {
        const grid = h("div", { class: "jtb-cards" });
        body.append(h("details", { class: "jtb-section", open: !category.closed, "data-jtb-category": category.title }, [
          h("summary", { class: "jtb-section-title" }, [h("span", { text: category.title }), h("span", { class: "jtb-count", text: String(category.charts.length) })]),
          grid,
        ]));
        for (const chart of category.charts) {
          const plot = h("div", { class: "jtb-chart-body" });
          const el = h("div", { class: "jtb-card", "data-jtb-custom-chart": chart.title, "data-jtb-chart-kind": chart.kind }, [
            h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: chart.title, title: chart.title })]),
            chart.error ? h("div", { class: "jtb-error", text: chart.error }) : null,
            plot,
          ]);
          grid.append(el);
          addDownloadMenu(el, chart.title);
          const card = { el, spec: chart, lines: [] };
          const readout = hoverReadout(() => card.lines, () => ({ sort: ctx.settings.get("tooltip_sort"), limit: ctx.settings.get("tooltip_rows") }));
          card.chart = createLineChart(plot, { onHover: readout.onHover });
          readout.attach(card.chart.plot);
          cards.push(card);
        }
      }
    }

    function redrawAll() {
      selection.setRuns(state.runs);
      if (shownLayout !== state.layout) { shownLayout = state.layout; build(); }
      empty.style.display = state.layout.length ? "none" : "";
      for (const card of cards) {
        const series = chartSeries(card);
        card.lines = series;
        card.chart.update({ series, xKind: "step" });
        card.el.setAttribute("data-jtb-lines", String(series.length));
      }
    }
    ctx.redrawOn(redrawAll);
    redrawAll();
    return () => { unwatch(); for (const card of cards) card.chart.destroy(); };
  },
};
