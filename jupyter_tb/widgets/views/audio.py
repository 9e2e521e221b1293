"""Audio view: per tag a player per clip of the chosen step and shown run, a step slider, labels.

WAV bytes travel exactly like image bytes (:mod:`jupyter_tb.widgets.blob_view`): the latest step
pushed at once (every step for small series), others requested when the slider reaches them.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``entries``
``{run, tag, steps, wall, samples, sample_rate, labels}`` (``labels``: per step, the label
text of each of its clips); ``audio`` ``{run, tag, step, sample, content_type, data}``. Request: ``audio {run, tag, step, sample}``.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb.widgets.base import register_view
from jupyter_tb.widgets.blob_view import BlobSeriesView


@register_view(title="Audio", order=22)
class Audio(BlobSeriesView):
    _kind = traitlets.Unicode("audio").tag(sync=True)
    kinds = ("audio",)
    blob_type = "audio"
    safe_types = ("audio/wav", "audio/x-wav", "audio/wave", "audio/mpeg", "audio/ogg")

    def series(self, run: str, tag: str):
        return self.logdir.audio(run, tag)

    def entry_fields(self, entries: list) -> dict:
        return {
            "sample_rate": np.asarray([e.sample_rate for e in entries], dtype=np.float64),
            "labels": [[str(label) for label in e.labels] for e in entries],
        }

    def request_audio(self, run: str, tag: str, step: int, sample: int = 0) -> dict:
        return self.request_blob(run, tag, step, sample)
