"""What the reader's accessors return: immutable snapshots of one (run, tag).

Arrays are read-only views of the store's columns; the store only appends past them or
replaces its arrays, so a snapshot never changes after it is returned. Image and audio entries
hold a reference to their record and read the encoded bytes only when asked.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class ScalarSeries:
    run: str
    tag: str
    steps: np.ndarray  # int64
    wall_times: np.ndarray  # float64, seconds since the epoch
    values: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.steps)

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame({"step": self.steps, "wall_time": self.wall_times, "value": self.values})


class AppendedScalars(NamedTuple):
    """The points of one scalar series from ``start`` on (``Logdir.scalars_appended``): a
    tuple, not a dataclass, since one poll makes thousands of them."""

    run: str
    tag: str
    start: int  # index of the first point here in the whole series
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class _BlobEntry:
    step: int
    wall_time: float
    samples: int
    content_type: str
    _fetch: Callable[[int], bytes] = field(repr=False, compare=False)

    def encoded(self, sample: int = 0) -> bytes:
        """The encoded bytes of one sample (PNG/JPEG/GIF for images, WAV for audio)."""
        if not 0 <= sample < self.samples:
            raise IndexError(f"sample {sample} out of range (this entry holds {self.samples})")
        return self._fetch(sample)


@dataclass(frozen=True)
class ImageEntry(_BlobEntry):
    width: int = 0
    height: int = 0

    def to_numpy(self, sample: int = 0) -> np.ndarray:
        """Decoded pixels, HxWxC uint8 (C = 1, 3 or 4; GIFs give their first frame)."""
        from PIL import Image

        with Image.open(io.BytesIO(self.encoded(sample))) as image:
            if image.mode not in ("L", "LA", "RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            array = np.asarray(image)
        return array[:, :, None] if array.ndim == 2 else array


@dataclass(frozen=True)
class AudioEntry(_BlobEntry):
    sample_rate: float = 0.0
    labels: tuple = ()

    def to_numpy(self, sample: int = 0) -> np.ndarray:
        """Samples as float32 in [-1, 1], shape (frames, channels)."""
        with wave.open(io.BytesIO(self.encoded(sample))) as wav:
            width, channels = wav.getsampwidth(), wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
        if width == 1:
            data = (np.frombuffer(frames, np.uint8).astype(np.float32) - 128) / 128
        else:
            dtype = {2: "<i2", 4: "<i4"}[width]
            data = np.frombuffer(frames, dtype).astype(np.float32) / float(2 ** (8 * width - 1))
        return data.reshape(-1, channels)


@dataclass(frozen=True)
class _EntrySeries:
    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    entries: tuple = field(repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i):
        return self.entries[i]

    def __iter__(self):
        return iter(self.entries)


class ImageSeries(_EntrySeries):
    pass


class AudioSeries(_EntrySeries):
    pass


@dataclass(frozen=True)
class HistogramSeries:
    """``[i]`` is a float64 (k, 3) array of [left, right, count] rows."""

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    rows: np.ndarray  # all buckets of all steps, (total, 3)
    ends: np.ndarray  # rows[ends[i-1]:ends[i]] belong to step i

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> np.ndarray:
        i = range(len(self))[i]
        return self.rows[(self.ends[i - 1] if i else 0) : self.ends[i]]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class PrCurveSeries:
    """``data[i]`` is (6, n_thresholds): TP, FP, TN, FN, precision, recall."""

    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    data: np.ndarray  # (n_steps, 6, n_thresholds)
    thresholds: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class TensorSeries:
    run: str
    tag: str
    steps: np.ndarray
    wall_times: np.ndarray
    values: list  # numpy arrays

    def __len__(self) -> int:
        return len(self.steps)


class TextSeries(TensorSeries):
    """``values``: str, or an array of str for table-shaped text."""


@dataclass(frozen=True)
class Session:
    """One hparams session (a run that logged session_start_info)."""

    run: str
    hparams: dict
    metrics: dict  # metric tag -> last value
    status: str  # "UNKNOWN", "SUCCESS", "FAILURE" or "RUNNING"
    start_time: float
    end_time: float | None


@dataclass(frozen=True)
class HParams:
    experiment: object  # hparams_pb2.Experiment or None
    sessions: list


@dataclass(frozen=True)
class Embedding:
    """One embedding of a projector_config.pbtxt; files are read when asked."""

    run: str
    name: str
    declared_shape: tuple  # tensor_shape from the config; often left out by writers
    _read: Callable[[str], bytes] = field(repr=False, compare=False)
    tensor_path: str
    metadata_path: str = ""
    sprite_path: str = ""
    sprite_single_image_dim: tuple = ()
    bookmarks_path: str = ""

    @cached_property
    def shape(self) -> tuple:
        """(points, dimensions): from the config, else from the tensor file."""
        if len(self.declared_shape) == 2:
            return tuple(self.declared_shape)
        return self.tensor().shape

    def tensor(self) -> np.ndarray:
        """The points, float32 (n, d), parsed from the TSV file."""
        text = self._read(self.tensor_path).decode("utf-8")
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            return np.zeros((0, 0), np.float32)
        flat = np.array(" ".join(lines).split(), dtype=np.float32)  # C-speed split and parse
        return flat.reshape(len(lines), -1)

    def metadata(self) -> tuple[list[str] | None, list[list[str]]]:
        """(header, rows). Single-column metadata has no header, as in TensorBoard."""
        if not self.metadata_path:
            return None, []
        lines = self._read(self.metadata_path).decode("utf-8").splitlines()
        rows = [line.split("\t") for line in lines]
        if rows and len(rows[0]) > 1:
            return rows[0], rows[1:]
        return None, rows

    def sprite(self):
        """(PIL image of the sprite sheet, (width, height) of one thumbnail), or None."""
        if not self.sprite_path:
            return None
        from PIL import Image

        image = Image.open(io.BytesIO(self._read(self.sprite_path)))
        image.load()
        return image, tuple(self.sprite_single_image_dim)

    def bookmarks(self) -> list[dict]:
        """Saved projector states of ``bookmarks_path`` (see ``reading.embeddings.parse_bookmarks``)."""
        if not self.bookmarks_path:
            return []
        from jupyter_tb.reading.embeddings import parse_bookmarks

        return parse_bookmarks(self._read(self.bookmarks_path))
