"""HParams view: sessions table, parallel coordinates and scatter matrix of a logdir.

The table (:mod:`jupyter_tb.compute.hparams_table`) is small (one row per session), so it travels
whole: every column as one float64 buffer (categories as codes plus their labels). Sorting,
filtering, brushing and picking all happen in the browser.

Messages (kernel -> browser): ``reset`` / ``table`` ``{runs, status, start_time, end_time,
columns: [{name, group: hparam|metric, kind, values, categories}]}``; the table is sent
again only when it changed. Requests: ``session(run)`` -> the scalar series of that
session (see :meth:`HParams.request_session`), min/max-downsampled to about ``MAX_POINTS``.

Two-way: ``selected_sessions`` (runs of the sessions the user picked, in click order) is
written back by the browser and can be set from Python.
"""

from __future__ import annotations

import posixpath

import numpy as np
import traitlets

from jupyter_tb.compute.downsample import minmax_indices
from jupyter_tb.compute.hparams_table import SessionsTable, sessions_table
from jupyter_tb.widgets.base import View, register_view
from jupyter_tb.widgets.views.group_series import GroupedSessions

MAX_POINTS = 1000  # per series in the session detail charts (min/max per pixel column)


def _same(a: dict | None, b: dict) -> bool:
    """Equal wire tables (numpy columns compared by value, NaN equal to NaN)."""
    if a is None or [c["name"] for c in a["columns"]] != [c["name"] for c in b["columns"]]:
        return False
    if (a["runs"], a["status"]) != (b["runs"], b["status"]):
        return False
    pairs = [(a["start_time"], b["start_time"]), (a["end_time"], b["end_time"])]
    pairs += [(x["values"], y["values"]) for x, y in zip(a["columns"], b["columns"])]
    if any(x["categories"] != y["categories"] for x, y in zip(a["columns"], b["columns"])):
        return False
    return all(np.array_equal(x, y, equal_nan=True) for x, y in pairs)


@register_view(title="HParams", order=80)
class HParams(GroupedSessions, View):
    """Sessions of a hyperparameter search: table, parallel coordinates, scatter matrix.

    ``selected_sessions`` (list of run names) follows what the user clicks; set it from
    Python to highlight sessions. ``table()`` / ``to_pandas()`` give the data itself.
    """

    _kind = traitlets.Unicode("hparams").tag(sync=True)
    kinds = ("hparams",)
    selected_sessions = traitlets.List(
        traitlets.Unicode(), help="runs of the sessions picked in the browser (two-way)"
    ).tag(sync=True)

    def setup(self) -> None:
        self._sent: dict | None = None

    def table(self) -> SessionsTable:
        """The sessions table now (filtered by the ``runs`` regex)."""
        table = sessions_table(self.logdir)
        if self.runs:
            table = table.filter(run=self.runs)
        return table

    def to_pandas(self):
        return self.table().to_pandas()

    def snapshot(self) -> list[dict]:
        table = self.table()
        self._sent = table.to_wire()
        return [{"type": "reset", **self._sent, "groups": self.session_groups(table)}]

    def updates(self, changes: set) -> list[dict]:
        if not any(kind in ("hparams", "scalars") for _run, kind, _tag in changes):
            return []
        table = self.table()
        wire = table.to_wire()
        if _same(self._sent, wire):
            return []
        self._sent = wire
        return [{"type": "table", **wire, "groups": self.session_groups(table)}]

    def request_session(self, run: str) -> dict:
        """Scalar series of one session: its run's tags, its metric sub-runs' tags and, for
        torch/tensorboardX ``add_hparams`` (which writes the session into a sub-folder of the
        writer's run), the training scalars of that parent run."""
        table = self.table()
        if run not in table.runs:
            raise KeyError(f"no session {run!r}")
        runs = set(self.logdir.runs)
        sources = [(run, "")]
        for group in dict.fromkeys(g for g in table.metric_runs if g):
            sources.append((posixpath.normpath(posixpath.join(run, group)), group + "/"))
        parent = posixpath.dirname(run) or "."
        if run != "." and parent in runs and parent not in table.runs:
            sources.append((parent, ""))
        series, seen = [], set()
        for source, prefix in sources:
            if source not in runs:
                continue
            for tag in self.logdir.tags(source).get("scalars", []):
                name = prefix + tag
                if name in seen:
                    continue
                seen.add(name)
                s = self.logdir.scalars(source, tag)
                steps = np.asarray(s.steps, dtype=np.float64)
                values = np.asarray(s.values, dtype=np.float64)
                if len(steps) > MAX_POINTS:
                    keep = minmax_indices(steps, values, MAX_POINTS // 2)
                    steps, values = steps[keep], values[keep]
                series.append({"tag": name, "run": source, "steps": steps, "values": values})
        return {"run": run, "series": series}
