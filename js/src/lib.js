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

const api = {
  version: 1,
  // widget.js calls this with a saved notebook's _replay record when no kernel answered
  replaySaved: (text) => replaySaved(JSON.parse(text), inboxes(), deliver),
  // a whole record (export.py's form) drawn into el without a kernel: an exported file
  // (offline.js) or a board on an nbconvert page (page_boot.js)
  mountRecord: (record, el) => mountRecord(record, el, renderView),
  // widget.js calls this to show one widget; the dashboard calls renderView for its tabs
  render: (options) => renderView(options),
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
