// Which runs are shown, which tags pass the filter, and each run's colour: one object shared
// by the dashboard and all its views, so toggling or recolouring a run in the browser updates
// every chart at once without the kernel (which may be busy). Plain data + change events;
// no widget knowledge (host.js binds it to the model's traits).
//
// Ticking: a run is ticked unless the user unticked it, so runs that appear later start
// ticked. What persists (selected_runs, deselected_runs) says both, so a reload restores
// it. A selection Python gave alone (selected_runs, no deselected_runs yet) is exact for the
// runs already there: the others of the first catalog start unticked.
// Colours: color(run) is the board's persisted or user-chosen colour, else the page's
// allocator (colors.js) picks one; runs of the catalog get theirs when they arrive so
// runColors() can persist them.
import { isHexColor, runColor } from "./colors.js";
import { userRegex } from "./dom.js";

export function createSelection({
  selected = [], deselected = [], colors = {}, runFilter = "", tagFilter = "", allocate = runColor,
} = {}) {
  const listeners = new Set();
  const known = new Set();
  const chosen = new Set(selected);
  const dropped = new Set(deselected);
  let exact = selected.length > 0 && deselected.length === 0; // Python's explicit selection
  const assigned = new Map();
  for (const [run, color] of Object.entries(colors || {})) {
    if (!isHexColor(color)) continue;
    assigned.set(run, color);
    if (allocate.claim) allocate.claim(run, color);
  }
  let runRegex = userRegex(runFilter);
  let tagRegex = userRegex(tagFilter);
  const tick = (run, on) => {
    if (on) { chosen.add(run); dropped.delete(run); } else { chosen.delete(run); dropped.add(run); }
  };
  const selection = {
    runs: [],
    runFilter,
    tagFilter,
    color(run) { return assigned.get(run) || allocate(run); },
    emit(reason) { for (const fn of [...listeners]) fn(reason); },
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    setRuns(runs) {
      const fresh = runs.filter((run) => !known.has(run));
      if (!fresh.length) return;
      for (const run of [...fresh].sort()) { // sorted: the same colours whatever the arrival order
        known.add(run);
        if (!chosen.has(run) && !dropped.has(run)) tick(run, !exact);
        if (!assigned.has(run)) assigned.set(run, allocate(run));
      }
      exact = false; // runs after the first catalog are new: ticked
      selection.runs = [...known].sort();
      selection.emit("runs");
    },
    passesFilter(run) { return !runRegex || runRegex.test(run); },
    isSelected(run) { return chosen.has(run); },
    isShown(run) { return chosen.has(run) && selection.passesFilter(run); },
    tagShown(tag) { return !tagRegex || tagRegex.test(tag); },
    // tags of the shown runs that pass the tag filter (tagsByRun: {run: [tag, ...]})
    shownTags(tagsByRun) {
      const tags = new Set();
      for (const run of selection.runs) {
        if (!selection.isShown(run)) continue;
        for (const tag of tagsByRun[run] || []) if (selection.tagShown(tag)) tags.add(tag);
      }
      return [...tags];
    },
    selectedRuns() { return selection.runs.filter((run) => chosen.has(run)); },
    // unticked runs, those not listed now (another `runs` regex) included
    deselectedRuns() { return [...dropped].sort(); },
    // {run: "#rrggbb"} of every run coloured so far (persisted by the host)
    runColors() { return Object.fromEntries([...assigned].sort((a, b) => (a[0] < b[0] ? -1 : 1))); },
    toggle(run, on) {
      tick(run, on);
      selection.emit("selected");
    },
    // exactly these runs ticked (Python set selected_runs); heard only when it changes anything
    setSelected(runs) {
      const wanted = new Set(runs);
      const changed = selection.runs.filter((run) => wanted.has(run) !== chosen.has(run));
      for (const run of changed) tick(run, wanted.has(run));
      if (changed.length) selection.emit("selected");
    },
    setAll(on) {
      for (const run of selection.runs) if (selection.passesFilter(run)) tick(run, on);
      selection.emit("selected");
    },
    setColor(run, color) {
      if (!isHexColor(color) || assigned.get(run) === color) return;
      assigned.set(run, color.toLowerCase());
      selection.emit("colors");
    },
    setRunFilter(text) { selection.runFilter = text; runRegex = userRegex(text); selection.emit("runFilter"); },
    setTagFilter(text) { selection.tagFilter = text; tagRegex = userRegex(text); selection.emit("tagFilter"); },
  };
  return selection;
}
