// Custom scalars view: the logged layout's categories (collapsible, `closed` honoured) of
// charts. A multiline chart draws every scalar series whose tag its regexes matched (matched
// in Python, listed per chart in the layout); a margin chart draws a value series with a
// shaded band between its lower and upper series. Series data and its wire protocol are the
// scalars view's (jupyter_tb/widgets/views/custom_scalars.py), so its state folding is reused.
// DOM: [data-jtb-category="<title>"] (<details>), [data-jtb-custom-chart="<title>"] (card;
// data-jtb-chart-kind multiline|margin, data-jtb-lines = lines drawn), [data-jtb-smoothing].
import { h, smoothingSlider } from "../lib/dom.js";
import { createRunColors } from "../lib/colors.js";
import { formatNumber } from "../lib/format.js";
import { createLineChart } from "../lib/linechart.js";
import { alignTo, createSmoother } from "../lib/series.js";
import { seriesKey as key } from "../lib/steps.js";
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
    const { state, model, selection } = ctx;
    let weight = model.get("smoothing") ?? 0.6;
    const smoothing = smoothingSlider(weight, (next) => {
      weight = next;
      ctx.save("smoothing", weight);
      schedule();
    });
    const body = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No custom scalar layout logged." });
    ctx.mount(h("div", { class: "jtb-main" }, [h("div", { class: "jtb-toolbar" }, [smoothing.el]), empty, body]));

    const smoothed = createSmoother();
    const smoothedOf = (series) => smoothed(series, weight).values;

    const line = (name, color, series, extra = {}) => ({
      name, color, x: series.step, y: series.value, smooth: smoothedOf(series), n: series.n,
      stepAt: (i) => series.step[i], ...extra,
    });

    // chart = {spec, colors}: a chart of several tags colours each (run, tag) line apart
    function chartSeries({ spec: chart, colors }) {
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
          const color = chart.tags.length === 1 ? selection.color(run) : colors(`${run}/${tag}`);
          out.push(line(`${run}: ${tag}`, color, series));
        }
      }
      return out;
    }

    function showReadout(readout, rows) {
      readout.replaceChildren(...(rows || []).map((row) => h("div", { class: "jtb-readout-row", "data-jtb-readout-row": row.name }, [
        h("span", { class: "jtb-swatch", style: { background: row.color } }),
        h("span", { class: "jtb-run-name", text: row.name }),
        h("span", { text: `step ${formatNumber(row.series.stepAt(row.index))}` }),
        h("span", { text: `value ${formatNumber(row.value)}` }),
        row.series.lower ? h("span", { text: `band ${formatNumber(row.series.lower[row.index])} … ${formatNumber(row.series.upper[row.index])}` }) : null,
      ])));
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
          const readout = h("div", { class: "jtb-readout", "data-jtb-readout": "" });
          const plot = h("div", { class: "jtb-chart-body" });
          const el = h("div", { class: "jtb-card", "data-jtb-custom-chart": chart.title, "data-jtb-chart-kind": chart.kind }, [
            h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: chart.title, title: chart.title })]),
            chart.error ? h("div", { class: "jtb-error", text: chart.error }) : null,
            plot, readout,
          ]);
          grid.append(el);
          cards.push({ el, spec: chart, colors: createRunColors(), chart: createLineChart(plot, { onHover: (rows) => showReadout(readout, rows) }) });
        }
      }
    }

    function redrawAll() {
      selection.setRuns(state.runs);
      if (shownLayout !== state.layout) { shownLayout = state.layout; build(); }
      empty.style.display = state.layout.length ? "none" : "";
      for (const card of cards) {
        const series = chartSeries(card);
        card.chart.update({ series, xKind: "step" });
        card.el.setAttribute("data-jtb-lines", String(series.length));
      }
    }
    const schedule = ctx.redrawOn(redrawAll);
    redrawAll();
    return () => { for (const card of cards) card.chart.destroy(); };
  },
};
