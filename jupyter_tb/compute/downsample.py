"""Pick the points worth drawing: min/max per pixel column over a visible x range.

A line chart ``px`` pixels wide cannot show more than the first, last, lowest and highest
point of each pixel column; keeping exactly those (by index, so step, wall time and value
stay aligned) draws the same picture as the full series, spikes included. Work is O(n) with
numpy; the result has at most ``4 * px + 2`` points whatever the series length.
"""

from __future__ import annotations

import numpy as np


def visible_slice(x: np.ndarray, x0: float | None, x1: float | None) -> slice:
    """Index range of sorted ``x`` inside [x0, x1], widened by one point each side so the
    line continues to the chart's edges."""
    lo = 0 if x0 is None else max(int(np.searchsorted(x, x0, side="left")) - 1, 0)
    hi = len(x) if x1 is None else min(int(np.searchsorted(x, x1, side="right")) + 1, len(x))
    return slice(lo, max(lo, hi))


def minmax_indices(x, y, px: int, x0: float | None = None, x1: float | None = None) -> np.ndarray:
    """Sorted indices into ``x``/``y`` of the first, last, min and max point of each of
    ``px`` equal-width x buckets over [x0, x1] (default: the data's range).

    ``x`` must be sorted ascending (steps and wall times of one run are; see
    :func:`sort_order`). Non-finite ``y`` values are never chosen as min/max but bucket
    edges still keep the line's shape.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if px < 1:
        raise ValueError(f"px must be >= 1, got {px}")
    window = visible_slice(x, x0, x1)
    start = window.start
    xs, ys = x[window], y[window]
    n = len(xs)
    if n <= 4 * px + 2:
        return np.arange(start, start + n)
    lo = xs[0] if x0 is None else max(float(x0), xs[0])
    hi = xs[-1] if x1 is None else min(float(x1), xs[-1])
    span = hi - lo
    if not span > 0:
        buckets = np.zeros(n, dtype=np.int64)
    else:
        buckets = np.clip(((xs - lo) * (px / span)).astype(np.int64), 0, px - 1)
    # boundaries of runs of equal bucket id (x sorted, so buckets are non-decreasing)
    firsts = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    lasts = np.r_[firsts[1:] - 1, n - 1]
    finite = np.isfinite(ys)
    low = np.where(finite, ys, np.inf)
    high = np.where(finite, ys, -np.inf)
    mins = np.minimum.reduceat(low, firsts)
    maxs = np.maximum.reduceat(high, firsts)
    owner = np.repeat(np.arange(len(firsts)), lasts - firsts + 1)
    # first index in each bucket reaching its min (resp. max)
    hit_min = np.flatnonzero(low == mins[owner])
    hit_max = np.flatnonzero(high == maxs[owner])
    argmins = hit_min[np.r_[True, owner[hit_min][1:] != owner[hit_min][:-1]]] if len(hit_min) else hit_min
    argmaxs = hit_max[np.r_[True, owner[hit_max][1:] != owner[hit_max][:-1]]] if len(hit_max) else hit_max
    chosen = np.unique(np.concatenate((firsts, lasts, argmins, argmaxs)))
    return chosen + start


def sort_order(x) -> np.ndarray | None:
    """``None`` when ``x`` is already non-decreasing, else a stable argsort.

    Restarted runs can log steps out of order; downsampling by x needs them sorted.
    """
    x = np.asarray(x)
    if len(x) < 2 or bool(np.all(x[1:] >= x[:-1])):
        return None
    return np.argsort(x, kind="stable")
