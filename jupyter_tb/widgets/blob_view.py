"""Shared logic of views whose steps carry encoded bytes (images, audio): per (run, tag) the
metadata of every kept step, and the bytes themselves pushed for the latest step (and for
every step of small series) or fetched lazily with a request.

A step may hold several samples (TensorFlow's ``tf.summary.image(..., max_outputs=k)``
logs one tensor of k PNGs): every sample of a pushed step is pushed, each its own message.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags}``; ``entries``
``{run, tag, steps, wall, samples, ...entry_fields}``; ``<blob_type>``
``{run, tag, step, sample, content_type, data}``. Request: ``<blob_type> {run, tag, step,
sample}`` (sample defaults to 0).
Subclasses set ``blob_type``, ``safe_types`` (content types the browser may get; anything
else is sent as ``safe_types[0]``) and implement :meth:`series` and :meth:`entry_fields`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from jupyter_tb.widgets.base import TaggedView

PREFETCH_STEPS = 10  # series with at most this many kept steps are pushed whole
PREFETCH_BYTES = 8 * 1024 * 1024  # ... unless that would exceed this many bytes per flush


class BlobSeriesView(TaggedView):
    blob_type: ClassVar[str] = ""  # message type of one blob, and the request's op
    safe_types: ClassVar[tuple[str, ...]] = ()

    # -- hooks ---------------------------------------------------------------------------------
    def series(self, run: str, tag: str):
        """The Logdir series of (run, tag): ``.steps``, indexable entries."""
        raise NotImplementedError

    def entry_fields(self, entries: list) -> dict:
        """Extra per-step fields of the ``entries`` message (arrays or lists, one per entry)."""
        return {}

    # -- shared ----------------------------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self._pushed: set[tuple[str, str, int]] = set()

    def forget(self) -> None:
        super().forget()
        self._pushed.clear()

    def content_type(self, entry) -> str:
        kind = (getattr(entry, "content_type", "") or "").lower()
        return kind if kind in self.safe_types else self.safe_types[0]

    def series_messages(self, run: str, tag: str) -> list[dict]:
        series = self.series(run, tag)
        keep = self.kept(len(series), self.kinds[0])
        entries = [series[i] for i in keep]
        n = len(entries)
        self.sent[(run, tag)] = len(series)
        message = {
            "type": "entries",
            "run": run,
            "tag": tag,
            "steps": np.asarray([e.step for e in entries], dtype=np.float64),
            "wall": np.asarray([e.wall_time for e in entries], dtype=np.float64),
            "samples": np.asarray([e.samples for e in entries], dtype=np.int32),
        }
        message.update(self.entry_fields(entries))
        messages = [message]
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
            blobs = [self._blob_message(run, tag, entry, k) for k in range(entry.samples)]
            budget -= sum(len(blob["data"]) for blob in blobs)
            if budget < 0 and index != n - 1:
                break
            self._pushed.add(key)
            messages.extend(blobs)
        return messages

    def _blob_message(self, run: str, tag: str, entry, sample: int) -> dict:
        return {
            "type": self.blob_type,
            "run": run,
            "tag": tag,
            "step": int(entry.step),
            "sample": sample,
            "content_type": self.content_type(entry),
            "data": entry.encoded(sample),
        }

    def request_blob(self, run: str, tag: str, step: int, sample: int = 0) -> dict:
        """The bytes of one sample of (run, tag) at ``step`` (the last entry logged there)."""
        series = self.series(run, tag)
        hits = np.flatnonzero(np.asarray(series.steps) == int(step))
        if not len(hits):
            raise KeyError(f"no {self.blob_type} at step {step} for run {run!r}, tag {tag!r}")
        entry = series[int(hits[-1])]
        if not 0 <= int(sample) < entry.samples:
            raise KeyError(f"step {step} of {run!r}, {tag!r} holds {entry.samples} samples, not {sample + 1}")
        message = self._blob_message(run, tag, entry, int(sample))
        message.pop("type")
        return message
