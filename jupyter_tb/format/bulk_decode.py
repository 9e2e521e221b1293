"""Bulk decoding of scalar and histogram events, vectorised with numpy over many records at once.

Most of a logdir is scalar events, and parsing them one protobuf message at a time costs more
than everything else in a read. This module decodes the common shapes directly from the wire
bytes, walking all records in lockstep: each record has a cursor (``pos``), each round reads the
next field key of every record at once, and records are grouped by key for the work of that
field. A record whose bytes stray from the shapes below in any way (another field, a repeated
field, metadata, a second value, a non-scalar tensor...) is marked not ``fast`` and left for
the protobuf path, which stays the single source of truth for everything else.

Shapes decoded (field order free, as writers differ; proto3 defaults for absent fields)::

    Event   { wall_time = 1 (fixed64), step = 2 (varint), summary = 5 }
    Summary { value = 1 }                              exactly one value, nothing else
    Value   { tag = 1, simple_value = 2 (fixed32) }    or
    Value   { tag = 1, tensor = 8 }                    with no metadata, or
    Value   { tag = 1, histo = 5 }                     legacy histogram (tensorboardX, torch)
    HistogramProto { min = 1, max = 2, num = 3, sum = 4, sum_squares = 5 (doubles),
                     bucket_limit = 6, bucket = 7 (packed doubles, as many limits as buckets) }
    Tensor  { dtype = 1, tensor_shape = 2 (empty), version_number = 3,
              one of: tensor_content = 4, float_val = 5, double_val = 6, int_val = 7,
              int64_val = 10 (packed or not, exactly one element) }
    dtype DT_FLOAT = 1, DT_DOUBLE = 2, DT_INT32 = 3, DT_INT64 = 9, matching the value field

Tags are interned per call: rows are grouped by a 128-bit hash of their tag bytes (two
independent 64-bit hashes computed in the same pass), so no Python object is made per record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jupyter_tb.format.protowire import (
    FIXED32,
    FIXED64,
    LENGTH_DELIMITED,
    VARINT,
    decode_sized_varint_array,
    decode_varint,
    decode_varint_array,
    field_key,
)
from jupyter_tb.format.tfrecord import unaligned

_CHUNK = 1 << 16  # records decoded per round: keeps temporaries small and in cache

# wire keys of the fields above
_EVENT_WALL, _EVENT_STEP = field_key(1, FIXED64), field_key(2, VARINT)
_EVENT_SUMMARY = field_key(5, LENGTH_DELIMITED)
_SUMMARY_VALUE = field_key(1, LENGTH_DELIMITED)
_VALUE_TAG, _VALUE_SIMPLE = field_key(1, LENGTH_DELIMITED), field_key(2, FIXED32)
_VALUE_HISTO, _VALUE_TENSOR = field_key(5, LENGTH_DELIMITED), field_key(8, LENGTH_DELIMITED)
_HISTO_STATS = tuple(field_key(n, FIXED64) for n in range(1, 6))  # min, max, num, sum, sum_squares
_HISTO_LIMITS, _HISTO_COUNTS = field_key(6, LENGTH_DELIMITED), field_key(7, LENGTH_DELIMITED)
# bits of the value field a Value holds (its oneof), as returned by _Rows._walk
_BIT_SIMPLE, _BIT_TENSOR, _BIT_HISTO = 2, 4, 8
_TENSOR_DTYPE, _TENSOR_SHAPE = field_key(1, VARINT), field_key(2, LENGTH_DELIMITED)
_TENSOR_VERSION, _TENSOR_CONTENT = field_key(3, VARINT), field_key(4, LENGTH_DELIMITED)
_FLOAT_PACKED, _FLOAT_ONE = field_key(5, LENGTH_DELIMITED), field_key(5, FIXED32)
_DOUBLE_PACKED, _DOUBLE_ONE = field_key(6, LENGTH_DELIMITED), field_key(6, FIXED64)
_INT_PACKED, _INT_ONE = field_key(7, LENGTH_DELIMITED), field_key(7, VARINT)
_INT64_PACKED, _INT64_ONE = field_key(10, LENGTH_DELIMITED), field_key(10, VARINT)

DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 = 1, 2, 3, 9

# where a tensor's value came from; the dtype it requires is checked at the end
_SRC_NONE, _SRC_FLOAT, _SRC_DOUBLE, _SRC_INT, _SRC_INT64, _SRC_CONTENT = range(6)

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_KEEP_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)  # low k bytes


@dataclass
class ScalarColumns:
    fast: np.ndarray  # bool per input record: True if decoded here
    tag_names: list[str]  # tag id -> tag string (utf-8, errors='replace')
    tag_ids: np.ndarray  # int32 per decoded record (records where fast is True, in order)
    steps: np.ndarray  # int64
    wall_times: np.ndarray  # float64
    values: np.ndarray  # float64


@dataclass
class HistogramColumns:
    """Legacy ``histo`` values, one entry per decoded record, ordered by tag id and then by
    record, so each tag's histograms are one contiguous stretch. The buckets stay in the
    buffer: ``limits_at``/``counts_at`` locate each histogram's packed doubles, so the caller
    builds its rows with one copy (see :func:`jupyter_tb.format.migrate.fill_bucket_rows`)."""

    rows: np.ndarray  # int64 record index of each decoded histogram
    tag_names: list[str]  # tag id -> tag string, as for the scalars (a table of their own)
    tag_ids: np.ndarray  # int32
    steps: np.ndarray  # int64
    wall_times: np.ndarray  # float64
    stats: np.ndarray  # float64 (n, 5): min, max, num, sum, sum_squares
    limits_at: np.ndarray  # int64 buffer offset of each histogram's packed bucket_limit
    counts_at: np.ndarray  # int64 buffer offset of its packed bucket counts
    sizes: np.ndarray  # int64 number of buckets of each (as many limits as counts)

    def keep(self, mask: np.ndarray) -> None:
        """Drop the histograms where ``mask`` is False."""
        for name in ("rows", "tag_ids", "steps", "wall_times", "stats", "limits_at", "counts_at", "sizes"):
            setattr(self, name, getattr(self, name)[mask])


@dataclass
class EventColumns:
    scalars: ScalarColumns
    histograms: HistogramColumns


def decode_events(buf, offsets, lengths) -> EventColumns:
    """Decode the scalar and legacy histogram events among the records
    ``buf[offsets[i]:offsets[i] + lengths[i]]``; other records are left for protobuf."""
    wire = _Wire(buf)
    offsets = np.asarray(offsets, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    fast = np.zeros(len(offsets), dtype=bool)
    tags, histo_tags = _TagTable(), _TagTable()
    parts: list[tuple] = []
    histos: list[tuple] = []
    for first in range(0, len(offsets), _CHUNK):
        rows = _Rows(wire, offsets[first : first + _CHUNK], lengths[first : first + _CHUNK])
        rows.decode()
        scalar = rows.ok & (rows.vkind != _BIT_HISTO)
        fast[first : first + len(scalar)] = scalar
        ids = tags.intern(wire, rows.tag_start[scalar], rows.tag_len[scalar])
        parts.append((ids, rows.step[scalar], rows.wall[scalar], rows.value[scalar]))
        histo = np.flatnonzero(rows.ok & (rows.vkind == _BIT_HISTO))
        if len(histo):
            ids = histo_tags.intern(wire, rows.tag_start[histo], rows.tag_len[histo])
            histos.append(
                (
                    histo + first,
                    ids,
                    rows.step[histo],
                    rows.wall[histo],
                    rows.h_stats[:, histo].T,
                    *rows.buckets(histo),
                )
            )
    if parts:
        ids, steps, walls, values = (np.concatenate(col) for col in zip(*parts))
    else:
        ids, steps = np.zeros(0, np.int32), np.zeros(0, np.int64)
        walls, values = np.zeros(0, np.float64), np.zeros(0, np.float64)
    scalars = ScalarColumns(fast, tags.names, ids, steps, walls, values)
    return EventColumns(scalars, _histogram_columns(histos, histo_tags.names))


def _histogram_columns(parts: list[tuple], names: list[str]) -> HistogramColumns:
    if not parts:
        return HistogramColumns(
            np.zeros(0, np.int64),
            names,
            np.zeros(0, np.int32),
            np.zeros(0, np.int64),
            np.zeros(0),
            np.zeros((0, 5)),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
        )
    columns = [np.concatenate(col) if len(parts) > 1 else col[0] for col in zip(*parts)]
    order = np.argsort(columns[1], kind="stable")  # tag-major: a reader takes each tag in one slice
    rows, ids, steps, walls, stats, limits_at, counts_at, sizes = (col[order] for col in columns)
    return HistogramColumns(rows, names, ids, steps, walls, stats, limits_at, counts_at, sizes)


class _Wire:
    """The buffer, with unaligned little-endian views for gathering fixed-width fields."""

    def __init__(self, buf):
        self.u8 = np.frombuffer(memoryview(buf).cast("B"), dtype=np.uint8)
        self.size = len(self.u8)
        self.f32 = unaligned(self.u8, "<f4")
        self.f64 = unaligned(self.u8, "<f8")
        self.i32 = unaligned(self.u8, "<i4")
        self.i64 = unaligned(self.u8, "<i8")
        self.u64 = unaligned(self.u8, "<u8")

    def byte(self, pos: np.ndarray) -> np.ndarray:
        return self.u8[np.minimum(pos, self.size - 1)]


class _Rows:
    """Cursor state of a chunk of records walking through the shapes above."""

    def __init__(self, wire: _Wire, offsets: np.ndarray, lengths: np.ndarray):
        n = len(offsets)
        self.w = wire
        self.ok = np.ones(n, dtype=bool)
        self.wall = np.zeros(n, dtype=np.float64)
        self.step = np.zeros(n, dtype=np.int64)
        self.value = np.zeros(n, dtype=np.float64)
        self.tag_start = np.zeros(n, dtype=np.int64)
        self.tag_len = np.zeros(n, dtype=np.int64)
        self.pos = offsets.copy()
        self.end = offsets + lengths
        self.vkind = np.zeros(n, dtype=np.int64)  # the value field's bit, see _summary
        self.h_stats = None  # histogram fields, allocated when a chunk holds histograms

    def reject(self, rows: np.ndarray) -> None:
        self.ok[rows] = False

    def reject_where(self, rows: np.ndarray, bad: np.ndarray) -> None:
        if bad.any():
            self.ok[rows[bad]] = False

    def decode(self) -> None:
        rows = np.flatnonzero(~_FixedLayouts(self).decode())
        if not len(rows):
            return
        seen = self._walk(rows, self.pos[rows], self.end[rows], 3, self._event_field)
        self.reject_where(rows, (seen & 4) == 0)  # no summary: not a scalar event

    def _walk(self, rows, pos, end, rounds, field):
        """Walk records ``rows`` over ``[pos, end)`` field by field, at most ``rounds`` fields.

        Each round reads every record's next key and calls ``field(key, rows, at, end)`` once
        per distinct key, with ``at`` just past the key; it returns (where the field ends, its
        bit), bit 0 for a key the shape does not allow. Returns the bits seen per row; rows that
        repeat a field, meet a disallowed one or have bytes left after ``rounds`` are rejected.
        (Keys of field numbers >= 16 take two bytes; none is allowed, so the first byte, with
        its continuation bit set, is simply a disallowed key.)"""
        pos = pos.copy()
        seen = np.zeros(len(rows), dtype=np.int64)
        for _ in range(rounds):
            alive = self.ok[rows] & (pos < end)
            if alive.all():
                live = slice(None)  # the usual case: no index arrays, no copies
            else:
                live = np.flatnonzero(alive)
                if not len(live):
                    break
            keys = self.w.u8[pos[live]]
            distinct = np.flatnonzero(np.bincount(keys, minlength=256))
            for key in distinct.tolist():
                if len(distinct) == 1:
                    sub = live
                elif isinstance(live, slice):
                    sub = np.flatnonzero(keys == key)
                else:
                    sub = live[keys == key]
                after, bit = field(key, rows[sub], pos[sub] + 1, end[sub])
                if bit == 0:
                    self.reject(rows[sub])
                    continue
                repeated = (seen[sub] & bit) != 0
                self.reject_where(rows[sub], repeated)
                seen[sub] |= bit
                pos[sub] = after
        self.reject_where(rows, self.ok[rows] & (pos < end))
        return seen

    # --------------------------------------------------------------- one field per message

    def _event_field(self, key, rows, at, end):
        w = self.w
        if key == _EVENT_WALL:
            return self._fixed(rows, at, end, w.f64, self.wall), 1
        if key == _EVENT_STEP:
            value, after, good = decode_varint_array(w.u8, at, end)
            self.reject_where(rows, ~good)
            self.step[rows] = value.view(np.int64)
            return after, 2
        if key == _EVENT_SUMMARY:
            start, stop = self._submessage(rows, at, end)
            self._summary(rows, start, stop)
            return stop, 4
        return at, 0

    def _summary(self, rows, start, stop):
        # exactly one Value filling the whole Summary
        first = self.w.byte(start) == _SUMMARY_VALUE
        self.reject_where(rows, ~first | (start >= stop))
        vstart, vstop = self._submessage(rows, start + 1, stop)
        self.reject_where(rows, vstop != stop)
        seen = self._walk(rows, vstart, vstop, 2, self._value_field)
        self.reject_where(rows, (seen & 1) == 0)  # a tag is required
        value = seen & (_BIT_SIMPLE | _BIT_TENSOR | _BIT_HISTO)
        self.reject_where(rows, (value == 0) | (value & (value - 1) != 0))  # and one value
        self.vkind[rows] = value

    def _value_field(self, key, rows, at, end):
        if key == _VALUE_TAG:
            start, stop = self._submessage(rows, at, end)
            self.tag_start[rows] = start
            self.tag_len[rows] = stop - start
            return stop, 1
        if key == _VALUE_SIMPLE:
            return self._fixed(rows, at, end, self.w.f32, self.value), _BIT_SIMPLE
        if key == _VALUE_TENSOR:
            start, stop = self._submessage(rows, at, end)
            self._tensor(rows, start, stop)
            return stop, _BIT_TENSOR
        if key == _VALUE_HISTO:
            start, stop = self._submessage(rows, at, end)
            self._histo(rows, start, stop)
            return stop, _BIT_HISTO
        return at, 0

    def _histo(self, rows, start, stop):
        if self.h_stats is None:
            n = len(self.ok)
            self.h_stats = np.zeros((5, n), dtype=np.float64)
            self.h_limits = np.zeros((2, n), dtype=np.int64)  # start, byte length
            self.h_counts = np.zeros((2, n), dtype=np.int64)
        self._walk(rows, start, stop, 7, self._histo_field)
        # as many limits as counts, whole doubles; anything else is left to protobuf
        n_limits, n_counts = self.h_limits[1, rows], self.h_counts[1, rows]
        self.reject_where(rows, (n_limits != n_counts) | (n_limits % 8 != 0))

    def _histo_field(self, key, rows, at, end):
        if key in _HISTO_STATS:
            k = _HISTO_STATS.index(key)
            return self._fixed(rows, at, end, self.w.f64, self.h_stats[k]), 1 << k
        if key in (_HISTO_LIMITS, _HISTO_COUNTS):
            start, stop = self._submessage(rows, at, end)
            where = self.h_limits if key == _HISTO_LIMITS else self.h_counts
            where[0, rows] = start
            where[1, rows] = stop - start
            return stop, 32 if key == _HISTO_LIMITS else 64
        return at, 0  # unpacked repeated doubles and anything else

    def buckets(self, rows):
        """(limits_at, counts_at, sizes) of the histograms ``rows``: where their packed
        bucket fields start in the buffer, and the number of buckets of each."""
        return self.h_limits[0, rows], self.h_counts[0, rows], self.h_limits[1, rows] // 8

    def _tensor(self, rows, start, stop):
        n = len(rows)
        self.t_dtype = np.zeros(n, dtype=np.int64)
        self.t_src = np.full(n, _SRC_NONE, dtype=np.int8)
        self.t_content = np.zeros(n, dtype=np.int64)  # position of tensor_content bytes
        self.t_content_len = np.zeros(n, dtype=np.int64)
        self.t_index = np.full(len(self.ok), -1, dtype=np.int64)
        self.t_index[rows] = np.arange(n)
        seen = self._walk(rows, start, stop, 4, self._tensor_field)
        self.reject_where(rows, (seen & 1) == 0)  # dtype required
        self._resolve_tensor(rows)

    def _tensor_field(self, key, rows, at, end):
        w, i = self.w, self.t_index[rows]
        if key == _TENSOR_DTYPE:
            value, after, good = decode_varint_array(w.u8, at, end)
            self.reject_where(rows, ~good)
            self.t_dtype[i] = value.astype(np.int64)
            return after, 1
        if key == _TENSOR_SHAPE:  # a scalar's shape is the empty message
            start, stop = self._submessage(rows, at, end)
            self.reject_where(rows, stop != start)
            return stop, 2
        if key == _TENSOR_VERSION:
            _, after, good = decode_varint_array(w.u8, at, end)
            self.reject_where(rows, ~good)
            return after, 4
        if key in (_FLOAT_ONE, _DOUBLE_ONE):
            return self._fixed_value(rows, i, at, end, _SRC_FLOAT if key == _FLOAT_ONE else _SRC_DOUBLE)
        if key in (_FLOAT_PACKED, _DOUBLE_PACKED, _TENSOR_CONTENT):
            start, stop = self._submessage(rows, at, end)
            if key == _TENSOR_CONTENT:
                self.t_content[i] = start
                self.t_content_len[i] = stop - start
                self.t_src[i] = _SRC_CONTENT
                return stop, 8
            size, src = (4, _SRC_FLOAT) if key == _FLOAT_PACKED else (8, _SRC_DOUBLE)
            self.reject_where(rows, stop - start != size)  # exactly one element
            return self._fixed_value(rows, i, start, stop, src)
        if key in (_INT_ONE, _INT64_ONE):
            src = _SRC_INT if key == _INT_ONE else _SRC_INT64
            value, after, good = decode_varint_array(w.u8, at, end)
            self.reject_where(rows, ~good)
            self._int_value(rows, i, value, src)
            return after, 8
        if key in (_INT_PACKED, _INT64_PACKED):
            src = _SRC_INT if key == _INT_PACKED else _SRC_INT64
            start, stop = self._submessage(rows, at, end)
            value, after, good = decode_varint_array(w.u8, start, stop)
            self.reject_where(rows, ~good | (after != stop))  # exactly one element
            self._int_value(rows, i, value, src)
            return stop, 8
        return at, 0

    def _fixed_value(self, rows, i, at, end, src):
        self.t_src[i] = src
        return self._fixed(rows, at, end, self.w.f32 if src == _SRC_FLOAT else self.w.f64, self.value), 8

    def _int_value(self, rows, i, value, src):
        signed = value.view(np.int64)
        if src == _SRC_INT:  # int32 on the wire is sign-extended; keep its low 32 bits
            signed = signed.astype(np.int32).astype(np.int64)
        self.value[rows] = signed
        self.t_src[i] = src

    def _resolve_tensor(self, rows):
        """Keep tensors whose value field matches their dtype; decode tensor_content."""
        dtype, src = self.t_dtype, self.t_src
        want = {DT_FLOAT: _SRC_FLOAT, DT_DOUBLE: _SRC_DOUBLE, DT_INT32: _SRC_INT, DT_INT64: _SRC_INT64}
        good = np.zeros(len(rows), dtype=bool)
        w = self.w
        for dt, direct in want.items():
            good |= (dtype == dt) & (src == direct)
        content = np.flatnonzero(src == _SRC_CONTENT)
        if len(content):
            at, size, dt = self.t_content[content], self.t_content_len[content], dtype[content]
            for code, nbytes, view in (
                (DT_FLOAT, 4, w.f32),
                (DT_DOUBLE, 8, w.f64),
                (DT_INT32, 4, w.i32),
                (DT_INT64, 8, w.i64),
            ):
                hit = (dt == code) & (size == nbytes)
                self.value[rows[content[hit]]] = view[at[hit]]
                good[content[hit]] = True
        self.reject_where(rows, ~good)

    # --------------------------------------------------------------- helpers

    def _fixed(self, rows, at, end, view, out):
        """A little-endian fixed-width field at ``at`` into ``out``; returns where it ends."""
        after = at + view.itemsize
        good = self._fits(rows, after, end)
        out[rows[good]] = view[at[good]]
        return after

    def _fits(self, rows, after, end):
        good = after <= end
        self.reject_where(rows, ~good)
        return good

    def _submessage(self, rows, at, end):
        """A length-delimited field at ``at``: (start, stop) of its bytes, checked to fit."""
        size, start, good = decode_varint_array(self.w.u8, at, end)
        stop = start + size.astype(np.int64)
        good &= (size < (1 << 40)) & (stop <= end)
        self.reject_where(rows, ~good)
        stop = np.where(good, stop, end)
        return np.where(good, start, end), stop


class _FixedLayouts:
    """The shortcut for the usual case: writers lay out every ``simple_value`` event of one
    length the same way (tensorboardX, torch and ours: wall_time, step, summary, in field
    order), so records of one length differ only in the wall time, step, tag and value bytes.
    For each common length, one record is parsed in Python as a template; every record of
    that length whose other bytes equal the template's (and whose step bytes form a varint of
    the same size) is read at fixed offsets. Anything else takes the general walk."""

    MAX_LENGTH = 300  # longer records are not plain scalars
    MIN_GROUP = 16  # fewer records of a length are not worth a template

    def __init__(self, rows: _Rows):
        self.r = rows

    def decode(self) -> np.ndarray:
        """Decode what fits a template into ``rows``; returns the mask of rows decoded."""
        r = self.r
        start, length = r.pos, r.end - r.pos
        done = np.zeros(len(start), dtype=bool)
        short = np.minimum(length, self.MAX_LENGTH + 1)
        counts = np.bincount(short, minlength=self.MAX_LENGTH + 2)[: self.MAX_LENGTH + 1]
        common = np.flatnonzero(counts >= self.MIN_GROUP)
        if not len(common):
            return done
        if len(common) == 1 and counts[common[0]] == len(start):
            groups = [(int(common[0]), slice(None))]  # every record has one length
        else:
            order = np.argsort(short, kind="stable")
            cuts = np.searchsorted(short[order], np.stack([common, common + 1]))
            groups = [(int(n), order[a:b]) for n, a, b in zip(common, *cuts)]
        for n, members in groups:
            members = np.arange(len(start))[members]
            layout = _scalar_layout(r.w.u8[start[members[0]] : start[members[0]] + n].tobytes())
            if layout is not None:
                done[members[self._read(members, start[members], layout)]] = True
        return done

    def _read(self, rows, at, layout) -> np.ndarray:
        r, u64 = self.r, self.r.w.u64
        words, wall_at, step_at, step_size, tag_at, tag_size, value_at = layout
        good = None
        for word_at, mask, expected in words:  # the template's fixed bits, 8 bytes at a time
            same = (u64[at + word_at] & mask) == expected
            good = same if good is None else good & same
        ok = rows[good]
        at = at[good]
        if step_size:
            r.step[ok] = decode_sized_varint_array(r.w.u64, at + step_at, step_size)
        r.wall[ok] = r.w.f64[at + wall_at] if wall_at >= 0 else 0.0
        r.value[ok] = r.w.f32[at + value_at]
        r.tag_start[ok] = at + tag_at
        r.tag_len[ok] = tag_size
        r.vkind[ok] = _BIT_SIMPLE
        return good


def _scalar_layout(record: bytes):
    """Where the parts of ``Event{wall_time?, step?, summary{value{tag, simple_value}}}`` sit
    in ``record`` (written in that order, defaults omitted), or None for another shape:
    (offsets of the other bytes, those bytes, wall offset or -1, step offset, step size,
    tag offset, tag size, value offset)."""
    n, pos = len(record), 0
    wall_at = step_at = -1
    step_size = 0
    try:
        if record[pos] == _EVENT_WALL:
            wall_at, pos = pos + 1, pos + 9
        if record[pos] == _EVENT_STEP:
            step_at = pos + 1
            _, pos = decode_varint(record, step_at)
            step_size = pos - step_at
        if record[pos] != _EVENT_SUMMARY or record[pos + 1] != n - pos - 2:  # one-byte lengths
            return None
        if record[pos + 2] != _SUMMARY_VALUE or record[pos + 3] != n - pos - 4:
            return None
        pos += 4
        if record[pos] != _VALUE_TAG:
            return None
        tag_size = record[pos + 1]
        tag_at = pos + 2
        pos = tag_at + tag_size
        if tag_size >= 0x80 or record[pos] != _VALUE_SIMPLE or pos + 5 != n:
            return None
    except IndexError:
        return None
    value_at = pos + 1
    if n < 8:
        return None
    # bits every record of this layout shares: all of the structure bytes, and the
    # continuation bits of the step's varint (so it has the template's size)
    mask = np.full(n, 0xFF, dtype=np.uint8)
    for at, size in ((wall_at, 8), (tag_at, tag_size), (value_at, 4)):
        if at >= 0:
            mask[at : at + size] = 0
    if step_size:
        mask[step_at : step_at + step_size] = 0x80
    template = np.frombuffer(record, dtype=np.uint8)
    words, covered = [], 0
    for first in np.flatnonzero(mask).tolist():
        if first < covered:
            continue
        word_at = min(first, n - 8)  # 8 bytes inside the record
        word_mask = int.from_bytes(mask[word_at : word_at + 8].tobytes(), "little")
        expected = int.from_bytes(template[word_at : word_at + 8].tobytes(), "little") & word_mask
        words.append((word_at, np.uint64(word_mask), np.uint64(expected)))
        covered = word_at + 8
    return words, wall_at, step_at, step_size, tag_at, tag_size, value_at


class _TagTable:
    """Tag bytes -> dense ids, through a 128-bit hash of (length, bytes)."""

    def __init__(self):
        self.names: list[str] = []
        self.by_hash: dict[tuple[int, int], int] = {}

    def intern(self, wire: _Wire, start: np.ndarray, length: np.ndarray) -> np.ndarray:
        if not len(start):
            return np.zeros(0, dtype=np.int32)
        h1, h2 = _tag_hashes(wire, start, length)
        # few distinct tags: find them from a sample, then place every row by binary search
        known = np.unique(h1[:: max(1, len(h1) // 512)])
        slot = np.minimum(np.searchsorted(known, h1), len(known) - 1)
        missing = known[slot] != h1
        if missing.any():
            known = np.union1d(known, h1[missing])
            slot = np.searchsorted(known, h1)
        first = np.full(len(known), len(slot), dtype=np.int64)
        np.minimum.at(first, slot, np.arange(len(slot)))  # first row holding each hash
        ids_of_known = np.empty(len(known), dtype=np.int32)
        for k in np.argsort(first).tolist():  # new tags get ids in order of appearance
            row = int(first[k])
            key = (int(h1[row]), int(h2[row]))
            tag_id = self.by_hash.get(key)
            if tag_id is None:
                s, n = int(start[row]), int(length[row])
                tag_id = self.by_hash[key] = len(self.names)
                self.names.append(wire.u8[s : s + n].tobytes().decode("utf-8", "replace"))
            ids_of_known[k] = tag_id
        ids = ids_of_known[slot]
        # the second hash must agree with the first row of the group, or h1 collided
        clash = np.flatnonzero(h2 != h2[first[slot]])
        for row in clash.tolist():
            key = (int(h1[row]), int(h2[row]))
            if key not in self.by_hash:
                s, n = int(start[row]), int(length[row])
                self.by_hash[key] = len(self.names)
                self.names.append(wire.u8[s : s + n].tobytes().decode("utf-8", "replace"))
            ids[row] = self.by_hash[key]
        return ids


def _tag_hashes(wire: _Wire, start: np.ndarray, length: np.ndarray):
    """A 128-bit key of each tag: for tags of up to 8 bytes (the usual "loss", "acc") their
    bytes and length themselves, else two independent 64-bit hashes, reading eight bytes at
    a time. A tag's key never depends on the other tags of the call."""
    short = length <= 8
    if short.all():
        return _word_at(wire, start, length, 0), length.astype(np.uint64) ^ _M2
    h1, h2 = np.empty(len(start), np.uint64), np.empty(len(start), np.uint64)
    h1[short] = _word_at(wire, start[short], length[short], 0)
    h2[short] = length[short].astype(np.uint64) ^ _M2
    h1[~short], h2[~short] = _mixed_hashes(wire, start[~short], length[~short])
    return h1, h2


def _mixed_hashes(wire: _Wire, start: np.ndarray, length: np.ndarray):
    h1 = length.astype(np.uint64) * _M1
    h2 = length.astype(np.uint64) ^ _M2
    rows = np.arange(len(start))
    offset = 0
    while len(rows):
        word = _word_at(wire, start[rows], length[rows], offset)
        a = (h1[rows] ^ word) * _M1
        h1[rows] = a ^ (a >> np.uint64(29))
        b = (h2[rows] + word) * _M2
        h2[rows] = b ^ (b >> np.uint64(31))
        offset += 8
        rows = rows[length[rows] > offset]
    return h1, h2


def _word_at(wire: _Wire, start: np.ndarray, length: np.ndarray, offset: int) -> np.ndarray:
    """Bytes ``offset`` to ``offset + 8`` of each tag as a little-endian word, zero past its end."""
    at = start + offset
    last = wire.size - 8
    if len(at) and at.max() > last:  # near the buffer's end, read earlier and shift down
        clipped = np.minimum(at, last)
        word = wire.u64[clipped] >> ((at - clipped) * 8).astype(np.uint64)
    else:
        word = wire.u64[at]
    return word & _KEEP_BYTES[np.clip(length - offset, 0, 8)]
