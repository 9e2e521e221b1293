// JupyterLab's theme as seen from a canvas: the --jp-* CSS variables of the element's
// context (light or dark, fallbacks for front ends without them), and a signal when the
// theme changes (Lab swaps the variables and flips body[data-jp-theme-light]).
//   themeColors(el) -> {fg, grid, bg, text, dark}    onThemeChange(fn) -> unsubscribe
//   isDarkColor(css) -> whether a CSS colour ("#rgb", "#rrggbb", "rgb(a)(...)") is dark

const FALLBACK = { fg: "#666", grid: "#e0e0e0", bg: "#fff", text: "#222" };

function cssVar(style, name, fallback) {
  return style.getPropertyValue(name).trim() || fallback;
}

// Colours for drawing on a canvas inside `el`: fg (axis labels), grid (grid lines),
// bg (the background behind the canvas), text (strong text, e.g. titles drawn on canvas),
// dark (the background is dark: fills drawn on it must be dark too, text light).
export function themeColors(el) {
  const style = getComputedStyle(el);
  const bg = cssVar(style, "--jp-layout-color1", FALLBACK.bg);
  return {
    fg: cssVar(style, "--jp-ui-font-color2", FALLBACK.fg),
    grid: cssVar(style, "--jp-border-color2", FALLBACK.grid),
    bg,
    text: cssVar(style, "--jp-ui-font-color1", FALLBACK.text),
    dark: isDarkColor(bg),
  };
}

// Relative luminance below 0.4 (JupyterLab Dark's backgrounds are ~0.02, Light's 1); a
// colour this cannot read (a name, var(...)) counts as light, the fallback theme.
export function isDarkColor(css) {
  const rgb = parseColor(css);
  if (!rgb) return false;
  const [r, g, b] = rgb.map((c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4;
}

function parseColor(css) {
  const text = String(css).trim().toLowerCase();
  let m = /^#([0-9a-f]{3,8})$/.exec(text);
  if (m) {
    const hex = m[1].length < 6 ? [...m[1].slice(0, 3)].map((c) => c + c).join("") : m[1].slice(0, 6);
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
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
