// Which runs are shown and which tags pass the filter: one object shared by the dashboard
// and all its views, so toggling a run in the browser updates every chart at once without
// the kernel (which may be busy). Plain data + change events; no widget knowledge.
import { runColor } from "./colors.js";
import { userRegex } from "./dom.js";

export function createSelection({ selected = [], runFilter = "", tagFilter = "" } = {}) {
  const listeners = new Set();
  const known = new Set();
  const chosen = new Set(selected);
  const explicit = selected.length > 0; // the user (or Python) chose runs: new runs start off
  let runRegex = userRegex(runFilter);
  let tagRegex = userRegex(tagFilter);
  const selection = {
    runs: [],
    runFilter,
    tagFilter,
    color: runColor,
    emit(reason) { for (const fn of [...listeners]) fn(reason); },
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    setRuns(runs) {
      let changed = false;
      for (const run of runs) {
        if (!known.has(run)) {
          known.add(run);
          if (!explicit) chosen.add(run);
          changed = true;
        }
      }
      if (changed) {
        selection.runs = [...known].sort();
        selection.emit("runs");
      }
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
    toggle(run, on) {
      if (on) chosen.add(run); else chosen.delete(run);
      selection.emit("selected");
    },
    setAll(on) {
      for (const run of selection.runs) {
        if (!selection.passesFilter(run)) continue;
        if (on) chosen.add(run); else chosen.delete(run);
      }
      selection.emit("selected");
    },
    setRunFilter(text) { selection.runFilter = text; runRegex = userRegex(text); selection.emit("runFilter"); },
    setTagFilter(text) { selection.tagFilter = text; tagRegex = userRegex(text); selection.emit("tagFilter"); },
  };
  return selection;
}
