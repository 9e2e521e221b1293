// Number, tick and axis-label formatting shared by the canvas charts.
//   ticks(lo, hi, count)            linear ticks at 1-2-5 steps
//   logTicks(lo, hi, count)         ticks of a log10 axis (in log10 units): powers of ten, 1-2-5
//                                   within two decades, nice linear values within one
//   timeTicks(lo, hi, count, wall)  ticks over seconds at round time steps ({ticks, step});
//                                   wall: epoch seconds aligned to the local clock
//   axisLabels(kind, step, span)    label function for ticks of an axis: "step", "relative"
//                                   (humanised durations), "wall" (clock times as precise as
//                                   the step needs), "value", "log"
//   formatNumber / formatTick / formatDuration / formatWall / formatX for single values
function niceStep(span, count) {
  const raw = span / Math.max(count, 1);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
}

// multiples of `step` inside [lo, hi], shifted by `offset` (ticks at offset + k * step)
function multiples(lo, hi, step, offset = 0) {
  const out = [];
  for (let k = Math.ceil((lo - offset) / step - 1e-9); ; k++) {
    const v = offset + k * step;
    if (v > hi + step * 1e-9) break;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

export function ticks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  return multiples(lo, hi, niceStep(hi - lo, count));
}

export function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(6)).toString();
}

// An axis label: as short as the value allows ("1e-4", "2.5e+6", "0.35", "1200").
export function formatTick(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return Number(v.toPrecision(4)).toExponential().replace("e+", "e");
  return Number(v.toPrecision(10)).toString();
}

const MINUTE = 60, HOUR = 3600, DAY = 86400;
const DURATION_UNITS = [["d", DAY], ["h", HOUR], ["m", MINUTE], ["s", 1]];

// Seconds as people say them: "350ms", "45s", "1m 30s", "2h", "1d 4h" (two largest units).
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.abs(seconds);
  if (rest === 0) return "0s";
  if (rest < 1) return `${sign}${Number((rest * 1000).toPrecision(3))}ms`;
  if (rest < 60 && !Number.isInteger(rest)) return `${sign}${Number(rest.toPrecision(3))}s`;
  const parts = [];
  for (const [name, size] of DURATION_UNITS) {
    const whole = Math.floor(rest / size + 1e-9);
    if (whole > 0 || parts.length) {
      if (whole > 0) parts.push(`${whole}${name}`);
      rest -= whole * size;
      if (parts.length && (parts.length === 2 || rest < 1e-9)) break;
    }
  }
  return sign + parts.slice(0, 2).join(" ");
}

// round steps of a time axis, in seconds
const TIME_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

// seconds east of UTC of the local clock at epoch second t
const localOffset = (t) => -new Date(t * 1000).getTimezoneOffset() * 60;

// Ticks over [lo, hi] seconds at a round time step ({ticks, step}); `wall`: lo and hi are epoch
// seconds and the ticks land on round local clock times (whole minutes, hours, midnights).
export function timeTicks(lo, hi, count, wall = false) {
  if (!(hi > lo)) return { ticks: [lo], step: 1 };
  const raw = (hi - lo) / Math.max(count, 1);
  // the round step nearest the raw one (on a log scale), so about `count` ticks
  let step = TIME_STEPS.reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  if (raw > TIME_STEPS.at(-1)) step = niceStep((hi - lo) / DAY, count) * DAY;
  const offset = wall ? -localOffset(lo) : 0;
  return { ticks: multiples(lo, hi, step, offset), step };
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

// Epoch seconds as a local date and time to the second (or the millisecond when it has one).
export function formatWall(t) {
  if (!Number.isFinite(t)) return "";
  const d = new Date(t * 1000);
  const ms = d.getMilliseconds();
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${ms ? `.${pad(ms, 3)}` : ""}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// A wall-clock tick label with just the precision `step` needs; the day is added when the
// axis spans more than one.
function wallLabel(t, step, span) {
  const d = new Date(t * 1000);
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (step >= DAY) return day;
  let clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (step < MINUTE) clock += `:${pad(d.getSeconds())}`;
  if (step < 1) clock += `.${pad(d.getMilliseconds(), 3).replace(/0+$/, "") || "0"}`;
  return span > DAY ? `${day} ${clock}` : clock;
}

// The label function of an axis's ticks.
export function axisLabels(kind, step = 1, span = 0) {
  if (kind === "wall") return (t) => wallLabel(t, step, span);
  if (kind === "relative") return formatDuration;
  if (kind === "log") return (t) => formatTick(Math.pow(10, t));
  return formatTick;
}

// One x value as a readout shows it.
export function formatX(v, kind) {
  if (kind === "wall") return formatWall(v);
  if (kind === "relative") return formatDuration(v);
  return formatNumber(v);
}

// Ticks for a log10 axis spanning [lo, hi] (in log10 units), returned in log10 units: whole
// decades (every k-th over wide spans), 1-2-5 within two decades, nice linear values within
// one decade (or when the others give fewer than two ticks).
export function logTicks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const linear = () => ticks(Math.pow(10, lo), Math.pow(10, hi), count).filter((v) => v > 0).map((v) => Math.log10(v));
  if (hi - lo < 1) return linear(); // within a decade, round values say more than 1-2-5
  const out = [];
  const multipliers = hi - lo < 2 ? [1, 2, 5] : [1];
  const stride = multipliers.length > 1 ? 1 : Math.max(1, Math.ceil((hi - lo) / Math.max(count, 1)));
  for (let k = Math.floor(lo / stride) * stride; k <= Math.ceil(hi); k += stride) {
    for (const m of multipliers) {
      const t = k + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(t);
    }
  }
  return out.length >= 2 ? out : linear();
}
