"""Profile view: torch.profiler traces of a run (one profiling cycle at a time) as an overview
of the steps, the operator and kernel tables, memory over time, a comparison with another
cycle, and the timeline of every span.

The tables come from :mod:`jupyter_tb.compute.profile_tables`; the timeline's spans travel as
binary columns (start, duration, name code, row offsets) and the browser draws only what is
visible. The trace is parsed on the reader thread (its bytes count in the board's progress).

Messages (kernel -> browser): ``reset`` ``{profiles: {run: [cycle, ...]}, run, cycle}``;
``profiles`` (the same catalog when it changed); ``profile`` ``{run, cycle, operators,
operators_by_shape, steps, kernels, memory, timeline}`` or ``{run, cycle, error}``;
``compare`` ``{run, cycle, table}`` (the shown cycle against ``compare_run``/``compare_cycle``).

Traits (two-way): ``run`` and ``cycle`` (shown; '' = first run, newest cycle),
``compare_run`` / ``compare_cycle`` (the other side of the comparison), ``selected_operator``
(the operator row clicked; its spans are highlighted in the timeline).
"""

from __future__ import annotations

import traitlets

from jupyter_tb.compute import profile_tables as tables
from jupyter_tb.widgets.base import View, register_view


@register_view(title="Profile", order=120)
class Profile(View):
    """torch.profiler traces (``tensorboard_trace_handler``) and any Chrome trace JSON."""

    _kind = traitlets.Unicode("profile").tag(sync=True)
    kinds = ("profile",)
    run = traitlets.Unicode("", help="run shown ('' = the first with a trace)").tag(sync=True)
    cycle = traitlets.Unicode("", help="trace file shown, as worker.timestamp ('' = the newest)").tag(
        sync=True
    )
    compare_run = traitlets.Unicode("", help="run of the cycle compared against").tag(sync=True)
    compare_cycle = traitlets.Unicode("", help="cycle compared against ('' = none)").tag(sync=True)
    selected_operator = traitlets.Unicode("", help="operator clicked in the table (two-way)").tag(sync=True)

    def setup(self) -> None:
        self._sent_catalog = None
        self._sent_key = None  # (run, cycle) last sent

    def catalog(self) -> dict[str, list[str]]:
        return {run: cycles for run in self.run_names() if (cycles := self.logdir.tags(run).get("profile"))}

    def _current(self, catalog: dict) -> tuple[str, str] | None:
        if not catalog:
            return None
        run = self.run if self.run in catalog else next(iter(catalog))
        cycles = catalog[run]
        return run, self.cycle if self.cycle in cycles else cycles[-1]

    def _profile_message(self, run: str, cycle: str) -> dict:
        self._sent_key = (run, cycle)
        try:
            trace = self.logdir.profile(run).trace(cycle)
            tree = tables.call_tree(trace)  # the span nesting every table starts from, built once
            return {
                "type": "profile",
                "run": run,
                "cycle": cycle,
                "operators": tables.operator_table(trace, tree=tree),
                "operators_by_shape": tables.operator_table(trace, group_by_shape=True, tree=tree),
                "steps": tables.step_table(trace, tree),
                "kernels": tables.kernel_table(trace, tree),
                "memory": tables.memory_series(trace, tree),
                "timeline": _timeline_wire(tables.timeline(trace, tree)),
                "events": len(trace),
            }
        except Exception as error:  # a trace the tables cannot take: say so, keep the view
            return {
                "type": "profile",
                "run": run,
                "cycle": cycle,
                "error": f"{type(error).__name__}: {error}",
            }

    def snapshot(self) -> list[dict]:
        catalog = self.catalog()
        current = self._current(catalog)
        self._sent_catalog = catalog
        self._sent_key = None
        run, cycle = current or ("", "")
        messages = [{"type": "reset", "profiles": catalog, "run": run, "cycle": cycle}]
        if current is not None:
            messages.append(self._profile_message(*current))
            if self.compare_cycle:
                messages.append(self._compare_message())
        return messages

    def updates(self, changes: set) -> list[dict]:
        if not any(kind == "profile" for _run, kind, _tag in changes):
            return []
        messages = []
        catalog = self.catalog()
        if catalog != self._sent_catalog:
            self._sent_catalog = catalog
            messages.append({"type": "profiles", "profiles": catalog})
        current = self._current(catalog)
        if current is not None and (
            current != self._sent_key or (current[0], "profile", current[1]) in changes
        ):
            messages.append(self._profile_message(*current))
        return messages

    def _compare_message(self) -> dict:
        run, cycle = self._sent_key or ("", "")
        other_run = self.compare_run or run
        try:
            base = tables.operator_table(self.logdir.profile(run).trace(cycle or None))
            other = tables.operator_table(self.logdir.profile(other_run).trace(self.compare_cycle or None))
            table = tables.compare_operators(base, other)
        except Exception as error:
            return {"type": "compare", "error": f"{type(error).__name__}: {error}"}
        return {"type": "compare", "run": other_run, "cycle": self.compare_cycle, "table": table}

    @traitlets.observe("run", "cycle")
    def _shown_changed(self, _change) -> None:
        if not getattr(self, "_started", False):
            return
        with self._lock:  # never interleaved with a watcher-thread update
            current = self._current(self.catalog())
            if current is not None and current != self._sent_key:
                self.post(self._profile_message(*current))

    @traitlets.observe("compare_run", "compare_cycle")
    def _compare_changed(self, _change) -> None:
        if getattr(self, "_started", False) and self.compare_cycle:
            with self._lock:
                self.post(self._compare_message())

    def request_event(self, index: int) -> dict:
        """One span's full JSON object (the timeline's click details), read back from its file."""
        run, cycle = self._sent_key or ("", "")
        event = self.logdir.profile(run).event(int(index), cycle)
        return {"event": event}


def _timeline_wire(layout: dict) -> dict:
    """The timeline's columns in the browser's dtypes (durations as float32 halve the bytes;
    starts stay float64: µs over seconds need it)."""
    out = dict(layout)
    out["dur"] = layout["dur"].astype("float32")
    out["cat"] = layout["cat"].astype("int16")
    return out
