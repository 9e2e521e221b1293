"""Histograms (offset ridgeline / overlay) and distributions (nine percentile bands).

Both are computed here from the reader's ``(k, 3)`` bucket arrays ``[left, right, count]``:

- histograms: every step re-binned onto ``BINS`` common bins spanning all steps of the
  (run, tag), counts spread uniformly over each bucket's width (TensorBoard's front end
  shows the same picture);
- distributions: TensorBoard's basis points 0, 668, 1587, 3085, 5000, 6915, 8413, 9332,
  10000 (min, ±1.5σ, ±1σ, ±0.5σ, median, max of a normal) by linear interpolation inside
  the bucket where the cumulative count crosses each target.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``histogram``
``{run, tag, steps, wall, edges (BINS+1), counts (n, BINS)}`` (replace) or
``{..., append: true}`` with only new steps when they fit the current edges;
``distribution`` ``{run, tag, steps, wall, percentiles (n, 9)}`` (replace or append).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import traitlets

from jupyter_tb.widgets.base import TaggedView, register_view

BINS = 30
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


def common_edges(histograms: list[np.ndarray], bins: int = BINS) -> np.ndarray:
    lows, highs = [], []
    for buckets in histograms:
        xs, _ = _cumulative(buckets)
        if len(xs):
            lows.append(xs[0])
            highs.append(xs[-1])
    if not lows:
        return np.linspace(0.0, 1.0, bins + 1)
    low, high = min(lows), max(highs)
    if not high > low:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


@dataclass
class _Sent:
    count: int
    last_step: float
    edges: np.ndarray


class _BucketView(TaggedView):
    """Shared machinery: both views read histogram data and send per-(run, tag) deltas."""

    kinds = ("histograms",)

    def series_messages(self, run: str, tag: str) -> list[dict]:
        series = self.logdir.histograms(run, tag)
        keep = self.kept(len(series), "histograms")
        n = len(keep)
        steps = np.asarray(series.steps, dtype=np.float64)[keep]
        walls = np.asarray(series.wall_times, dtype=np.float64)[keep]
        sent = self.sent.get((run, tag))
        start = 0
        # append only when the kept steps grew at the end (the reservoir did not drop any)
        if sent is not None and n > sent.count and steps[sent.count - 1] == sent.last_step:
            start = sent.count
        elif sent is not None and n == sent.count and n and steps[-1] == sent.last_step:
            return []
        buckets = [series[i] for i in keep[start:]]
        message = {"run": run, "tag": tag, "steps": steps[start:], "wall": walls[start:], "append": start > 0}
        edges = sent.edges if sent is not None and start > 0 else None
        payload = self.describe(buckets, edges, buckets if start == 0 else None)
        if payload is None:  # new data outside the current bins: send everything again
            buckets = [series[i] for i in keep]
            message.update(steps=steps, wall=walls, append=False)
            payload = self.describe(buckets, None, buckets)
        message.update(payload)
        self.sent[(run, tag)] = _Sent(n, float(steps[-1]) if n else np.nan, payload.get("edges", np.zeros(0)))
        return [message]

    def describe(self, buckets, edges, everything) -> dict | None:
        raise NotImplementedError


@register_view(title="Histograms", order=40)
class Histograms(_BucketView):
    """Histograms of a logdir: ``mode="offset"`` (ridgeline over steps) or ``"overlay"``."""

    _kind = traitlets.Unicode("histograms").tag(sync=True)
    mode = traitlets.Enum(("offset", "overlay"), "offset").tag(sync=True)

    def describe(self, buckets, edges, everything) -> dict | None:
        if edges is None:
            edges = common_edges(everything)
        else:
            fresh = common_edges(buckets)
            if fresh[0] < edges[0] or fresh[-1] > edges[-1]:
                return None
        counts = np.array([rebin(b, edges) for b in buckets], dtype=np.float32).reshape(-1, len(edges) - 1)
        return {"type": "histogram", "edges": edges, "counts": counts}


@register_view(title="Distributions", order=30)
class Distributions(_BucketView):
    """Distributions: TensorBoard's nine percentile bands of each histogram over steps."""

    _kind = traitlets.Unicode("distributions").tag(sync=True)

    def describe(self, buckets, edges, everything) -> dict | None:
        values = np.array([percentiles(b) for b in buckets], dtype=np.float64).reshape(-1, len(BASIS_POINTS))
        return {"type": "distribution", "percentiles": values}
