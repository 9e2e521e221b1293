"""Framed records of one run -> its :class:`~jupyter_tb.reading.run_store.RunStore`, in record order.

Two paths meet here. Plain scalar events and legacy histograms (the bulk of most logdirs) are
decoded for a whole chunk at once by :func:`jupyter_tb.format.bulk_decode.decode_events` and appended
per tag with numpy; everything else is parsed with protobuf and migrated value by value. Points
from both paths are appended together, per tag, in record order; and since TensorBoard's purges
depend on order, everything read before a purge point is in the store before the purge runs:

* file_version >= 2: a SessionLog START at step s drops the run's data with step >= s. As in
  TensorBoard, the run's first START is not a restart (TF's Supervisor writes one when it
  starts, possibly after a few events) -- unless it is in a later event file than the run's
  first: that is how torch and tensorboardX write ``purge_step`` when a job resumes, and users
  expect those steps dropped (TensorBoard's accumulator keeps them);
* older files: a summary event whose step is below the previous summary event's step drops,
  for the tags of that event, the data with step >= that step.
"""

from __future__ import annotations

import numpy as np
from google.protobuf.message import DecodeError

from jupyter_tb._proto import event_pb2
from jupyter_tb.format import migrate
from jupyter_tb.format.bulk_decode import decode_events
from jupyter_tb.reading.run_store import BlobRef, RunStore

GRAPH_TAG = "__run_graph__"
_START = event_pb2.SessionLog.START


def ingest_chunk(store: RunStore, chunk, errors: list[str]) -> None:
    """Add the records of ``chunk`` (a :class:`~jupyter_tb.reading.loader.Chunk`) to ``store``."""
    if len(chunk.offsets):
        _ChunkIngest(store, chunk, errors).run()


class _ChunkIngest:
    def __init__(self, store: RunStore, chunk, errors: list[str]):
        self.store = store
        self.chunk = chunk
        self.errors = errors
        # fast rows: record indices, with their decoded columns aligned to them
        decoded = decode_events(chunk.buf, chunk.offsets, chunk.lengths)
        cols = decoded.scalars
        self.fast = cols.fast.copy()
        self.tag_names = list(cols.tag_names)
        self.tag_ids = cols.tag_ids
        self.steps = cols.steps
        self.wall_times = cols.wall_times
        self.values = cols.values
        self.fast_rows = np.flatnonzero(self.fast)
        self.tag_index = {name: i for i, name in enumerate(self.tag_names)}
        self.histos = decoded.histograms  # fast histogram rows (record indices in .rows)
        self.fast[self.histos.rows] = True  # "fast" from here on: not for the protobuf path
        # histogram tag ids into this chunk's one tag table
        remap = np.array([self._tag_id(name) for name in self.histos.tag_names], np.int32)
        self.histos.tag_ids = remap[self.histos.tag_ids] if len(remap) else self.histos.tag_ids
        self.events: dict[int, object] = {}  # record index -> parsed Event (general path)
        # general-path points of non-scalar kinds, appended in bulk before a purge and at the end
        self.pending: dict[tuple[str, str], tuple[list, list, list, list]] = {}
        self.general_scalars: list[tuple] = []  # (record index, tag id, step, wall time, value)

    # ------------------------------------------------------------------ driver

    def run(self) -> None:
        self._parse(np.flatnonzero(~self.fast))
        self._settle_kinds()
        self._settle_histogram_kinds()
        self.flushed = 0  # fast rows [0, flushed) are in the store
        purges = self._purge_points()
        stops = sorted(set(self.events) | set(purges))
        for index in stops:
            purge = purges.get(index)
            if purge is not None:
                self._flush_scalars(index)
                self._flush_pending(index)
                self.store.purge(*purge)
            event = self.events.get(index)
            if event is not None:
                self._apply(index, event)
        self._flush_scalars(len(self.chunk.offsets))
        self._flush_pending(len(self.chunk.offsets))
        self._remember_last_step()

    def _parse(self, indices) -> None:
        buf, offsets, lengths = self.chunk.buf, self.chunk.offsets, self.chunk.lengths
        view = memoryview(buf)
        indices = indices[lengths[indices] > 0]  # an empty record is an Event with nothing in it
        for i in indices.tolist():
            start = int(offsets[i])
            event = event_pb2.Event()
            try:
                event.ParseFromString(view[start : start + int(lengths[i])])
            except DecodeError:
                self.errors.append(
                    f"{self.chunk.path}: offset {self.chunk.base_offset + start}: "
                    "record is not an Event; skipped"
                )
                continue
            if event.WhichOneof("what") is not None:  # else only a step and a time: nothing to keep
                self.events[i] = event

    def _settle_kinds(self) -> None:
        """Fix the kind of tags first seen in this chunk; send misfiled fast rows the general way."""
        kinds = self.store.kinds
        for index in sorted(self.events):
            event = self.events[index]
            if event.HasField("summary"):
                for value in event.summary.value:
                    if value.tag not in kinds and (
                        value.HasField("metadata") or value.WhichOneof("value") != "tensor"
                    ):
                        self._learn(value, migrate.plugin_kind(value, None))
        if not len(self.fast_rows):
            return
        demote = self._claim_tags(self.tag_ids, "scalars")
        if demote:
            keep = ~np.isin(self.tag_ids, demote)
            self._demote(self.fast_rows[~keep])
            self.fast_rows, self.tag_ids = self.fast_rows[keep], self.tag_ids[keep]
            self.steps, self.wall_times, self.values = (
                self.steps[keep],
                self.wall_times[keep],
                self.values[keep],
            )

    def _settle_histogram_kinds(self) -> None:
        """As :meth:`_settle_kinds` for the fast histograms, then their buckets in bulk."""
        h = self.histos
        demote = self._claim_tags(h.tag_ids, "histograms")
        if demote:
            keep = ~np.isin(h.tag_ids, demote)
            self._demote(h.rows[~keep])
            h.keep(keep)
        # tag id -> its stretch [start, stop) of the (tag-major) histogram columns
        ids = self.histos.tag_ids
        cuts = np.flatnonzero(np.diff(ids)) + 1
        bounds = np.concatenate([[0], cuts, [len(ids)]]).tolist()
        self.histo_spans = {int(ids[a]): (a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a}
        self.histos_flushed: dict[int, int] = {}  # tag id -> entries already in the store

    def _claim_tags(self, tag_ids, kind: str) -> list[int]:
        """Give new tags among ``tag_ids`` the kind of the fast rows; return the ids of tags
        that already have another kind (their rows must take the general path)."""
        kinds, demote = self.store.kinds, []
        for tag_id in np.unique(tag_ids).tolist():
            name = self.tag_names[tag_id]
            known = kinds.get(name)
            if known is None:
                kinds[name] = kind
                self.store.metadata[name] = _legacy_metadata(kind)
            elif known != kind:
                demote.append(tag_id)
        return demote

    def _demote(self, indices) -> None:
        self._parse(indices)
        self.fast[indices] = False

    def _learn(self, value, kind: str) -> None:
        self.store.kinds[value.tag] = kind
        self.store.metadata[value.tag] = migrate.metadata_for(value, kind)

    # ------------------------------------------------------------------ purges

    def _purge_points(self) -> dict[int, tuple]:
        """Record index -> (step, tags or None) of each purge, in the file's semantics."""
        store = self.store
        for index in sorted(self.events):
            event = self.events[index]
            if event.WhichOneof("what") == "file_version":
                store.file_version = _parse_file_version(event.file_version)
        points = {}
        if store.first_file is None:
            store.first_file = self.chunk.path
        if store.file_version is not None and store.file_version >= 2:
            for index in sorted(self.events):
                event = self.events[index]
                if event.HasField("session_log") and event.session_log.status == _START:
                    if store.seen_session_start or self.chunk.path != store.first_file:
                        points[index] = (event.step, None)
                    store.seen_session_start = True
            return points
        index, steps = self._summary_steps()
        previous = np.concatenate([[store.most_recent_step], steps[:-1]])
        for i in np.flatnonzero(steps < previous).tolist():
            at = int(index[i])
            if at in self.events:
                tags = {value.tag for value in self.events[at].summary.value}
            else:
                tags = {self._fast_tag(at)}
            points[at] = (int(steps[i]), tags)
        return points

    def _fast_tag(self, index: int) -> str:
        """The tag of fast row ``index`` (a scalar or a histogram)."""
        at = int(np.searchsorted(self.fast_rows, index))
        if at < len(self.fast_rows) and self.fast_rows[at] == index:
            return self.tag_names[int(self.tag_ids[at])]
        at = int(np.flatnonzero(self.histos.rows == index)[0])
        return self.tag_names[int(self.histos.tag_ids[at])]

    def _summary_steps(self):
        """Record index and step of every summary event of the chunk, in record order."""
        general = [(i, e.step) for i, e in self.events.items() if e.HasField("summary")]
        index = np.concatenate(
            [self.fast_rows, self.histos.rows, np.array([g[0] for g in general], np.int64)]
        )
        steps = np.concatenate([self.steps, self.histos.steps, np.array([g[1] for g in general], np.int64)])
        order = np.argsort(index, kind="stable")  # indices are distinct
        return index[order], steps[order].astype(np.int64)

    def _remember_last_step(self) -> None:
        # the step of the chunk's last summary event, for the out-of-order rule of old files
        index, steps = self._summary_steps()
        if len(index):
            self.store.most_recent_step = int(steps[-1])

    # ------------------------------------------------------------------ fast rows

    def _flush_scalars(self, before: int) -> None:
        """Append, per tag and in record order, the fast rows with record index < ``before``
        and the general-path scalars collected so far (all of which come before it)."""
        start = self.flushed
        end = int(np.searchsorted(self.fast_rows, before, side="left"))
        self.flushed = end
        general, self.general_scalars = self.general_scalars, []
        if end == start and not general:
            return
        ids, steps = self.tag_ids[start:end], self.steps[start:end]
        walls, values = self.wall_times[start:end], self.values[start:end]
        if general:  # TF1 merged summaries, first values with metadata: merge by record index
            index, g_ids, g_steps, g_walls, g_values = (np.array(c) for c in zip(*general))
            order = np.argsort(np.concatenate([self.fast_rows[start:end], index]), kind="stable")
            ids = np.concatenate([ids, g_ids.astype(ids.dtype)])[order]
            steps = np.concatenate([steps, g_steps.astype(np.int64)])[order]
            walls = np.concatenate([walls, g_walls])[order]
            values = np.concatenate([values, g_values])[order]
        if (ids == ids[0]).all():
            groups = [(int(ids[0]), slice(None))]
        else:
            # small non-negative ids: a stable sort of uint16 keys is numpy's O(n) radix sort
            keys = ids.astype(np.uint16) if len(self.tag_names) <= 0xFFFF else ids
            order = np.argsort(keys, kind="stable")
            cuts = np.flatnonzero(np.diff(ids[order])) + 1
            groups = [(int(ids[part[0]]), part) for part in np.split(order, cuts)]
        for tag_id, rows in groups:
            self.store.append("scalars", self.tag_names[tag_id], steps[rows], walls[rows], values[rows])

    def _tag_id(self, tag: str) -> int:
        tag_id = self.tag_index.get(tag)
        if tag_id is None:
            tag_id = self.tag_index[tag] = len(self.tag_names)
            self.tag_names.append(tag)
        return tag_id

    # ------------------------------------------------------------------ general path

    def _apply(self, index: int, event) -> None:
        what = event.WhichOneof("what")
        if what == "summary":
            for value in event.summary.value:
                self._apply_value(index, event, value)
        elif what in ("graph_def", "meta_graph_def"):
            if what == "graph_def" or self.store.graph is None or self.store.graph_is_meta:
                self.store.graph = self._ref(index, "")
                self.store.graph_is_meta = what == "meta_graph_def"
                self.store.changed.add(("graphs", GRAPH_TAG))
        elif what == "tagged_run_metadata":
            tag = event.tagged_run_metadata.tag
            self.store.run_metadata[tag] = self._ref(index, tag)
            self.store.changed.add(("graphs", tag))

    def _apply_value(self, index: int, event, value) -> None:
        store = self.store
        known = store.kinds.get(value.tag)
        try:
            migrated = migrate.migrate_value(value, known)
        except (ValueError, IndexError, TypeError, OverflowError, MemoryError) as error:
            self.errors.append(f"{self.chunk.path}: step {event.step} tag {value.tag!r}: {error}")
            return
        if migrated is None:
            return
        kind, data = migrated
        if known is None:
            self._learn(value, kind)
        elif kind != known:
            return  # a tag keeps the kind of its first value, as in TensorBoard
        if kind == "hparams" and value.HasField("metadata"):
            store.metadata[value.tag] = value.metadata  # the payload is the metadata itself
        if kind == "scalars":  # appended with the fast rows, in record order
            self.general_scalars.append((index, self._tag_id(value.tag), event.step, event.wall_time, data))
            return
        if kind in ("images", "audio"):
            data = (self._ref(index, value.tag), data)
        elif kind == "pr_curves":
            data = data.T  # stored one row per threshold
        indices, steps, wall_times, items = self.pending.setdefault((kind, value.tag), ([], [], [], []))
        indices.append(index)
        steps.append(event.step)
        wall_times.append(event.wall_time)
        items.append(data)

    def _flush_pending(self, before: int) -> None:
        """Append the general path's points so far and the fast histograms before ``before``."""
        self._flush_histograms(before)
        for (kind, tag), (_, steps, wall_times, items) in self.pending.items():
            self.store.append(kind, tag, steps, wall_times, items)
        self.pending.clear()

    def _flush_histograms(self, before: int) -> None:
        """Append each tag's fast histograms with record index < ``before`` (each tag's are
        one stretch of the columns, see HistogramColumns)."""
        h = self.histos
        for tag_id, (start, stop) in self.histo_spans.items():
            first = self.histos_flushed.get(tag_id, start)
            end = first + int(np.searchsorted(h.rows[first:stop], before, side="left"))
            if end == first:
                continue
            self.histos_flushed[tag_id] = end
            tag = self.tag_names[tag_id]
            part = slice(first, end)
            sizes = self.histos.sizes[part]
            general = self.pending.pop(("histograms", tag), None)
            if general is None:
                rows = self.store.append_ragged_empty(
                    "histograms",
                    tag,
                    h.steps[part],
                    h.wall_times[part],
                    sizes,
                    expect_rows=self._expected_rows(start, stop) if first == start else 0,
                )
                self._fill_rows(rows, part)
                continue
            # the same tag also took the general path in this chunk: merge in record order
            rows = np.empty((int(sizes.sum()), 3))
            self._fill_rows(rows, part)
            blocks = np.split(rows, np.cumsum(sizes)[:-1])
            g_index, g_steps, g_walls, g_items = general
            order = np.argsort(np.concatenate([h.rows[part], g_index]), kind="stable")
            steps = np.concatenate([h.steps[part], g_steps])[order]
            walls = np.concatenate([h.wall_times[part], g_walls])[order]
            both = blocks + g_items
            self.store.append("histograms", tag, steps, walls, [both[k] for k in order.tolist()])

    def _fill_rows(self, rows: np.ndarray, part: slice) -> None:
        h = self.histos
        migrate.fill_bucket_rows(
            rows,
            self.chunk.buf,
            h.limits_at[part],
            h.counts_at[part],
            h.sizes[part],
            h.stats[part, 0],
            h.stats[part, 1],
        )

    def _expected_rows(self, start: int, stop: int) -> int:
        """Bucket rows a tag should get from the rest of its file, at this chunk's rate, with a
        margin: room reserved once spares copying the rows at each later chunk."""
        chunk = self.chunk
        rate = (chunk.file_size - chunk.base_offset) / max(1, len(chunk.buf))
        return int(int(self.histos.sizes[start:stop].sum()) * rate * 1.05) + 64

    def _ref(self, index: int, tag: str) -> BlobRef:
        chunk = self.chunk
        return BlobRef(
            chunk.path, chunk.base_offset + int(chunk.offsets[index]), int(chunk.lengths[index]), tag
        )


def _legacy_metadata(kind: str):
    from jupyter_tb._proto import summary_pb2

    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = kind
    return metadata


def _parse_file_version(text: str) -> float | None:
    # "brain.Event:2"
    try:
        return float(text.rsplit(":", 1)[-1])
    except ValueError:
        return None
