// Audio view: per tag a card with a step slider; for each shown run an <audio> player of the
// clip logged at (or before) that step, with its label. Protocol in
// jupyter_tb/widgets/audio.py. Clips the kernel pushed are blob URLs, so the slider works
// while the kernel is busy; missing ones are requested when the kernel is idle.
// DOM: [data-jtb-audio-card="<tag>"], [data-jtb-step-slider], [data-jtb-audio="<run>"] (<audio>,
// data-jtb-step = step shown), [data-jtb-audio-label="<run>"].
import { h } from "../lib/dom.js";
import { atOrBefore, blobSeriesState, createBlobLoader, createStepSlider, seriesKey, unionSteps } from "../lib/steps.js";

const SAFE_TYPES = ["audio/wav", "audio/x-wav", "audio/wave", "audio/mpeg", "audio/ogg"];

export default {
  ...blobSeriesState("audio", SAFE_TYPES),

  render(ctx) {
    const { state, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No audio yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));
    const load = createBlobLoader(state.blobs, (run, tag, step) => ctx.request("audio", { run, tag, step }));

    function makeCard(tag) {
      const card = { tag, rows: h("div", { class: "jtb-audio-rows" }), cells: new Map() };
      card.steps = createStepSlider({ onChange: () => drawCard(card) });
      card.el = h("div", { class: "jtb-card", "data-jtb-audio-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        card.steps.el,
        card.rows,
      ]);
      return card;
    }

    function cellFor(card, run) {
      let cell = card.cells.get(run);
      if (cell) return cell;
      const player = h("audio", { controls: true, preload: "metadata", class: "jtb-audio", "data-jtb-audio": run });
      const label = h("div", { class: "jtb-audio-label", "data-jtb-audio-label": run });
      const status = h("div", { class: "jtb-note" });
      const caption = h("div", { class: "jtb-caption" }, [
        h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
        h("span", { class: "jtb-run-name", text: run }),
      ]);
      cell = { el: h("div", { class: "jtb-audio-cell" }, [caption, player, label, status]), player, label, status };
      card.cells.set(run, cell);
      return cell;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.entries.has(seriesKey(run, card.tag)));
      const wanted = card.steps.setSteps(unionSteps(runs.map((run) => state.entries.get(seriesKey(run, card.tag))))) ?? 0;
      const keep = new Set(runs);
      for (const [run, cell] of card.cells) if (!keep.has(run)) { cell.el.remove(); card.cells.delete(run); }
      for (const run of runs) {
        const cell = cellFor(card, run);
        card.rows.append(cell.el);
        const entries = state.entries.get(seriesKey(run, card.tag));
        const index = atOrBefore(entries.steps, wanted);
        if (index < 0) {
          cell.player.removeAttribute("src");
          cell.label.textContent = "";
          cell.status.textContent = "no clip at or before this step";
          continue;
        }
        const step = entries.steps[index];
        cell.player.setAttribute("data-jtb-step", String(step));
        cell.player.title = `${run} · step ${step} · ${entries.sample_rate[index]} Hz`;
        cell.label.textContent = entries.labels[index] || "";
        const url = load(run, card.tag, step, () => drawCard(card), (error) => { cell.status.textContent = error.message; });
        if (url) {
          if (cell.player.getAttribute("src") !== url) cell.player.src = url;
          cell.status.textContent = `step ${step}`;
        } else {
          cell.status.textContent = `step ${step}: loading (waits for an idle kernel)…`;
        }
      }
    }

    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
