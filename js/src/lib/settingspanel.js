// The settings panel (TensorBoard's right-hand one): a gear button and a panel of labelled
// controls over a settings store (settings.js). Controls follow the store, so a change from
// Python or another panel shows here too.
//   const panel = createSettingsPanel(settings, {groups}); panel.button, panel.el, panel.destroy()
import { h } from "./dom.js";
import { SETTINGS } from "./settings.js";

// Panel groups in order: [title, [[setting, label, hook, control options], ...]].
// The hooks are the data-jtb-* attributes of the DOM contract (js/src/host.js).
const GROUPS = {
  general: ["General", [["card_width", "Card width", "card-width", { step: 20, unit: "px" }]]],
  scalars: ["Scalars", [
    ["smoothing", "Smoothing", "smoothing", { step: 0.001, digits: 3 }],
    ["x_axis", "X axis", "x-axis", { names: { step: "Step", relative: "Relative", wall: "Wall" } }],
    ["ignore_outliers", "Ignore outliers in chart scaling", "ignore-outliers"],
    ["log_y", "Log scale (y)", "log-y"],
    ["tooltip_sort", "Tooltip sorting", "tooltip-sort", { names: { default: "Default", ascending: "Ascending", descending: "Descending", nearest: "Nearest" } }],
    ["tooltip_rows", "Tooltip rows (0 = all)", "tooltip-rows", { number: true }],
  ]],
  groups: ["Run groups", [
    ["group_center", "Group line", "group-center", { names: { mean: "Mean", median: "Median" } }],
    ["group_band", "Group band", "group-band", { names: { std: "± std", minmax: "Min – max", ci95: "95% CI of the mean" } }],
    ["group_members", "Show members faintly", "group-members"],
    ["group_steps", "Group steps", "group-steps", { names: { union: "Union (interpolated)", exact: "Exact only" } }],
  ]],
  histograms: ["Histograms", [["histogram_mode", "Mode", "histogram-mode", { names: { offset: "Offset", overlay: "Overlay" } }]]],
  images: ["Images", [
    ["image_brightness", "Brightness", "brightness", { step: 0.01, digits: 2 }],
    ["image_contrast", "Contrast", "contrast", { step: 0.01, digits: 2 }],
  ]],
};

// The groups a view of `kind` shows alone (the dashboard shows them all).
export const GROUPS_OF_KIND = {
  scalars: ["general", "scalars", "groups"], custom_scalars: ["scalars", "groups"],
  histograms: ["histograms"], distributions: [], images: ["general", "images"],
};
export const ALL_GROUPS = Object.keys(GROUPS);

// One control for a setting: {el, show(value)}; input events set the store.
function control(settings, name, label, hook, opts = {}) {
  const spec = SETTINGS[name];
  const attr = `data-jtb-${hook}`;
  let input, show;
  if (spec.kind === "bool") {
    input = h("input", { type: "checkbox", [attr]: "" });
    input.addEventListener("change", () => settings.set(name, input.checked));
    show = (v) => { input.checked = v; };
    return { el: h("label", { class: "jtb-setting jtb-setting-check" }, [input, h("span", { text: label })]), show };
  }
  if (spec.kind === "choice") {
    input = h("select", { class: "jtb-input", [attr]: "" },
      spec.choices.map((c) => h("option", { value: c, text: (opts.names || {})[c] || c })));
    input.addEventListener("change", () => settings.set(name, input.value));
    show = (v) => { input.value = v; };
    return { el: h("label", { class: "jtb-setting" }, [h("span", { text: label }), input]), show };
  }
  if (opts.number) {
    input = h("input", { type: "number", class: "jtb-input", min: String(spec.min), max: String(spec.max), step: "1", [attr]: "" });
    input.addEventListener("change", () => settings.set(name, input.value));
    show = (v) => { if (input.value === "" || Number(input.value) !== v) input.value = String(v); };
    return { el: h("label", { class: "jtb-setting" }, [h("span", { text: label }), input]), show };
  }
  input = h("input", { type: "range", class: "jtb-slider", min: String(spec.min), max: String(spec.max), step: String(opts.step), [attr]: "" });
  const text = (v) => (opts.unit ? `${Math.round(v)} ${opts.unit}` : v.toFixed(opts.digits));
  const value = h("span", { class: "jtb-value", [`${attr}-value`]: "" });
  input.addEventListener("input", () => { value.textContent = text(Number(input.value)); settings.set(name, input.value); });
  show = (v) => { if (Number(input.value) !== v) input.value = String(v); value.textContent = text(v); };
  return {
    el: h("label", { class: "jtb-setting" }, [h("span", { text: label }), h("span", { class: "jtb-setting-row" }, [input, value])]),
    show,
  };
}

// onToggle(open) after the panel opened or closed (the shell makes room for an overlay).
export function createSettingsPanel(settings, { groups = ALL_GROUPS, onToggle = () => {} } = {}) {
  const controls = new Map();
  const close = h("button", { class: "jtb-button jtb-icon", type: "button", "aria-label": "Close settings", text: "×" });
  const el = h("aside", { class: "jtb-settings", "data-jtb-settings": "", role: "region", "aria-label": "Settings", hidden: true }, [
    h("div", { class: "jtb-settings-head" }, [h("span", { class: "jtb-label", text: "Settings" }), close]),
  ]);
  for (const key of groups) {
    if (!GROUPS[key]) continue;
    const [title, items] = GROUPS[key];
    const section = h("fieldset", { class: "jtb-settings-group", "data-jtb-settings-group": key }, [h("legend", { text: title })]);
    for (const [name, label, hook, opts] of items) {
      const c = control(settings, name, label, hook, opts);
      c.show(settings.get(name));
      controls.set(name, c);
      section.append(c.el);
    }
    el.append(section);
  }
  const button = h("button", {
    class: "jtb-button jtb-icon", type: "button", "data-jtb-settings-toggle": "",
    "aria-label": "Settings", "aria-expanded": "false", title: "Settings", text: "⚙",
  });
  const setOpen = (open) => {
    el.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    onToggle(open);
  };
  button.addEventListener("click", () => {
    setOpen(el.hidden);
    if (!el.hidden) { const first = el.querySelector("input, select"); if (first) first.focus({ preventScroll: true }); }
  });
  close.addEventListener("click", () => { setOpen(false); button.focus(); });
  el.addEventListener("keydown", (event) => { if (event.key === "Escape") { setOpen(false); button.focus(); } });
  const unsubscribe = settings.subscribe((name, value) => { if (controls.has(name)) controls.get(name).show(value); });
  return { el, button, setOpen, destroy() { unsubscribe(); el.remove(); button.remove(); } };
}
