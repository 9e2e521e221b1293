"""Scalars view: one chart per tag, runs overlaid, full resolution kept in the kernel.

Wire protocol (kernel -> browser; arrays are binary buffers):

- ``reset``: ``{runs, tags: {run: [tag, ...]}}``; the browser forgets everything else.
- ``catalog``: same fields, sent when runs or tags appear.
- ``series``: ``{run, tag, mode, total, step, wall, value[, smoothed, weight]}`` replaces what
  the browser holds for (run, tag). ``mode == "whole"``: every point (the browser smooths
  exactly itself). ``mode == "sampled"``: min/max per pixel column of the full series plus
  TensorBoard's smoothing computed here on the full series for ``weight``.
- ``append``: ``{run, tag, total, start, step, wall, value[, smoothed, weight]}`` new points
  (deltas only). A sampled series receives raw tail points until the tail grows past
  ``TAIL_LIMIT``, then one fresh ``series`` replaces it (bounded by pixels, not points).
- ``smoothed``: ``{run, tag, weight, smoothed}`` for a sampled series after the weight changed.

Browser -> kernel requests: ``range`` (refine a zoomed window of a sampled series) and
``csv`` (the full series of one tag as CSV text).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import traitlets

from jupyter_tb.compute.downsample import minmax_indices, sort_order
from jupyter_tb.compute.smoothing import EmaState, ema, smooth, smooth_with_state
from jupyter_tb.widgets.base import TaggedView, register_view
from jupyter_tb.widgets.views.group_series import GroupedScalars

WHOLE_LIMIT = 10_000  # series up to this many points are sent whole: every interaction exact
PIXELS = 1_000  # pixel columns a sampled overview is cut into (<= 4 points each)
# Points one view sends over all its series. Shared out by series count, so a board of 100 tags
# x 10 runs sends about 1M points (a 1,000-point overview each, refined on zoom), not 10M: a
# 230 MB snapshot outran the kernel's outgoing message queue and the board never loaded.
POINT_BUDGET = 1_000_000
MIN_PIXELS = 200  # the coarsest overview: still finer than a card is wide at small widths
TAIL_LIMIT = 2_000  # raw points appended to a sampled series before it is resampled


@dataclass
class _SentScalarSeries:
    """What the browser holds for one (run, tag): the whole series or a sampled overview."""

    mode: str  # "whole" or "sampled"
    count: int  # points of the full series already reflected in the browser
    indices: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # sampled only
    ema: EmaState | None = None  # smoothing state at `count` for the current weight (sampled)


def _ordered(series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    steps = np.asarray(series.steps)
    walls = np.asarray(series.wall_times, dtype=np.float64)
    values = np.asarray(series.values, dtype=np.float64)
    order = sort_order(steps)
    if order is not None:
        steps, walls, values = steps[order], walls[order], values[order]
    return steps.astype(np.float64), walls, values


@register_view(title="Scalars", order=10)
class Scalars(GroupedScalars, TaggedView):
    """Scalars of a logdir, live. ``jupyter_tb.scalars(logdir, tags=..., runs=...)``."""

    _kind = traitlets.Unicode("scalars").tag(sync=True)
    kinds = ("scalars",)

    smoothing = traitlets.Float(0.6, help="TensorBoard's EMA weight, 0 <= w < 1").tag(sync=True)
    x_axis = traitlets.Enum(("step", "relative", "wall"), "step").tag(sync=True)
    log_y = traitlets.Bool(False).tag(sync=True)
    ignore_outliers = traitlets.Bool(False).tag(sync=True)
    x_range = traitlets.List(
        traitlets.Float(), help="[x0, x1] the user zoomed to, [] when not zoomed (two-way)"
    ).tag(sync=True)

    @traitlets.validate("smoothing")
    def _check_smoothing(self, proposal):
        value = float(proposal["value"])
        if not 0.0 <= value < 1.0:
            raise traitlets.TraitError(f"smoothing must be in [0, 1), got {value}")
        return value

    # -- snapshot and deltas ----------------------------------------------------------------
    def reset_fields(self) -> dict:
        return {"smoothing": self.smoothing}

    def snapshot(self) -> list[dict]:
        self._series_count = sum(len(tags) for tags in self.catalog_message("reset")["tags"].values())
        return super().snapshot()

    def _limits(self) -> tuple[int, int]:
        """(most points a series is sent whole with, pixel columns of a sampled overview)."""
        count = max(getattr(self, "_series_count", 0), len(self.sent), 1)
        share = POINT_BUDGET // count
        return min(WHOLE_LIMIT, max(share, 4 * MIN_PIXELS)), min(PIXELS, max(MIN_PIXELS, share // 4))

    def series_messages(self, run: str, tag: str) -> list[dict]:
        message = self._delta_message(run, tag)
        return [] if message is None else [message]

    def _series_message(self, run: str, tag: str) -> dict:
        steps, walls, values = _ordered(self.logdir.scalars(run, tag))
        total = len(steps)
        message = {"type": "series", "run": run, "tag": tag, "total": total}
        whole_limit, pixels = self._limits()
        if total <= whole_limit:
            self.sent[(run, tag)] = _SentScalarSeries("whole", total)
            message.update(mode="whole", step=steps, wall=walls, value=values)
            return message
        chosen = minmax_indices(steps, values, pixels)
        smoothed_full, state = smooth_with_state(values, self.smoothing)
        self.sent[(run, tag)] = _SentScalarSeries("sampled", total, chosen, state)
        message.update(
            mode="sampled",
            step=steps[chosen],
            wall=walls[chosen],
            value=values[chosen],
            smoothed=smoothed_full[chosen],
            weight=self.smoothing,
        )
        return message

    def _delta_message(self, run: str, tag: str) -> dict | None:
        sent = self.sent.get((run, tag))
        if sent is None:
            return self._series_message(run, tag)
        series = self.logdir.scalars(run, tag)
        total = len(series)
        if total == sent.count:
            return None
        if total < sent.count or sort_order(series.steps[max(sent.count - 1, 0) :]) is not None:
            return self._series_message(run, tag)  # shrank or went back in steps: start over
        whole_limit, pixels = self._limits()
        if sent.mode == "whole" and total > whole_limit:
            return self._series_message(run, tag)
        if sent.mode == "sampled" and len(sent.indices) + total - sent.count > 4 * pixels + TAIL_LIMIT:
            return self._series_message(run, tag)
        start = sent.count
        steps = np.asarray(series.steps[start:], dtype=np.float64)
        walls = np.asarray(series.wall_times[start:], dtype=np.float64)
        values = np.asarray(series.values[start:], dtype=np.float64)
        message = {
            "type": "append",
            "run": run,
            "tag": tag,
            "total": total,
            "start": start,
            "step": steps,
            "wall": walls,
            "value": values,
        }
        if sent.mode == "sampled":
            smoothed, sent.ema = ema(values, self.smoothing, sent.ema)
            sent.indices = np.concatenate((sent.indices, np.arange(start, total)))
            message.update(smoothed=smoothed, weight=self.smoothing)
        sent.count = total
        return message

    # -- knobs changed in Python or by the browser ---------------------------------------------
    @traitlets.observe("smoothing")
    def _smoothing_changed(self, change) -> None:
        if not hasattr(self, "sent"):
            return
        with self._lock:
            for (run, tag), sent in list(self.sent.items()):
                if sent.mode != "sampled":
                    continue
                series = self.logdir.scalars(run, tag)
                values = np.asarray(series.values[: sent.count], dtype=np.float64)
                order = sort_order(series.steps[: sent.count])
                if order is not None:
                    values = values[order]
                smoothed, sent.ema = smooth_with_state(values, change["new"])
                self.post(
                    {
                        "type": "smoothed",
                        "run": run,
                        "tag": tag,
                        "weight": change["new"],
                        "smoothed": smoothed[sent.indices],
                    }
                )

    def request_range(
        self, run: str, tag: str, x0: float, x1: float, axis: str = "step", px: int = PIXELS
    ) -> dict:
        """Points of one series inside [x0, x1] on ``axis`` ("step" or "wall"), sampled to
        ``px`` columns, with smoothing computed on the full series."""
        steps, walls, values = _ordered(self.logdir.scalars(run, tag))
        x = walls if axis in ("wall", "relative") else steps
        if axis != "step" and sort_order(x) is not None:
            x = np.maximum.accumulate(x)  # wall clock stepped back: keep x monotonic
        px = int(min(max(px, 10), 4 * PIXELS))
        chosen = minmax_indices(x, values, px, x0, x1)
        smoothed = smooth(values, self.smoothing)[chosen]
        return {
            "run": run,
            "tag": tag,
            "x0": x0,
            "x1": x1,
            "axis": axis,
            "weight": self.smoothing,
            "step": steps[chosen],
            "wall": walls[chosen],
            "value": values[chosen],
            "smoothed": smoothed,
        }

    def request_csv(self, tag: str, runs: list[str] | None = None) -> dict:
        """The full-resolution series of ``tag`` for ``runs`` as CSV bytes."""
        out = io.StringIO()
        out.write("run,step,wall_time,value\n")
        for run in runs if runs is not None else self.run_names():
            if tag not in self.logdir.tags(run).get("scalars", []):
                continue
            series = self.logdir.scalars(run, tag)
            quoted = '"' + run.replace('"', '""') + '"'
            for step, wall, value in zip(
                series.steps.tolist(), series.wall_times.tolist(), series.values.tolist()
            ):
                out.write(f"{quoted},{step},{wall!r},{value!r}\n")
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in tag)
        return {"filename": f"{safe or 'scalars'}.csv", "csv": out.getvalue().encode()}
