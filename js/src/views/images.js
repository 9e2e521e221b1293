// Images view: per tag one image per shown run, a step slider over the tag's steps,
// brightness / contrast / actual size. Protocol in jupyter_tb/widgets/images.py. Images the
// kernel pushed are kept as blob URLs, so moving the slider works while the kernel is busy;
// missing ones are requested (and answered once the kernel is idle).
import { h } from "../lib/dom.js";
import { atOrBefore, createBlobLoader, createBlobUrls, createStepSlider, unionSteps } from "../lib/steps.js";

const SAFE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];
const seriesKey = (run, tag) => `${run}\u0000${tag}`;

export default {
  createState() {
    return { runs: [], tags: {}, entries: new Map(), images: createBlobUrls(SAFE_TYPES) };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") {
      state.images.clear();
      state.entries.clear();
    }
    if (msg.type === "entries") {
      state.entries.set(seriesKey(msg.run, msg.tag), msg);
    } else if (msg.type === "image") {
      state.images.store(msg);
    }
  },

  render(ctx) {
    const { state, model, selection } = ctx;
    let brightness = model.get("brightness") ?? 1;
    let contrast = model.get("contrast") ?? 1;
    let actual = !!model.get("actual_size");
    const bright = h("input", { type: "range", min: "0", max: "3", step: "0.05", value: String(brightness), "data-jtb-brightness": "", class: "jtb-slider" });
    const contr = h("input", { type: "range", min: "0", max: "3", step: "0.05", value: String(contrast), "data-jtb-contrast": "", class: "jtb-slider" });
    const actualBox = h("input", { type: "checkbox", checked: actual, "data-jtb-actual-size": "" });
    const reset = h("button", { class: "jtb-button", text: "reset", "data-jtb-image-reset": "" });
    const toolbar = h("div", { class: "jtb-toolbar" }, [
      h("label", { class: "jtb-control" }, [h("span", { text: "Brightness" }), bright]),
      h("label", { class: "jtb-control" }, [h("span", { text: "Contrast" }), contr]),
      reset,
      h("label", { class: "jtb-control" }, [actualBox, h("span", { text: "actual size" })]),
    ]);
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No images yet." });
    ctx.mount(h("div", { class: "jtb-main" }, [toolbar, empty, list]));
    const save = ctx.save;
    const filterCss = () => `brightness(${brightness}) contrast(${contrast})`;
    const applyLook = () => {
      for (const img of list.querySelectorAll("img")) {
        img.style.filter = filterCss();
        img.classList.toggle("jtb-actual", actual);
      }
    };
    bright.addEventListener("input", () => { brightness = Number(bright.value); applyLook(); save("brightness", brightness); });
    contr.addEventListener("input", () => { contrast = Number(contr.value); applyLook(); save("contrast", contrast); });
    reset.addEventListener("click", () => { bright.value = contr.value = "1"; brightness = contrast = 1; applyLook(); save("brightness", 1); save("contrast", 1); });
    actualBox.addEventListener("change", () => { actual = actualBox.checked; applyLook(); save("actual_size", actual); });

    const load = createBlobLoader(state.images, (run, tag, step) => ctx.request("image", { run, tag, step }));
    function makeCard(tag) {
      const card = { tag, row: h("div", { class: "jtb-image-row" }), cells: new Map() };
      card.steps = createStepSlider({ onChange: () => drawCard(card) });
      card.el = h("div", { class: "jtb-card", "data-jtb-image-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        card.steps.el,
        card.row,
      ]);
      return card;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.entries.has(seriesKey(run, card.tag)));
      const wanted = card.steps.setSteps(unionSteps(runs.map((run) => state.entries.get(seriesKey(run, card.tag))))) ?? 0;
      const keep = new Set(runs);
      for (const [run, cell] of card.cells) if (!keep.has(run)) { cell.el.remove(); card.cells.delete(run); }
      for (const run of runs) {
        let cell = card.cells.get(run);
        if (!cell) {
          const img = h("img", { class: "jtb-image", "data-jtb-image": run, alt: run });
          const caption = h("div", { class: "jtb-caption" }, [
            h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
            h("span", { class: "jtb-run-name", text: run }),
          ]);
          const status = h("div", { class: "jtb-note" });
          cell = { el: h("div", { class: "jtb-image-cell" }, [caption, img, status]), img, status };
          card.cells.set(run, cell);
        }
        card.row.append(cell.el);
        const entries = state.entries.get(seriesKey(run, card.tag));
        const index = atOrBefore(entries.steps, wanted);
        if (index < 0) { cell.img.removeAttribute("src"); cell.status.textContent = "no image at or before this step"; continue; }
        const step = entries.steps[index];
        const url = load(run, card.tag, step, () => drawCard(card), (error) => { cell.status.textContent = error.message; });
        cell.img.style.filter = filterCss();
        cell.img.classList.toggle("jtb-actual", actual);
        cell.img.setAttribute("data-jtb-step", String(step));
        cell.img.title = `${run} · step ${step} · ${entries.width[index]}×${entries.height[index]}`;
        if (url) {
          if (cell.img.getAttribute("src") !== url) cell.img.src = url;
          cell.status.textContent = "";
        } else {
          cell.status.textContent = `step ${step}: loading (waits for an idle kernel)…`;
        }
      }
    }

    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
