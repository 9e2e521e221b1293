// TensorBoard's debiased EMA (same formula as jupyter_tb/compute/smoothing.py): over finite values,
// last = w*last + (1-w)*v; smoothed = last / (1 - w^k). Non-finite values pass through;
// a constant series is left as it is.
export const MAX_WEIGHT = 0.999;

export function smooth(values, weight, n = values.length) {
  const w = Math.min(Math.max(weight, 0), MAX_WEIGHT);
  const out = new Float64Array(n);
  let constant = true;
  for (let i = 1; i < n; i++) if (values[i] !== values[0]) { constant = false; break; }
  let last = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (constant || !Number.isFinite(v)) { out[i] = v; continue; }
    last = last * w + (1 - w) * v;
    count += 1;
    out[i] = w > 0 ? last / (1 - Math.pow(w, count)) : v;
  }
  return out;
}
