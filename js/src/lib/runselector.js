// Runs table: regex filter, select all/none, sort by name (either way), one row per run
// with a checkbox, a colour swatch button (opens a palette + colour picker to recolour the
// run in every view) and the run's name.
// Run names are user text: set only through textContent / attributes.
import { h } from "./dom.js";
import { PALETTE } from "./colors.js";
import { createGroupRows } from "./groups.js";

let rowIds = 0;

// The colour popover: the palette's colours as buttons and a native colour input.
// open(anchor, run) shows it under `anchor`; picking a colour calls selection.setColor.
function colorPopover(root, selection) {
  let run = null;
  let anchor = null;
  const title = h("div", { class: "jtb-color-title" });
  const custom = h("input", { type: "color", class: "jtb-color-input", "data-jtb-color-input": "", "aria-label": "Custom colour" });
  const swatches = PALETTE.map((color) => h("button", {
    type: "button", class: "jtb-color-choice", style: { background: color },
    "data-jtb-color-choice": color, "aria-label": `Use ${color}`, title: color,
  }));
  const el = h("div", { class: "jtb-color-popover", role: "dialog", "aria-label": "Run colour", "data-jtb-color-popover": "", hidden: true }, [
    title, h("div", { class: "jtb-color-grid" }, swatches), h("label", { class: "jtb-setting-check" }, [custom, h("span", { text: "custom…" })]),
  ]);
  const pick = (color) => { if (run !== null) selection.setColor(run, color); };
  for (const button of swatches) button.addEventListener("click", () => { pick(button.dataset.jtbColorChoice); close(); });
  custom.addEventListener("input", () => pick(custom.value));
  custom.addEventListener("change", () => pick(custom.value));
  function close() {
    if (el.hidden) return;
    el.hidden = true;
    if (anchor && anchor.isConnected) anchor.focus();
    run = anchor = null;
  }
  el.addEventListener("keydown", (event) => { if (event.key === "Escape") { event.stopPropagation(); close(); } });
  const outside = (event) => { if (!el.hidden && !el.contains(event.target) && event.target !== anchor) close(); };
  document.addEventListener("pointerdown", outside, true);
  root.append(el);
  return {
    open(button, name) {
      run = name;
      anchor = button;
      title.textContent = name;
      custom.value = selection.color(name);
      el.hidden = false;
      // below the swatch, inside the runs table (which never scrolls sideways)
      const box = root.getBoundingClientRect();
      const at = button.getBoundingClientRect();
      el.style.top = `${at.bottom - box.top + root.scrollTop + 2}px`;
      swatches[0].focus();
    },
    close,
    destroy() { document.removeEventListener("pointerdown", outside, true); },
  };
}

export function createRunSelector(el, selection) {
  const filter = h("input", {
    type: "search", class: "jtb-input", placeholder: "filter runs (regex)", "aria-label": "Filter runs (regex)",
    "data-jtb-run-filter": "", value: selection.runFilter || "",
  });
  let descending = false;
  const sort = h("button", {
    type: "button", class: "jtb-button jtb-sort", "data-jtb-runs-sort": "", "aria-label": "Sort runs by name",
    "aria-sort": "ascending", title: "Sort by name", text: "A→Z",
  });
  const list = h("div", { class: "jtb-run-list", role: "list", "data-jtb-run-list": "" });
  const groupRows = createGroupRows(selection); // run groups: the group_by input, group rows
  const root = h("div", { class: "jtb-runs", "data-jtb-runs": "" }, [
    h("div", { class: "jtb-runs-head" }, [
      h("span", { class: "jtb-label", text: "Runs" }),
      sort,
      h("button", { type: "button", class: "jtb-button", "data-jtb-runs-all": "", "aria-label": "Select all runs", text: "all", onclick: () => selection.setAll(true) }),
      h("button", { type: "button", class: "jtb-button", "data-jtb-runs-none": "", "aria-label": "Select no runs", text: "none", onclick: () => selection.setAll(false) }),
    ]),
    filter,
    groupRows.input,
    list,
  ]);
  filter.addEventListener("input", () => selection.setRunFilter(filter.value));
  sort.addEventListener("click", () => {
    descending = !descending;
    sort.textContent = descending ? "Z→A" : "A→Z";
    sort.setAttribute("aria-sort", descending ? "descending" : "ascending");
    sync();
  });
  el.append(root);
  const popover = colorPopover(root, selection);
  const rows = new Map();

  function makeRow(run) {
    const id = `jtb-run-${++rowIds}`;
    const box = h("input", { type: "checkbox", id, "data-jtb-run-toggle": run });
    box.addEventListener("change", () => selection.toggle(run, box.checked));
    const swatch = h("button", {
      type: "button", class: "jtb-swatch jtb-swatch-button", "data-jtb-run-color": run,
      "aria-label": `Colour of ${run}`, "aria-haspopup": "dialog", title: "Change colour",
    });
    swatch.addEventListener("click", () => popover.open(swatch, run));
    const row = h("div", { class: "jtb-run", role: "listitem", "data-jtb-run": run }, [
      box, swatch, h("label", { class: "jtb-run-name", for: id, text: run, title: run }),
    ]);
    return Object.assign(row, { box, swatch });
  }

  function sync() {
    const runs = descending ? [...selection.runs].reverse() : selection.runs;
    for (const run of runs) {
      let row = rows.get(run);
      if (!row) { row = makeRow(run); rows.set(run, row); }
      list.append(row); // keeps sorted order
      row.box.checked = selection.isSelected(run);
      row.swatch.style.background = selection.color(run);
      row.style.display = selection.passesFilter(run) ? "" : "none";
    }
    groupRows.place(list, rows, runs);
  }
  sync();
  const unsubscribe = selection.subscribe(sync);
  return { destroy() { unsubscribe(); popover.destroy(); root.remove(); } };
}
