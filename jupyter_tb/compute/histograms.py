"""Histogram arithmetic over the reader's ``(k, 3)`` bucket arrays ``[left, right, count]``.

- :func:`rebin` / :func:`common_edges`: a histogram's counts on other bins, spread uniformly
  over each bucket's width, on bins spanning every bucket of the series (TensorBoard's
  histogram dashboard shows them the same way);
- :func:`percentiles`: TensorBoard's distribution values at the basis points
  :data:`BASIS_POINTS` (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000: min, ±1.5σ, ±1σ,
  ±0.5σ, median and max of a normal), by linear interpolation inside the bucket where the
  cumulative count crosses each target.
"""

from __future__ import annotations

import numpy as np

BASIS_POINTS = np.array([0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000], dtype=np.float64)


def _cumulative(buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Piecewise-linear cumulative count: x at bucket edges, F(x) there. Empty buckets at
    either end are dropped so the 0th/10000th basis points are the data's min/max."""
    buckets = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    nonzero = np.flatnonzero(buckets[:, 2] > 0)
    if len(nonzero) == 0:
        return np.zeros(0), np.zeros(0)
    buckets = buckets[nonzero[0] : nonzero[-1] + 1]
    xs = np.concatenate((buckets[:1, 0], buckets[:, 1]))
    # a zero-width bucket (all values equal) still needs increasing x for interpolation
    xs = np.maximum.accumulate(xs)
    xs = xs + np.arange(len(xs)) * np.finfo(np.float64).eps * np.maximum(np.abs(xs), 1.0)
    cum = np.concatenate(([0.0], np.cumsum(buckets[:, 2])))
    return xs, cum


def percentiles(buckets: np.ndarray) -> np.ndarray:
    """TensorBoard's nine distribution values (basis points) of one histogram.

    As TensorBoard does: basis point 0 is the first bucket's left edge, 10000 the last
    bucket's right edge, and inside the first non-empty bucket interpolation starts at
    that left edge."""
    buckets = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    nonzero = np.flatnonzero(buckets[:, 2] > 0)
    if len(nonzero) == 0:
        return np.full(len(BASIS_POINTS), np.nan)
    lowest, highest = buckets[0, 0], buckets[-1, 1]
    kept = buckets[nonzero[0] :].copy()
    kept[0, 0] = lowest
    xs = np.concatenate((kept[:1, 0], kept[:, 1]))
    if highest:  # TensorBoard clips edges to the last right edge (the recorded max), when not 0
        xs = np.minimum(xs, highest)
    xs = np.maximum(xs, lowest)
    cum = np.concatenate(([0.0], np.cumsum(kept[:, 2])))
    # on a plateau (empty bucket) np.interp takes its right end: the next bucket's left edge
    out = np.interp(BASIS_POINTS / 10000.0 * cum[-1], cum, xs)
    out[0], out[-1] = lowest, highest
    return out


def rebin(buckets: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts of one histogram on new ``edges`` (uniform density inside each bucket)."""
    xs, cum = _cumulative(buckets)
    if len(xs) == 0:
        return np.zeros(len(edges) - 1)
    at_edges = np.interp(edges, xs, cum, left=0.0, right=cum[-1])
    return np.diff(at_edges)


def common_edges(histograms: list[np.ndarray], bins: int) -> np.ndarray:
    """``bins + 1`` evenly spaced edges from the lowest bucket edge of all ``histograms`` to
    the highest, as TensorBoard's histogram dashboard bins them: every bucket's edges count,
    empty or not (a legacy histogram's empty first bucket may reach below its recorded min;
    TensorBoard's range includes it). Infinite edges are left out."""
    lows, highs = [], []
    for buckets in histograms:
        edges = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)[:, :2]
        edges = edges[np.isfinite(edges)]
        if len(edges):
            lows.append(edges.min())
            highs.append(edges.max())
    if not lows:
        return np.linspace(0.0, 1.0, bins + 1)
    low, high = min(lows), max(highs)
    if not high > low:  # one value: TensorBoard widens the range this way
        low, high = low / 1.1 - 1, high * 1.1 + 1
    return np.linspace(low, high, bins + 1)
