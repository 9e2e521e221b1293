// JupyterLab's theme as seen from a canvas: the --jp-* CSS variables of the element's
// context (light or dark, fallbacks for front ends without them), and a signal when the
// theme changes (Lab swaps the variables and flips body[data-jp-theme-light]).
//   themeColors(el) -> {fg, grid, bg, text}    onThemeChange(fn) -> unsubscribe

const FALLBACK = { fg: "#666", grid: "#e0e0e0", bg: "#fff", text: "#222" };

function cssVar(style, name, fallback) {
  return style.getPropertyValue(name).trim() || fallback;
}

// Colours for drawing on a canvas inside `el`: fg (axis labels), grid (grid lines),
// bg (the background behind the canvas), text (strong text, e.g. titles drawn on canvas).
export function themeColors(el) {
  const style = getComputedStyle(el);
  return {
    fg: cssVar(style, "--jp-ui-font-color2", FALLBACK.fg),
    grid: cssVar(style, "--jp-border-color2", FALLBACK.grid),
    bg: cssVar(style, "--jp-layout-color1", FALLBACK.bg),
    text: cssVar(style, "--jp-ui-font-color1", FALLBACK.text),
  };
}

const listeners = new Set();
let observer = null;

// fn() after the theme changed (JupyterLab's theme switch, or the OS scheme elsewhere).
export function onThemeChange(fn) {
  listeners.add(fn);
  if (!observer && typeof MutationObserver === "function" && document.body) {
    // again a little later: Lab flips the attributes while its new stylesheet may still be
    // loading, and a chart drawn then takes the old colours or a collapsed size
    const notify = () => {
      for (const delay of [0, 300, 1200]) setTimeout(() => { for (const listener of [...listeners]) listener(); }, delay);
    };
    observer = new MutationObserver(notify);
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light"] });
    if (typeof matchMedia === "function") matchMedia("(prefers-color-scheme: dark)").addEventListener("change", notify);
  }
  return () => listeners.delete(fn);
}
