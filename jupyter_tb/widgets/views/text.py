"""Text view: per tag, the logged strings of each run at a chosen step, rendered as sanitised
markdown (tables included) or as raw text.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``entries``
``{run, tag, replace, steps, wall, values}`` where ``values`` holds one item per step: a
string, or ``{"rows": [[cell, ...], ...]}`` for table-shaped (2-D) text tensors. Entries are
appended (``replace: false``) as new steps arrive, or sent whole when the series shrank
(a purge) or is sampled by ``--samples_per_plugin``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb.widgets.base import TaggedView, register_view

MAX_TEXT_CHARS = 200_000  # one logged string beyond this is cut, with a visible marker


def _clip(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:MAX_TEXT_CHARS] + f"\n\n… ({len(text) - MAX_TEXT_CHARS} more characters not shown)"


def text_value(value) -> str | dict:
    """A logged text value as JSON: a string, or ``{"rows": [[...]]}`` for 1-D/2-D tensors."""
    if isinstance(value, (bytes, bytearray)):
        return _clip(bytes(value).decode("utf-8", errors="replace"))
    if isinstance(value, str):
        return _clip(value)
    array = np.asarray(value)
    if array.ndim == 0:
        return text_value(array.item())
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim > 2:  # TensorBoard shows the first 2-D slice of higher-rank text too
        array = array.reshape(array.shape[0], -1)
    return {"rows": [[text_value(cell) for cell in row] for row in array.tolist()]}


@register_view(title="Text", order=60)
class Text(TaggedView):
    _kind = traitlets.Unicode("text").tag(sync=True)
    kinds = ("text",)

    raw = traitlets.Bool(False, help="show the strings as plain text instead of markdown").tag(sync=True)

    def series_messages(self, run: str, tag: str) -> list[dict]:
        series = self.logdir.text(run, tag)
        total = len(series)
        sampled = self.kept(total, "text")
        before = self.sent.get((run, tag), 0)
        whole = len(sampled) != total or before > total  # sampled, or shrunk by a purge
        if not whole and before and before == total:
            return []  # the browser has all of it
        indices = sampled if whole else range(before, total)
        self.sent[(run, tag)] = total
        steps = np.asarray(series.steps, dtype=np.float64)
        walls = np.asarray(series.wall_times, dtype=np.float64)
        picked = np.asarray(list(indices), dtype=np.int64)
        return [
            {
                "type": "entries",
                "run": run,
                "tag": tag,
                "replace": bool(whole or before == 0),
                "steps": steps[picked] if len(picked) else np.zeros(0),
                "wall": walls[picked] if len(picked) else np.zeros(0),
                "values": [text_value(series.values[i]) for i in picked.tolist()],
            }
        ]
