// Step selection shared by views that show one logged item per step (images, audio, text,
// PR curves): a slider over the union of steps that follows the latest step until the user
// moves it, the "at or before" lookup, and blob URLs for bytes the kernel pushed.
import { h } from "./dom.js";

// index of the largest step <= wanted (steps ascending), or -1
export function atOrBefore(steps, wanted) {
  let found = -1;
  for (let i = 0; i < steps.length; i++) if (steps[i] <= wanted) found = i;
  return found;
}

// A labelled range input over a sorted list of steps.
//   const control = createStepSlider({ label: "step", onChange(step) {...}, attrs });
//   control.el; control.setSteps(steps) -> the step shown (follows the newest while the
//   slider sits at the end); control.step
export function createStepSlider({ label = "step", onChange = () => {}, attrs = {}, valueAttrs = {} } = {}) {
  const slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "jtb-slider", "data-jtb-step-slider": "", ...attrs });
  const value = h("span", { class: "jtb-value", "data-jtb-step-value": "", ...valueAttrs });
  const control = {
    el: h("label", { class: "jtb-control" }, [h("span", { text: label }), slider, value]),
    slider,
    steps: [],
    follow: true,
    step: undefined,
    setSteps(steps) {
      control.steps = steps;
      slider.max = String(Math.max(steps.length - 1, 0));
      slider.style.display = steps.length > 1 ? "" : "none"; // one step: just "step N"
      if (control.follow) slider.value = slider.max;
      control.step = steps[Number(slider.value)];
      value.textContent = control.step === undefined ? "" : String(control.step);
      return control.step;
    },
  };
  slider.addEventListener("input", () => {
    control.follow = Number(slider.value) === control.steps.length - 1;
    control.setSteps(control.steps);
    onChange(control.step);
  });
  return control;
}

// Sorted union of the steps of several series ({steps} objects).
export function unionSteps(seriesList) {
  const all = new Set();
  for (const series of seriesList) for (const s of series.steps) all.add(s);
  return [...all].sort((a, b) => a - b);
}

// Blob URLs keyed by (run, tag, step, sample); content types outside `safeTypes` become safeTypes[0].
function createBlobUrls(safeTypes) {
  const allowed = new Set(safeTypes);
  const urls = new Map();
  const key = (run, tag, step, sample = 0) => `${run}\u0000${tag}\u0000${step}\u0000${sample}`;
  return {
    store({ run, tag, step, sample = 0, content_type: type, data }) {
      const k = key(run, tag, step, sample);
      if (urls.has(k)) URL.revokeObjectURL(urls.get(k));
      urls.set(k, URL.createObjectURL(new Blob([data], { type: allowed.has(type) ? type : safeTypes[0] })));
    },
    get: (run, tag, step, sample = 0) => urls.get(key(run, tag, step, sample)),
    clear() { for (const url of urls.values()) URL.revokeObjectURL(url); urls.clear(); },
  };
}

// The URL of (run, tag, step, sample) from `urls` (createBlobUrls), or null after asking the
// kernel once for it (`request(run, tag, step, sample)` -> Promise of the blob message);
// `loaded()` runs when it arrives, `failed(error)` when the kernel cannot answer.
export function createBlobLoader(urls, request) {
  const asked = new Set();
  return (run, tag, step, loaded, failed, sample = 0) => {
    const url = urls.get(run, tag, step, sample);
    if (url) return url;
    const key = JSON.stringify([run, tag, step, sample]);
    if (!asked.has(key)) {
      asked.add(key);
      request(run, tag, step, sample)
        .then((data) => { urls.store(data); loaded(); })
        .catch(failed); // not asked again: the kernel said it has no such step
    }
    return null;
  };
}

// createState/onMessage of a view over blob series (protocol: jupyter_tb/widgets/blob_view.py):
// state.entries maps "run\0tag" to the latest entries message, state.blobs holds the bytes.
export const seriesKey = (run, tag) => `${run}\u0000${tag}`;

export function blobSeriesState(blobType, safeTypes) {
  return {
    createState() {
      return { runs: [], tags: {}, entries: new Map(), blobs: createBlobUrls(safeTypes) };
    },
    onMessage(state, msg) {
      if (msg.type === "reset") {
        state.blobs.clear();
        state.entries.clear();
      }
      if (msg.type === "entries") { // (runs and tags of reset/catalog: set by the session)
        state.entries.set(seriesKey(msg.run, msg.tag), msg);
      } else if (msg.type === blobType) {
        state.blobs.store(msg);
      }
    },
  };
}

// The caption of a run's cell: its colour swatch and name, then `extra` elements.
export function runCaption(selection, run, ...extra) {
  return h("div", { class: "jtb-caption" }, [
    h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
    h("span", { class: "jtb-run-name", text: run }),
    ...extra,
  ]);
}

// A step's wall time as the reader's locale writes it.
export const wallText = (seconds) => new Date(seconds * 1000).toLocaleString();

// Cards of a blob-series view (images, audio): per tag a step slider and, per shown run, a
// cell with the run's caption (and the step and wall time shown), every sample of the chosen
// step (a step may hold several: TensorFlow's max_outputs=k logs k images or clips in one
// tensor) and a status line. The view supplies the sample elements:
//   makeMedia(run, sample, attrs) -> element (attrs: data-* to put on the player / <img>);
//   show(element, {run, entries, index, step, sample, count, url}) (url null while the bytes
//   are on their way).
// Options: cardAttr, cellAttr, rowClass, cellClass (classes, the card's and a run's cell's data
// attributes), metaAttr (data attribute of the step / wall time line), mediaAttr (the per-run
// data attribute given to each element), noun ("image", "clip"), headExtras(card) -> elements for the card's head,
// sharedStep() -> a step every card shows (or undefined: the card's own slider).
// Returns {makeCard, drawCard, fillStep} for ctx.showTagCards; fillStep(box, run, tag,
// wanted, attrs, redraw, failed) shows a step's samples in any box (e.g. a comparison pane)
// and returns {step, wall, loading} or null when the run has nothing at or before `wanted`.
export function blobCards({
  state, selection, load, cardAttr, cellAttr, rowClass, cellClass, metaAttr, mediaAttr, makeMedia, show, noun,
  headExtras = () => [], sharedStep = () => undefined,
}) {
  function fillStep(box, run, tag, wanted, attrs, redraw, failed) {
    const entries = state.entries.get(seriesKey(run, tag));
    const index = entries ? atOrBefore(entries.steps, wanted) : -1;
    if (index < 0) { box.replaceChildren(); return null; }
    const step = entries.steps[index];
    const count = entries.samples ? entries.samples[index] : 1;
    while (box.children.length > count) box.lastChild.remove();
    while (box.children.length < count) box.append(makeMedia(run, box.children.length, { ...attrs, "data-jtb-sample": String(box.children.length) }));
    let loading = false;
    [...box.children].forEach((element, sample) => {
      const url = load(run, tag, step, redraw, failed, sample);
      if (!url) loading = true;
      show(element, { run, entries, index, step, sample, count, url });
    });
    return { step, wall: entries.wall[index], loading };
  }

  function makeCard(tag) {
    const card = { tag, row: h("div", { class: rowClass }), cells: new Map() };
    card.steps = createStepSlider({ onChange: () => drawCard(card) });
    card.el = h("div", { class: "jtb-card", [cardAttr]: tag }, [
      h("div", { class: "jtb-card-head" }, [h("span", { class: "jtb-card-title", text: tag, title: tag }), ...headExtras(card)]),
      card.steps.el,
      card.row,
    ]);
    return card;
  }

  function cellFor(card, run) {
    let cell = card.cells.get(run);
    if (cell) return cell;
    const samples = h("div", { class: "jtb-samples" });
    const meta = h("span", { class: "jtb-count", [metaAttr]: run });
    const status = h("div", { class: "jtb-note" });
    cell = { el: h("div", { class: cellClass, [cellAttr]: run }, [runCaption(selection, run, meta), samples, status]), samples, meta, status };
    card.cells.set(run, cell);
    return cell;
  }

  function drawCard(card) {
    const runs = selection.runs.filter((run) => selection.isShown(run) && state.entries.has(seriesKey(run, card.tag)));
    const own = card.steps.setSteps(unionSteps(runs.map((run) => state.entries.get(seriesKey(run, card.tag))))) ?? 0;
    const shared = sharedStep();
    card.steps.el.style.display = shared === undefined ? "" : "none";
    const wanted = shared ?? own;
    const keep = new Set(runs);
    for (const [run, cell] of card.cells) if (!keep.has(run)) { cell.el.remove(); card.cells.delete(run); }
    for (const run of runs) {
      const cell = cellFor(card, run);
      card.row.append(cell.el);
      const shown = fillStep(cell.samples, run, card.tag, wanted, { [mediaAttr]: run }, () => drawCard(card),
        (error) => { cell.status.textContent = error.message; });
      cell.meta.textContent = shown ? `step ${shown.step} · ${wallText(shown.wall)}` : "";
      if (shown) cell.meta.setAttribute("data-jtb-wall", String(shown.wall));
      cell.status.textContent = !shown ? `no ${noun} at or before this step` : shown.loading ? `step ${shown.step}: loading (waits for an idle kernel)…` : "";
    }
    return runs;
  }

  return { makeCard, drawCard, fillStep };
}
