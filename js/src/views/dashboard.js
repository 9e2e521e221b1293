// Dashboard: load progress, run selector, tag filter and one tab per child view. The run
// selection lives here and is shared with every tab (so it works while the kernel is busy).
// Child views are found through their inboxes (registered by widget.js under their _uid).
import { h } from "../lib/dom.js";
import { createRunSelector } from "../lib/runselector.js";
import { loadView, renderView } from "../host.js";
import { sessionFor } from "../session.js";

const INBOXES = Symbol.for("jupyter_tb.inboxes");

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export default {
  createState() {
    return { runs: [], progress: null };
  },

  onMessage(state, msg) {
    if (msg.type === "progress") state.progress = msg;
  },

  render(ctx) {
    const { model, state, signal, selection } = ctx; // the selection every tab shares
    const progress = h("span", { class: "jtb-progress", "data-jtb-progress": "" });
    const tagFilter = h("input", {
      type: "search", class: "jtb-input", placeholder: "filter tags (regex)",
      "data-jtb-tag-filter": "", value: selection.tagFilter,
    });
    const tabBar = h("div", { class: "jtb-tabs", role: "tablist", "data-jtb-tabs": "" });
    const panels = h("div", { class: "jtb-panels" });
    const side = h("div", { class: "jtb-side" });
    ctx.el.append(
      h("div", { class: "jtb-head" }, [tagFilter, progress]),
      h("div", { class: "jtb-layout" }, [side, h("div", { class: "jtb-main" }, [tabBar, panels])]),
    );
    const runSelector = createRunSelector(side, selection);

    const save = ctx.save;
    tagFilter.addEventListener("input", () => {
      selection.setTagFilter(tagFilter.value);
      save("tag_filter", tagFilter.value);
    });

    const tabs = new Map(); // kind -> {button, panel, rendered}
    let active = model.get("tab");

    function showProgress() {
      const p = state.progress;
      if (!p) { progress.textContent = ""; return; }
      const text = `${p.runs} run${p.runs === 1 ? "" : "s"} · ${formatBytes(p.bytes_read)} / ${formatBytes(p.bytes_total)} read`;
      if (p.waiting) progress.textContent = "waiting for the logdir to be created…";
      else progress.textContent = p.loaded ? text : `loading… ${text}`;
    }

    async function activate(kind) {
      active = kind;
      for (const [k, tab] of tabs) {
        const on = k === kind;
        tab.button.setAttribute("aria-selected", on ? "true" : "false");
        tab.panel.style.display = on ? "" : "none";
      }
      const tab = tabs.get(kind);
      if (!tab || tab.rendered) return;
      tab.rendered = true;
      const inbox = await globalThis[INBOXES].get(tab.uid);
      await renderView({ model: inbox.model, el: tab.panel, inbox, signal, selection, embedded: true });
    }

    function syncTabs() {
      for (const entry of model.get("_tabs") || []) {
        if (tabs.has(entry.kind)) continue;
        const button = h("button", {
          class: "jtb-tab", role: "tab", "data-jtb-tab": entry.kind, text: entry.title, "aria-selected": "false",
        });
        const panel = h("div", { class: "jtb-panel", "data-jtb-panel": entry.kind, style: { display: "none" } });
        button.addEventListener("click", () => { activate(entry.kind); save("tab", entry.kind); });
        tabs.set(entry.kind, { button, panel, uid: entry.uid, rendered: false });
        // fold the tab's messages into its state now, not when first shown: a hidden tab
        // must not queue raw live updates for hours
        Promise.all([globalThis[INBOXES].get(entry.uid), loadView(entry.kind)])
          .then(([inbox, view]) => sessionFor(inbox, view))
          .catch((error) => console.warn("jupyter-tb: tab", entry.kind, error));
        tabBar.append(button);
        panels.append(panel);
      }
      if (!tabs.has(active) && tabs.size) active = tabs.keys().next().value;
      if (active) activate(active);
    }

    const onTabs = () => syncTabs();
    const onTab = () => { if (model.get("tab") !== active && tabs.has(model.get("tab"))) activate(model.get("tab")); };
    model.on("change:_tabs", onTabs);
    model.on("change:tab", onTab);
    const unsubscribe = ctx.onMessage(() => { selection.setRuns(state.runs); showProgress(); });
    selection.setRuns(state.runs);
    showProgress();
    syncTabs();
    if (!tabs.size) panels.append(h("div", { class: "jtb-empty", "data-jtb-empty": "", text: "No data yet: waiting for event files…" }));
    model.on("change:_tabs", () => { const e = panels.querySelector("[data-jtb-empty]"); if (e && tabs.size) e.remove(); });

    return () => {
      unsubscribe();
      runSelector.destroy();
      model.off("change:_tabs", onTabs);
      model.off("change:tab", onTab);
    };
  },
};
