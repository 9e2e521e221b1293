"""TensorFlow profiler files (``<run>/plugins/profile/<session>/<host>.xplane.pb``) -> the
columns a Chrome trace gives (:class:`jupyter_tb.reading.profile_trace.Trace`).

The file is one serialized ``XSpace`` (tensorflow/tsl ``profiler/protobuf/xplane.proto``), read
here with the schema's field numbers and no protobuf runtime::

    XSpace         planes=1 errors=2 warnings=3 hostnames=4
    XPlane         id=1 name=2 lines=3 event_metadata=4 (map<int64, XEventMetadata>)
                   stat_metadata=5 (map<int64, XStatMetadata>) stats=6
    XLine          id=1 name=2 timestamp_ns=3 events=4 duration_ps=9 display_id=10 display_name=11
    XEvent         metadata_id=1 offset_ps=2 | num_occurrences=5 duration_ps=3 stats=4
    XStat          metadata_id=1 double=2 uint64=3 int64=4 str=5 bytes=6 ref=7 (an XStatMetadata id)
    XEventMetadata id=1 name=2 metadata=3 display_name=4 stats=5 child_id=6
    XStatMetadata  id=1 name=2 description=3
    map entry      key=1 value=2

Planes, lines and metadata are few and walked one message at a time. Events and their stats
are millions in a long profile and have no Python step each: a line's events are found as a
chain of records with numpy (see ``_record_run``), then their fields and their stats' fields
are decoded for all of them at once, one field per round.

Mapping: a lane per (plane, line) (threads on ``/host:CPU``, streams on ``/device:GPU:N``);
times in µs (``timestamp_ns`` of the line plus ``offset_ps``); the name is the event
metadata's; categories say what the profile tables need: ``tf_op`` for TensorFlow op events
(``name:Type``), ``tf_data`` for input pipeline iterators, ``kernel`` / ``gpu_memcpy`` /
``gpu_memset`` on device planes, ``cuda_runtime`` for host events with a ``correlation_id``
(launches, tied to their kernels like torch's), ``TraceMe`` for the rest. Stats become args:
``correlation_id`` -> ``correlation``, ``step_num`` -> ``step_num`` (a step is an outermost
event carrying it: ``tf.profiler.experimental.Trace("train", step_num=i)``, Keras'
"Profiled batch").

Damage: every length is checked against the bytes of the message holding it, a varint is at
most ten bytes, and a known field with the wrong wire type is an error; the file then raises
:class:`XPlaneError` naming where, and nothing is sized by a count the bytes do not back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from jupyter_tb.format.protowire import (
    FIXED32,
    FIXED64,
    LENGTH_DELIMITED,
    VARINT,
    decode_varint,
    decode_varint_array,
)
from jupyter_tb.format.tfrecord import unaligned
from jupyter_tb.reading.profile_trace import _NUMBER_ARGS, Trace, TraceError, decode_bytes

SUFFIX = ".xplane.pb"

# stats gathered into numeric args columns (the rest are read back per event on a click)
_STAT_ARGS = {"correlation_id": "correlation", "step_num": "step_num"}
_TF_OP = re.compile(r"^[^:]+:[A-Za-z_][\w.]*$")  # TensorFlow's "op_name:OpType"
_NO_METADATA = "(no metadata)"
_STRIDE_BITS = 6  # a line's events are walked 64 at a stride (see _record_run)
_CHUNK = 1 << 17  # messages whose fields are decoded together (see _walk_many)


class XPlaneError(TraceError):
    """The bytes are not a readable XSpace (message says where)."""


@dataclass
class _Plane:
    name: str
    stat_names: dict[int, str] = field(default_factory=dict)  # XStatMetadata id -> name
    event_names: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (name, display)
    line_names: list[str] = field(default_factory=list)


@dataclass
class XTrace(Trace):
    """A :class:`Trace` read from an XSpace: ``plane`` (per event, into ``planes``) lets one
    event's stats be decoded again for its details."""

    plane: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    planes: list[_Plane] = field(default_factory=list)

    def event_args(self, index: int, raw: bytes) -> dict:
        """Event ``index`` decoded again from the file's bytes: name, lane, times and stats."""
        start, end = self.offsets[index].tolist()
        plane = self.planes[int(self.plane[index])]
        fields = _fields(raw, start, end, f"event {index}")
        name, display = plane.event_names.get(_first(fields, 1, 0), (_NO_METADATA, ""))
        args = {}
        for s_start, s_end in fields.get(4, []):
            stat = _fields(raw, s_start, s_end, f"event {index} stat")
            key = plane.stat_names.get(_first(stat, 1, 0), str(_first(stat, 1, 0)))
            args[key] = _stat_value(raw, stat, plane.stat_names)
        out = {"name": name, "lane": self.lanes[int(self.lane[index])], "ts": float(self.ts[index])}
        if display and display != name:
            out["display_name"] = display
        out["dur"] = float(self.dur[index])
        out["args"] = args
        return out


def is_xplane_file(name: str) -> bool:
    return name.endswith(SUFFIX)


# ---------------------------------------------------------------------------- one message


def _varint(buf, pos: int, end: int, where: str) -> tuple[int, int]:
    """The varint at ``buf[pos]``, read from at most ten bytes before ``end`` (a long run of
    continuation bytes in a damaged file costs nothing)."""
    try:
        value, size = decode_varint(buf[pos : min(end, pos + 10)], 0)
    except IndexError:
        raise XPlaneError(f"{where}: varint runs past the end of its message (truncated file?)") from None
    return value & 0xFFFFFFFFFFFFFFFF, pos + size


def _fields(buf, start: int, end: int, where: str, spans: int = 0, into=None) -> dict[int, list]:
    """The fields of the message ``buf[start:end]``: number -> values in order (varints and
    fixed-width values as ints, length-delimited ones as (start, end) spans). The spans of
    field ``spans`` (below 16) go into the list ``into`` instead, as arrays (see _record_run)."""
    out: dict[int, list] = {}
    run_key = (spans << 3) | LENGTH_DELIMITED if spans else -1
    pos = start
    while pos < end:
        key = buf[pos]
        if key == run_key:
            pos = _record_run(buf, pos, end, run_key, into, where)
            continue
        if key & 0x80:
            key, pos = _varint(buf, pos, end, where)
        else:
            pos += 1
        number, wire = key >> 3, key & 7
        if wire == LENGTH_DELIMITED:
            if pos >= end:
                raise XPlaneError(f"{where}: field {number} has no length (truncated file?)")
            length, pos = _varint(buf, pos, end, where)
            if length > end - pos:
                raise _too_long(where, number, length, pos, end)
            out.setdefault(number, []).append((pos, pos + length))
            pos += length
            continue
        if wire == VARINT:
            value, pos = _varint(buf, pos, end, where)
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
            if size > end - pos:
                raise XPlaneError(f"{where}: field {number} runs past the end of its message")
            value, pos = int.from_bytes(buf[pos : pos + size], "little"), pos + size
        else:
            raise XPlaneError(f"{where}: unsupported wire type {wire} at byte {pos} (not an XSpace?)")
        out.setdefault(number, []).append(value)
    return out


def _record_run(buf, pos: int, end: int, key: int, into: list, where: str) -> int:
    """Consecutive length-delimited fields with the key byte ``key`` from ``pos`` to at most
    ``end`` (a line's events, which TensorFlow writes one after another): appends their
    payloads' (starts, ends) to ``into`` and returns the position after the run.

    Each record's position depends on the one before, so the run is a chain: every ``key``
    byte in the range is a candidate record with a successor (the position after its payload,
    when that is another candidate). Successors 64 steps on come from six squarings; a Python
    loop walks the chain 64 records at a stride, and 63 vectorised steps from those fill the
    records between. No Python step per record."""
    u8 = np.frombuffer(buf, np.uint8)
    cand = pos + np.flatnonzero(u8[pos:end] == key)
    length, after, ok = decode_varint_array(u8, cand + 1, np.full(len(cand), end, np.int64))
    fits = ok & (length <= np.maximum(end - after, 0).astype(np.uint64))
    following = np.where(fits, after + np.where(fits, length, 0).astype(np.int64), -1)
    at = np.minimum(np.searchsorted(cand, following), len(cand) - 1)
    succ = np.where(fits & (cand[at] == following), at, -1)
    jump = succ
    for _ in range(_STRIDE_BITS):
        jump = np.where(jump >= 0, jump[np.maximum(jump, 0)], -1)
    marks, i = [], 0  # cand[0] == pos: the run's first record
    while i >= 0:
        marks.append(i)
        i = int(jump[i])
    # row j: the records j steps after each mark (-1 past the run's end); read column by
    # column, that is the chain in order
    chain = np.empty((1 << _STRIDE_BITS, len(marks)), np.int64)
    chain[0] = marks
    for j in range(1, len(chain)):
        chain[j] = np.where(chain[j - 1] >= 0, succ[np.maximum(chain[j - 1], 0)], -1)
    records = chain.T.ravel()
    records = records[records >= 0]
    last = int(records[-1])
    if not fits[last]:
        raise XPlaneError(
            f"{where}: field {key >> 3} at byte {int(cand[last])} runs past the end of its message "
            "(truncated file?)"
        )
    into.append((after[records], following[records]))
    return int(following[last])


def _too_long(where: str, number: int, length: int, pos: int, end: int) -> XPlaneError:
    return XPlaneError(
        f"{where}: field {number} claims {length} bytes at byte {pos}, {end - pos} left (truncated file?)"
    )


def _first(fields: dict, number: int, default):
    values = fields.get(number)
    return values[-1] if values else default  # proto3: the last value of a scalar wins


def _text(buf, fields: dict, number: int) -> str:
    span = _first(fields, number, None)
    return bytes(buf[span[0] : span[1]]).decode("utf-8", "replace") if span else ""


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _stat_value(buf, stat: dict, stat_names: dict[int, str]):
    """One XStat's value as Python: number, text, the referenced stat name, or bytes as hex."""
    if 2 in stat:
        return float(np.array([stat[2][-1]], np.uint64).view(np.float64)[0])
    if 3 in stat:
        return stat[3][-1]
    if 4 in stat:
        return _signed(stat[4][-1])
    if 5 in stat:
        return _text(buf, stat, 5)
    if 6 in stat:
        start, end = stat[6][-1]
        return bytes(buf[start : min(end, start + 256)]).hex()
    if 7 in stat:
        return stat_names.get(stat[7][-1], str(stat[7][-1]))
    return None


def _check_type(fields: dict, number: int, kind: type, where: str) -> None:
    for value in fields.get(number, []):
        if not isinstance(value, kind):
            raise XPlaneError(f"{where}: field {number} has the wrong wire type")


# ---------------------------------------------------------------------------- many messages


_HIGH_BITS = np.uint64(0x8080808080808080)
_GROUPS = (  # (keep, move, shift): 7-bit groups of 8 bytes packed into 56 bits in three steps
    (np.uint64(0x007F007F007F007F), np.uint64(0x7F007F007F007F00), np.uint64(1)),
    (np.uint64(0x00003FFF00003FFF), np.uint64(0x3FFF00003FFF0000), np.uint64(2)),
    (np.uint64(0x000000000FFFFFFF), np.uint64(0x0FFFFFFF00000000), np.uint64(4)),
)


def _varints(u8: np.ndarray, words: np.ndarray, pos: np.ndarray, end: np.ndarray):
    """:func:`decode_varint_array`'s answer (values, positions after, well formed) reading
    each varint's 8 bytes in one gather from ``words`` (the buffer's unaligned uint64 view)
    and finding its end from the high bits, no loop per byte. Varints longer than 8 bytes
    and those in the buffer's last 7 bytes go the byte-by-byte way."""
    first = u8[pos]
    if not len(words) or not (first & 0x80).any():  # all one byte (keys, small ids): done
        return decode_varint_array(u8, pos, end)
    word = words[np.minimum(pos, len(words) - 1)]
    stop = ~word & _HIGH_BITS  # the high bit clear marks a varint's last byte
    low = stop & (~stop + np.uint64(1))  # the first such byte's high bit (0: none in 8 bytes)
    _mantissa, exponent = np.frexp(low.astype(np.float64))  # 2**7 -> 8 ... 2**63 -> 64
    size = (exponent // 8).astype(np.int64)
    with np.errstate(over="ignore"):
        value = word & (low * np.uint64(2) - np.uint64(1)) & ~_HIGH_BITS  # bytes up to the last
    for keep, move, shift in _GROUPS:
        value = (value & keep) | ((value & move) >> shift)
    after = pos + size
    slow = (low == 0) | (pos > len(words) - 1)
    if slow.any():
        value[slow], slow_after, good = decode_varint_array(u8, pos[slow], end[slow])
        after[slow] = np.where(good, slow_after, np.iinfo(np.int64).max)
    return value, after, after <= end


def _walk_many(u8: np.ndarray, starts: np.ndarray, ends: np.ndarray, where: str):
    """Walk many messages at once, one field of each per round. Yields ``(rows, number, wire,
    value, at)``: the messages with a field this round, its number and wire type, its value
    (varints and fixed-width values as uint64; the length for length-delimited ones) and where
    its payload starts. Messages go in chunks: a round's temporaries stay cache-sized (over
    millions at once, allocating and touching fresh memory cost more than the decoding)."""
    words = unaligned(u8, "<u8")
    for first in range(0, len(starts), _CHUNK):
        chunk = slice(first, first + _CHUNK)
        for rows, *field_values in _walk_chunk(u8, words, starts[chunk], ends[chunk], where, first):
            yield (rows + first, *field_values)


def _walk_chunk(u8, words, starts, ends, where: str, first: int):
    pos = starts.astype(np.int64)
    ends = ends.astype(np.int64)
    rows = np.flatnonzero(pos < ends)
    where = f"{where} (from #{first})"
    while len(rows):
        end = ends[rows]
        key, at, ok = _varints(u8, words, pos[rows], end)
        _require(ok, rows, where, "a field key runs past the end of its message")
        number, wire = (key >> np.uint64(3)).astype(np.int64), (key & np.uint64(7)).astype(np.int64)
        value = np.zeros(len(rows), np.uint64)
        after = at.copy()
        var = (wire == VARINT) | (wire == LENGTH_DELIMITED)
        if var.any():
            value[var], after[var], ok = _varints(u8, words, at[var], end[var])
            _require(ok, rows[var], where, "a varint runs past the end of its message")
        for wire_type, size in ((FIXED64, 8), (FIXED32, 4)):
            fixed = wire == wire_type
            if fixed.any():
                _require(
                    at[fixed] + size <= end[fixed], rows[fixed], where, "a fixed value runs past the end"
                )
                value[fixed] = _little_endian(u8, at[fixed], size)
                after[fixed] = at[fixed] + size
        _require(var | (wire == FIXED64) | (wire == FIXED32), rows, where, "an unsupported wire type")
        delimited = wire == LENGTH_DELIMITED
        payload = after.copy()
        if delimited.any():
            room = (end[delimited] - after[delimited]).astype(np.uint64)
            _require(
                value[delimited] <= room, rows[delimited], where, "a length claims more bytes than are left"
            )
            after[delimited] = after[delimited] + value[delimited].astype(np.int64)
        yield rows, number, wire, value, payload
        pos[rows] = after
        rows = rows[after < end]


def _require(ok: np.ndarray, rows: np.ndarray, where: str, what: str) -> None:
    if not np.all(ok):
        first = int(rows[np.flatnonzero(~np.asarray(ok))[0]])
        raise XPlaneError(f"{where} #{first}: {what} (truncated file?)")


def _little_endian(u8: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    value = np.zeros(len(at), np.uint64)
    for k in range(size):
        value |= u8[at + k].astype(np.uint64) << np.uint64(8 * k)
    return value


def _expect(wire: np.ndarray, mask: np.ndarray, wanted: int, rows: np.ndarray, where: str) -> None:
    _require(~mask | (wire == wanted), rows, where, "a field has the wrong wire type")


@dataclass
class _Events:
    metadata_id: np.ndarray  # int64
    offset_ps: np.ndarray  # float64, NaN for aggregated events (num_occurrences instead)
    duration_ps: np.ndarray  # float64
    stat_start: np.ndarray
    stat_end: np.ndarray
    stat_event: np.ndarray  # owning event of each stat


def _decode_events(u8, starts, ends) -> _Events:
    n = len(starts)
    metadata_id = np.zeros(n, np.int64)
    offset_ps = np.zeros(n, np.float64)
    duration_ps = np.zeros(n, np.float64)
    stats = ([], [], [])
    for rows, number, wire, value, at in _walk_many(u8, starts, ends, "event"):
        for num, target in ((1, metadata_id), (2, offset_ps), (3, duration_ps)):
            sel = number == num
            if sel.any():
                _expect(wire, sel, VARINT, rows, "event")
                # int64 fields: ten-byte varints are negatives
                target[rows[sel]] = value[sel].view(np.int64)
        occurrences = number == 5
        if occurrences.any():
            offset_ps[rows[occurrences]] = np.nan
        sel = number == 4
        if sel.any():
            _expect(wire, sel, LENGTH_DELIMITED, rows, "event")
            stats[0].append(at[sel])
            stats[1].append(at[sel] + value[sel].astype(np.int64))
            stats[2].append(rows[sel])
    stat_start, stat_end, stat_event = (np.concatenate(s) if s else np.zeros(0, np.int64) for s in stats)
    return _Events(metadata_id, offset_ps, duration_ps, stat_start, stat_end, stat_event)


def _decode_stats(u8, starts, ends) -> tuple[np.ndarray, np.ndarray]:
    """Metadata id and numeric value (NaN for text, bytes and references) of each XStat."""
    n = len(starts)
    metadata_id = np.zeros(n, np.int64)
    value_out = np.full(n, np.nan)
    for rows, number, wire, value, _at in _walk_many(u8, starts, ends, "stat"):
        for num, wanted in ((1, VARINT), (2, FIXED64), (3, VARINT), (4, VARINT)):
            sel = number == num
            if not sel.any():
                continue
            _expect(wire, sel, wanted, rows, "stat")
            if num == 1:
                metadata_id[rows[sel]] = value[sel].view(np.int64)
            elif num == 2:
                value_out[rows[sel]] = value[sel].view(np.float64)
            elif num == 3:
                value_out[rows[sel]] = value[sel].astype(np.float64)
            else:
                value_out[rows[sel]] = value[sel].view(np.int64).astype(np.float64)
    return metadata_id, value_out


# ---------------------------------------------------------------------------- the space


class _Table:
    """Distinct texts and their codes."""

    def __init__(self):
        self.texts: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        code = self._codes.get(text)
        if code is None:
            code = self._codes[text] = len(self.texts)
            self.texts.append(text)
        return code


def _category(plane: str, name: str) -> str:
    if plane.startswith("/device:"):
        low = name.lower()
        return "gpu_memcpy" if "memcpy" in low else "gpu_memset" if "memset" in low else "kernel"
    if "python" in plane:
        return "python_function"  # the Python tracer's plane: left out of the tables as torch's
    if name.startswith("Iterator::"):
        return "tf_data"
    if _TF_OP.match(name):
        return "tf_op"
    return "TraceMe"


def _metadata(buf, spans, where: str, value: Callable) -> dict:
    """A map<int64, message> field: key -> value(fields of the message)."""
    out = {}
    for start, end in spans:
        entry = _fields(buf, start, end, where)
        _check_type(entry, 2, tuple, where)
        body = _first(entry, 2, (start, start))
        out[_signed(_first(entry, 1, 0))] = value(_fields(buf, *body, where))
    return out


def parse_xspace(raw: bytes, progress: Callable[[float], None] | None = None) -> XTrace:
    """An ``.xplane.pb`` file's bytes (optionally gzip) -> :class:`XTrace`. Raises XPlaneError."""
    done = progress or (lambda _fraction: None)
    buf = decode_bytes(raw)
    if not buf:
        raise XPlaneError("empty file (still being written?)")
    space = _fields(buf, 0, len(buf), "XSpace")
    for number in (1, 2, 3, 4):
        _check_type(space, number, tuple, "XSpace")
    names, cats, lane_table = _Table(), _Table(), []
    planes: list[_Plane] = []
    # per line: its plane, lane, timestamp and its events' byte spans
    line_plane, line_time, line_events = [], [], []
    name_of, cat_of = [], []  # per plane: (sorted metadata ids, name codes, category codes)
    metadata = {"hostnames": [_text(buf, {4: [s]}, 4) for s in space.get(4, [])]}
    for errors, key in ((2, "errors"), (3, "warnings")):
        if space.get(errors):
            metadata[key] = [_text(buf, {errors: [s]}, errors) for s in space[errors][:100]]
    for p, (p_start, p_end) in enumerate(space.get(1, [])):
        where = f"plane {p}"
        fields = _fields(buf, p_start, p_end, where)
        for number in (2, 3, 4, 5, 6):
            _check_type(fields, number, tuple, where)
        plane = _Plane(_text(buf, fields, 2))
        plane.stat_names = _metadata(
            buf, fields.get(5, []), f"{where} stat metadata", lambda f: _text(buf, f, 2)
        )
        plane.event_names = _metadata(
            buf, fields.get(4, []), f"{where} event metadata", lambda f: (_text(buf, f, 2), _text(buf, f, 4))
        )
        if plane.name == "Task Environment":  # profile start / stop times
            for s_start, s_end in fields.get(6, []):
                stat = _fields(buf, s_start, s_end, f"{where} stat")
                key = plane.stat_names.get(_first(stat, 1, 0))
                if key and key.startswith("profile_") and key != "profile_options":
                    metadata[key] = _stat_value(buf, stat, plane.stat_names)
        for l_index, (l_start, l_end) in enumerate(fields.get(3, [])):
            runs = []
            line = _fields(buf, l_start, l_end, f"{where} line {l_index}", spans=4, into=runs)
            _check_type(line, 2, tuple, f"{where} line {l_index}")
            _check_type(line, 11, tuple, f"{where} line {l_index}")
            label = _text(buf, line, 11) or _text(buf, line, 2) or str(_signed(_first(line, 1, 0)))
            plane.line_names.append(label)
            line_plane.append(p)
            line_time.append(_signed(_first(line, 3, 0)) if isinstance(_first(line, 3, 0), int) else 0)
            line_events.append(
                np.stack([np.concatenate([r[k] for r in runs]) for k in (0, 1)], axis=1)
                if runs
                else np.zeros((0, 2), np.int64)
            )
            lane_table.append((plane.name, label))
        ids = np.array(sorted(plane.event_names), np.int64)
        name_of.append((ids, np.array([names.code(plane.event_names[i][0]) for i in ids.tolist()], np.int32)))
        cat_of.append(
            np.array(
                [cats.code(_category(plane.name, plane.event_names[i][0])) for i in ids.tolist()], np.int32
            )
        )
        planes.append(plane)
    done(0.3)

    counts = np.array([len(e) for e in line_events], np.int64)
    spans = np.concatenate(line_events) if line_events else np.zeros((0, 2), np.int64)
    n = len(spans)
    lane = np.repeat(np.arange(len(line_events), dtype=np.int32), counts)
    plane_of = np.repeat(np.array(line_plane, np.int32), counts)
    u8 = np.frombuffer(buf, np.uint8)
    events = _decode_events(u8, spans[:, 0], spans[:, 1])
    done(0.6)
    stat_mid, stat_value = _decode_stats(u8, events.stat_start, events.stat_end)
    done(0.8)

    name = np.full(n, -1, np.int32)
    cat = np.full(n, -1, np.int32)
    absent = np.full(n, np.nan)  # torch's args columns: one shared read-only column of NaN
    absent.flags.writeable = False
    args = {column: absent for column in _NUMBER_ARGS.values()}
    args.update({column: np.full(n, np.nan) for column in _STAT_ARGS.values()})
    stat_plane = plane_of[events.stat_event]
    for p, plane in enumerate(planes):
        mine = np.flatnonzero(plane_of == p)
        ids, codes = name_of[p]
        at = np.searchsorted(ids, events.metadata_id[mine])
        found = at < len(ids)
        found[found] = ids[at[found]] == events.metadata_id[mine[found]]
        name[mine[found]] = codes[at[found]]
        cat[mine[found]] = cat_of[p][at[found]]
        if not found.all():
            name[mine[~found]] = names.code(_NO_METADATA)
            cat[mine[~found]] = cats.code(_category(plane.name, _NO_METADATA))
        for stat_name, column in _STAT_ARGS.items():
            wanted = [i for i, text in plane.stat_names.items() if text == stat_name]
            sel = (stat_plane == p) & np.isin(stat_mid, wanted)
            args[column][events.stat_event[sel]] = stat_value[sel]
    # host events carrying a correlation id launch device work (cudaLaunchKernel ...)
    host = np.array([not plane.name.startswith("/device:") for plane in planes] + [False])
    runtime = host[plane_of] & ~np.isnan(args["correlation"]) if n else np.zeros(0, bool)
    if runtime.any():
        cat[runtime] = cats.code("cuda_runtime")

    time_ns = np.repeat(np.array(line_time, np.float64), counts)
    ts = time_ns / 1e3 + events.offset_ps / 1e6
    done(1.0)
    return XTrace(
        names=names.texts,
        cats=cats.texts,
        phases=["X"],
        lanes=lane_table,
        shapes=[],
        labels=[],
        name=name,
        cat=cat,
        ph=np.zeros(n, np.int32),
        lane=lane,
        ts=ts,
        dur=events.duration_ps / 1e6,
        input_dims=np.full(n, -1, np.int32),
        label=np.full(n, -1, np.int32),
        args=args,
        offsets=spans,
        metadata=metadata,
        plane=plane_of,
        planes=planes,
    )
