// Images view: per tag a card; for each shown run every image of the chosen step (a step may
// hold several: TensorFlow's max_outputs), as ~320 px thumbnails (small images scaled up,
// pixelated), with the step's wall time. Click an image to enlarge it (lib/imagezoom.js:
// natural size, zoom, pixel value under the cursor). Toolbar: brightness / contrast / actual
// size, "same step on every card" (one slider for all cards); brightness / contrast are board
// settings (ctx.settings), the thumbnail size follows the card width setting. Per card "compare" shows two
// (run, step) choices side by side. Protocol in jupyter_tb/widgets/views/images.py. Images the
// kernel pushed are kept as blob URLs, so all of this works while the kernel is busy; missing
// ones are requested (and answered once the kernel is idle).
// DOM: [data-jtb-image-card="<tag>"], [data-jtb-step-slider] / [data-jtb-step-value] (per card),
//   [data-jtb-image-cell="<run>"] > [data-jtb-image="<run>"] (<img>, data-jtb-step = step shown,
//   data-jtb-sample = index in the step) and [data-jtb-image-meta="<run>"] (step and wall time),
//   [data-jtb-image-reset], [data-jtb-actual-size] (brightness / contrast: settings panel),
//   [data-jtb-image-shared-step] (checkbox) + [data-jtb-image-shared-slider],
//   [data-jtb-image-compare] (card button) > [data-jtb-compare-pane] with per side ("a", "b")
//   [data-jtb-compare-run="a"] (select), [data-jtb-compare-step="a"] (range),
//   [data-jtb-compare-image="a"] (<img>s), [data-jtb-image-zoom] (lib/imagezoom.js).
import { h } from "../lib/dom.js";
import { openImageZoom } from "../lib/imagezoom.js";
import { blobCards, blobSeriesState, createBlobLoader, createStepSlider, seriesKey, unionSteps, wallText } from "../lib/steps.js";

const SAFE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];

export default {
  ...blobSeriesState("image", SAFE_TYPES),

  render(ctx) {
    const { state, model, selection, settings } = ctx;
    let actual = !!model.get("actual_size");
    let shared = false;
    const actualBox = h("input", { type: "checkbox", checked: actual, "data-jtb-actual-size": "" });
    const reset = h("button", { class: "jtb-button", text: "reset brightness / contrast", "data-jtb-image-reset": "" });
    const sharedBox = h("input", { type: "checkbox", "data-jtb-image-shared-step": "" });
    const sharedSlider = createStepSlider({
      label: "step (all cards)", onChange: () => schedule(),
      attrs: { "data-jtb-image-shared-slider": "" }, valueAttrs: { "data-jtb-image-shared-value": "" },
    });
    sharedSlider.el.style.display = "none";
    const toolbar = h("div", { class: "jtb-toolbar" }, [
      h("label", { class: "jtb-control" }, [actualBox, h("span", { text: "actual size" })]),
      h("label", { class: "jtb-control" }, [sharedBox, h("span", { text: "same step on every card" })]),
      sharedSlider.el,
      reset,
    ]);
    const list = h("div", { class: "jtb-charts" });
    const empty = h("div", { class: "jtb-empty", text: "No images yet." });
    const root = h("div", { class: "jtb-main" }, [toolbar, empty, list]);
    ctx.mount(root);
    // brightness and contrast are board settings ([data-jtb-brightness], [data-jtb-contrast] in
    // the settings panel); thumbnails follow the card width setting
    const filterCss = () => `brightness(${settings.get("image_brightness")}) contrast(${settings.get("image_contrast")})`;
    const applyLook = () => {
      list.style.setProperty("--jtb-image-size", `${Math.max(settings.get("card_width") - 40, 160)}px`);
      for (const img of root.querySelectorAll("img.jtb-image")) {
        img.style.filter = filterCss();
        img.classList.toggle("jtb-actual", actual);
      }
    };
    applyLook();
    const unsubscribe = settings.subscribe(applyLook);
    reset.addEventListener("click", () => { settings.set("image_brightness", 1); settings.set("image_contrast", 1); });
    actualBox.addEventListener("change", () => { actual = actualBox.checked; applyLook(); ctx.save("actual_size", actual); });
    sharedBox.addEventListener("change", () => { shared = sharedBox.checked; sharedSlider.el.style.display = shared ? "" : "none"; schedule(); });

    const load = createBlobLoader(state.blobs, (run, tag, step, sample) => ctx.request("image", { run, tag, step, sample }));
    const shownRuns = (tag) => selection.runs.filter((run) => selection.isShown(run) && state.entries.has(seriesKey(run, tag)));

    // the one step every card shows while "same step on every card" is ticked
    function sharedStep() {
      if (!shared) return undefined;
      const all = [];
      for (const [key, entries] of state.entries) {
        const [run, tag] = key.split("\u0000");
        if (selection.isShown(run) && selection.tagShown(tag)) all.push(entries);
      }
      return sharedSlider.setSteps(unionSteps(all)) ?? 0;
    }

    const cards = blobCards({
      state, selection, load, noun: "image", sharedStep,
      cardAttr: "data-jtb-image-card", cellAttr: "data-jtb-image-cell", metaAttr: "data-jtb-image-meta", mediaAttr: "data-jtb-image",
      rowClass: "jtb-image-row", cellClass: "jtb-image-cell",
      makeMedia(run, sample, attrs) {
        const img = h("img", { class: "jtb-image", alt: run, ...attrs });
        img.addEventListener("click", () => {
          if (img.src) openImageZoom(root, { src: img.src, title: img.title, filter: filterCss() });
        });
        return img;
      },
      show(img, { run, entries, index, step, sample, count, url }) {
        img.style.filter = filterCss();
        img.classList.toggle("jtb-actual", actual);
        img.setAttribute("data-jtb-step", String(step));
        img.title = `${run} · ${entries.tag} · step ${step}${count > 1 ? ` · image ${sample + 1} of ${count}` : ""} · ${entries.width[index]}×${entries.height[index]}`;
        if (url && img.getAttribute("src") !== url) img.src = url;
        if (!url) img.removeAttribute("src");
      },
      headExtras(card) {
        const compareButton = h("button", { class: "jtb-button", text: "compare", "data-jtb-image-compare": "", title: "two steps or two runs side by side" });
        compareButton.addEventListener("click", () => {
          if (card.compare) { card.compare.el.remove(); card.compare = null; } else card.compare = makeCompare(card);
          compareButton.classList.toggle("jtb-active", !!card.compare);
          drawCard(card);
        });
        return [compareButton];
      },
    });

    // The two sides of a card's comparison: each a run and a step of its own.
    function makeCompare(card) {
      const sides = ["a", "b"].map((name) => {
        const runSelect = h("select", { class: "jtb-input", "data-jtb-compare-run": name });
        const slider = createStepSlider({ onChange: () => drawCard(card), attrs: { "data-jtb-compare-step": name } });
        const images = h("div", { class: "jtb-samples" });
        const meta = h("div", { class: "jtb-count" });
        runSelect.addEventListener("change", () => { slider.follow = true; drawCard(card); });
        return { name, runSelect, slider, images, meta, el: h("div", { class: "jtb-compare-side" }, [
          h("div", { class: "jtb-caption" }, [h("b", { text: name.toUpperCase() }), runSelect]), slider.el, images, meta,
        ]) };
      });
      const compare = { sides, el: h("div", { class: "jtb-compare-pane", "data-jtb-compare-pane": "" }, sides.map((s) => s.el)) };
      card.el.append(compare.el);
      // default: B one step before A on the same run, or the second run at the same step
      const runs = shownRuns(card.tag);
      compare.initial = runs.length > 1 ? [runs[0], runs[1]] : [runs[0], runs[0]];
      compare.sameRun = runs.length < 2;
      return compare;
    }

    function drawCompare(card, runs) {
      const { sides } = card.compare;
      sides.forEach((side, i) => {
        const current = side.runSelect.value || card.compare.initial[i];
        side.runSelect.replaceChildren(...runs.map((run) => h("option", { value: run, text: run })));
        if (runs.includes(current)) side.runSelect.value = current;
        const run = side.runSelect.value;
        const entries = state.entries.get(seriesKey(run, card.tag));
        if (!entries) { side.images.replaceChildren(); return; }
        const steps = Array.from(entries.steps);
        if (card.compare.sameRun && i === 1 && side.slider.step === undefined && steps.length > 1) {
          side.slider.follow = false;
          side.slider.slider.value = String(steps.length - 2);
        }
        const wanted = side.slider.setSteps(steps) ?? 0;
        const shown = cards.fillStep(side.images, run, card.tag, wanted, { "data-jtb-compare-image": side.name }, () => drawCard(card), () => {});
        side.meta.textContent = shown ? `step ${shown.step} · ${wallText(shown.wall)}` : "";
      });
    }

    function drawCard(card) {
      const runs = cards.drawCard(card);
      if (card.compare) drawCompare(card, runs);
    }

    const { schedule } = ctx.showTagCards(list, empty, { makeCard: cards.makeCard, drawCard });
    return unsubscribe;
  },
};
