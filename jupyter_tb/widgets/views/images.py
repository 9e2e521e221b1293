"""Images view: per tag one image per run, a step slider, brightness/contrast, actual size.

Image bytes (PNG/JPEG/GIF exactly as stored; videos are animated GIFs) go to the browser as
binary buffers, read lazily from the event files. The kernel pushes what is shown first (the
latest step of every (run, tag)) and, for small series, every step, so the step slider keeps
working while a cell blocks the kernel; anything else is fetched with a request when the
user asks for it (the shared logic is :mod:`jupyter_tb.widgets.blob_view`).

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``entries``
``{run, tag, steps, wall, width, height}`` (metadata of every kept step); ``image``
``{run, tag, step, sample, content_type, data}``. Request: ``image {run, tag, step, sample}``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb.widgets.base import register_view
from jupyter_tb.widgets.blob_view import BlobSeriesView


@register_view(title="Images", order=20)
class Images(BlobSeriesView):
    _kind = traitlets.Unicode("images").tag(sync=True)
    kinds = ("images",)
    blob_type = "image"
    safe_types = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")

    brightness = traitlets.Float(1.0).tag(sync=True)
    contrast = traitlets.Float(1.0).tag(sync=True)
    actual_size = traitlets.Bool(False).tag(sync=True)

    def series(self, run: str, tag: str):
        return self.logdir.images(run, tag)

    def entry_fields(self, entries: list) -> dict:
        return {
            "width": np.asarray([e.width for e in entries], dtype=np.int32),
            "height": np.asarray([e.height for e in entries], dtype=np.int32),
        }

    def request_image(self, run: str, tag: str, step: int, sample: int = 0) -> dict:
        return self.request_blob(run, tag, step, sample)
