// Stable colour per run: derived from the run's name, so it never changes when runs come and go.
const PALETTE = [
  "#ff7043", "#0077bb", "#cc3311", "#33bbee", "#ee3377", "#009988",
  "#bbbbbb", "#e69f00", "#56b4e9", "#009e73", "#9467bd", "#8c564b",
];

export function runColor(name) {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}
