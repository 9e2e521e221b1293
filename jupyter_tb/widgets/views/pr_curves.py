"""PR curves view: per tag, runs overlaid (precision against recall), a step selector per
run, hover readout of the counts at a threshold, and a clicked threshold back in Python.

Every kept step's curve is in the browser (float32), so choosing steps and hovering work
while the kernel is busy; new steps arrive as deltas.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``curves``
``{run, tag, replace, steps, wall, thresholds, data}`` where ``data`` is float32
(k, 6, n_thresholds), rows TP, FP, TN, FN, precision, recall; ``replace`` false appends
the k steps to what the browser holds (a purge or ``--samples_per_plugin`` sends it whole).
Browser -> kernel: the two-way trait ``selected_threshold``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb.widgets.base import TaggedView, register_view


@register_view(title="PR curves", order=50)
class PrCurves(TaggedView):
    _kind = traitlets.Unicode("pr_curves").tag(sync=True)
    kinds = ("pr_curves",)

    selected_threshold = traitlets.Dict(
        help="the point the user clicked (two-way): {run, tag, step, threshold, precision, "
        "recall}; {} when none is pinned"
    ).tag(sync=True)

    def series_messages(self, run: str, tag: str) -> list[dict]:
        series = self.logdir.pr_curves(run, tag)
        total = len(series)
        sampled = self.kept(total, "pr_curves")
        before = self.sent.get((run, tag), 0)
        whole = len(sampled) != total or before > total or before == 0
        if not whole and before == total:
            return []  # the browser has every step
        picked = np.asarray(sampled if whole else range(before, total), dtype=np.int64)
        self.sent[(run, tag)] = total
        return [
            {
                "type": "curves",
                "run": run,
                "tag": tag,
                "replace": bool(whole),
                "steps": np.asarray(series.steps, dtype=np.float64)[picked],
                "wall": np.asarray(series.wall_times, dtype=np.float64)[picked],
                "thresholds": np.asarray(series.thresholds, dtype=np.float32),
                "data": np.ascontiguousarray(series.data[picked], dtype=np.float32),
            }
        ]
