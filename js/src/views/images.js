// Images view: per tag one image per shown run, a step slider over the tag's steps,
// brightness / contrast / actual size. Protocol in jupyter_tb/widgets/images.py. Images the
// kernel pushed are kept as blob URLs, so moving the slider works while the kernel is busy;
// missing ones are requested (and answered once the kernel is idle).
import { h } from "../lib/dom.js";

const SAFE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"]);
const seriesKey = (run, tag) => `${run}\u0000${tag}`;
const imageKey = (run, tag, step) => `${run}\u0000${tag}\u0000${step}`;

function storeImage(state, msg) {
  const key = imageKey(msg.run, msg.tag, msg.step);
  if (state.images.has(key)) URL.revokeObjectURL(state.images.get(key));
  const type = SAFE_TYPES.has(msg.content_type) ? msg.content_type : "image/png";
  state.images.set(key, URL.createObjectURL(new Blob([msg.data], { type })));
}

// index of the largest step <= wanted (steps ascending), or -1
function atOrBefore(steps, wanted) {
  let found = -1;
  for (let i = 0; i < steps.length; i++) if (steps[i] <= wanted) found = i;
  return found;
}

export default {
  createState() {
    return { runs: [], tags: {}, entries: new Map(), images: new Map() };
  },

  onMessage(state, msg) {
    if (msg.type === "reset") {
      for (const url of state.images.values()) URL.revokeObjectURL(url);
      state.images.clear();
      state.entries.clear();
    }
    if (msg.type === "reset" || msg.type === "catalog") {
      state.runs = msg.runs;
      state.tags = msg.tags;
    } else if (msg.type === "entries") {
      state.entries.set(seriesKey(msg.run, msg.tag), msg);
    } else if (msg.type === "image") {
      storeImage(state, msg);
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

    const requested = new Set();
    function makeCard(tag) {
      const slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "jtb-slider", "data-jtb-step-slider": "" });
      const stepLabel = h("span", { class: "jtb-value", "data-jtb-step-value": "" });
      const row = h("div", { class: "jtb-image-row" });
      const el = h("div", { class: "jtb-card", "data-jtb-image-card": tag }, [
        h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag })]),
        h("label", { class: "jtb-control" }, [h("span", { text: "step" }), slider, stepLabel]),
        row,
      ]);
      const card = { el, tag, slider, stepLabel, row, steps: [], follow: true, cells: new Map() };
      slider.addEventListener("input", () => {
        card.follow = Number(slider.value) === card.steps.length - 1;
        drawCard(card);
      });
      return card;
    }

    function drawCard(card) {
      const runs = selection.runs.filter((run) => selection.isShown(run) && state.entries.has(seriesKey(run, card.tag)));
      const all = new Set();
      for (const run of runs) for (const s of state.entries.get(seriesKey(run, card.tag)).steps) all.add(s);
      card.steps = [...all].sort((a, b) => a - b);
      card.slider.max = String(Math.max(card.steps.length - 1, 0));
      if (card.follow) card.slider.value = card.slider.max;
      const wanted = card.steps[Number(card.slider.value)] ?? 0;
      card.stepLabel.textContent = String(wanted);
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
        const url = state.images.get(imageKey(run, card.tag, step));
        cell.img.style.filter = filterCss();
        cell.img.classList.toggle("jtb-actual", actual);
        cell.img.setAttribute("data-jtb-step", String(step));
        cell.img.title = `${run} · step ${step} · ${entries.width[index]}×${entries.height[index]}`;
        if (url) {
          if (cell.img.getAttribute("src") !== url) cell.img.src = url;
          cell.status.textContent = "";
        } else {
          cell.status.textContent = `step ${step}: loading (waits for an idle kernel)…`;
          const key = imageKey(run, card.tag, step);
          if (!requested.has(key)) {
            requested.add(key);
            ctx.request("image", { run, tag: card.tag, step })
              .then((data) => { storeImage(state, data); drawCard(card); })
              .catch((error) => { cell.status.textContent = error.message; });
          }
        }
      }
    }

    ctx.showTagCards(list, empty, { makeCard, drawCard });
  },
};
