// Audio view: per tag a card with a step slider; for each shown run an <audio> player of the
// clip logged at (or before) that step, with its label. Protocol in
// jupyter_tb/widgets/views/audio.py. Clips the kernel pushed are blob URLs, so the slider works
// while the kernel is busy; missing ones are requested when the kernel is idle.
// DOM: [data-jtb-audio-card="<tag>"], [data-jtb-step-slider], [data-jtb-audio="<run>"] (<audio>,
// data-jtb-step = step shown), [data-jtb-audio-label="<run>"].
import { h } from "../lib/dom.js";
import { blobCards, blobSeriesState, createBlobLoader } from "../lib/steps.js";

const SAFE_TYPES = ["audio/wav", "audio/x-wav", "audio/wave", "audio/mpeg", "audio/ogg"];

export default {
  ...blobSeriesState("audio", SAFE_TYPES),

  render(ctx) {
    const { state, selection } = ctx;
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No audio yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [empty, list]));
    const load = createBlobLoader(state.blobs, (run, tag, step) => ctx.request("audio", { run, tag, step }));

    const { makeCard, drawCard } = blobCards({
      state, selection, load, cardAttr: "data-jtb-audio-card", rowClass: "jtb-audio-rows", cellClass: "jtb-audio-cell", noun: "clip",
      makeMedia: (run) => h("div", { class: "jtb-audio-media" }, [
        h("audio", { controls: true, preload: "metadata", class: "jtb-audio", "data-jtb-audio": run }),
        h("div", { class: "jtb-audio-label", "data-jtb-audio-label": run }),
      ]),
      clear(media) {
        media.firstChild.removeAttribute("src");
        media.lastChild.textContent = "";
      },
      show(media, { run, entries, index, step, url }) {
        const [player, label] = media.children;
        player.setAttribute("data-jtb-step", String(step));
        player.title = `${run} · step ${step} · ${entries.sample_rate[index]} Hz`;
        label.textContent = entries.labels[index] || "";
        if (url && player.getAttribute("src") !== url) player.src = url;
      },
    });

    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
