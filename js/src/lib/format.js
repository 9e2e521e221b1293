// Number, tick and axis-label formatting shared by the canvas charts.
function niceStep(span, count) {
  const raw = span / Math.max(count, 1);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
}

export function ticks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, count);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(6)).toString();
}

export function formatX(v, kind) {
  if (kind === "wall") return new Date(v * 1000).toLocaleTimeString();
  if (kind === "relative") {
    if (Math.abs(v) < 120) return `${formatNumber(v)}s`;
    if (Math.abs(v) < 7200) return `${formatNumber(v / 60)}m`;
    return `${formatNumber(v / 3600)}h`;
  }
  return formatNumber(v);
}

// Ticks for a log10 axis spanning [lo, hi] (in log10 units): 1-2-5 steps within short
// spans, whole decades otherwise. Returned in log10 units.
export function logTicks(lo, hi, count) {
  const out = [];
  const multipliers = hi - lo < 2 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil((hi - lo) / Math.max(count, 1)));
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k += multipliers.length > 1 ? 1 : stride) {
    for (const m of multipliers) {
      const t = k + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(t);
    }
  }
  return out.length >= 2 ? out : ticks(lo, hi, count);
}
