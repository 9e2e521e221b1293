"""The custom scalars layout: what ``add_custom_scalars`` logged in each run, merged into one.

Each run may log a ``plugins_pb2.Layout`` (under the tag ``custom_scalars__config__``); as in
TensorBoard, the layouts of all runs are merged: categories by title (the first one's
``closed`` flag wins), charts appended in order, a chart already present not repeated.
"""

from __future__ import annotations

from jupyter_tb._proto import plugins_pb2


def merge_layouts(layouts) -> plugins_pb2.Layout | None:
    """One Layout from the runs' latest layouts (in run order), or None when there is none."""
    if not layouts:
        return None
    merged = plugins_pb2.Layout()
    by_title = {}
    for layout in layouts:
        for category in layout.category:
            target = by_title.get(category.title)
            if target is None:
                target = by_title[category.title] = merged.category.add()
                target.title, target.closed = category.title, category.closed
            seen = {c.SerializeToString() for c in target.chart}
            for chart in category.chart:
                if chart.SerializeToString() not in seen:
                    target.chart.add().CopyFrom(chart)
    return merged
