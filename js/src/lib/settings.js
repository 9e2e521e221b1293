// The board's settings (TensorBoard's right-hand settings panel): one store shared by the
// dashboard and every tab, so a change applies to every view at once without the kernel.
// Plain data + change events, like selection.js; the host binds it to the widget's synced
// state (the dashboard's `settings` dict, or a standalone view's own traits).
//
//   settings.get(name)            current value (the default when never set)
//   settings.set(name, value)     validated and clamped; listeners hear (name, value) on change
//   settings.subscribe(fn)        fn(name, value) after each change; returns unsubscribe
//   settings.all()                {name: value} of every setting
//   settings.update({name: v})    set several (e.g. from Python), one event per change

// name -> {value: default, kind, ...limits}; the one list of settings (the panel is built
// from it, Python mirrors the defaults in jupyter_tb/widgets/dashboard.py SETTINGS).
export const SETTINGS = {
  smoothing: { value: 0.6, kind: "number", min: 0, max: 0.999 },
  x_axis: { value: "step", kind: "choice", choices: ["step", "relative", "wall"] },
  ignore_outliers: { value: false, kind: "bool" },
  log_y: { value: false, kind: "bool" },
  card_width: { value: 360, kind: "number", min: 200, max: 1200 }, // min CSS px of a card column
  tooltip_sort: { value: "default", kind: "choice", choices: ["default", "ascending", "descending", "nearest"] },
  tooltip_rows: { value: 0, kind: "number", min: 0, max: 1000, integer: true }, // 0 = every run
  histogram_mode: { value: "offset", kind: "choice", choices: ["offset", "overlay"] },
  image_brightness: { value: 1, kind: "number", min: 0, max: 3 },
  image_contrast: { value: 1, kind: "number", min: 0, max: 3 },
  // run groups (lib/groups.js): the line, the band, members drawn faintly, which steps
  group_center: { value: "mean", kind: "choice", choices: ["mean", "median"] },
  group_band: { value: "std", kind: "choice", choices: ["std", "minmax", "ci95"] },
  group_members: { value: false, kind: "bool" },
  group_steps: { value: "union", kind: "choice", choices: ["union", "exact"] },
};

// `value` made valid for setting `name`, or undefined when it cannot be (unknown name,
// wrong type): a bad value from Python or an old saved state is ignored, never thrown.
export function validSetting(name, value) {
  const spec = SETTINGS[name];
  if (!spec) return undefined;
  if (spec.kind === "bool") return typeof value === "boolean" ? value : undefined;
  if (spec.kind === "choice") return spec.choices.includes(value) ? value : undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  const clamped = Math.min(spec.max, Math.max(spec.min, n));
  return spec.integer ? Math.round(clamped) : clamped;
}

export function createSettings(initial = {}) {
  const listeners = new Set();
  const values = {};
  for (const [name, spec] of Object.entries(SETTINGS)) values[name] = spec.value;
  for (const [name, value] of Object.entries(initial || {})) {
    const valid = validSetting(name, value);
    if (valid !== undefined) values[name] = valid;
  }
  const settings = {
    get(name) {
      if (!(name in SETTINGS)) throw new Error(`jupyter-tb: unknown setting ${JSON.stringify(name)}`);
      return values[name];
    },
    set(name, value) {
      const valid = validSetting(name, value);
      if (valid === undefined || valid === values[name]) return;
      values[name] = valid;
      for (const fn of [...listeners]) {
        try { fn(name, valid); } catch (error) { console.error(error); }
      }
    },
    update(changes) {
      for (const [name, value] of Object.entries(changes || {})) settings.set(name, value);
    },
    all() { return { ...values }; },
    subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); },
  };
  return settings;
}

// Setting -> the trait a standalone view of older days kept it in (scalars: smoothing,
// x_axis, log_y, ignore_outliers; histograms: mode; images: brightness, contrast).
const VIEW_TRAITS = {
  smoothing: "smoothing", x_axis: "x_axis", log_y: "log_y", ignore_outliers: "ignore_outliers",
  histogram_mode: "mode", image_brightness: "brightness", image_contrast: "contrast", group_steps: "group_steps",
};

// A store bound to a widget model: the dashboard's `settings` dict when the model has one,
// else the view's own traits of VIEW_TRAITS that it has. Changes are written back with
// save(name, value) (debounced model.set + save_changes) and the model's changes (Python,
// another view of the same model) flow in. Returns {settings, unbind}.
export function bindSettings(model, save) {
  const undo = [];
  // a change arriving while our own newer value of the trait waits to be sent is the kernel's
  // echo of an earlier save: applying it would undo the user's last change (see host.js saver)
  const listen = (trait, fn) => {
    const heard = () => { if (!(save.pending && save.pending(trait))) fn(); };
    model.on(`change:${trait}`, heard);
    undo.push(() => model.off(`change:${trait}`, heard));
  };
  let settings;
  if (model.get("settings") !== undefined) {
    settings = createSettings(model.get("settings"));
    undo.push(settings.subscribe(() => save("settings", settings.all())));
    listen("settings", () => settings.update(model.get("settings")));
  } else {
    const traits = Object.entries(VIEW_TRAITS).filter(([, trait]) => model.get(trait) !== undefined);
    settings = createSettings(Object.fromEntries(traits.map(([name, trait]) => [name, model.get(trait)])));
    const traitOf = new Map(traits);
    undo.push(settings.subscribe((name, value) => { if (traitOf.has(name)) save(traitOf.get(name), value); }));
    for (const [name, trait] of traits) listen(trait, () => settings.set(name, model.get(trait)));
  }
  return { settings, unbind() { for (const fn of undo.splice(0)) fn(); } };
}
