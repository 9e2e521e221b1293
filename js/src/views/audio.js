// Audio view: per tag a card with a step slider; for each shown run a player per clip of the
// step chosen (a step may hold several: TensorFlow's max_outputs=k), each with its label, and
// the step's wall time. Protocol in jupyter_tb/widgets/views/audio.py. Clips the kernel pushed
// are blob URLs, so the slider works while the kernel is busy; missing ones are requested when
// the kernel is idle.
// DOM: [data-jtb-audio-card="<tag>"], [data-jtb-step-slider], [data-jtb-audio-cell="<run>"] >
// [data-jtb-audio="<run>"] (<audio>, data-jtb-step = step shown, data-jtb-sample = index in
// the step), [data-jtb-audio-label="<run>"] (one per clip), [data-jtb-audio-meta="<run>"]
// (step and wall time).
import { h } from "../lib/dom.js";
import { blobCards, blobSeriesState, createBlobLoader } from "../lib/steps.js";

const SAFE_TYPES = ["audio/wav", "audio/x-wav", "audio/wave", "audio/mpeg", "audio/ogg"];

// the label of one clip: per clip lists (older boards saved one string per step)
const labelOf = (labels, sample) => (Array.isArray(labels) ? labels[sample] || "" : sample === 0 ? labels || "" : "");

export default {
  ...blobSeriesState("audio", SAFE_TYPES),

  render(ctx) {
    const { state, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No audio yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));
    const load = createBlobLoader(state.blobs, (run, tag, step, sample) => ctx.request("audio", { run, tag, step, sample }));

    const { makeCard, drawCard } = blobCards({
      state, selection, load, noun: "clip",
      cardAttr: "data-jtb-audio-card", cellAttr: "data-jtb-audio-cell", metaAttr: "data-jtb-audio-meta", mediaAttr: "data-jtb-audio",
      rowClass: "jtb-audio-rows", cellClass: "jtb-audio-cell",
      makeMedia: (run, sample, attrs) => h("div", { class: "jtb-audio-media" }, [
        h("audio", { controls: true, preload: "metadata", class: "jtb-audio", ...attrs }),
        h("div", { class: "jtb-audio-label", "data-jtb-audio-label": run }),
      ]),
      show(media, { run, entries, index, step, sample, count, url }) {
        const [player, label] = media.children;
        player.setAttribute("data-jtb-step", String(step));
        player.title = `${run} · step ${step}${count > 1 ? ` · clip ${sample + 1} of ${count}` : ""} · ${entries.sample_rate[index]} Hz`;
        label.textContent = labelOf(entries.labels[index], sample);
        if (url && player.getAttribute("src") !== url) player.src = url;
        if (!url) player.removeAttribute("src");
      },
    });

    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
