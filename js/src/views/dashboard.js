// Dashboard: load progress, run selector, tag filter and one tab per child view. The run
// selection lives here and is shared with every tab (so it works while the kernel is busy).
// Child views are found through their inboxes (registered by widget.js under their _uid).
import { h } from "../lib/dom.js";
import { createShell, tabStrip } from "../lib/shell.js";
import { ALL_GROUPS } from "../lib/settingspanel.js";
import { createAlerts, jumpToAlert } from "../lib/alerts.js";
import { loadView, renderView } from "../host.js";
import { sessionFor } from "../session.js";

const INBOXES = Symbol.for("jupyter_tb.inboxes");

// TensorBoard's plugin order; kinds it does not know follow in the kernel's order.
const TAB_ORDER = [
  "scalars", "images", "audio", "histograms", "distributions", "pr_curves", "text", "hparams",
  "custom_scalars", "graphs", "projector", "mesh", "profile",
];

export function sortedTabs(entries) {
  const rank = (kind) => { const i = TAB_ORDER.indexOf(kind); return i < 0 ? TAB_ORDER.length : i; };
  return entries.map((entry, i) => [entry, i]).sort((a, b) => rank(a[0].kind) - rank(b[0].kind) || a[1] - b[1]).map(([entry]) => entry);
}

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
    const { model, state, signal, selection, settings } = ctx; // shared by every tab
    const progress = h("span", { class: "jtb-progress", "data-jtb-progress": "" });
    const tagFilter = h("input", {
      type: "search", class: "jtb-input", placeholder: "filter tags (regex)", "aria-label": "Filter tags (regex)",
      "data-jtb-tag-filter": "", value: selection.tagFilter,
    });
    const tabBar = h("div", { class: "jtb-tabs", role: "tablist", "aria-label": "Dashboards", "data-jtb-tabs": "" });
    // narrow boards show the tabs as one drop-down instead of rows of buttons
    const tabSelect = h("select", { class: "jtb-input jtb-tab-select", "aria-label": "Dashboard", "data-jtb-tab-select": "" });
    const panels = h("div", { class: "jtb-panels" });
    const shell = createShell(ctx.el.closest("[data-jtb-view]") || ctx.el, { selection, settings, groups: ALL_GROUPS });
    shell.headMain.append(tabSelect, tagFilter, progress);
    const root = ctx.el.closest("[data-jtb-view]") || ctx.el;
    const alerts = createAlerts(model, root, {
      onJump: (alert) => jumpToAlert(root, alert, { activate: (kind) => { activate(kind); save("tab", kind); }, selection }),
    });
    shell.headMain.append(alerts.button);
    shell.main.append(alerts.panel, tabStrip(tabBar, signal), panels);
    ctx.el.append(shell.head, shell.layout);

    const save = ctx.save;
    tagFilter.addEventListener("input", () => {
      selection.setTagFilter(tagFilter.value);
      save("tag_filter", tagFilter.value);
    });
    tabSelect.addEventListener("change", () => { activate(tabSelect.value); save("tab", tabSelect.value); });

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
        tab.button.tabIndex = on ? 0 : -1;
        tab.panel.style.display = on ? "" : "none";
      }
      tabSelect.value = kind;
      const tab = tabs.get(kind);
      if (!tab || tab.rendered) return;
      tab.rendered = true;
      const inbox = await globalThis[INBOXES].get(tab.uid);
      await renderView({ model: inbox.model, el: tab.panel, inbox, signal, selection, settings, embedded: true });
    }

    // arrow keys move between tabs (the WAI-ARIA tabs pattern: one tab stop, arrows inside)
    tabBar.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const kinds = [...tabs.keys()];
      const next = kinds[(kinds.indexOf(active) + step + kinds.length) % kinds.length];
      activate(next);
      save("tab", next);
      tabs.get(next).button.focus();
      event.preventDefault();
    });

    function syncTabs() {
      const entries = sortedTabs(model.get("_tabs") || []);
      for (const entry of entries) {
        if (tabs.has(entry.kind)) continue;
        const button = h("button", {
          class: "jtb-tab", role: "tab", type: "button", "data-jtb-tab": entry.kind, text: entry.title,
          "aria-selected": "false", tabindex: "-1",
        });
        const panel = h("div", { class: "jtb-panel", role: "tabpanel", "aria-label": entry.title, "data-jtb-panel": entry.kind, style: { display: "none" } });
        button.addEventListener("click", () => { activate(entry.kind); save("tab", entry.kind); });
        tabs.set(entry.kind, { button, panel, uid: entry.uid, rendered: false, title: entry.title });
        // fold the tab's messages into its state now, not when first shown: a hidden tab
        // must not queue raw live updates for hours
        Promise.all([globalThis[INBOXES].get(entry.uid), loadView(entry.kind)])
          .then(([inbox, view]) => sessionFor(inbox, view))
          .catch((error) => console.warn("jupyter-tb: tab", entry.kind, error));
        panels.append(panel);
      }
      // the same order however the data arrived (TensorBoard's plugin order): re-place all
      const ordered = new Map(entries.filter((e) => tabs.has(e.kind)).map((e) => [e.kind, tabs.get(e.kind)]));
      tabs.clear();
      for (const [kind, tab] of ordered) {
        tabs.set(kind, tab);
        tabBar.append(tab.button);
      }
      tabSelect.replaceChildren(...[...tabs].map(([kind, tab]) => h("option", { value: kind, text: tab.title })));
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
      alerts.destroy();
      shell.destroy();
      model.off("change:_tabs", onTabs);
      model.off("change:tab", onTab);
    };
  },
};
