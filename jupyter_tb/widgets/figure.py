"""``view.figure(tag)``: a plotly ``Figure`` of what a scalars card shows (its runs in their
colours, the raw series faint and the smoothed one solid, the x axis, log y and zoom of the
view), for publication styling and static export with plotly's own tools. plotly is
optional (``pip install 'jupyter-tb[plotly]'``)."""

from __future__ import annotations

import numpy as np

from jupyter_tb.compute.downsample import minmax_indices
from jupyter_tb.compute.smoothing import smooth
from jupyter_tb.widgets.static_picture import BoardContent

POINTS = 4_000  # a series longer than this is drawn as its min/max overview (as the card does)
X_TITLES = {"step": "step", "relative": "relative time (s)", "wall": "wall time"}


def _plotly():
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise ImportError(
            "figure() needs plotly, which jupyter-tb does not install: pip install 'jupyter-tb[plotly]'"
        ) from None
    return go


def figure(view, tag: str):
    """The plotly Figure of ``view``'s card of ``tag`` (scalars views)."""
    if view._kind != "scalars":
        raise NotImplementedError(f"figure() is made for the scalars view, not {view._kind!r}")
    return scalars_figure(view, tag)


def scalars_figure(view, tag: str):
    go = _plotly()
    content = BoardContent(view)
    runs = content.runs_with("scalars", tag)
    if not runs:
        raise KeyError(
            f"no scalar tag {tag!r} among the shown runs (tags: {', '.join(content.tags_of('scalars'))})"
        )
    axis = getattr(view, "x_axis", "step")
    fig = go.Figure()
    for run in runs:
        steps, walls, values = content.scalar_series(run, tag)
        x = {"step": steps, "relative": walls - walls[0] if len(walls) else walls}.get(axis)
        if x is None:  # wall clock: datetimes plotly shows as dates
            x = (walls * 1e3).astype("datetime64[ms]")
        smoothed = smooth(values, content.smoothing)
        keep = minmax_indices(steps, values, POINTS // 4) if len(values) > POINTS else np.arange(len(values))
        color = content.colors[run]
        fig.add_trace(
            go.Scatter(
                x=x[keep], y=values[keep], name=run, legendgroup=run, showlegend=False,
                mode="lines", line={"color": color, "width": 1}, opacity=0.3, hoverinfo="skip",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=x[keep], y=smoothed[keep], name=run, legendgroup=run, mode="lines", line={"color": color}
            )
        )
    fig.update_layout(
        title={"text": tag}, template="plotly_white", xaxis_title=X_TITLES.get(axis, axis), yaxis_title=tag
    )
    if getattr(view, "log_y", False):
        fig.update_yaxes(type="log")
    x_range = list(getattr(view, "x_range", []) or [])
    if len(x_range) == 2:
        fig.update_xaxes(range=x_range)
    return fig
