"""Images view: per tag one image per run, a step slider, brightness/contrast, actual size.

Image bytes (PNG/JPEG exactly as stored) go to the browser as binary buffers, read lazily
from the event files. The kernel pushes what is shown first (the latest step of every
(run, tag)) and, for small series, every step, so the step slider keeps working while a
cell blocks the kernel; anything else is fetched with a request when the user asks for it.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``entries``
``{run, tag, steps, wall, width, height}`` (metadata of every kept step); ``image``
``{run, tag, step, content_type, data}``. Request: ``image {run, tag, step}``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb.widgets.base import View, register_view

PREFETCH_STEPS = 10  # series with at most this many kept steps are pushed whole
PREFETCH_BYTES = 8 * 1024 * 1024  # ... unless that would exceed this many bytes per flush
_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}


def _content_type(entry) -> str:
    kind = (getattr(entry, "content_type", "") or "").lower()
    return kind if kind in _SAFE_TYPES else "image/png"


@register_view(title="Images", order=20)
class Images(View):
    _kind = traitlets.Unicode("images").tag(sync=True)
    kinds = ("images",)

    brightness = traitlets.Float(1.0).tag(sync=True)
    contrast = traitlets.Float(1.0).tag(sync=True)
    actual_size = traitlets.Bool(False).tag(sync=True)

    def setup(self) -> None:
        self._pushed: set[tuple[str, str, int]] = set()
        self._entries_sent: dict[tuple[str, str], int] = {}

    def snapshot(self) -> list[dict]:
        self._pushed.clear()
        self._entries_sent.clear()
        reset = self.catalog_message("reset")
        messages = [reset]
        for run, tags in reset["tags"].items():
            for tag in tags:
                messages.extend(self._series_messages(run, tag))
        return messages

    def updates(self, changes: set) -> list[dict]:
        messages, tags = self.catalog_update()
        for run, tag in self.keys_to_send(tags, changes, "images", self._entries_sent):
            messages.extend(self._series_messages(run, tag))
        return messages

    def _series_messages(self, run: str, tag: str) -> list[dict]:
        series = self.logdir.images(run, tag)
        keep = self.kept(len(series), "images")
        entries = [series[i] for i in keep]
        n = len(entries)
        self._entries_sent[(run, tag)] = len(series)
        messages = [{
            "type": "entries", "run": run, "tag": tag,
            "steps": np.asarray([e.step for e in entries], dtype=np.float64),
            "wall": np.asarray([e.wall_time for e in entries], dtype=np.float64),
            "width": np.asarray([e.width for e in entries], dtype=np.int32),
            "height": np.asarray([e.height for e in entries], dtype=np.int32),
        }]
        if not entries:
            return messages
        # the latest first (it is what the slider shows), then the rest if the series is small
        order = [n - 1] + (list(range(n - 2, -1, -1)) if n <= PREFETCH_STEPS else [])
        budget = PREFETCH_BYTES
        for index in order:
            entry = entries[index]
            key = (run, tag, int(entry.step))
            if key in self._pushed:
                continue
            message = self._image_message(run, tag, entry)
            budget -= len(message["data"])
            if budget < 0 and index != n - 1:
                break
            self._pushed.add(key)
            messages.append(message)
        return messages

    @staticmethod
    def _image_message(run: str, tag: str, entry) -> dict:
        return {
            "type": "image", "run": run, "tag": tag, "step": int(entry.step),
            "content_type": _content_type(entry), "data": entry.encoded(0),
        }

    def request_image(self, run: str, tag: str, step: int) -> dict:
        series = self.logdir.images(run, tag)
        hits = np.flatnonzero(np.asarray(series.steps) == int(step))
        if not len(hits):
            raise KeyError(f"no image at step {step} for run {run!r}, tag {tag!r}")
        entry = series[int(hits[-1])]
        self._pushed.add((run, tag, int(step)))
        message = self._image_message(run, tag, entry)
        message.pop("type")
        return message
