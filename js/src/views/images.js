// Images view: per tag one image per shown run, a step slider over the tag's steps,
// brightness / contrast / actual size. Protocol in jupyter_tb/widgets/views/images.py. Images the
// kernel pushed are kept as blob URLs, so moving the slider works while the kernel is busy;
// missing ones are requested (and answered once the kernel is idle).
import { h } from "../lib/dom.js";
import { blobCards, blobSeriesState, createBlobLoader } from "../lib/steps.js";

const SAFE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];

export default {
  ...blobSeriesState("image", SAFE_TYPES),

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

    const load = createBlobLoader(state.blobs, (run, tag, step) => ctx.request("image", { run, tag, step }));
    const { makeCard, drawCard } = blobCards({
      state, selection, load, cardAttr: "data-jtb-image-card", rowClass: "jtb-image-row", cellClass: "jtb-image-cell", noun: "image",
      makeMedia: (run) => h("img", { class: "jtb-image", "data-jtb-image": run, alt: run }),
      clear: (img) => img.removeAttribute("src"),
      show(img, { run, entries, index, step, url }) {
        img.style.filter = filterCss();
        img.classList.toggle("jtb-actual", actual);
        img.setAttribute("data-jtb-step", String(step));
        img.title = `${run} · step ${step} · ${entries.width[index]}×${entries.height[index]}`;
        if (url && img.getAttribute("src") !== url) img.src = url;
      },
    });
    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
