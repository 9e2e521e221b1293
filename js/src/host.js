// The host of the views: view registry and the JS side of the view-plugin API (Python side:
// jupyter_tb/widgets/base.py, one module per view in jupyter_tb/widgets/views/).
//
// WRITING A VIEW
// A view is the module js/src/views/<kind>.js, where <kind> is the Python class's `_kind`.
// It is found automatically (every module in js/src/views/ is bundled into lib.js; no list to
// edit). It default-exports:
//
//   export default {
//     createState() { return {...}; },      // optional: per-model state, built once per model
//     onMessage(state, msg) { ... },         // optional: fold one kernel message into state.
//                                            //   Runs for every message even while no view is
//                                            //   shown; msg arrays are already typed arrays
//                                            //   (a "reset" message starts the state over).
//                                            //   state.runs / state.tags are already set from
//                                            //   "reset"/"catalog" messages carrying them.
//     render(ctx) { ...; return cleanup; },  // draw into ctx.el; return a function undoing it
//   };
//
// ctx = {
//   el,            // the element to draw into (emptied by the host)
//   model,         // anywidget model proxy: get(name) / set(name, v) + save_changes() / on / off
//   state,         // this model's state (createState), shared by every render of the model
//   onMessage(fn), // fn(msg) after each kernel message was folded into state; returns unsubscribe
//   request(op, args) -> Promise<data>   // calls Python View.request_<op>(**args); answered
//                  //   when the kernel is idle (NOT while a cell runs: never rely on it for
//                  //   interaction, only for refinement / downloads)
//   selection,     // shared runs + tag filter (js/src/lib/selection.js): runs, isShown(run),
//                  //   tagShown(tag), color(run), subscribe(fn). Inside the dashboard it is
//                  //   the dashboard's; standalone the host makes one (with a run selector).
//   settings,      // the board's settings (js/src/lib/settings.js): get(name), set(name, v),
//                  //   subscribe(fn(name, value)) -> unsubscribe, all(). Names: smoothing,
//                  //   x_axis, ignore_outliers, log_y, card_width, tooltip_sort, tooltip_rows,
//                  //   histogram_mode, image_brightness, image_contrast (SETTINGS there).
//                  //   Inside the dashboard it is the dashboard's (synced to its `settings`
//                  //   dict); standalone the host makes one bound to the view's own traits
//                  //   (smoothing, x_axis, log_y, ignore_outliers, mode, brightness, contrast)
//                  //   and mount() shows its panel. Read settings.get(...) when drawing and
//                  //   redraw on subscribe; never keep a private copy of a setting.
//   embedded,      // true inside the dashboard (it shows the run selector and tag filter)
//   signal,        // AbortSignal: aborted when the view is removed
//   // helpers
//   mount(main),   // place the view's main element: alone it gets a run selector beside it
//                  //   and the settings panel (gear button)
//   save(name, value), // model.set + save_changes, debounced (two-way traits, e.g. smoothing)
//   redrawOn(fn) -> schedule // fn() once per animation frame after kernel messages, selection
//                  //   or settings changes, a theme switch (light/dark) or schedule() calls
//                  //   (cleaned up with the view). Canvas colours: themeColors(el) from
//                  //   lib/theme.js (--jp-* variables), read at each draw.
//   showTagCards(container, empty, {makeCard(tag) -> {el}, drawCard(card), dropCard?(card), byTag?, lazy?})
//                  // the card grid of js/src/lib/cards.js (API at its top): one card per shown
//                  //   tag, grouped by the first "/" segment, pinned / expanded / full screen,
//                  //   drawn only on screen, kept in sync with state.runs / state.tags and the
//                  //   selection; `empty` is shown when no tag is. Returns the grid.
// }
// Drawing code belongs in js/src/lib/*.js (plain functions over elements and typed arrays).
// User text (tags, run names, logged strings) goes to the DOM only via textContent or
// DOMPurify-sanitised markdown, never innerHTML.
//
// DOM CONTRACT (data-jtb-* attributes, stable for browser tests)
//   [data-jtb-view="<kind>"]           root of every rendered view (dashboard, scalars, ...)
//   [data-jtb-error]                   error line shown when the kernel reports a failure
//   dashboard:
//     [data-jtb-tabs] > [data-jtb-tab="<kind>"]   tab buttons (aria-selected="true" when active), in
//                                                TensorBoard's plugin order; one row inside
//                                                [data-jtb-tab-strip], scrolled by its
//                                                [data-jtb-tab-scroll="back|forward"] buttons
//     [data-jtb-tab-select]                      the same tabs as a <select> (shown on narrow boards)
//     [data-jtb-panel="<kind>"]                  tab panels
//     [data-jtb-progress]                        load progress text (bytes read/total, runs)
//     [data-jtb-tag-filter]                      tag regex input
//     [data-jtb-alerts-toggle] (head button, hidden without alerts), [data-jtb-alerts] (the list;
//       rows [data-jtb-alert="<index>"], data-jtb-alert-active="false" once cleared),
//       [data-jtb-alert-badge] (on run rows, the scalars tab, chart cards),
//       [data-jtb-alert-marked="<step>"] (the card an alert row was clicked for)
//   board shell (dashboard, or a view shown alone; js/src/lib/shell.js):
//     root [data-jtb-view] gets data-jtb-size="narrow|medium|wide" (its own width: < 720 px
//       narrow, >= 1100 wide) and the CSS variable --jtb-card-width (the card_width setting:
//       card grids use minmax(min(100%, var(--jtb-card-width)), 1fr))
//     [data-jtb-side] (the runs table's column), [data-jtb-runs-toggle] (button showing it on
//       narrow boards), [data-jtb-settings-toggle] (gear button, aria-expanded)
//     [data-jtb-settings] (the settings panel) > [data-jtb-settings-group="general|scalars|
//       histograms|images"] with [data-jtb-card-width], [data-jtb-smoothing] (+ -value),
//       [data-jtb-x-axis], [data-jtb-ignore-outliers], [data-jtb-log-y], [data-jtb-tooltip-sort],
//       [data-jtb-tooltip-rows], [data-jtb-histogram-mode], [data-jtb-brightness] (+ -value),
//       [data-jtb-contrast] (+ -value). It comes after the views in the DOM, so a view's own
//       control of the same hook (while views still have them) is the first match.
//   run selector (dashboard, or standalone view):
//     [data-jtb-runs], [data-jtb-run-filter] (regex input), [data-jtb-runs-all], [data-jtb-runs-none],
//     [data-jtb-runs-sort] (name A→Z / Z→A, aria-sort), [data-jtb-run="<run>"] (row),
//     [data-jtb-run-toggle="<run>"] (checkbox), [data-jtb-run-color="<run>"] (swatch button: its
//     computed background is the run's colour; opens [data-jtb-color-popover] with
//     [data-jtb-color-choice="#rrggbb"] buttons and a [data-jtb-color-input] colour input)
//   run groups (js/src/lib/groups.js): [data-jtb-group-by] (the group_by input of the runs table;
//     aria-invalid="true" on a bad regex), [data-jtb-group="<group>"] (a group row: its
//     .jtb-swatch is the group's colour, text "<n> runs"), [data-jtb-group-toggle="<group>"]
//     (checkbox ticking its members; indeterminate when some are), [data-jtb-group-expand="<group>"]
//     (shows / hides the member rows, aria-expanded); [data-jtb-band="std|minmax|ci95"] on a scalars
//     card while group bands are drawn; settings [data-jtb-group-center], [data-jtb-group-band],
//     [data-jtb-group-members], [data-jtb-group-steps]; hparams: [data-jtb-session-group="<group>"]
//     (a group row: mean ± std (n=...) per metric)
//   tag groups: [data-jtb-section="<first / segment>"] (a <details>)
//   cards (every view using showTagCards, js/src/lib/cards.js): [data-jtb-card="<tag>"] (card),
//     [data-jtb-pin] / [data-jtb-expand] / [data-jtb-fullscreen] (buttons on a card, aria-pressed
//     "true" when on; Esc leaves full screen), [data-jtb-pinned] (section of pinned cards; the
//     pins are the view model's `pinned` trait); card width: the card_width setting
//   card downloads (every card with a chart or an image: the tag grids above, custom scalars,
//     hparams session charts; js/src/lib/cards.js + cardexport.js): [data-jtb-download] (the
//     card head's menu button, aria-expanded; hidden on cards with nothing drawn) opening
//     [data-jtb-download-png] (the card as PNG at the device pixel ratio, on the theme's
//     background) and [data-jtb-download-svg] (the same as vector SVG: paths and text, drawn by
//     the charts through js/src/lib/svgcontext.js); files are named after the tag (sanitised)
//   scalars:
//     [data-jtb-smoothing] (range input 0..0.999), [data-jtb-smoothing-value],
//     [data-jtb-smoothing-note] (visible text when smoothing is approximated in the browser),
//     [data-jtb-x-axis] (select: step|relative|wall), [data-jtb-log-y], [data-jtb-ignore-outliers]
//       (checkboxes), [data-jtb-chart="<tag>"] (card; data-jtb-points = points drawn,
//       data-jtb-drawn = draw counter), [data-jtb-canvas], [data-jtb-readout] (hover rows:
//       [data-jtb-readout-row="<run>"]), [data-jtb-reset-zoom], [data-jtb-csv]
//   images (full list: js/src/views/images.js):
//     [data-jtb-image-card="<tag>"], [data-jtb-step-slider], [data-jtb-step-value],
//     [data-jtb-image="<run>"] (<img>, one per image of the step; data-jtb-step = step shown,
//     data-jtb-sample), [data-jtb-image-meta="<run>"] (step, wall time), [data-jtb-brightness],
//     [data-jtb-contrast] (settings panel), [data-jtb-actual-size], [data-jtb-image-shared-step],
//     [data-jtb-image-compare], [data-jtb-image-zoom] (the enlarged view; [data-jtb-pixel])
//   audio: [data-jtb-audio-card="<tag>"], [data-jtb-audio-cell="<run>"] > [data-jtb-audio="<run>"]
//     (<audio>, one per clip of the step; data-jtb-step, data-jtb-sample),
//     [data-jtb-audio-label="<run>"] (one per clip), [data-jtb-audio-meta="<run>"] (step, wall time)
//   histograms / distributions:
//     [data-jtb-histogram="<tag>"] / [data-jtb-distribution="<tag>"] (cards),
//     [data-jtb-histogram-mode] (select: offset|overlay, settings panel), data-jtb-x-ticks
//   text: [data-jtb-text-card="<tag>"] > [data-jtb-text-step="<step>"] (one per step, newest
//     first) > [data-jtb-text-run="<run>"]; [data-jtb-text-compare], [data-jtb-text-diff]
//   PR curves: [data-jtb-pr-card="<tag>"], [data-jtb-pr-op-by], [data-jtb-pr-op-target],
//     [data-jtb-pr-op-row="<run>"] (operating point counts); mesh: [data-jtb-mesh-card="<tag>"],
//     [data-jtb-mesh="<run>"] (data-jtb-mesh-mode, data-jtb-faces; .jtbMeshLabels = axis label
//     boxes of the last frame). Full lists atop each view.
//   hparams / graphs / projector: the full lists head js/src/views/{hparams,graphs,projector}.js;
//     among them [data-jtb-hparams-download="csv|json|latex"], [data-jtb-hparams-column="<name>"],
//     [data-jtb-hparams-min|max="<name>"], [data-jtb-graph-search], [data-jtb-graph-color],
//     [data-jtb-graph-trace], [data-jtb-projector-progress], [data-jtb-projector-cancel],
//     [data-jtb-projector-spherize], [data-jtb-projector-sprites], [data-jtb-bookmark="<label>"]
//   boards that travel: script[data-jtb-page-boot] (the bootstrap output after each board's
//     output, js/src/page_boot.js), [data-jtb-page-board] (where it draws a saved board on an
//     nbconvert page, in place of the view's widget-view element)
import { createSelection } from "./lib/selection.js";
import { bindSettings } from "./lib/settings.js";
import { bindGrouping } from "./lib/groups.js";
import { createShell } from "./lib/shell.js";
import { onThemeChange } from "./lib/theme.js";
import { GROUPS_OF_KIND } from "./lib/settingspanel.js";
import { h } from "./lib/dom.js";
import { showTagCards } from "./lib/cards.js";
import { sessionFor } from "./session.js";

const cache = new Map();

export async function loadView(kind) {
  if (!/^[a-z][a-z0-9_]*$/.test(kind)) {
    throw new Error(`unknown view kind ${JSON.stringify(kind)}`);
  }
  if (!cache.has(kind)) {
    // esbuild bundles every module of views/ for this pattern
    cache.set(kind, import(`./views/${kind}.js`).then((module) => module.default));
  }
  return cache.get(kind);
}

// The selection of a view shown on its own (or of the dashboard, shared with its tabs),
// kept in its model's traits: selected_runs / deselected_runs (what is ticked; Python reads
// selected_runs) and run_colors ({run: "#rrggbb"}, so colours survive a reload). Python
// setting run_colors recolours runs here, setting selected_runs ticks exactly those.
function boundSelection(model, save) {
  const selection = createSelection({
    selected: model.get("selected_runs") || [],
    deselected: model.get("deselected_runs") || [],
    colors: model.get("run_colors") || {},
    tagFilter: model.get("tag_filter") || "",
  });
  const unsubscribe = selection.subscribe((reason) => {
    if (reason === "runs" || reason === "selected") {
      save("deselected_runs", selection.deselectedRuns());
      save("selected_runs", selection.selectedRuns());
    }
    if (reason === "runs" || reason === "colors") save("run_colors", selection.runColors());
  });
  const onColors = () => {
    for (const [run, color] of Object.entries(model.get("run_colors") || {})) selection.setColor(run, color);
  };
  const onSelected = () => {
    if (!save.pending("selected_runs")) selection.setSelected(model.get("selected_runs") || []);
  };
  model.on("change:run_colors", onColors);
  model.on("change:selected_runs", onSelected);
  return {
    selection,
    unbind() { unsubscribe(); model.off("change:run_colors", onColors); model.off("change:selected_runs", onSelected); },
  };
}

// model.set + save_changes debounced per trait (a dragged slider sends one update, not 60).
// save.pending(name): a local value of that trait is waiting to be sent. Meanwhile the kernel's
// echo of an earlier save can still arrive (ipywidgets accepts the echo of the last message
// sent) and would put the older value back: listeners ignore changes of a pending trait.
function saver(model) {
  const timers = new Map();
  function save(name, value) {
    model.set(name, value);
    clearTimeout(timers.get(name));
    timers.set(name, setTimeout(() => { timers.delete(name); model.save_changes(); }, 150));
  }
  save.pending = (name) => timers.has(name);
  return save;
}

// Render the view of `model` into `el`. Used by widget.js (standalone) and the dashboard.
export async function renderView({ model, el, inbox, signal, selection = null, settings = null, embedded = false }) {
  const kind = model.get("_kind");
  const view = await loadView(kind);
  const session = sessionFor(inbox, view);
  el.replaceChildren();
  const root = h("div", { class: "jtb-view", "data-jtb-view": kind });
  const error = h("div", { class: "jtb-error", "data-jtb-error": "", style: { display: "none" } });
  const body = h("div", { class: "jtb-view-body" });
  root.append(error, body);
  el.append(root);
  const height = model.get("height");
  if (height) Object.assign(root.style, { height: `${height}px`, overflow: "auto" });
  const cleanups = [];
  const save = saver(model);
  if (!selection) {
    const bound = boundSelection(model, save);
    selection = bound.selection;
    cleanups.push(bound.unbind);
  }
  if (!embedded) cleanups.push(bindGrouping(model, selection, save)); // group_by, two-way
  if (!settings) {
    const bound = bindSettings(model, save);
    settings = bound.settings;
    cleanups.push(bound.unbind);
  }
  const showError = (msg) => {
    if (msg.type !== "error") return;
    error.textContent = msg.error;
    error.style.display = "";
  };
  cleanups.push(session.subscribe(showError));
  const ctx = {
    el: body,
    model,
    state: session.state,
    onMessage: (fn) => session.subscribe(fn),
    request: session.request,
    selection,
    settings,
    embedded,
    signal,
    mount(main) {
      if (embedded) { body.append(main); return; }
      const shell = createShell(root, { selection, settings, groups: GROUPS_OF_KIND[kind] || [] });
      shell.main.append(main);
      body.append(shell.head, shell.layout);
      cleanups.push(shell.destroy);
    },
    save,
    redrawOn(fn) {
      let frame = 0;
      const schedule = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; fn(); }); };
      cleanups.push(
        session.subscribe(schedule), selection.subscribe(schedule), settings.subscribe(schedule), onThemeChange(schedule),
        () => cancelAnimationFrame(frame),
      );
      return schedule;
    },
    showTagCards(container, empty, options) {
      const grid = showTagCards(ctx, container, empty, options);
      cleanups.push(grid.destroy);
      return grid;
    },
  };
  const cleanup = await view.render(ctx);
  if (typeof cleanup === "function") cleanups.push(cleanup);
  const dispose = () => {
    for (const fn of cleanups.splice(0)) {
      try { fn(); } catch (err) { console.error(err); }
    }
    root.remove();
  };
  if (signal) signal.addEventListener("abort", dispose);
  return dispose;
}
