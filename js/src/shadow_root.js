// Views drawn inside a shadow root (marimo puts every anywidget in one), where neither the
// library's stylesheet in the document's head nor JupyterLab's --jp-* theme variables reach.
//   adoptStyles(el): the library's rules (the <style id="jupyter-tb-style"> lib.js puts in
//     the head), adopted into el's shadow root; one shared sheet per page.
//   followPageTheme(el, signal): the host page's dark theme (marimo: body.dark-theme) as
//     JupyterLab Dark's --jp-* values on el and Lab's body[data-jp-theme-light] flag, kept in
//     step with the page until signal aborts.
//     Light needs nothing: every var(--jp-*) in our CSS and lib/theme.js has a light fallback.
const SHEET = Symbol.for("jupyter_tb.shadowSheet");

// JupyterLab Dark's values of the --jp-* variables our CSS and canvases read ("name:value;...":
// the loader carrying this goes into every view's saved state, so it is kept short).
const DARK =
  "layout-color0:#111;layout-color1:#212121;layout-color2:#424242;layout-color3:#616161;" +
  "ui-font-color0:#fff;ui-font-color1:#ffffffde;ui-font-color2:#ffffff8a;ui-font-color3:#ffffff61;" +
  "ui-inverse-font-color1:#000c;border-color1:#616161;border-color2:#424242;border-color3:#212121;" +
  "brand-color1:#1976d2;brand-color3:#0d47a1;warn-color0:#ef6c00;warn-color1:#f57c00;error-color1:#d32f2f";

function shadowRootOf(el) {
  const root = el.getRootNode ? el.getRootNode() : null;
  return root && root !== document && root.adoptedStyleSheets ? root : null;
}

export function adoptStyles(el) {
  const root = shadowRootOf(el);
  const rules = document.getElementById("jupyter-tb-style");
  if (!root || !rules) return;
  if (!globalThis[SHEET]) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rules.textContent);
    globalThis[SHEET] = sheet;
  }
  if (!root.adoptedStyleSheets.includes(globalThis[SHEET])) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, globalThis[SHEET]];
  }
}

export function followPageTheme(el, signal) {
  // only where the host defines no theme of its own for us (not JupyterLab, not VS Code)
  if (!shadowRootOf(el) || getComputedStyle(el).getPropertyValue("--jp-layout-color1").trim()) return;
  const apply = () => {
    const dark = document.body.classList.contains("dark-theme");
    // JupyterLab's flag too: lib/theme.js redraws canvases when it flips, timeline.js reads it
    document.body.dataset.jpThemeLight = String(!dark);
    for (const [name, value] of DARK.split(";").map((pair) => pair.split(":"))) {
      if (dark) el.style.setProperty(`--jp-${name}`, value);
      else el.style.removeProperty(`--jp-${name}`);
    }
  };
  apply();
  const observer = new MutationObserver(apply);
  observer.observe(document.body, { attributes: true, attributeFilter: ["class"] });
  if (signal) signal.addEventListener("abort", () => observer.disconnect(), { once: true });
}
