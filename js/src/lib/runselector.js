// Run selector: regex filter, all/none, one checkbox with a colour swatch per run.
// Run names are user text: set only through textContent / attributes.
import { h } from "./dom.js";

export function createRunSelector(el, selection) {
  const filter = h("input", {
    type: "search", class: "jtb-input", placeholder: "filter runs (regex)",
    "data-jtb-run-filter": "", value: selection.runFilter || "",
  });
  const list = h("div", { class: "jtb-run-list", "data-jtb-run-list": "" });
  const root = h("div", { class: "jtb-runs", "data-jtb-runs": "" }, [
    h("div", { class: "jtb-runs-head" }, [
      h("span", { class: "jtb-label", text: "Runs" }),
      h("button", { class: "jtb-button", "data-jtb-runs-all": "", text: "all", onclick: () => selection.setAll(true) }),
      h("button", { class: "jtb-button", "data-jtb-runs-none": "", text: "none", onclick: () => selection.setAll(false) }),
    ]),
    filter,
    list,
  ]);
  filter.addEventListener("input", () => selection.setRunFilter(filter.value));
  el.append(root);
  const rows = new Map();

  function sync() {
    for (const run of selection.runs) {
      let row = rows.get(run);
      if (!row) {
        const box = h("input", { type: "checkbox", "data-jtb-run-toggle": run });
        box.addEventListener("change", () => selection.toggle(run, box.checked));
        row = h("label", { class: "jtb-run", "data-jtb-run": run }, [
          box,
          h("span", { class: "jtb-swatch", style: { background: selection.color(run) } }),
          h("span", { class: "jtb-run-name", text: run, title: run }),
        ]);
        row.box = box;
        rows.set(run, row);
      }
      list.append(row); // keeps sorted order
      row.box.checked = selection.isSelected(run);
      row.style.display = selection.passesFilter(run) ? "" : "none";
    }
  }
  sync();
  const unsubscribe = selection.subscribe(sync);
  return { destroy() { unsubscribe(); root.remove(); } };
}
