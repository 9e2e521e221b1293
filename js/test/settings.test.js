// lib/settings.js: the board's settings store and its binding to a widget model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SETTINGS, bindSettings, createSettings } from "../src/lib/settings.js";

// a model stand-in: get/set/on/off with change:<name> events, as anywidget's proxy has
function fakeModel(traits) {
  const handlers = new Map();
  return {
    traits,
    get: (name) => traits[name],
    set(name, value) { traits[name] = value; for (const fn of handlers.get(`change:${name}`) || []) fn(); },
    on(event, fn) { handlers.set(event, [...(handlers.get(event) || []), fn]); },
    off(event, fn) { handlers.set(event, (handlers.get(event) || []).filter((f) => f !== fn)); },
  };
}

test("defaults, validation and change events", () => {
  const settings = createSettings({ smoothing: 0.9, x_axis: "bogus", nonsense: 1 });
  assert.equal(settings.get("smoothing"), 0.9);
  assert.equal(settings.get("x_axis"), SETTINGS.x_axis.value); // invalid choice ignored
  assert.throws(() => settings.get("nonsense"), /unknown setting/);
  const heard = [];
  settings.subscribe((name, value) => heard.push([name, value]));
  settings.set("smoothing", "0.5"); // a range input's string
  settings.set("smoothing", 0.5); // no change, no event
  settings.set("smoothing", 7); // clamped
  settings.set("log_y", "yes"); // not a boolean: ignored
  settings.set("tooltip_rows", 3.6);
  assert.deepEqual(heard, [["smoothing", 0.5], ["smoothing", 0.999], ["tooltip_rows", 4]]);
  assert.equal(settings.all().log_y, false);
});

test("bound to a dashboard's settings dict: both ways", () => {
  const model = fakeModel({ settings: { smoothing: 0.8 } });
  const saved = [];
  const { settings, unbind } = bindSettings(model, (name, value) => { saved.push(name); model.set(name, value); });
  assert.equal(settings.get("smoothing"), 0.8);
  settings.set("x_axis", "wall");
  assert.equal(model.traits.settings.x_axis, "wall");
  assert.equal(model.traits.settings.smoothing, 0.8);
  model.set("settings", { ...model.traits.settings, log_y: true }); // from Python
  assert.equal(settings.get("log_y"), true);
  unbind();
  model.set("settings", { ...model.traits.settings, log_y: false });
  assert.equal(settings.get("log_y"), true);
});

test("bound to a standalone view's own traits", () => {
  const model = fakeModel({ mode: "overlay", selected_runs: [] }); // a histograms view
  const { settings } = bindSettings(model, (name, value) => model.set(name, value));
  assert.equal(settings.get("histogram_mode"), "overlay");
  settings.set("histogram_mode", "offset");
  assert.equal(model.traits.mode, "offset");
  settings.set("smoothing", 0.1); // the view has no such trait: kept in the store only
  assert.equal(model.traits.smoothing, undefined);
  model.set("mode", "overlay");
  assert.equal(settings.get("histogram_mode"), "overlay");
});

test("the kernel's echo of an earlier save cannot undo a change still waiting to be sent", () => {
  const model = fakeModel({ settings: { card_width: 200 } });
  let pending = false; // a debounced save of "settings" not yet sent
  const save = (name, value) => { pending = true; model.set(name, value); };
  save.pending = () => pending;
  const { settings } = bindSettings(model, save);
  settings.set("card_width", 800);
  model.set("settings", { card_width: 200 }); // the echo of the save before: stale
  assert.equal(settings.get("card_width"), 800);
  pending = false; // sent; now the kernel's value is heard again
  model.set("settings", { card_width: 520 });
  assert.equal(settings.get("card_width"), 520);
});
