// Units of the profile view: durations in µs (as traces hold them) and memory in bytes.
export function formatDuration(us) {
  if (!Number.isFinite(us)) return "";
  const a = Math.abs(us);
  if (a >= 1e6) return `${trim(us / 1e6)} s`;
  if (a >= 1e3) return `${trim(us / 1e3)} ms`;
  if (a >= 1 || a === 0) return `${trim(us)} µs`;
  return `${trim(us * 1e3)} ns`;
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes, u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  return `${trim(v)} ${units[u]}`;
}

function trim(v) {
  return Number(v.toPrecision(4)).toString();
}
