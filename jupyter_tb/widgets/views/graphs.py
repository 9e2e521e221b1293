"""Graphs view: a run's GraphDef as an interactive DAG with collapsible name scopes.

The GraphDef becomes the column model of :mod:`jupyter_tb.compute.graph_model` (int32/uint8
buffers plus one strings table); the browser lays out and draws only the expanded part.

Messages (kernel -> browser): ``reset`` ``{runs, run}`` (runs holding a graph, the one
shown); ``graph`` ``{run, strings, name, parent, kind, op, device, dtype, shapes, n_ops,
attr_offsets, attr_key, attr_value, edge_src, edge_dst, edge_slot, edge_control, n_nodes}``
or ``{run, error}``. A graph is sent when first shown and again only when it changed.

Traits: ``run`` (the run whose graph is shown; the browser's run menu writes it) and
``selected_node`` (full name of the node the user clicked, two-way; setting it from
Python reveals and selects that node).
"""

from __future__ import annotations

import traitlets

from jupyter_tb.compute.graph_model import GraphModel, build_graph_model
from jupyter_tb.widgets.base import View, register_view


@register_view(title="Graphs", order=90)
class Graphs(View):
    """Model graph of a run (``add_graph`` of torch / tensorboardX, TF/Keras graph_def)."""

    _kind = traitlets.Unicode("graphs").tag(sync=True)
    kinds = ("graphs",)
    run = traitlets.Unicode("", help="run whose graph is shown ('' = the first one)").tag(sync=True)
    selected_node = traitlets.Unicode("", help="full name of the clicked node (two-way)").tag(sync=True)

    def setup(self) -> None:
        self._sent_run: str | None = None
        self._sent_runs: list[str] | None = None
        self._sent_key = None
        self._models: dict[str, tuple[int, GraphModel]] = {}

    def graph_runs(self) -> list[str]:
        return [r for r in self.run_names() if self.logdir.tags(r).get("graphs")]

    def model(self, run: str | None = None) -> GraphModel | None:
        """The graph model of ``run`` (default: the one shown), cached while unchanged."""
        run = run if run is not None else self._current()
        if run is None:
            return None
        graph = self.logdir.graph(run)
        if graph is None:
            return None
        key = graph.ByteSize(), hash(graph.SerializeToString(deterministic=True))
        cached = self._models.get(run)
        if cached is None or cached[0] != key:
            cached = (key, build_graph_model(graph))
            self._models[run] = cached
        return cached[1]

    def _current(self) -> str | None:
        runs = self.graph_runs()
        if self.run in runs:
            return self.run
        return runs[0] if runs else None

    def _graph_message(self, run: str) -> dict:
        try:
            model = self.model(run)
        except Exception as error:  # a damaged GraphDef: say so, keep the view alive
            return {"type": "graph", "run": run, "error": f"{type(error).__name__}: {error}"}
        if model is None:
            return {"type": "graph", "run": run, "error": "this run holds no graph"}
        self._sent_key = self._models[run][0]
        return {
            "type": "graph",
            "run": run,
            "strings": model.strings,
            "n_nodes": model.n_nodes,
            **model.arrays(),
        }

    def snapshot(self) -> list[dict]:
        runs = self.graph_runs()
        run = self._current()
        self._sent_run = run
        self._sent_runs = runs
        messages = [{"type": "reset", "runs": runs, "run": run or ""}]
        if run is not None:
            messages.append(self._graph_message(run))
        return messages

    def updates(self, changes: set) -> list[dict]:
        if not any(kind == "graphs" for _run, kind, _tag in changes):
            return []
        runs = self.graph_runs()
        run = self._current()
        messages = []
        if runs != self._sent_runs:
            self._sent_runs = runs
            messages.append({"type": "runs", "runs": runs, "run": run or ""})
        changed_here = any(r == run and kind == "graphs" for r, kind, _tag in changes)
        if run is not None and (run != self._sent_run or changed_here):
            before = self._sent_key if run == self._sent_run else None
            message = self._graph_message(run)
            if run != self._sent_run or self._sent_key != before:
                messages.append(message)
            self._sent_run = run
        return messages

    @traitlets.observe("run")
    def _run_changed(self, change) -> None:
        if not getattr(self, "_started", False):
            return
        with self._lock:  # never interleaved with a watcher-thread update
            run = self._current()
            if run is not None and run != self._sent_run:
                self._sent_run = run
                self.post(self._graph_message(run))
