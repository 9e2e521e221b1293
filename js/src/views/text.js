// Text view: per tag a card listing every logged step, newest first as TensorBoard does, so the
// history is scanned at a glance; under each step the string of every shown run that logged it,
// as sanitised markdown or raw text (toggle). Table-shaped text (2-D string tensors) becomes a
// table of text cells. "compare" diffs the text of two (run, step) choices word by word.
// Protocol in jupyter_tb/widgets/views/text.py. All of it is in the browser, so it works while
// the kernel is busy.
// DOM: [data-jtb-text-card="<tag>"] > [data-jtb-text-steps] > [data-jtb-text-step="<step>"]
//   > [data-jtb-text-run="<run>"]; [data-jtb-text-more] (shows older steps), [data-jtb-text-raw];
//   [data-jtb-text-compare] (card button) > [data-jtb-text-diff-pick="a"|"b"] (select of
//   run/step), [data-jtb-text-diff] (the diff: <ins>/<del> for added/removed words).
import { h } from "../lib/dom.js";
import { renderMarkdown } from "../lib/markdown.js";
import { runCaption, seriesKey, unionSteps } from "../lib/steps.js";
import { diffWords } from "../lib/textdiff.js";

const PAGE = 50; // steps rendered at first, and per "show older"

function append(old, msg) {
  if (!old || msg.replace) return { steps: Array.from(msg.steps), wall: Array.from(msg.wall), values: msg.values };
  return {
    steps: old.steps.concat(Array.from(msg.steps)),
    wall: old.wall.concat(Array.from(msg.wall)),
    values: old.values.concat(msg.values),
  };
}

const isTable = (value) => value && typeof value === "object" && Array.isArray(value.rows);
const cellText = (cell) => (typeof cell === "string" ? cell : JSON.stringify(cell));

// the plain text of a logged value (tables: tab-separated rows), for the diff
export function plainText(value) {
  return isTable(value) ? value.rows.map((row) => row.map(cellText).join("\t")).join("\n") : String(value);
}

function renderValue(value, raw) {
  if (isTable(value)) {
    const table = h("table", { class: "jtb-text-table" });
    for (const row of value.rows) table.append(h("tr", {}, row.map((cell) => h("td", { text: cellText(cell) }))));
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
    if (msg.type === "entries") {
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

    const shownRuns = (tag) => selection.runs.filter((run) => selection.isShown(run) && state.series.has(seriesKey(run, tag)));

    function makeCard(tag) {
      const card = { tag, entries: new Map(), limit: PAGE, compare: null };
      card.stepsEl = h("div", { class: "jtb-text-steps", "data-jtb-text-steps": "" });
      card.more = h("button", { class: "jtb-button", "data-jtb-text-more": "" });
      card.more.addEventListener("click", () => { card.limit += PAGE; drawCard(card); });
      const compareButton = h("button", { class: "jtb-button", text: "compare", "data-jtb-text-compare": "", title: "diff the text of two steps or two runs" });
      compareButton.addEventListener("click", () => {
        if (card.compare) { card.compare.el.remove(); card.compare = null; } else card.compare = makeCompare(card);
        compareButton.classList.toggle("jtb-active", !!card.compare);
        drawCard(card);
      });
      card.el = h("div", { class: "jtb-card jtb-wide", "data-jtb-text-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag }), compareButton]),
        card.stepsEl,
        card.more,
      ]);
      return card;
    }

    // one list entry: the step's text of every shown run that logged it
    function stepEntry(card, step, runs) {
      const blocks = [];
      const signature = [raw];
      for (const run of runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        const index = series.steps.lastIndexOf(step);
        if (index < 0) continue;
        signature.push(run, series.values[index]);
        blocks.push(h("div", { class: "jtb-text-run", "data-jtb-text-run": run }, [
          runCaption(selection, run, h("span", { class: "jtb-count", text: new Date(series.wall[index] * 1000).toLocaleString() })),
          renderValue(series.values[index], raw),
        ]));
      }
      const entry = card.entries.get(step);
      const same = entry && entry.key.length === signature.length && entry.key.every((v, i) => v === signature[i]);
      if (same) return entry.el; // unchanged: keep the DOM (and any text selection)
      const el = h("div", { class: "jtb-text-step", "data-jtb-text-step": String(step) }, [
        h("div", { class: "jtb-text-step-head", text: `step ${step}` }), ...blocks,
      ]);
      if (entry) entry.el.replaceWith(el);
      card.entries.set(step, { el, key: signature });
      return el;
    }

    // Two (run, step) pickers and the word diff of their texts.
    function makeCompare(card) {
      const picks = ["a", "b"].map((name) => {
        const select = h("select", { class: "jtb-input", "data-jtb-text-diff-pick": name });
        select.addEventListener("change", () => drawCard(card));
        return select;
      });
      const out = h("div", { class: "jtb-text-diff", "data-jtb-text-diff": "" });
      const el = h("div", { class: "jtb-text-compare" }, [
        h("div", { class: "jtb-toolbar" }, [
          h("label", { class: "jtb-control" }, [h("span", { text: "from" }), picks[0]]),
          h("label", { class: "jtb-control" }, [h("span", { text: "to" }), picks[1]]),
        ]),
        out,
      ]);
      card.stepsEl.before(el);
      return { el, picks, out };
    }

    function drawCompare(card, runs) {
      const options = [];
      for (const run of runs) {
        const series = state.series.get(seriesKey(run, card.tag));
        for (let i = series.steps.length - 1; i >= 0; i--) options.push({ value: JSON.stringify([run, i]), text: `${run} · step ${series.steps[i]}` });
      }
      const { picks, out } = card.compare;
      // default: the newest text against the one before it (same run), or the next run's newest
      const defaults = [options[1]?.value ?? options[0]?.value, options[0]?.value];
      picks.forEach((select, i) => {
        const current = select.value || defaults[i];
        select.replaceChildren(...options.map((o) => h("option", o)));
        if (options.some((o) => o.value === current)) select.value = current;
      });
      const texts = picks.map((select) => {
        if (!select.value) return "";
        const [run, index] = JSON.parse(select.value);
        const series = state.series.get(seriesKey(run, card.tag));
        return series && index < series.values.length ? plainText(series.values[index]) : "";
      });
      out.replaceChildren(...diffWords(texts[0], texts[1]).map(({ op, text }) => (
        op === "=" ? document.createTextNode(text) : h(op === "+" ? "ins" : "del", { class: op === "+" ? "jtb-diff-add" : "jtb-diff-del", text })
      )));
    }

    function drawCard(card) {
      const runs = shownRuns(card.tag);
      const steps = unionSteps(runs.map((run) => state.series.get(seriesKey(run, card.tag)))).reverse();
      const shown = steps.slice(0, card.limit);
      const wanted = new Set(shown);
      for (const [step, entry] of card.entries) if (!wanted.has(step)) { entry.el.remove(); card.entries.delete(step); }
      let previous = null;
      for (const step of shown) { // in order, moving only what is out of place
        const el = stepEntry(card, step, runs);
        const expected = previous ? previous.nextSibling : card.stepsEl.firstChild;
        if (expected !== el) card.stepsEl.insertBefore(el, expected);
        previous = el;
      }
      const hidden = steps.length - shown.length;
      card.more.style.display = hidden > 0 ? "" : "none";
      card.more.textContent = `show ${Math.min(hidden, PAGE)} older steps (${hidden} not shown)`;
      if (card.compare) drawCompare(card, runs);
    }

    rawBox.addEventListener("change", () => {
      raw = rawBox.checked;
      ctx.save("raw", raw);
      schedule();
    });
    const { schedule } = ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
