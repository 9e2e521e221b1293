// The shared renderer library (static/lib.js), carried by the kernel's single _Library model
// so it reaches the page once. initialize() publishes the API on a page-global symbol (for
// widget.js without anywidget's host API) and returns it (anywidget host.getWidget exports).
import { renderView, loadView } from "./host.js";
import { deliver, inboxes } from "./inboxes.js";
import { mountRecord, replaySaved } from "./lib/replay.js";
import css from "./style.css";
import alertsCss from "./lib/alerts.css";
import viewsCss from "./lib/views.css";
import profileCss from "./lib/profile.css";
import cardsCss from "./lib/cards.css";
import analysisCss from "./lib/analysis.css";
import groupsCss from "./lib/groups.css";

const LIB = Symbol.for("jupyter_tb.lib");

function injectStyle() {
  if (typeof document === "undefined" || document.getElementById("jupyter-tb-style")) return;
  const style = document.createElement("style");
  style.id = "jupyter-tb-style";
  style.textContent = css + alertsCss + viewsCss + profileCss + cardsCss + analysisCss + groupsCss;
  document.head.append(style);
}

// JupyterLab re-renders an output in place when the kernel updates it by display id (the
// board's static picture, refreshed after cells: jupyter_tb/widgets/picture_output.py): its
// widget renderer empties the output node and renders a new view of the same model, never
// removing the old one. A new view of a model whose earlier view was dropped that way (its
// element detached, and not inside an output, as whole cells are while scrolled away)
// adopts that view's DOM, listeners and cleanup instead of building the board again: no
// flash, no lost zoom or open panel, no leaked view still drawing off-screen.
const views = new Map(); // _uid -> Set of {el, dispose, owner}

function dropped(el) {
  return !el.isConnected && !el.closest(".jp-OutputArea-output");
}

async function render(options) {
  const uid = options.model.get("_uid");
  if (!views.has(uid)) views.set(uid, new Set());
  const shown = views.get(uid);
  const owner = {};
  let entry = [...shown].find((view) => dropped(view.el));
  if (entry) {
    options.el.replaceChildren(...entry.el.childNodes);
    entry.el = options.el;
  } else {
    entry = { el: options.el, dispose: await renderView(options) };
    shown.add(entry);
  }
  entry.owner = owner;
  // the cleanup of the view that owns the board now (an adopted view's old one does nothing)
  return () => {
    if (entry.owner !== owner) return;
    shown.delete(entry);
    if (typeof entry.dispose === "function") entry.dispose();
  };
}

const api = {
  version: 1,
  // widget.js calls this with a saved notebook's _replay record when no kernel answered
  replaySaved: (text) => replaySaved(JSON.parse(text), inboxes(), deliver),
  // a whole record (export.py's form) drawn into el without a kernel: an exported file
  // (offline.js) or a board on an nbconvert page (page_boot.js)
  mountRecord: (record, el) => mountRecord(record, el, renderView),
  // widget.js calls this to show one widget; the dashboard calls renderView for its tabs
  render,
  renderView,
  loadView,
};

export default {
  initialize() {
    injectStyle();
    if (!globalThis[LIB]) globalThis[LIB] = api;
    return api;
  },
};
