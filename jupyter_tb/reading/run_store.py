"""What the reader keeps of one run: every point, in columns, safe to hand out while growing.

Each (kind, tag) has a :class:`Track`: a step column, a wall-time column and a payload whose
form suits the kind (a float column for scalars, ragged float rows for histograms and
pr_curves, references into the event files for images and audio, a list for the rare
object-valued kinds). Columns only ever grow past their visible length, and a purge builds new
arrays instead of truncating, so a slice handed to a caller never changes under it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_GROWTH = 1.5
_TRIM_BELOW = 4 << 20  # bytes; numpy maps bigger arrays on their own pages


class GrowableArray:
    """A growable numpy array; ``view()`` is a read-only slice of the visible part.

    Capacity grows geometrically, or at once to a size the caller expects (``reserve``): room
    that is never written costs no memory, because the kernel backs pages on first touch.
    """

    # _readonly: a read-only alias of _array (renewed whenever _array is replaced), so views
    # are plain slices of it, read-only without a flag call each (pollers take thousands)
    __slots__ = ("_array", "_length", "_readonly")

    def __init__(self, dtype, width: int | None = None, capacity: int = 0):
        shape = (capacity,) if width is None else (capacity, width)
        self._length = 0
        self._set_array(np.empty(shape, dtype=dtype))

    def _set_array(self, array: np.ndarray) -> None:
        self._array = array
        self._readonly = array.view()
        self._readonly.flags.writeable = False

    def __len__(self) -> int:
        return self._length

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self._array.dtype)
        self.append_empty(len(values))[...] = values

    def append_empty(self, count: int) -> np.ndarray:
        """Make ``count`` more items visible and return them, writable and unfilled: the caller
        fills them before the column is next read (this is how bulk data lands in one copy)."""
        end = self._length + count
        self._reserve(end)
        room = self._array[self._length : end]
        self._length = end
        return room

    def reserve(self, capacity: int) -> None:
        """Grow once to hold ``capacity`` items, so appends up to there copy nothing."""
        if capacity > len(self._array):
            self._grow(capacity)

    def _reserve(self, end: int) -> None:
        if end > len(self._array):
            self._grow(max(end, int(len(self._array) * _GROWTH) + 16))

    def _grow(self, capacity: int) -> None:
        # a new, larger array: slices handed out earlier keep pointing at the old one
        grown = np.empty((capacity,) + self._array.shape[1:], dtype=self._array.dtype)
        grown[: self._length] = self._array[: self._length]
        self._set_array(grown)

    def view(self) -> np.ndarray:
        return self._readonly[: self._length]

    def view_from(self, start: int) -> np.ndarray:
        """``view()[start:]`` in one step, for a poller taking thousands of them per reload."""
        return self._readonly[start : self._length]

    def keep(self, mask: np.ndarray) -> None:
        self._set_array(self._array[: self._length][mask].copy())
        self._length = len(self._array)

    def trim(self) -> None:
        """Give back spare capacity (after a bulk load) with one copy, where it may be resident:
        in small arrays, which share heap pages. A big array's unwritten tail never was."""
        spare = len(self._array) - self._length
        if spare > self._length * 0.1 + 16 and self._array.nbytes < _TRIM_BELOW:
            self._set_array(self._array[: self._length].copy())

    def last(self):
        return self._array[self._length - 1] if self._length else None


class Ragged:
    """Variable-length blocks of fixed-width float rows (histogram buckets, pr_curve columns)."""

    __slots__ = ("ends", "rows")

    def __init__(self, width: int):
        self.rows = GrowableArray(np.float64, width)
        self.ends = GrowableArray(np.int64)

    def __len__(self) -> int:
        return len(self.ends)

    def extend(self, blocks) -> None:
        if not len(blocks):
            return
        room = self.append_empty(np.fromiter((len(b) for b in blocks), np.int64, len(blocks)))
        pos = 0
        for block in blocks:
            room[pos : pos + len(block)] = block
            pos += len(block)

    def append_empty(self, sizes: np.ndarray, expect_rows: int = 0) -> np.ndarray:
        """Append blocks of ``sizes[i]`` rows each; returns their rows, unfilled, for the
        caller to fill (see :meth:`GrowableArray.append_empty`). ``expect_rows``: rows expected in
        all from here on, this call's included; room for them is made at once."""
        self.rows.reserve(len(self.rows) + expect_rows)
        self.ends.extend(len(self.rows) + np.cumsum(sizes))
        return self.rows.append_empty(int(np.sum(sizes)))

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.rows.view(), self.ends.view()

    def keep(self, mask: np.ndarray) -> None:
        ends = self.ends.view()
        starts = np.concatenate([[0], ends[:-1]])
        row_mask = np.repeat(mask, ends - starts)
        self.rows.keep(row_mask)
        kept = ends[mask] - starts[mask]
        self.ends = GrowableArray(np.int64)
        self.ends.extend(np.cumsum(kept))

    def trim(self) -> None:
        self.rows.trim()
        self.ends.trim()


class Objects:
    """A plain list for the kinds whose points are few and object-shaped (text, tensors)."""

    __slots__ = ("items",)

    def __init__(self):
        self.items: list = []

    def __len__(self) -> int:
        return len(self.items)

    def extend(self, values) -> None:
        self.items.extend(values)

    def view(self) -> list:
        return list(self.items)

    def keep(self, mask: np.ndarray) -> None:
        self.items = [item for item, kept in zip(self.items, mask) if kept]

    def trim(self) -> None:
        pass


@dataclass(frozen=True)
class BlobRef:
    """Where an image or audio value's bytes are: one record of one event file."""

    path: str
    offset: int  # of the record's payload (the serialized Event)
    length: int
    tag: str


_PAYLOAD = {
    "scalars": lambda: GrowableArray(np.float64),
    "histograms": lambda: Ragged(3),
    "pr_curves": lambda: Ragged(6),  # stored transposed: one row per threshold
}


class Track:
    """All points of one (kind, tag) of a run, in arrival order."""

    __slots__ = ("data", "kind", "steps", "wall_times")

    def __init__(self, kind: str):
        self.kind = kind
        self.steps = GrowableArray(np.int64)
        self.wall_times = GrowableArray(np.float64)
        self.data = _PAYLOAD.get(kind, Objects)()

    def __len__(self) -> int:
        return len(self.steps)

    def extend(self, steps, wall_times, data) -> None:
        self.steps.extend(steps)
        self.wall_times.extend(wall_times)
        self.data.extend(data)

    def keep(self, mask: np.ndarray) -> None:
        self.steps.keep(mask)
        self.wall_times.keep(mask)
        self.data.keep(mask)

    def trim(self) -> None:
        self.steps.trim()
        self.wall_times.trim()
        self.data.trim()


class RunStore:
    """Tracks, tag kinds and tag metadata of one run, plus what changed since last asked."""

    def __init__(self):
        self.tracks: dict[tuple[str, str], Track] = {}
        self.kinds: dict[str, str] = {}  # tag -> kind, fixed by the tag's first value
        self.metadata: dict[str, object] = {}  # tag -> SummaryMetadata
        self.graph: BlobRef | None = None  # latest graph_def (or meta_graph_def) record
        self.graph_is_meta = False
        self.run_metadata: dict[str, BlobRef] = {}  # tagged_run_metadata by tag
        self.file_version: float | None = None
        self.most_recent_step = -1
        self.seen_session_start = False
        self.first_file: str | None = None
        self.changed: set[tuple[str, str]] = set()

    def track(self, kind: str, tag: str) -> Track:
        key = (kind, tag)
        track = self.tracks.get(key)
        if track is None:
            track = self.tracks[key] = Track(kind)
        return track

    def append(self, kind: str, tag: str, steps, wall_times, data) -> None:
        self.track(kind, tag).extend(steps, wall_times, data)
        self.changed.add((kind, tag))

    def append_ragged_empty(
        self, kind: str, tag: str, steps, wall_times, sizes, expect_rows: int = 0
    ) -> np.ndarray:
        """Append points of a ragged kind (histograms, pr_curves) whose ``sizes[i]`` rows the
        caller writes into the returned array, filling all of it before the store is next
        read. ``expect_rows``: rows this tag is expected to get in all, this call's included
        (room for them is made at once, so later appends do not copy the earlier ones)."""
        track = self.track(kind, tag)
        track.steps.extend(steps)
        track.wall_times.extend(wall_times)
        self.changed.add((kind, tag))
        return track.data.append_empty(sizes, expect_rows)

    def purge(self, step: int, tags=None) -> None:
        """Drop points at ``step`` or later: of every tag, or only of ``tags``."""
        for (kind, tag), track in self.tracks.items():
            if tags is not None and tag not in tags:
                continue
            steps = track.steps.view()
            mask = steps < step
            if not mask.all():
                track.keep(mask)
                self.changed.add((kind, tag))

    def trim(self) -> None:
        for track in self.tracks.values():
            track.trim()

    def take_changes(self) -> set[tuple[str, str]]:
        changed, self.changed = self.changed, set()
        return changed
