"""Public entry points: ``board(logdir)``, one function per view kind, ``projector(array)``.

Each returns a live widget; the ``%tensorboard`` magic is a thin layer over :func:`board`.
One reader (and watcher thread) serves every widget of the same logdir in this kernel
(:mod:`jupyter_tb.widgets.live_source`); ``close(logdir)`` stops it.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_tb.widgets.live_source import close_source, open_source, open_sources

__all__ = [
    "audio",
    "board",
    "close",
    "close_all",
    "custom_scalars",
    "distributions",
    "graphs",
    "histograms",
    "hparams",
    "images",
    "mesh",
    "pr_curves",
    "profile",
    "projector",
    "scalars",
    "text",
    "watch",
]


def _source(logdir, reload_interval: float, samples_per_plugin, logdir_spec):
    if logdir_spec:
        from jupyter_tb.widgets.live_source import open_spec_source

        return open_spec_source(logdir_spec, reload_interval, samples_per_plugin)
    if logdir is None:
        raise ValueError("give a logdir, e.g. jupyter_tb.board('runs')")
    return open_source(logdir, reload_interval, samples_per_plugin)


def _view(cls, logdir, reload_interval=1.0, samples_per_plugin=None, logdir_spec=None, **traits):
    source = _source(logdir, reload_interval, samples_per_plugin, logdir_spec)
    return cls(source, **traits)


def board(
    logdir=None,
    *,
    reload_interval: float = 1.0,
    samples_per_plugin: dict | None = None,
    logdir_spec: dict[str, str] | None = None,
    **options: Any,
):
    """A live dashboard of ``logdir`` (path or fsspec URL): one tab per kind of data.

    ``options`` are traits of the dashboard: ``runs`` / ``tags`` (regex filters),
    ``height`` (pixels), ``selected_runs``, ``saved_bytes`` (data a saved notebook keeps of
    the board, default 1 MB, 0 = none). ``logdir_spec`` maps names to logdirs shown
    together (runs appear as ``name/run``).
    """
    from jupyter_tb.widgets.dashboard import Dashboard

    return _view(Dashboard, logdir, reload_interval, samples_per_plugin, logdir_spec, **options)


def _registered(kind: str, doc: str):
    """The per-kind function of a view registered under ``kind`` (see widgets/base.py)."""

    def show(logdir=None, **options: Any):
        from jupyter_tb.widgets.base import registered_views

        for info in registered_views():
            if info.kind == kind:
                return _view(info.cls, logdir, **options)
        raise NotImplementedError(f"no {kind!r} view is installed")

    show.__name__ = show.__qualname__ = kind
    show.__doc__ = doc + "\n\n    Options as for :func:`board` plus the view's own traits."
    return show


scalars = _registered(
    "scalars", 'Scalars only, e.g. ``scalars("runs", tags="loss/.*", runs="lr=.*", smoothing=0.9)``.'
)
images = _registered("images", "Images only: per tag one image per run, a step slider.")
histograms = _registered("histograms", 'Histograms only (``mode="offset"`` ridgeline or ``"overlay"``).')
distributions = _registered(
    "distributions", "Distributions: TensorBoard's nine percentile bands of each histogram over steps."
)
pr_curves = _registered(
    "pr_curves",
    "PR curves only: per tag the runs' curves, a step per run; "
    "``selected_threshold`` holds the point the user clicked.",
)
audio = _registered("audio", "Audio only: per tag a player per run, a step slider and the clip's label.")
custom_scalars = _registered(
    "custom_scalars", "The custom scalars layout (``add_custom_scalars``): multiline and margin charts."
)
mesh = _registered("mesh", "Meshes (``add_mesh``) as 3-D point clouds.")
text = _registered("text", "Text only: markdown (sanitised) per run with a step slider.")
hparams = _registered("hparams", "HParams only: the sessions table, parallel coordinates and scatter matrix.")
graphs = _registered("graphs", "Model graphs only: the GraphDef as an interactive DAG.")
profile = _registered(
    "profile",
    "torch.profiler traces only (``tensorboard_trace_handler(run_dir)``): steps, operators, kernels, "
    "memory, comparison and the timeline; ``run`` / ``cycle`` pick the trace shown.",
)


def projector(
    data=None,
    metadata=None,
    *,
    images=None,
    reload_interval: float = 1.0,
    projection_options: dict | None = None,
    **traits: Any,
):
    """The embedding projector for a logdir (its ``add_embedding`` files, live) or an array.

    ``data``: a logdir path or fsspec URL, or a (points x features) numpy array, torch
    tensor or DataFrame. ``metadata``: for arrays, a DataFrame (one column per field), a
    dict of columns or a list of labels. ``images``: for arrays, one thumbnail per point
    (NCHW or NHW, as ``add_embedding``'s ``label_img``). ``projection_options``: per-method
    keyword arguments, e.g. ``{"tsne": {"perplexity": 50, "max_points": 10000}}``.
    ``traits``: ``method`` ("pca", "tsne", "umap"), ``dims`` (2 or 3), ``color_by``,
    ``label_by``, ``search``, ``metric``, ``neighbors``, ``height``.
    """
    from jupyter_tb.widgets.views.projector import Projector, array_dataset

    if data is None:
        raise ValueError("give a logdir or an array, e.g. jupyter_tb.projector(vectors, metadata=df)")
    if isinstance(data, (str, os.PathLike)):
        if metadata is not None or images is not None:
            raise ValueError("metadata= and images= are for arrays; a logdir brings its own files")
        return Projector(open_source(data, reload_interval), projection_options=projection_options, **traits)
    dataset = array_dataset(data, metadata, images)
    return Projector(None, dataset=dataset, projection_options=projection_options, **traits)


def close(logdir) -> bool:
    """Stop the live reader of ``logdir`` (its widgets stop updating)."""
    return close_source(logdir)


def close_all() -> int:
    """Stop every live reader of this kernel; returns how many were running."""
    sources = open_sources()
    for source in sources:
        source.close()
    return len(sources)


def watch(
    logdir,
    *,
    rules=("nan", "diverging", "stalled"),
    on_alert=None,
    reload_interval: float = 1.0,
    logdir_spec: dict[str, str] | None = None,
):
    """Watch ``logdir`` for alerts without a board (a script, a cluster job).

    ``rules``: names ("nan", "diverging", "plateau", "stalled"), rule objects from
    :mod:`jupyter_tb.compute.alert_rules`, callables ``(run, tag, steps, values) -> message |
    None``, or ``{name: {parameter: value}}``. ``on_alert(alert)`` runs on the reader thread once
    per new alert. Returns the monitor: ``.alerts`` (list of dicts with run, tag, rule, step,
    wall_time, message, active) and ``.close()``.
    """
    source = _source(logdir, reload_interval, None, logdir_spec)
    return _Watch(source, rules, on_alert)


class _Watch:
    """What :func:`watch` returns: the alert monitor plus the reader it opened."""

    def __init__(self, source, rules, on_alert):
        from jupyter_tb.widgets.alert_monitor import AlertMonitor

        self._source = source
        self.monitor = AlertMonitor(source, rules, on_alert)

    @property
    def alerts(self) -> list[dict]:
        return self.monitor.alerts

    def on_alert(self, callback):
        return self.monitor.on_alert(callback)

    def close(self) -> None:
        """Stop watching; the reader thread stops too unless a board still shows the logdir."""
        self.monitor.close()
        if not getattr(self._source, "has_subscribers", lambda: False)():
            self._source.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        active = sum(a["active"] for a in self.alerts)
        return f"<jupyter_tb.watch {self._source.logdir.path!r}: {len(self.alerts)} alerts, {active} active>"
