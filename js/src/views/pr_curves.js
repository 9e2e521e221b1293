// PR curves view: per tag a chart with the shown runs' curves overlaid, a step slider per run
// (default: the latest step), a hover readout (threshold, precision, recall, TP, FP, TN, FN)
// and a click that pins a threshold, written back to Python as `selected_threshold`.
// Protocol in jupyter_tb/widgets/views/pr_curves.py; every kept step is in the browser, so all of
// this works while the kernel is busy.
// Per card an operating point: by threshold, or a precision or recall target; the table gives
// each run's point and its confusion counts (TP, FP, TN, FN), the chart rings it.
// DOM: [data-jtb-pr-card="<tag>"] (el.jtbPrChart = the chart), [data-jtb-pr-step="<run>"] (range),
// [data-jtb-pr-step-value="<run>"], [data-jtb-readout] / [data-jtb-pr-pinned] > [data-jtb-readout-row="<run>"],
// [data-jtb-pr-op-by] (select: threshold|precision|recall), [data-jtb-pr-op-target] (number),
// [data-jtb-pr-op] (table) > [data-jtb-pr-op-row="<run>"] > td[data-jtb-pr-op-field=
// "threshold"|"precision"|"recall"|"tp"|"fp"|"tn"|"fn"].
import { h } from "../lib/dom.js";
import { formatNumber } from "../lib/format.js";
import { createPrChart, operatingPoint } from "../lib/prchart.js";
import { createStepSlider, seriesKey } from "../lib/steps.js";

const ROWS = { tp: 0, fp: 1, tn: 2, fn: 3, precision: 4, recall: 5 };
const OP_FIELDS = ["threshold", "precision", "recall", "tp", "fp", "tn", "fn"];
// counts exactly, rates to 3 significant digits (the table stays narrow)
const opText = (field, v) => formatNumber(field.length === 2 ? v : Number(v.toPrecision(3)));
const OP_CHOICES = [["threshold", "threshold ="], ["precision", "precision ≥"], ["recall", "recall ≥"]];

// fold a "curves" message: per step a Float32Array (6, n) view into the message's buffer
function addCurves(old, msg) {
  const [k, rows, n] = msg.data.shape;
  const blocks = [];
  for (let i = 0; i < k; i++) blocks.push(msg.data.subarray(i * rows * n, (i + 1) * rows * n));
  const steps = Array.from(msg.steps);
  if (!old || msg.replace) return { steps, blocks, thresholds: msg.thresholds, n };
  return { steps: old.steps.concat(steps), blocks: old.blocks.concat(blocks), thresholds: msg.thresholds, n };
}

function curveOf(series, index, name, color) {
  const block = series.blocks[index];
  const n = series.n;
  const row = (r) => block.subarray(ROWS[r] * n, (ROWS[r] + 1) * n);
  return {
    name, color, step: series.steps[index], thresholds: series.thresholds,
    tp: row("tp"), fp: row("fp"), tn: row("tn"), fn: row("fn"), precision: row("precision"), recall: row("recall"),
  };
}

export default {
  createState() {
    return { runs: [], tags: {}, series: new Map() };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") state.series.clear();
    if (msg.type === "curves") {
      const key = seriesKey(msg.run, msg.tag);
      state.series.set(key, addCurves(state.series.get(key), msg));
    }
  },

  render(ctx) {
    const { state, model, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No PR curves yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));
    let selected = model.get("selected_threshold") || {};

    function readoutRow(label, point, step) {
      return h("div", { class: "jtb-readout-row", "data-jtb-readout-row": point.name }, [
        h("span", { class: "jtb-swatch", style: { background: point.color } }),
        label ? h("span", { text: label }) : null,
        h("span", { class: "jtb-run-name", text: point.name }),
        h("span", { text: `step ${step}` }),
        h("span", { "data-jtb-pr-threshold": "", text: `threshold ${formatNumber(point.threshold)}` }),
        h("span", { text: `precision ${formatNumber(point.precision)}` }),
        h("span", { text: `recall ${formatNumber(point.recall)}` }),
        h("span", { text: `TP ${formatNumber(point.tp)}` }),
        h("span", { text: `FP ${formatNumber(point.fp)}` }),
        h("span", { text: `TN ${formatNumber(point.tn)}` }),
        h("span", { text: `FN ${formatNumber(point.fn)}` }),
      ]);
    }

    function makeCard(tag) {
      const readout = h("div", { class: "jtb-readout", "data-jtb-readout": "" });
      const pinned = h("div", { class: "jtb-readout", "data-jtb-pr-pinned": "" });
      const body = h("div", { class: "jtb-chart-body" });
      const steps = h("div", { class: "jtb-pr-steps" });
      const card = { tag, steps, sliders: new Map(), curves: [] };
      card.opBy = h("select", { class: "jtb-input", "data-jtb-pr-op-by": "" }, OP_CHOICES.map(([value, text]) => h("option", { value, text })));
      card.opTarget = h("input", { type: "number", class: "jtb-input", min: "0", max: "1", step: "0.05", value: "0.5", style: { width: "5em" }, "data-jtb-pr-op-target": "" });
      card.opTable = h("table", { class: "jtb-pr-op", "data-jtb-pr-op": "" });
      for (const input of [card.opBy, card.opTarget]) input.addEventListener("input", () => drawCard(card));
      card.el = h("div", { class: "jtb-card", "data-jtb-pr-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        body, readout, pinned, steps,
        h("div", { class: "jtb-toolbar" }, [
          h("label", { class: "jtb-control" }, [h("span", { text: "operating point:" }), card.opBy, card.opTarget]),
        ]),
        h("div", { class: "jtb-pr-op-wrap" }, [card.opTable]),
      ]);
      const stepOf = (name) => card.curves.find((c) => c.name === name)?.step;
      card.chart = createPrChart(body, {
        onHover(point) { readout.replaceChildren(...(point ? [readoutRow("", point, stepOf(point.name))] : [])); },
        onPick(point) {
          selected = {
            run: point.name, tag, step: stepOf(point.name), threshold: point.threshold,
            precision: point.precision, recall: point.recall,
          };
          model.set("selected_threshold", selected); // a discrete pick: sent at once, not debounced
          model.save_changes();
          drawCard(card);
        },
      });
      card.pinned = pinned;
      card.el.jtbPrChart = card.chart; // for browser tests: chart.locate(run, index)
      return card;
    }

    function sliderFor(card, run) {
      let row = card.sliders.get(run);
      if (row) return row;
      const control = createStepSlider({
        label: "step", onChange: () => drawCard(card),
        attrs: { "data-jtb-pr-step": run }, valueAttrs: { "data-jtb-pr-step-value": run },
      });
      row = {
        control,
        el: h("div", { class: "jtb-pr-step-row" }, [
          h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
          h("span", { class: "jtb-run-name", text: run }),
          control.el,
        ]),
      };
      card.sliders.set(run, row);
      return row;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.series.has(seriesKey(run, card.tag)));
      const keep = new Set(runs);
      for (const [run, row] of card.sliders) if (!keep.has(run)) { row.el.remove(); card.sliders.delete(run); }
      card.curves = [];
      for (const run of runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        const row = sliderFor(card, run);
        card.steps.append(row.el);
        const step = row.control.setSteps(series.steps);
        const index = series.steps.indexOf(step);
        if (index >= 0) card.curves.push(curveOf(series, index, run, selection.color(run)));
      }
      const pin = selected.tag === card.tag && keep.has(selected.run) ? { name: selected.run, threshold: selected.threshold } : null;
      const marked = drawOperatingPoints(card);
      card.chart.update({ curves: card.curves, pinned: pin, marked });
      const point = pin && card.chart.pinnedPoint();
      card.pinned.replaceChildren(...(point ? [readoutRow("pinned", point, card.curves.find((c) => c.name === point.name).step)] : []));
    }

    // each run's operating point for the card's choice, as table rows; returns the chart marks
    function drawOperatingPoints(card) {
      const by = card.opBy.value, target = Number(card.opTarget.value);
      const head = h("tr", {}, [h("th", { text: "run" }), ...OP_FIELDS.map((f) => h("th", { text: f.length === 2 ? f.toUpperCase() : f }))]);
      const marks = [];
      const rows = card.curves.map((curve) => {
        const index = Number.isFinite(target) ? operatingPoint(curve, by, target) : -1;
        marks.push({ name: curve.name, index });
        const cells = OP_FIELDS.map((field) => h("td", {
          "data-jtb-pr-op-field": field,
          text: index < 0 ? "–" : opText(field, field === "threshold" ? curve.thresholds[index] : curve[field][index]),
        }));
        return h("tr", { "data-jtb-pr-op-row": curve.name }, [
          h("td", { style: { textAlign: "left" } }, [h("span", { class: "jtb-swatch", style: { background: curve.color } }), h("span", { text: ` ${curve.name}` })]),
          ...cells,
        ]);
      });
      card.opTable.replaceChildren(head, ...rows);
      return marks;
    }

    const { sections } = ctx.showTagCards(list, empty, { makeCard, drawCard, dropCard: (card) => card.chart.destroy() });
    const fromPython = () => {
      selected = model.get("selected_threshold") || {};
      for (const card of sections.cards.values()) drawCard(card);
    };
    model.on("change:selected_threshold", fromPython);
    return () => model.off("change:selected_threshold", fromPython);
  },
};
