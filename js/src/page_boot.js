// Bootstrap of a board on a page made from a notebook with its widget state (`jupyter nbconvert
// --to html`, nbviewer): such a page draws widgets with @jupyter-widgets/html-manager and
// anywidget from a CDN, so opened offline it draws nothing. Python inlines this bundle
// (static/page_boot.js) in a tiny text/html output after each board's output
// (jupyter_tb/widgets/page_boot.py).
//
// Inert unless the page holds a widget-state element (JupyterLab, Notebook 7, VS Code keep the
// state elsewhere), and once per page however many boards carry it. On such a page, for each
// widget-view element whose model is a jupyter-tb view with a saved record (`_replay`), when the
// widget renderer cannot draw it (no RequireJS, which html-manager needs to load anywidget; the
// renderer's script failed to load; or nothing took the view's element within FALLBACK_MS): the
// view element is detached (so html-manager cannot draw the view a second time), the renderer
// library (the `_esm` of the view's `_lib` model in the state, nothing else) is imported from a
// Blob URL and its mountRecord replays the record into a [data-jtb-page-board] element there.
// Records are parsed as JSON, never evaluated.
const DONE = Symbol.for("jupyter_tb.page_boot");
const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
const RENDERER = /html-manager|jupyter-js-widgets|embed(-amd)?\.js/;
const FALLBACK_MS = 8000;

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// [{tag, record, esm}] of the page's jupyter-tb views that carry a saved record
function savedBoards(models) {
  const boards = [];
  for (const tag of document.querySelectorAll(VIEW)) {
    const view = parse(tag.textContent);
    const state = view && models[view.model_id] && models[view.model_id].state;
    if (!state || typeof state._replay !== "string" || !state._replay || typeof state._lib !== "string") continue;
    const lib = models[state._lib.replace(/^(anywidget:|IPY_MODEL_)/, "")];
    const esm = lib && lib.state && lib.state._esm;
    if (typeof esm === "string" && esm) boards.push({ tag, record: state._replay, esm });
  }
  return boards;
}

const libraries = new Map(); // esm text -> Promise of the library's api
function library(esm) {
  if (!libraries.has(esm)) {
    const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    libraries.set(esm, import(url).then((module) => module.default.initialize()));
  }
  return libraries.get(esm);
}

function mount({ tag, record, esm }) {
  const parent = tag.parentElement;
  // html-manager draws into a .widget-subarea it puts before the view element: it took this one
  if (!parent || parent.querySelector(".widget-subarea, [data-jtb-view]")) return;
  const el = document.createElement("div");
  el.dataset.jtbPageBoard = "";
  parent.replaceChild(el, tag); // detached: html-manager skips a view element without a parent
  library(esm)
    .then((api) => api.mountRecord(JSON.parse(record), el))
    .catch((error) => {
      el.textContent = `jupyter-tb: ${error && error.message ? error.message : error}`;
    });
}

function start() {
  const stateEl = document.querySelector(STATE);
  const saved = stateEl && parse(stateEl.textContent);
  if (!saved || !saved.state) return;
  const boards = savedBoards(saved.state);
  if (!boards.length) return;
  let started = false;
  const mountAll = () => {
    if (started) return;
    started = true;
    boards.forEach(mount);
  };
  if (!globalThis.requirejs) return mountAll();
  addEventListener(
    "error",
    (event) => {
      const target = event.target;
      if (target && target.tagName === "SCRIPT" && RENDERER.test(target.src || "")) mountAll();
    },
    true,
  );
  setTimeout(mountAll, FALLBACK_MS);
}

if (typeof document !== "undefined" && !globalThis[DONE]) {
  globalThis[DONE] = true;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
