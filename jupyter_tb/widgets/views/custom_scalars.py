"""Custom scalars view: the layout logged as ``custom_scalars__config__`` (categories of
charts; multiline charts gather every scalar tag matching any of their regexes, margin
charts draw a value tag with a band between a lower and an upper tag).

The series travel exactly as in the scalars view (this class *is* a :class:`Scalars` view
whose tag list comes from the layout), so smoothing, downsampling, deltas, zoom refinement
and CSV are the same. The layout, with the regexes already matched in Python, rides on the
``reset``/``catalog`` messages as ``layout``::

    [{title, closed, charts: [{title, kind: "multiline", tags: [tag, ...], error?}
                              | {title, kind: "margin", series: [{value, lower, upper}]}]}]
"""

from __future__ import annotations

import re

import traitlets

from jupyter_tb.widgets.base import register_view
from jupyter_tb.widgets.views.scalars import Scalars


def _matcher(patterns) -> tuple[list[re.Pattern], str | None]:
    compiled, errors = [], []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            errors.append(f"{pattern!r}: {error}")
    return compiled, ("invalid regex " + "; ".join(errors)) if errors else None


def layout_json(layout, scalar_tags: set[str]) -> list[dict]:
    """The Layout proto as JSON, each multiline chart with the scalar tags it matches."""
    categories = []
    for category in layout.category if layout is not None else ():
        charts = []
        for chart in category.chart:
            if chart.WhichOneof("content") == "margin":
                charts.append(
                    {
                        "title": chart.title,
                        "kind": "margin",
                        "series": [
                            {"value": s.value, "lower": s.lower, "upper": s.upper}
                            for s in chart.margin.series
                        ],
                    }
                )
                continue
            patterns, error = _matcher(chart.multiline.tag)
            tags = sorted(t for t in scalar_tags if any(p.search(t) for p in patterns))
            entry = {"title": chart.title, "kind": "multiline", "tags": tags}
            if error:
                entry["error"] = error
            charts.append(entry)
        categories.append({"title": category.title, "closed": bool(category.closed), "charts": charts})
    return categories


def layout_tags(layout: list[dict]) -> set[str]:
    """Every scalar tag a chart of the JSON layout draws."""
    tags = set()
    for category in layout:
        for chart in category["charts"]:
            if chart["kind"] == "margin":
                for s in chart["series"]:
                    tags.update((s["value"], s["lower"], s["upper"]))
            else:
                tags.update(chart["tags"])
    return tags


@register_view(title="Custom scalars", order=12)
class CustomScalars(Scalars):
    """``jupyter_tb.custom_scalars(logdir)``: the charts of the logged layout."""

    _kind = traitlets.Unicode("custom_scalars").tag(sync=True)
    kinds = ("custom_scalars",)

    def catalog_message(self, type_: str = "reset", kind: str | None = None) -> dict:
        runs = self.run_names()
        scalar_tags = {run: self.tags_of(run, "scalars") for run in runs}
        every = {tag for tags in scalar_tags.values() for tag in tags}
        layout = layout_json(self.logdir.custom_scalars_layout(), every)
        wanted = layout_tags(layout)
        tags = {run: [t for t in run_tags if t in wanted] for run, run_tags in scalar_tags.items()}
        self._last_catalog = (runs, tags, layout)
        return {"type": type_, "runs": runs, "tags": tags, "layout": layout}

    def updates(self, changes: set) -> list[dict]:
        messages, tags = self.catalog_update()
        for run, tag in self.keys_to_send(tags, changes, "scalars", self.sent):
            messages.extend(self.series_messages(run, tag))
        return messages
