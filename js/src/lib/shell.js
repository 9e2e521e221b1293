// The frame around a board (or a view shown alone): a head row, the runs table on the left,
// the main area, the settings panel on the right. It folds by the width of its own root
// (a ResizeObserver, not the window: a side panel is narrow on a wide screen):
//   wide   (>= WIDE px)   runs table | main | settings docked (when open)
//   medium                runs table | main, settings over the main area
//   narrow (< NARROW px)  runs table behind a "Runs" drop-down button, settings overlaid,
//                         dashboard tabs as a <select> (css: .jtb-narrow)
// and the dashboard's tab bar stays one row at every width (tabStrip).
// Nothing here scrolls sideways: every column may shrink (min-width: 0).
import { h } from "./dom.js";
import { createRunSelector } from "./runselector.js";
import { createSettingsPanel } from "./settingspanel.js";

export const NARROW = 720;
export const WIDE = 1100;

// root: the view's root element (gets the size classes); selection, settings: the stores;
// groups: settings panel groups. Returns {head, headMain, side, main, layout, destroy}:
// put the view's own head items in headMain and its content in main.
let shells = 0;

export function createShell(root, { selection, settings, groups }) {
  const sideId = `jtb-side-${++shells}`;
  const side = h("div", { class: "jtb-side", id: sideId, "data-jtb-side": "" });
  const main = h("div", { class: "jtb-main" });
  // an overlay (settings, or the runs table on narrow boards) taller than the board's content
  // would be cut off by the output area: the layout grows to hold it while it is open
  const rooms = new Set(); // open overlays
  const makeRoom = () => {
    const heights = [...rooms].map((el) => Math.ceil(el.getBoundingClientRect().height));
    layout.style.minHeight = heights.length ? `${Math.max(...heights)}px` : "";
  };
  const roomFor = (el, open) => {
    if (open) rooms.add(el); else rooms.delete(el);
    makeRoom();
  };
  const panel = createSettingsPanel(settings, { groups, onToggle: (open) => roomFor(panel.el, open) });
  const layout = h("div", { class: "jtb-layout" }, [side, main, panel.el]);
  const runsButton = h("button", {
    class: "jtb-button jtb-runs-toggle", type: "button", "data-jtb-runs-toggle": "",
    "aria-expanded": "false", "aria-controls": sideId, text: "Runs",
  });
  const headMain = h("div", { class: "jtb-head-main" });
  const head = h("div", { class: "jtb-head" }, [runsButton, headMain, panel.button]);
  const runs = createRunSelector(side, selection);

  const setRunsOpen = (open) => {
    layout.classList.toggle("jtb-runs-open", open);
    runsButton.setAttribute("aria-expanded", String(open));
    roomFor(side, open);
  };
  runsButton.addEventListener("click", () => setRunsOpen(!layout.classList.contains("jtb-runs-open")));
  side.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && layout.classList.contains("jtb-runs-open")) { setRunsOpen(false); runsButton.focus(); }
  });
  const countRuns = () => {
    const shown = selection.runs.filter((run) => selection.isSelected(run)).length;
    runsButton.textContent = `Runs ${shown}/${selection.runs.length} ▾`;
  };
  const unsubscribe = selection.subscribe(countRuns);
  countRuns();

  // card width (a setting) reaches every card grid through one CSS variable
  const applyWidth = () => root.style.setProperty("--jtb-card-width", `${settings.get("card_width")}px`);
  const unwatchWidth = settings.subscribe((name) => { if (name === "card_width") applyWidth(); });
  applyWidth();

  let size = "";
  const fit = (width) => {
    if (!width) return; // not laid out (hidden tab, detached): keep the last size
    const next = width < NARROW ? "narrow" : width < WIDE ? "medium" : "wide";
    if (next === size) return;
    size = next;
    root.classList.toggle("jtb-narrow", size === "narrow");
    root.classList.toggle("jtb-wide", size === "wide");
    root.setAttribute("data-jtb-size", size);
    if (size !== "narrow") setRunsOpen(false);
  };
  const observer = typeof ResizeObserver === "function"
    ? new ResizeObserver((entries) => fit(entries[entries.length - 1].contentRect.width)) : null;
  if (observer) observer.observe(root);
  // an open overlay changes height with the board's width (docked vs overlaid, wrapping)
  const overlays = typeof ResizeObserver === "function" ? new ResizeObserver(makeRoom) : null;
  if (overlays) { overlays.observe(panel.el); overlays.observe(side); }
  fit(root.getBoundingClientRect().width);

  return {
    head, headMain, side, main, layout, settingsPanel: panel,
    destroy() {
      if (observer) observer.disconnect();
      if (overlays) overlays.disconnect();
      unsubscribe();
      unwatchWidth();
      runs.destroy();
      panel.destroy();
    },
  };
}

// The dashboard's tab bar as one row, as TensorBoard's: tabs that do not fit scroll sideways
// inside the bar (wheel, touch, ‹ › at its ends while it overflows); the selected tab is kept
// in view. The buttons are not tab stops: keyboard order stays the tabs' own (arrow keys).
// Returns the strip to put where the bar would go; `signal` (AbortSignal) ends the observers.
const FADE = 28; // px of the bar's faded ends (style.css): the selected tab is kept clear of them

export function tabStrip(tabBar, signal) {
  const arrow = (dir, text, label) => h("button", {
    class: "jtb-tab-scroll", type: "button", tabindex: "-1", text, "aria-label": label, title: label, "data-jtb-tab-scroll": dir,
  });
  const back = arrow("back", "‹", "more tabs to the left");
  const forward = arrow("forward", "›", "more tabs to the right");
  const strip = h("div", { class: "jtb-tab-strip", "data-jtb-tab-strip": "" }, [back, tabBar, forward]);
  const update = () => {
    const overflow = tabBar.scrollWidth - tabBar.clientWidth;
    const scrolls = overflow > 1;
    back.hidden = forward.hidden = !scrolls;
    back.disabled = tabBar.scrollLeft <= 1;
    forward.disabled = tabBar.scrollLeft >= overflow - 1;
    // a tab cut by an edge fades out there instead of ending in half a word
    tabBar.classList.toggle("jtb-fade-left", scrolls && !back.disabled);
    tabBar.classList.toggle("jtb-fade-right", scrolls && !forward.disabled);
  };
  // the selected tab into view, moving only the bar (scrollIntoView would scroll the page too)
  const reveal = () => {
    const tab = tabBar.querySelector('[aria-selected="true"]');
    if (!tab) return update();
    // (the bar is positioned: offsets are within its scrolled content)
    const left = tab.offsetLeft - FADE, right = tab.offsetLeft + tab.offsetWidth + FADE;
    if (left < tabBar.scrollLeft) tabBar.scrollLeft = left;
    else if (right > tabBar.scrollLeft + tabBar.clientWidth) tabBar.scrollLeft = right - tabBar.clientWidth;
    update();
  };
  const page = (dir) => tabBar.scrollBy({ left: dir * Math.max(tabBar.clientWidth * 0.8, 60), behavior: "smooth" });
  back.addEventListener("click", () => page(-1));
  forward.addEventListener("click", () => page(1));
  tabBar.addEventListener("scroll", update, { passive: true });
  // a vertical wheel over the bar scrolls it sideways when it overflows
  tabBar.addEventListener("wheel", (event) => {
    if (back.hidden || Math.abs(event.deltaX) > Math.abs(event.deltaY)) return;
    event.preventDefault();
    tabBar.scrollLeft += event.deltaY;
  }, { passive: false });
  const resized = typeof ResizeObserver === "function" ? new ResizeObserver(reveal) : null;
  if (resized) resized.observe(tabBar);
  const changed = typeof MutationObserver === "function" ? new MutationObserver(reveal) : null;
  if (changed) changed.observe(tabBar, { childList: true, subtree: true, attributeFilter: ["aria-selected"] });
  signal?.addEventListener("abort", () => { resized?.disconnect(); changed?.disconnect(); });
  return strip;
}
