// Text view: per tag a card with a step slider; for each shown run the string logged at that
// step, as sanitised markdown or raw text (toggle). Table-shaped text (2-D string tensors)
// becomes a table of text cells. Protocol in jupyter_tb/widgets/views/text.py. All data needed for
// the slider is in the browser, so it works while the kernel is busy.
import { h, tagSections } from "../lib/dom.js";
import { renderMarkdown } from "../lib/markdown.js";
import { atOrBefore, createStepSlider, seriesKey, unionSteps } from "../lib/steps.js";

function append(old, msg) {
  if (!old || msg.replace) return { steps: Array.from(msg.steps), wall: Array.from(msg.wall), values: msg.values };
  return {
    steps: old.steps.concat(Array.from(msg.steps)),
    wall: old.wall.concat(Array.from(msg.wall)),
    values: old.values.concat(msg.values),
  };
}

function renderValue(value, raw) {
  if (value && typeof value === "object" && Array.isArray(value.rows)) {
    const table = h("table", { class: "jtb-text-table" });
    for (const row of value.rows) {
      table.append(h("tr", {}, row.map((cell) => h("td", { text: typeof cell === "string" ? cell : JSON.stringify(cell) }))));
    }
    return table;
  }
  if (raw) return h("pre", { class: "jtb-text-raw", text: String(value) });
  const box = h("div", { class: "jtb-markdown" });
  renderMarkdown(box, value);
  return box;
}

export default {
  createState() {
    return { runs: [], tags: {}, series: new Map() };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") state.series.clear();
    if (msg.type === "reset" || msg.type === "catalog") {
      state.runs = msg.runs;
      state.tags = msg.tags;
    } else if (msg.type === "entries") {
      const key = seriesKey(msg.run, msg.tag);
      state.series.set(key, append(state.series.get(key), msg));
    }
  },

  render(ctx) {
    const { state, model, selection } = ctx;
    let raw = !!model.get("raw");
    const rawBox = h("input", { type: "checkbox", checked: raw, "data-jtb-text-raw": "" });
    const empty = h("div", { class: "jtb-empty", text: "No text yet." });
    const list = h("div", { class: "jtb-charts" });
    ctx.mount(h("div", { class: "jtb-main" }, [
      h("div", { class: "jtb-toolbar" }, [h("label", { class: "jtb-control" }, [rawBox, h("span", { text: "raw text" })])]),
      empty, list,
    ]));

    function makeCard(tag) {
      const card = { tag, body: h("div", { class: "jtb-text-runs" }), shown: "" };
      card.steps = createStepSlider({ onChange: () => drawCard(card) });
      card.el = h("div", { class: "jtb-card jtb-wide", "data-jtb-text-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        card.steps.el,
        card.body,
      ]);
      return card;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.series.has(seriesKey(run, card.tag)));
      const wanted = card.steps.setSteps(unionSteps(runs.map((run) => state.series.get(seriesKey(run, card.tag))))) ?? 0;
      const blocks = [];
      const signature = [];
      for (const run of runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        const index = atOrBefore(series.steps, wanted);
        signature.push(run, index, series.steps.length);
        if (index < 0) continue;
        blocks.push(h("div", { class: "jtb-text-run", "data-jtb-text-run": run }, [
          h("div", { class: "jtb-caption" }, [
            h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
            h("span", { class: "jtb-run-name", text: run }),
            h("span", { class: "jtb-count", text: `step ${series.steps[index]}` }),
          ]),
          renderValue(series.values[index], raw),
        ]));
      }
      const key = JSON.stringify([raw, ...signature]);
      if (key === card.shown) return; // nothing changed: keep the DOM (and the user's text selection)
      card.shown = key;
      card.body.replaceChildren(...blocks);
    }

    rawBox.addEventListener("change", () => {
      raw = rawBox.checked;
      ctx.save("raw", raw);
      redrawAll();
    });
    const sections = tagSections(list, makeCard);
    function redrawAll() {
      selection.setRuns(state.runs);
      const tags = selection.shownTags(state.tags);
      empty.style.display = tags.length ? "none" : "";
      sections.update(tags);
      for (const card of sections.cards.values()) drawCard(card);
    }
    ctx.redrawOn(redrawAll);
    redrawAll();
  },
};
