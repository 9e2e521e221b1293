// Histograms view (offset ridgeline / overlay) and, through makeBucketView("distribution"),
// the distributions view. Protocol in jupyter_tb/widgets/views/histograms.py. All drawing modes
// are switched in the browser.
import { h } from "../lib/dom.js";
import { createHistogramChart } from "../lib/histogram.js";
import { runCaption, seriesKey as key } from "../lib/steps.js";

function concat(a, b) {
  const out = new a.constructor(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function makeBucketView(kind) {
  const field = kind === "histogram" ? "counts" : "percentiles";
  const cardAttribute = kind === "histogram" ? "data-jtb-histogram" : "data-jtb-distribution";
  return {
    createState() {
      return { runs: [], tags: {}, series: new Map() };
    },

    onMessage(state, msg) {
      if (msg.type === "reset") state.series.clear();
      else if (msg.type === kind) {
        const k = key(msg.run, msg.tag);
        const old = state.series.get(k);
        if (msg.append && old) {
          old.steps = concat(old.steps, msg.steps);
          old.wall = concat(old.wall, msg.wall);
          old[field] = concat(old[field], msg[field]);
          old.version += 1;
        } else {
          state.series.set(k, { steps: msg.steps, wall: msg.wall, edges: msg.edges, [field]: msg[field], version: 1 });
        }
      }
    },

    render(ctx) {
      const { state, selection, settings } = ctx; // histogram mode: the board setting histogram_mode
      const list = h("div", { class: "jtb-charts" });
      const empty = h("div", { class: "jtb-empty", text: `No ${kind} data yet.` });
      ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));

      function makeCard(tag) {
        const body = h("div", { class: "jtb-hist-runs" });
        const el = h("div", { class: "jtb-card", [cardAttribute]: tag }, [
          h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
          body,
        ]);
        return { el, tag, body, charts: new Map() };
      }
      function dropCard(card) {
        for (const chart of card.charts.values()) chart.chart.destroy();
      }

      function drawCard(card) {
        const runs = selection.runs.filter((run) => selection.isShown(run) && state.series.has(key(run, card.tag)));
        const keep = new Set(runs);
        for (const [run, entry] of card.charts) if (!keep.has(run)) { entry.el.remove(); entry.chart.destroy(); card.charts.delete(run); }
        for (const run of runs) {
          let entry = card.charts.get(run);
          if (!entry) {
            const el = h("div", { class: "jtb-hist-run", "data-jtb-run-chart": run }, [
              runCaption(selection, run),
            ]);
            entry = { el, chart: createHistogramChart(el, { height: 180 }) };
            card.charts.set(run, entry);
          }
          card.body.append(entry.el);
          const series = state.series.get(key(run, card.tag));
          entry.chart.update({ kind, mode: settings.get("histogram_mode"), color: selection.color(run), ...series });
        }
      }

      ctx.showTagCards(list, empty, { makeCard, drawCard, dropCard });
    },
  };
}

export default makeBucketView("histogram");
