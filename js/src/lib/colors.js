// One colour per run, the same in every view on the page. A run keeps the colour it got
// first for as long as the page lives (runs coming and going never recolour others), and
// different runs get different colours: each run prefers the slot its name hashes to in the
// first tier of the palette that still has a free colour (the first SAFE colours stay apart
// under red-green and blue-yellow colour blindness too), taking the next free one of that
// tier when another run has it; past the palette's 24 colours, further runs get generated
// hues. Boards persist what their runs got (selection.js), so a reload changes nothing.
const PALETTE = [
  "#ff7043", "#0077bb", "#009988", "#ee3377", "#33bbee", "#00cc00", "#bbaa00", "#dd77ff",
  "#dd99cc", "#448822", "#cc9966", "#3377ff", "#cc00ff", "#ff00bb", "#ff0000", "#cc6666",
  "#dd8800", "#00bb77", "#99bb77", "#8855ff", "#88bb00", "#cc55aa", "#aa99ff", "#ff0044",
]; // greedy for distance in CIELAB from TensorBoard-like first picks: no two closer than
// ΔE 28, all of mid lightness (L* 48-72) so each reads on JupyterLab's light and dark themes
const SAFE = 5; // orange, blue, teal, magenta, cyan: ΔE >= 13 apart under simulated
// deuteranopia, protanopia and tritanopia (Machado 2009) as well

function nameHash(name) { // FNV-1a
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

// [r, g, b] of a "#rrggbb" colour (fallback for anything else).
export function hexToRgb(color, fallback = [80, 80, 80]) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : fallback;
}

// The k-th colour after the palette: golden-angle hues at three lightnesses, as "#rrggbb".
function extraColor(k) {
  const hue = (k * 137.508) % 360;
  const light = [0.5, 0.62, 0.42][k % 3]; // mid lightness, like the palette: readable on both themes
  const a = 0.75 * Math.min(light, 1 - light); // saturation 75%
  const channel = (n) => {
    const at = (n + hue / 30) % 12;
    const v = light - a * Math.max(-1, Math.min(at - 3, 9 - at, 1));
    return Math.round(v * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

// A colour allocator: color(name) -> "#rrggbb", stable per name, distinct across names.
// color.claim(name, c) gives `name` the colour `c` (a persisted or user-chosen one) so that
// later runs avoid it; a name already coloured keeps its colour.
export function createRunColors(palette = PALETTE, safe = SAFE) {
  const assigned = new Map();
  const taken = new Set();
  const tiers = [palette.slice(0, safe), palette.slice(safe)].filter((tier) => tier.length);
  let extra = 0;
  function color(name) {
    let c = assigned.get(name);
    if (c) return c;
    const hash = nameHash(name);
    for (const tier of tiers) {
      const start = hash % tier.length;
      for (let k = 0; k < tier.length && !c; k++) {
        const candidate = tier[(start + k) % tier.length];
        if (!taken.has(candidate)) c = candidate;
      }
      if (c) break;
    }
    while (!c || taken.has(c)) c = extraColor(extra++);
    taken.add(c);
    assigned.set(name, c);
    return c;
  }
  color.claim = (name, c) => {
    if (assigned.has(name)) return;
    assigned.set(name, c);
    taken.add(c);
  };
  return color;
}

// Is `color` a "#rrggbb" string (what persisted state and the colour picker hold)?
export function isHexColor(color) {
  return typeof color === "string" && /^#[0-9a-f]{6}$/i.test(color);
}

export { PALETTE };

// The page's run colours (lib.js is loaded once per page, so every view shares them).
export const runColor = createRunColors();
