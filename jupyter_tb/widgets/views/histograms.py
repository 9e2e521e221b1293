"""Histograms (offset ridgeline / overlay) and distributions (nine percentile bands).

Both come from the reader's ``(k, 3)`` bucket arrays ``[left, right, count]`` through
:mod:`jupyter_tb.compute.histograms`:

- histograms: every step re-binned onto ``BINS`` common bins spanning all steps of the
  (run, tag);
- distributions: TensorBoard's nine basis points of every step.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``histogram``
``{run, tag, steps, wall, edges (BINS+1), counts (n, BINS)}`` (replace) or
``{..., append: true}`` with only new steps when they fit the current edges;
``distribution`` ``{run, tag, steps, wall, percentiles (n, 9)}`` (replace or append).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import traitlets

from jupyter_tb.compute.histograms import BASIS_POINTS, common_edges, percentiles, rebin
from jupyter_tb.widgets.base import TaggedView, register_view

BINS = 30


@dataclass
class _SentHistogramSteps:
    """What the browser holds for one (run, tag): how many of the kept steps, the last of
    them, the bin edges its histograms were sent on."""

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
        self.sent[(run, tag)] = _SentHistogramSteps(
            n, float(steps[-1]) if n else np.nan, payload.get("edges", np.zeros(0))
        )
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
            edges = common_edges(everything, BINS)
        else:
            fresh = common_edges(buckets, BINS)
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
