// One colour per run, the same in every view on the page. A run keeps the colour it got
// first for as long as the page lives (runs coming and going never recolour others), and
// different runs get different colours: each run prefers the palette slot its name hashes
// to and takes the next free one when another run has it; past the palette's 24 colours,
// further runs get generated hues.
const PALETTE = [
  "#ff7043", "#0077bb", "#009988", "#ee3377", "#5500ff", "#00cc00", "#bbaa00", "#dd77ff",
  "#665522", "#dd99bb", "#117711", "#1144cc", "#883377", "#ff00ff", "#993333", "#99bb77",
  "#ff22bb", "#dd9977", "#aa6600", "#ff0000", "#8800bb", "#55bbdd", "#9999ff", "#00bb77",
]; // chosen greedily for distance in CIELAB: no two closer than ΔE 30, none too pale on white

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
  const light = [0.42, 0.55, 0.32][k % 3];
  const a = 0.75 * Math.min(light, 1 - light); // saturation 75%
  const channel = (n) => {
    const at = (n + hue / 30) % 12;
    const v = light - a * Math.max(-1, Math.min(at - 3, 9 - at, 1));
    return Math.round(v * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

// A colour allocator: color(name) -> "#rrggbb", stable per name, distinct across names.
export function createRunColors(palette = PALETTE) {
  const assigned = new Map();
  const taken = new Set();
  let extra = 0;
  return function color(name) {
    let c = assigned.get(name);
    if (c) return c;
    const start = nameHash(name) % palette.length;
    for (let k = 0; k < palette.length && !c; k++) {
      const candidate = palette[(start + k) % palette.length];
      if (!taken.has(candidate)) c = candidate;
    }
    while (!c || taken.has(c)) c = extraColor(extra++);
    taken.add(c);
    assigned.set(name, c);
    return c;
  };
}

// The page's run colours (lib.js is loaded once per page, so every view shares them).
export const runColor = createRunColors();
