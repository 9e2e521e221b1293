// Custom scalars view: the logged layout's categories (collapsible, `closed` honoured) of
// charts. A multiline chart draws every scalar series whose tag its regexes matched (matched
// in Python, listed per chart in the layout); a margin chart draws a value series with a
// shaded band between its lower and upper series. Series data and its wire protocol are the
// scalars view's (jupyter_tb/widgets/custom_scalars.py), so its state folding is reused.
// DOM: [data-jtb-category="<title>"] (<details>), [data-jtb-custom-chart="<title>"] (card;
// data-jtb-chart-kind multiline|margin, data-jtb-lines = lines drawn), [data-jtb-smoothing].
import { h } from "../lib/dom.js";
import { runColor } from "../lib/colors.js";
import { createLineChart, formatNumber, nearestIndex } from "../lib/linechart.js";
import { smooth } from "../lib/smoothing.js";
import scalars from "./scalars.js";

const key = (run, tag) => `${run}\u0000${tag}`;

// values of `other` at the steps of `series` (nearest step; NaN where `other` has none)
function alignTo(series, other) {
  const out = new Float64Array(series.n).fill(NaN);
  if (!other) return out;
  for (let i = 0; i < series.n; i++) {
    const j = nearestIndex(other.step, other.n, series.step[i]);
    if (j >= 0 && other.step[j] === series.step[i]) out[i] = other.value[j];
  }
  return out;
}

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
    const slider = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", value: String(weight), "data-jtb-smoothing": "", class: "jtb-slider" });
    const sliderValue = h("span", { class: "jtb-value", "data-jtb-smoothing-value": "", text: weight.toFixed(3) });
    const body = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No custom scalar layout logged." });
    ctx.mount(h("div", { class: "jtb-main" }, [
      h("div", { class: "jtb-toolbar" }, [h("label", { class: "jtb-control" }, [h("span", { text: "Smoothing" }), slider, sliderValue])]),
      empty, body,
    ]));
    slider.addEventListener("input", () => {
      weight = Number(slider.value);
      sliderValue.textContent = weight.toFixed(3);
      ctx.save("smoothing", weight);
      schedule();
    });

    const smoothCache = new WeakMap();
    function smoothedOf(series) {
      if (!weight) return null;
      if (series.mode === "sampled" && series.smoothed && series.weight === weight) return series.smoothed;
      const cached = smoothCache.get(series);
      if (cached && cached.version === series.version && cached.weight === weight) return cached.values;
      const values = smooth(series.value, weight, series.n);
      smoothCache.set(series, { version: series.version, weight, values });
      return values;
    }

    const line = (name, color, series, extra = {}) => ({
      name, color, x: series.step, y: series.value, smooth: smoothedOf(series), n: series.n,
      stepAt: (i) => series.step[i], ...extra,
    });

    function chartSeries(chart) {
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
          const color = chart.tags.length === 1 ? selection.color(run) : runColor(`${run}/${tag}`);
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
          cards.push({ el, spec: chart, chart: createLineChart(plot, { onHover: (rows) => showReadout(readout, rows) }) });
        }
      }
    }

    function redrawAll() {
      selection.setRuns(state.runs);
      if (shownLayout !== state.layout) { shownLayout = state.layout; build(); }
      empty.style.display = state.layout.length ? "none" : "";
      for (const card of cards) {
        const series = chartSeries(card.spec);
        card.chart.update({ series, xKind: "step" });
        card.el.setAttribute("data-jtb-lines", String(series.length));
      }
    }
    const schedule = ctx.redrawOn(redrawAll);
    redrawAll();
    return () => { for (const card of cards) card.chart.destroy(); };
  },
};
