"""One tfevents file, written by a worker thread so the training loop never waits on disk.

The caller's side of ``add_scalar`` only enqueues a 4-tuple on a ``queue.SimpleQueue`` (a C
queue: no Python-level lock). The worker takes everything queued so far, serialises it, frames
each record as TFRecord (see :mod:`jupyter_tb.format.tfrecord`; headers cached by payload length), writes
the batch with one ``write`` to an unbuffered file, then calls
:func:`jupyter_tb._appended.notify_written` so same-kernel views update. A logdir given as an
fsspec URL (``s3://``, ``gs://``...) gets a :class:`~jupyter_tb.writing.object_store.PieceUploader`
instead of a file: the same bytes, uploaded in immutable pieces.

Writing promptly after every batch means data reaches the OS long before ``max_queue`` items or
``flush_secs`` seconds would require; both knobs are therefore always honoured. Under load the
batches grow by themselves (the worker runs when the GIL lets it), so the per-record cost stays
small.

Scalars take a hand-built path: the Event for one ``simple_value`` is a fixed layout ::

    09 <wall_time f64le>                      field 1, omitted when 0.0 (proto3)
    10 <step varint>                          field 2, omitted when 0
    2a <len> 0a <len> 0a <len> <tag> 15 <f32le>   summary { value { tag, simple_value } }

so everything after the step is a per-tag prefix plus four bytes. Tests check byte equality with
the protobuf serializer.

A batch of many scalars is framed with numpy instead of record by record (see
:class:`_ScalarFramer`): records of one tag, step size and wall-time presence share one layout,
so they are filled in as rows of a byte matrix, and their CRCs come from per-position tables
(CRC-32C is affine: the CRC of a template with a few bytes changed is the template's CRC
xor one table entry per changed byte).
"""

from __future__ import annotations

import itertools
import os
import queue
import socket
import struct
import sys
import threading
import time
import weakref

import numpy as np

from jupyter_tb import _appended
from jupyter_tb._proto import event_pb2
from jupyter_tb.format.crc import byte_tables, crc32c, mask_array, masked_crc32c
from jupyter_tb.format.protowire import encode_sized_varint_array, encode_varint, varint_size_array
from jupyter_tb.format.tfrecord import FOOTER_SIZE, HEADER_SIZE, encode_record
from jupyter_tb.writing import object_store

FILE_VERSION = "brain.Event:2"

_counter = itertools.count()
_DOUBLE = struct.Struct("<d")
_FLOAT = struct.Struct("<f")
_CRC = struct.Struct("<I")
_BATCH_BYTES = 8 << 20  # write at least every 8 MiB so one burst never piles up in memory
# queued items beyond which add_* waits for the worker (~100 MB of scalars; summaries are big)
_SCALAR_BACKLOG = 1_000_000
_SUMMARY_BACKLOG = 10_000
_STOP = object()


class EventWriterError(RuntimeError):
    """The worker thread failed to write; raised in the caller on its next call."""


def event_file_name(suffix: str = "") -> str:
    # TensorBoard's name: seconds as 10 digits, host, pid, a per-process counter
    return f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{_file_number()}{suffix}"


def _file_number() -> int:
    """The name's counter. torch's and TensorBoard's writers count from 0 in TensorBoard's
    module and open their name with "wb", overwriting a file of ours with the same name; so
    once that module is loaded we draw from its counter too, and neither picks the other's."""
    theirs = getattr(sys.modules.get("tensorboard.summary.writer.event_file_writer"), "_global_uid", None)
    if theirs is not None:
        try:
            return int(theirs.get())
        except Exception:  # another TensorBoard version: our own count (and a free-name check)
            pass
    return next(_counter)


class _LocalFile:
    """The worker's end of a local event file: every write goes straight to the OS."""

    def __init__(self, logdir: str, filename_suffix: str) -> None:
        os.makedirs(logdir, exist_ok=True)
        while True:
            # torch's or tensorboardX's writer, opened in this process in this second, counts
            # from 0 too and may hold the name: take the next one (ours never clobber theirs)
            self.path = os.path.join(logdir, event_file_name(filename_suffix))
            try:
                self.file = open(self.path, "xb", buffering=0)
                break
            except FileExistsError:
                continue

    def write(self, data) -> None:
        data = memoryview(data)
        while data:  # a raw file may write less than asked
            data = data[self.file.write(data) :]
        _appended.notify_written(self.path)

    def start(self, header: bytes) -> None:
        self.write(header)

    def due_in(self) -> None:
        return None  # nothing waits: every write reached the OS, so upload_due is never called

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.file.close()


def _envelope(wall_time: float, step: int) -> bytes:
    """Event fields 1 and 2 as protobuf writes them (defaults omitted)."""
    head = b"" if _DOUBLE.pack(wall_time) == b"\0" * 8 else b"\x09" + _DOUBLE.pack(wall_time)
    return head + b"\x10" + encode_varint(step) if step else head


def _scalar_prefix(tag: str) -> bytes:
    tag_bytes = tag.encode("utf-8")
    # Value.tag (omitted when empty, proto3), then 0x15 + the 4 float bytes
    value = b"\x0a" + encode_varint(len(tag_bytes)) + tag_bytes if tag_bytes else b""
    summary_len = 1 + len(encode_varint(len(value) + 5)) + len(value) + 5
    return b"\x2a" + encode_varint(summary_len) + b"\x0a" + encode_varint(len(value) + 5) + value + b"\x15"


def _float32(value: float) -> bytes:
    try:
        return _FLOAT.pack(value)
    except OverflowError:  # beyond float32 range: protobuf's C cast gives +-inf
        return _FLOAT.pack(float("inf") if value > 0 else float("-inf"))


def scalar_event_bytes(
    tag: str, value: float, step: int, wall_time: float, prefix: bytes | None = None
) -> bytes:
    """Serialized ``Event(wall_time, step, summary{value{tag, simple_value}})``; ``prefix`` is
    ``_scalar_prefix(tag)`` when the caller keeps it."""
    if prefix is None:
        prefix = _scalar_prefix(tag)
    if wall_time:
        return b"\x09" + _DOUBLE.pack(wall_time) + _step_field(step) + prefix + _float32(value)
    return _envelope(wall_time, step) + prefix + _float32(value)  # 0.0 is omitted, -0.0 is not


def summary_event_bytes(summary, step: int, wall_time: float) -> bytes:
    """Serialized ``Event(wall_time, step, summary)``; protobuf serialises the summary."""
    body = summary.SerializeToString()
    return _envelope(wall_time, step) + b"\x2a" + encode_varint(len(body)) + body


class _State:
    """What the worker shares with its writer (not the writer itself, so an abandoned writer
    can be garbage collected and its finalizer stop the worker)."""

    __slots__ = ("error", "written")

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.written = 0  # records written, for tests and diagnostics


class EventFileWriter:
    """Appends events to ``<logdir>/events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``; for
    a URL logdir, uploads them as the pieces ``<that name without suffix>.000000<suffix>``, ...
    (``path`` is then the pieces' common prefix)."""

    def __init__(
        self,
        logdir,
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
        *,
        purge_step: int | None = None,
        storage_options: dict | None = None,
    ) -> None:
        """``logdir`` is a local directory or an fsspec URL (``storage_options`` are the
        filesystem's: endpoint, credentials...). Remote files ignore ``max_queue``: they upload
        per piece (see :mod:`~jupyter_tb.writing.object_store`)."""
        self.logdir = os.fspath(logdir)
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        if object_store.is_remote(self.logdir):
            self._sink = object_store.PieceUploader(
                self.logdir, event_file_name, filename_suffix, flush_secs, storage_options
            )
        else:
            local = self.logdir[len("file://") :] if self.logdir.startswith("file://") else self.logdir
            self._sink = _LocalFile(local, filename_suffix)
        self.path = self._sink.path
        first = event_pb2.Event(wall_time=time.time(), file_version=FILE_VERSION)
        records = [first]
        if purge_step is not None:
            # TensorBoard drops data at steps >= a START's step, but ignores the first START
            # of a run as "the initial start". torch writes one START, so TensorBoard purges
            # nothing unless the run already had one; writing two purges in either case
            # (purging is idempotent).
            first.step = purge_step
            start = event_pb2.Event(
                wall_time=first.wall_time,
                step=purge_step,
                session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START),
            )
            records += [start, start]
        self._sink.start(b"".join(encode_record(e.SerializeToString()) for e in records))
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._state = _State()
        self._thread = threading.Thread(
            target=_work,
            args=(self._queue, self._sink, self._state),
            name=f"jupyter_tb writer {os.path.basename(self.path)}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False
        # also runs at interpreter exit, so queued events reach the file
        self._finalizer = weakref.finalize(self, _stop_worker, self._queue, self._thread)

    # -- the caller's side: enqueue and return ---------------------------------------------

    def add_scalar(self, tag: str, value: float, step: int, wall_time: float) -> None:
        if self._state.error is not None or self._closed:
            self._raise_pending()
        self._queue.put((tag, value, step, wall_time))
        if self._queue.qsize() > _SCALAR_BACKLOG:
            self._drain()

    def add_summary(self, summary, step: int = 0, wall_time: float | None = None) -> None:
        if self._state.error is not None or self._closed:
            self._raise_pending()
        self._queue.put((summary, int(step or 0), time.time() if wall_time is None else wall_time))
        if self._queue.qsize() > _SUMMARY_BACKLOG:
            self._drain()

    def add_event(self, event) -> None:
        """Any ``Event`` proto (graph_def, session_log, ...); it must not be mutated later."""
        if self._state.error is not None or self._closed:
            self._raise_pending()
        self._queue.put(event)

    def _drain(self) -> None:
        # Backpressure, reached only when the disk cannot keep up at all (it stalled, or is
        # far slower than the loop): waiting here beats growing the queue until memory runs out.
        self.flush()

    def flush(self) -> None:
        """Barrier: returns once everything queued before the call has been written to the OS
        (not fsync'ed)."""
        if self._closed:
            self._raise_pending()
            return
        done = threading.Event()
        self._queue.put(done)
        while not done.wait(0.5):
            if not self._thread.is_alive():  # only a bug could get here; never hang on it
                self._raise_pending()
                raise EventWriterError(f"the writer thread of {self.path} has stopped")
        self._raise_pending()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._finalizer()
        self._raise_pending(closing=True)

    @property
    def closed(self) -> bool:
        return self._closed

    def _raise_pending(self, closing: bool = False) -> None:
        error, self._state.error = self._state.error, None
        if isinstance(error, object_store.UploadError):  # nothing was lost (yet): say so
            raise EventWriterError(str(error)) from error
        if error is not None:
            raise EventWriterError(
                f"writing {self.path} failed: {type(error).__name__}: {error}; the events of "
                "that batch were lost"
            ) from error
        if self._closed and not closing:
            raise ValueError(f"event file writer for {self.path} is closed")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stop_worker(work: queue.SimpleQueue, thread: threading.Thread) -> None:
    work.put(_STOP)
    if thread is not threading.current_thread():
        thread.join()


def _step_field(step: int) -> bytes:
    """Event field 2 (step) with its tag byte; the common small cases without a loop."""
    if 0 < step < 0x4000:
        return bytes((0x10, step)) if step < 0x80 else bytes((0x10, step & 0x7F | 0x80, step >> 7))
    return b"\x10" + encode_varint(step) if step else b""


class _Framer:
    """TFRecord framing into a list of parts, joined once per batch. The 12-byte header
    depends only on the payload length, and scalar events of one tag share a length, so
    headers are cached: one CRC per record instead of two."""

    __slots__ = ("_headers", "count", "parts", "size")

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.count = 0  # records in parts
        self._headers: dict[int, bytes] = {}

    def add(self, payload: bytes) -> None:
        n = len(payload)
        header = self._headers.get(n)
        if header is None:
            if len(self._headers) > 4096:
                self._headers.clear()
            header = self._headers[n] = encode_record(payload)[:HEADER_SIZE]
        self.parts += (header, payload, _CRC.pack(masked_crc32c(payload)))
        self.size += n + HEADER_SIZE + FOOTER_SIZE
        self.count += 1

    def add_framed(self, records, count: int) -> None:
        """Bytes of ``count`` records framed already."""
        self.parts.append(records)
        self.size += len(records)
        self.count += count

    def take(self) -> tuple[list, int]:
        parts, count = self.parts, self.count
        self.parts, self.size, self.count = [], 0, 0
        return parts, count


_BULK_MIN = 32  # scalars in a row from which numpy framing beats the per-record path


class _ScalarFramer:
    """Frames many scalar items at once (see the module doc); per-layout CRC tables cached."""

    def __init__(self) -> None:
        self._layouts: dict[tuple, tuple] = {}

    def frame(self, items: list, prefixes: dict) -> np.ndarray:
        """The framed records of ``items`` ((tag, value, step, wall_time) tuples), in order."""
        n = len(items)
        tags, values, steps, walls = zip(*items)
        ids: dict[str, int] = {}
        tag_id = np.fromiter((ids.setdefault(t, len(ids)) for t in tags), np.int64, n)
        tag_prefix = [prefixes.get(t) or _scalar_prefix(t) for t in ids]
        with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: +-inf, as protobuf
            value = np.array(values, dtype=np.float64).astype("<f4")
        step = np.array(steps, dtype=np.int64).view(np.uint64)  # OverflowError: caller's path
        wall = np.array(walls, dtype="<f8")
        step_size = varint_size_array(step) * (step != 0)  # 0: the field is omitted
        has_wall = wall.view(np.uint64) != 0  # 0.0 is omitted, -0.0 is not
        prefix_len = np.array([len(p) for p in tag_prefix], np.int64)[tag_id]
        length = 9 * has_wall + np.where(step_size > 0, step_size + 1, 0) + prefix_len + 4
        record_end = np.cumsum(length + (HEADER_SIZE + FOOTER_SIZE))
        record_start = record_end - (length + (HEADER_SIZE + FOOTER_SIZE))
        out = np.empty(int(record_end[-1]), dtype=np.uint8)
        key = (tag_id * 16 + step_size) * 2 + has_wall
        order = np.argsort(key, kind="stable")
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        for rows in np.split(order, cuts):
            first = int(rows[0])
            layout = self._layout(
                bool(has_wall[first]), int(step_size[first]), tag_prefix[int(tag_id[first])]
            )
            records = self._fill(layout, wall[rows], step[rows], value[rows])
            out[record_start[rows][:, None] + np.arange(records.shape[1])] = records
        return out

    def _layout(self, has_wall: bool, step_size: int, prefix: bytes) -> tuple:
        key = (has_wall, step_size, prefix)
        layout = self._layouts.get(key)
        if layout is None:
            if len(self._layouts) > 4096:
                self._layouts.clear()
            layout = self._layouts[key] = _scalar_record_template(has_wall, step_size, prefix)
        return layout

    @staticmethod
    def _fill(layout, wall, step, value) -> np.ndarray:
        template, positions, crc0, tables, wall_at, step_at, step_size = layout
        m, size = len(wall), len(template) - HEADER_SIZE
        records = np.empty((m, HEADER_SIZE + size + FOOTER_SIZE), dtype=np.uint8)
        records[:, : HEADER_SIZE + size] = template
        body = records[:, HEADER_SIZE : HEADER_SIZE + size]
        if wall_at >= 0:
            body[:, wall_at : wall_at + 8] = wall.view(np.uint8).reshape(m, 8)
        if step_size:
            encode_sized_varint_array(step, step_size, out=body[:, step_at : step_at + step_size])
        body[:, size - 4 :] = value.view(np.uint8).reshape(m, 4)
        crc = np.full(m, crc0, dtype=np.uint32)
        for table, at in zip(tables, positions):
            crc ^= table[body[:, at]]
        records[:, HEADER_SIZE + size :] = mask_array(crc).astype("<u4").view(np.uint8).reshape(m, 4)
        return records


def _scalar_record_template(has_wall: bool, step_size: int, prefix: bytes) -> tuple:
    """Template record (header + payload with zeros where records differ), the payload
    positions that differ, the template payload's raw CRC and one 256-entry CRC table per
    position: crc(payload) == crc0 ^ xor(table[j][payload[positions[j]]])."""
    head = (b"\x09" + bytes(8) if has_wall else b"") + (b"\x10" + bytes(step_size) if step_size else b"")
    payload = head + prefix + bytes(4)
    size = len(payload)
    wall_at = 1 if has_wall else -1
    step_at = (9 if has_wall else 0) + 1
    positions = (
        ([*range(1, 9)] if has_wall else [])
        + [step_at + k for k in range(step_size)]
        + [*range(size - 4, size)]
    )
    tables = byte_tables(size, positions)
    template = np.frombuffer(encode_record(payload)[: HEADER_SIZE + size], dtype=np.uint8)
    return (
        template,
        positions,
        np.uint32(crc32c(payload)),
        tables,
        wall_at,
        step_at if step_size else -1,
        step_size,
    )


def _work(work: queue.SimpleQueue, sink, state: _State) -> None:
    """Worker loop: block for one item, take whatever else is queued, write it as one batch.
    A remote sink's pending piece is uploaded when its time comes even if nothing arrives."""
    prefixes: dict[str, bytes] = {}
    framer = _Framer()
    bulk = _ScalarFramer()
    get, get_nowait, Empty, due_in = work.get, work.get_nowait, queue.Empty, sink.due_in
    while True:
        try:
            items = [get(timeout=due_in())]
        except Empty:  # pending remote data reached its upload time
            try:
                sink.upload_due()
            except Exception as error:
                state.error = state.error or error
            continue
        try:
            while len(items) < 65536:
                items.append(get_nowait())
        except Empty:
            pass
        scalars: list[tuple] = []  # consecutive scalar items, framed together
        for item in items:
            if type(item) is tuple and len(item) == 4:  # (tag, value, step, wall_time)
                scalars.append(item)
                continue
            if scalars:
                _frame_scalars(scalars, framer, bulk, prefixes, state)
                scalars = []
            try:
                if type(item) is tuple:  # (summary, step, wall_time)
                    framer.add(summary_event_bytes(*item))
                elif isinstance(item, threading.Event):  # flush(): a barrier
                    _write(sink, framer.take(), state)
                    _upload(sink, state)
                    item.set()
                    continue
                elif item is _STOP:
                    _write(sink, framer.take(), state)
                    try:
                        sink.close()
                    except Exception as error:
                        state.error = state.error or error
                    return
                else:
                    framer.add(item.SerializeToString())
            except Exception as error:  # keep going: one bad item loses only itself
                state.error = state.error or error
                continue
            if framer.size >= _BATCH_BYTES:
                _write(sink, framer.take(), state)
        if scalars:
            _frame_scalars(scalars, framer, bulk, prefixes, state)
        _write(sink, framer.take(), state)


def _frame_scalars(items: list, framer: _Framer, bulk: _ScalarFramer, prefixes: dict, state: _State) -> None:
    """Frame scalar items: many at once with numpy, a few (or odd ones) one by one."""
    if len(items) >= _BULK_MIN:
        try:
            framer.add_framed(bulk.frame(items, prefixes), len(items))
            return
        except (OverflowError, TypeError, ValueError):
            pass  # a step beyond int64, a value that is no number...: record by record
    for tag, value, step, wall_time in items:
        try:
            prefix = prefixes.get(tag)
            if prefix is None:
                if len(prefixes) > 100_000:
                    prefixes.clear()
                prefix = prefixes[tag] = _scalar_prefix(tag)
            framer.add(scalar_event_bytes(tag, value, step, wall_time, prefix))
        except Exception as error:  # keep going: one bad item loses only itself
            state.error = state.error or error


def _write(sink, taken: tuple[list, int], state: _State) -> None:
    parts, count = taken
    if not parts:
        return
    try:
        sink.write(b"".join(parts))
    except Exception as error:
        state.error = state.error or error
        return
    state.written += count


def _upload(sink, state: _State) -> None:
    """Hand a remote sink's pending bytes to the store (local files have none)."""
    try:
        sink.flush()
    except Exception as error:
        state.error = state.error or error
