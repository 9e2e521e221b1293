"""torch.profiler / Chrome trace files: discovery, and bytes -> numpy columns.

``torch.profiler.tensorboard_trace_handler(dir)`` writes ``<dir>/<worker>.<timestamp>.pt.trace.json``
(``.json.gz`` with ``use_gzip=True``), one file per profiling cycle and worker; any Chrome trace
JSON (an object with ``traceEvents``, or a bare array of events) named ``*.trace.json[.gz]``
reads the same way. ``<dir>`` is the run, as for event files.

A trace of millions of events is parsed without a Python object per event: a vectorised scan
finds the JSON's structure (string spans, then brackets / colons / commas outside strings, their
depth and matching pairs), every event is a ``{`` one level inside the ``traceEvents`` array, and
the values of the keys the profile views need are gathered straight into numpy columns (numbers
by a fixed-width decimal decode, strings by a hash of their bytes into a small table). Only the
distinct strings (names, categories, lanes) become Python objects. numpy releases the GIL in its
loops, so the reader thread parsing a trace does not stall the kernel.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# event-level keys and args keys gathered into columns (anything else stays in the file)
_NUMBER_KEYS = ("ts", "dur")
_STRING_KEYS = ("ph", "cat", "name", "pid", "tid")
_NUMBER_ARGS = {
    "External id": "external_id",
    "correlation": "correlation",
    "Total Allocated": "allocated",
    "Total Reserved": "reserved",
    "Device Type": "device_type",
    "Device Id": "device_id",
    "device": "device",
    "stream": "stream",
}
_STRING_ARGS = {"Input Dims": "input_dims", "name": "label"}

_WS = b" \t\r\n"


class TraceError(ValueError):
    """The bytes are not a Chrome trace (message says where)."""


@dataclass
class Trace:
    """One trace file's events as columns (one row per event, file order).

    ``name``/``cat``/``ph``/``lane`` are int32 codes into ``names``/``cats``/``phases``/
    ``lanes`` (-1: absent); times are microseconds as in the file (``ts`` absolute,
    ``dur`` NaN when absent). ``args`` holds numeric args columns (NaN when absent) and
    ``input_dims``/``label`` codes into ``shapes``/``labels``. ``offsets`` are the byte spans
    of each event in the decoded file (for reading one event's full args back).
    """

    names: list[str]
    cats: list[str]
    phases: list[str]
    lanes: list[tuple[str, str]]  # (pid, tid) as text
    shapes: list[str]
    labels: list[str]
    name: np.ndarray
    cat: np.ndarray
    ph: np.ndarray
    lane: np.ndarray
    ts: np.ndarray
    dur: np.ndarray
    input_dims: np.ndarray
    label: np.ndarray
    args: dict[str, np.ndarray]
    offsets: np.ndarray  # (n, 2) int64 byte [start, end)
    metadata: dict = field(default_factory=dict)  # top-level keys other than traceEvents

    def __len__(self) -> int:
        return len(self.ts)

    def lane_names(self) -> list[str]:
        """Lane labels from process_name / thread_name metadata events, else "pid / tid"."""
        process, thread = {}, {}
        meta = np.flatnonzero(self.ph == _code(self.phases, "M"))
        for i in meta.tolist():
            if self.label[i] < 0 or self.lane[i] < 0:
                continue
            pid, tid = self.lanes[self.lane[i]]
            text = self.labels[self.label[i]]
            if self.names[self.name[i]] == "process_name":
                process[pid] = text
            elif self.names[self.name[i]] == "thread_name":
                thread[(pid, tid)] = text
        out = []
        for pid, tid in self.lanes:
            head = process.get(pid, pid)
            out.append(f"{head} / {thread.get((pid, tid), tid)}")
        return out

    def event_args(self, index: int, raw: bytes) -> dict:
        """The full JSON object of event ``index`` from the file's decoded bytes."""
        start, end = self.offsets[index].tolist()
        return json.loads(raw[start:end])


def _code(table: list[str], text: str) -> int:
    try:
        return table.index(text)
    except ValueError:
        return -2  # matches no code (absent is -1)


# ---------------------------------------------------------------------------- bytes


def decode_bytes(raw: bytes) -> bytes:
    """gzip-compressed or plain trace bytes -> the JSON text's bytes."""
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise TraceError(f"bad gzip data: {error}") from None
    return bytes(raw)


def parse_trace(raw: bytes, progress: Callable[[float], None] | None = None) -> Trace:
    """Chrome trace JSON bytes (optionally gzip) -> :class:`Trace`. Raises TraceError.
    ``progress(fraction done)`` is called between the stages (a large trace takes seconds)."""
    done = progress or (lambda _fraction: None)
    data = decode_bytes(raw)
    done(0.1)
    a = np.frombuffer(data, np.uint8)
    scan = _Scan(a)
    done(0.5)
    events_open = scan.event_objects()
    n = len(events_open)
    pos, match = scan.pos, scan.match
    starts = pos[events_open]
    ends = pos[match[events_open]] + 1
    keys = scan.keys()  # token index of each key's colon, its text code, depth
    depth_e = scan.event_depth
    top = keys.depth == depth_e
    key_event = np.searchsorted(starts, scan.pos[keys.colon], side="right") - 1
    inside = top & (key_event >= 0)
    inside[inside] = scan.pos[keys.colon[inside]] < ends[key_event[inside]]

    done(0.6)
    columns = {}
    for key in _NUMBER_KEYS:
        columns[key] = scan.numbers(keys, keys.named(key, inside), key_event, n)
    strings = {}
    for key in _STRING_KEYS:
        strings[key] = scan.strings(keys, keys.named(key, inside), key_event, n)

    done(0.8)
    # args: keys one level down whose object is the value of an event's "args" key
    args_sel = keys.named("args", inside)
    args_open = keys.colon[args_sel] + 1
    args_open = args_open[scan.ch[args_open] == ord("{")]
    arg_keys = keys.depth == depth_e + 1
    owner = np.searchsorted(pos[args_open], pos[keys.colon], side="right") - 1
    ok = arg_keys & (owner >= 0)
    ok[ok] = pos[keys.colon[ok]] < pos[match[args_open[owner[ok]]]]
    args = {}
    for key, column in _NUMBER_ARGS.items():
        args[column] = scan.numbers(keys, keys.named(key, ok), key_event, n)
    for key, column in _STRING_ARGS.items():
        strings[column] = scan.strings(keys, keys.named(key, ok), key_event, n)

    done(0.95)
    pid_codes, pid_table = strings["pid"]
    tid_codes, tid_table = strings["tid"]
    pair = np.stack([pid_codes, tid_codes], axis=1)
    present = (pid_codes >= 0) | (tid_codes >= 0)
    uniq, lane = np.unique(pair[present], axis=0, return_inverse=True)
    lane_col = np.full(n, -1, np.int32)
    lane_col[present] = lane.reshape(-1)
    lanes = [(pid_table[p] if p >= 0 else "", tid_table[t] if t >= 0 else "") for p, t in uniq.tolist()]
    return Trace(
        names=strings["name"][1],
        cats=strings["cat"][1],
        phases=strings["ph"][1],
        lanes=lanes,
        shapes=strings["input_dims"][1],
        labels=strings["label"][1],
        name=strings["name"][0],
        cat=strings["cat"][0],
        ph=strings["ph"][0],
        lane=lane_col,
        ts=columns["ts"],
        dur=columns["dur"],
        input_dims=strings["input_dims"][0],
        label=strings["label"][0],
        args=args,
        offsets=np.stack([starts, ends], axis=1).astype(np.int64),
        metadata=scan.metadata(),
    )


@dataclass
class _Keys:
    """Every key of the document: the colon token after it, its bytes' span, its depth."""

    a: np.ndarray
    colon: np.ndarray
    start: np.ndarray
    length: np.ndarray
    depth: np.ndarray

    def __post_init__(self):
        # keys grouped by length once: a lookup compares bytes only among keys of its length
        self._by_length = np.argsort(self.length.astype(np.int32), kind="stable")
        self._sorted_length = self.length[self._by_length]

    def named(self, text: str, among: np.ndarray) -> np.ndarray:
        """Indexes of the keys spelled ``text`` where the mask ``among`` is set (bytes compared
        only among the keys of its length)."""
        want = text.encode()
        lo, hi = np.searchsorted(self._sorted_length, [len(want), len(want) + 1])
        rows = self._by_length[lo:hi]
        rows = rows[among[rows]]
        for offset, byte in enumerate(want):
            rows = rows[self.a[self.start[rows] + offset] == byte]
        return np.sort(rows)


class _Scan:
    """The structure of one JSON document, found with array operations."""

    def __init__(self, a: np.ndarray):
        self.a = a
        if self._first_byte() not in b"{[":
            raise TraceError("not a JSON object or array")
        # one pass over the bytes: quotes and structural characters, in file order
        # (comparisons are ufuncs, which release the GIL; a lookup table gather may not)
        folded = a & 0xDF  # "{" -> "[", "}" -> "]"
        wanted = (a == 0x22) | (a == 0x2C) | (a == 0x3A) | (folded == 0x5B) | (folded == 0x5D)
        del folded
        marks = np.flatnonzero(wanted)
        del wanted
        if len(a) < 2**31:  # 32-bit positions: half the memory and bandwidth from here on
            marks = marks.astype(np.int32)
        quote_char = a[marks] == 0x22
        is_quote = quote_char.copy()  # quote characters that open or close a string
        quotes = marks[is_quote]
        if len(quotes) and (a[quotes[quotes > 0] - 1] == 0x5C).any():
            real = _real_quotes(a, quotes)
            is_quote[np.flatnonzero(is_quote)[~real]] = False
            quotes = quotes[real]
        if len(quotes) % 2:
            raise TraceError("unterminated string")
        self.str_open, self.str_close = quotes[0::2], quotes[1::2]
        # a structural character is outside strings when an even number of quotes precede it
        # (a running count in uint8 wraps at 256, which keeps its parity: 8x less to write)
        outside = (np.cumsum(is_quote, dtype=np.uint8) & 1) == 0
        pos = marks[outside & ~quote_char]
        ch = a[pos]
        delta = np.zeros(len(pos), np.int8)
        delta[(ch == ord("{")) | (ch == ord("["))] = 1
        delta[(ch == ord("}")) | (ch == ord("]"))] = -1
        depth = np.cumsum(delta, dtype=np.int32)  # depth after each token
        if len(depth) == 0 or depth[-1] != 0 or depth.min() < 0:
            raise TraceError("unbalanced brackets (truncated file?)")
        self.pos, self.ch, self.delta, self.depth = pos, ch, delta, depth
        self.match = self._match_brackets()
        self.root = self._root_array()

    def _match_brackets(self) -> np.ndarray:
        # openers at depth d pair with the next closer back to d-1: at each level they alternate
        brackets = np.flatnonzero(self.delta != 0)
        level = np.where(self.delta[brackets] > 0, self.depth[brackets], self.depth[brackets] + 1)
        if level.max(initial=0) < 32768:
            level = level.astype(np.int16)  # a stable sort of 16-bit keys is a radix sort
        order = brackets[np.argsort(level, kind="stable")]
        opens, closes = order[0::2], order[1::2]
        if (self.delta[opens] <= 0).any() or (self.delta[closes] >= 0).any():
            raise TraceError("mismatched brackets")
        if ((self.ch[opens] == ord("{")) != (self.ch[closes] == ord("}"))).any():
            raise TraceError("mismatched brackets")
        match = np.full(len(self.pos), -1, np.int32 if len(self.pos) < 2**31 else np.int64)
        match[opens] = closes
        match[closes] = opens
        return match

    def _first_byte(self) -> int:
        stripped = bytes(self.a[:4096]).lstrip(_WS)
        return stripped[0] if stripped else 0

    def _root_array(self) -> int:
        """Token index of the ``[`` holding the events."""
        first = self._first_byte()
        if first == ord("["):
            return 0
        # the key "traceEvents" one level inside the root object, then its "["
        keys = self._key_tokens()
        for t in keys[self.depth[keys] == 1].tolist():
            if self._key_text(t) == "traceEvents":
                if self.ch[t + 1] != ord("["):
                    raise TraceError("traceEvents is not an array")
                return t + 1
        raise TraceError("no traceEvents array")

    def _key_tokens(self) -> np.ndarray:
        """Token indexes of colons (each follows a key string)."""
        return np.flatnonzero(self.ch == ord(":"))

    def _key_string(self, colons: np.ndarray) -> np.ndarray:
        """Index into str_open/str_close of the key string before each colon."""
        return np.searchsorted(self.str_close, self.pos[colons]) - 1

    def _key_text(self, colon: int) -> str:
        s = int(self._key_string(np.array([colon]))[0])
        return _unescape(bytes(self.a[self.str_open[s] + 1 : self.str_close[s]]))

    @property
    def event_depth(self) -> int:
        return int(self.depth[self.root]) + 1

    def event_objects(self) -> np.ndarray:
        """Token indexes of each event's ``{``."""
        lo, hi = self.root, self.match[self.root]
        tokens = np.arange(lo + 1, hi)
        return tokens[(self.ch[lo + 1 : hi] == ord("{")) & (self.depth[lo + 1 : hi] == self.event_depth)]

    def keys(self) -> _Keys:
        """The keys of events and of their args (deeper ones are never read)."""
        colons = self._key_tokens()
        colons = colons[
            (self.depth[colons] == self.event_depth) | (self.depth[colons] == self.event_depth + 1)
        ]
        s = self._key_string(colons)
        start = self.str_open[s] + 1
        return _Keys(self.a, colons, start, self.str_close[s] - start, self.depth[colons])

    def _value_spans(self, colons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Byte spans of the values after ``colons``: scalars up to the next token, objects
        and arrays to their closing bracket."""
        nxt = colons + 1
        start = self.pos[colons] + 1
        nested = self.delta[nxt] > 0
        end = np.where(nested, self.pos[np.where(nested, self.match[nxt], nxt)] + 1, self.pos[nxt])
        return start, end

    def numbers(self, keys: _Keys, selected: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
        """Per-event numbers (NaN absent) of the keys ``selected`` (indexes), owned by events ``owner``."""
        out = np.full(n, np.nan)
        colons = keys.colon[selected]
        start, end = self._value_spans(colons)
        out[owner[selected]] = _parse_numbers(self.a, start, end)
        return out

    def strings(
        self, keys: _Keys, selected: np.ndarray, owner: np.ndarray, n: int
    ) -> tuple[np.ndarray, list[str]]:
        """Per-event codes (-1 absent) and their table: string values by their text, other
        values (numbers, arrays such as input shapes) by their JSON text."""
        codes = np.full(n, -1, np.int32)
        colons = keys.colon[selected]
        start, end = _strip(self.a, *self._value_spans(colons))
        code, table = _string_codes(self.a, start, end, json_text=True)
        codes[owner[selected]] = code
        return codes, table

    def metadata(self) -> dict:
        """Top-level keys other than traceEvents (scalar values only: small)."""
        if self._first_byte() != ord("{"):
            return {}
        out = {}
        keys = self._key_tokens()
        for t in keys[self.depth[keys] == 1].tolist():
            name = self._key_text(t)
            if name == "traceEvents":
                continue
            start, end = self._value_spans(np.array([t]))
            if end[0] - start[0] > 65536:
                continue
            try:
                out[name] = json.loads(bytes(self.a[start[0] : end[0]]))
            except ValueError:
                pass
        return out


def _real_quotes(a: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """Mask of the quotes not escaped: a quote after an odd run of backslashes is (few such
    quotes: each is checked on its own)."""
    keep = np.ones(len(quotes), bool)
    for i in np.flatnonzero((quotes > 0) & (a[np.maximum(quotes - 1, 0)] == 0x5C)).tolist():
        q, run = int(quotes[i]) - 1, 0
        while q >= 0 and a[q] == 0x5C:
            run, q = run + 1, q - 1
        keep[i] = run % 2 == 0
    return keep


def _unescape(raw: bytes) -> str:
    if b"\\" in raw:
        try:
            return json.loads(b'"' + raw + b'"')
        except ValueError:
            pass
    return raw.decode("utf-8", "replace")


def _strip(a: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The spans without leading/trailing JSON whitespace (each round only looks at the spans
    that still start or end with some: torch pads values with a newline and indentation)."""
    start, end = start.copy(), end.copy()
    ws = np.zeros(256, bool)
    ws[list(_WS)] = True
    rows = np.arange(len(start))
    while len(rows):
        rows = rows[start[rows] < end[rows]]
        rows = rows[ws[a[start[rows]]]]
        start[rows] += 1
    rows = np.arange(len(start))
    while len(rows):
        rows = rows[start[rows] < end[rows]]
        rows = rows[ws[a[end[rows] - 1]]]
        end[rows] -= 1
    return start, end


def _columns(a: np.ndarray, start: np.ndarray, lens: np.ndarray):
    """Yield (rows, bytes) column by column over spans, longest first: the bytes at offset
    ``c`` of every span longer than ``c`` (work in proportion to the bytes, no n x width matrix)."""
    keys = -lens if lens.max(initial=0) >= 32768 else (-lens).astype(np.int16)  # radix sort
    order = np.argsort(keys, kind="stable")
    sorted_lens = lens[order]
    base = start[order]
    width = int(sorted_lens[0]) if len(lens) else 0
    # active[c]: how many spans are longer than c
    active = np.searchsorted(-sorted_lens, -np.arange(width), side="left")
    for c in range(width):
        k = int(active[c])
        yield order[:k], a[base[:k] + c]


_MIX = (0x100000001B3, 0x9E3779B97F4A7C15)


def _string_codes(a, start, end, json_text=False) -> tuple[np.ndarray, list[str]]:
    """Codes of byte spans (equal bytes, equal code) and the table of their distinct texts.

    Spans are told apart by a 64-bit polynomial hash of their bytes and their length; only one
    representative per distinct span is decoded. With ``json_text`` the spans are JSON values:
    quoted strings are unescaped, anything else is kept as its text."""
    n = len(start)
    if n == 0:
        return np.zeros(0, np.int32), []
    lens = np.maximum(end - start, 0).astype(np.int64)
    h = np.zeros(n, np.uint64)
    prime = np.uint64(_MIX[0])
    with np.errstate(over="ignore"):
        for rows, column in _columns(a, start, lens):
            h[rows] = h[rows] * prime + column
        h ^= lens.astype(np.uint64) * np.uint64(_MIX[1])
    _uniq, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    table = []
    for i in first.tolist():
        raw = bytes(a[start[i] : end[i]])
        if json_text and raw[:1] == b'"':
            table.append(_unescape(raw[1:-1]))
        elif json_text:
            table.append(raw.decode("utf-8", "replace"))
        else:
            table.append(_unescape(raw))
    return inverse.reshape(-1).astype(np.int32), table


def _parse_numbers(a: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """JSON numbers in byte spans (surrounded by whitespace) -> float64; NaN for non-numbers.

    Plain decimals ``-?digits[.digits]`` are decoded column by column (Horner's rule on the
    integer and fraction digits); exponent forms and literals fall back to float() one by one."""
    n = len(start)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    start, end = _strip(a, start, end)
    lens = (end - start).astype(np.int64)
    ints = np.zeros(n, np.float64)
    fracs = np.zeros(n, np.float64)
    scale = np.ones(n, np.float64)
    seen_dot = np.zeros(n, bool)
    negative = np.zeros(n, bool)
    bad = lens == 0
    digits = np.zeros(n, np.int64)
    int_digits = np.zeros(n, np.int64)
    for rows, column in _columns(a, start, lens):
        d = column.astype(np.int64) - 0x30
        is_digit = (d >= 0) & (d <= 9)
        dot = column == 0x2E
        minus = (column == 0x2D) & (lens[rows] > 0)
        in_frac = seen_dot[rows]
        whole = rows[is_digit & ~in_frac]
        part = rows[is_digit & in_frac]
        ints[whole] = ints[whole] * 10 + d[is_digit & ~in_frac]
        fracs[part] = fracs[part] * 10 + d[is_digit & in_frac]
        scale[part] *= 10
        digits[rows[is_digit]] += 1
        int_digits[whole] += 1
        bad[rows[dot & in_frac]] = True
        seen_dot[rows[dot]] = True
        negative[rows[minus]] = True
        bad[rows[~(is_digit | dot | minus)]] = True
    # a minus is only valid first; past 15 digits in either part the sums here lose precision
    bad |= digits == 0
    bad |= negative & (a[np.minimum(start, len(a) - 1)] != 0x2D)
    bad |= (int_digits > 15) | (scale > 1e15)
    # digits / 10**k with both exact is one correctly rounded division, as float() gives
    mantissa = ints * scale + fracs
    value = np.where(mantissa < 2.0**53, mantissa / scale, ints + fracs / scale)
    out[:] = np.where(negative, -value, value)
    for i in np.flatnonzero(bad).tolist():  # exponents, long digit strings, literals
        try:
            out[i] = float(bytes(a[start[i] : end[i]]))
        except ValueError:
            out[i] = np.nan
    return out


# ---------------------------------------------------------------------------- discovery


@dataclass
class Cycle:
    """One trace file of a run: its name (``worker.timestamp``) and parsed events."""

    name: str
    path: str
    size: int
    trace: Trace


def cycle_name(path: str) -> str:
    """``worker.timestamp`` of a torch trace; ``session/host`` of a TensorFlow profile
    (``plugins/profile/<session>/<host>.xplane.pb``: one run, many sessions)."""
    parts = path.replace("\\", "/").split("/")
    base = re.sub(r"((\.pt)?\.trace\.json(\.gz)?|\.xplane\.pb)$", "", parts[-1])
    if parts[-4:-2] == ["plugins", "profile"]:
        return f"{parts[-2]}/{base}"
    return base


def parse_file(path: str, raw: bytes, progress: Callable[[float], None] | None = None) -> Trace:
    """A trace file's bytes -> :class:`Trace`, by its kind (a TensorFlow XSpace or JSON)."""
    if path.endswith(".xplane.pb"):
        from jupyter_tb.reading.xplane import parse_xspace  # imports this module

        return parse_xspace(raw, progress)
    return parse_trace(raw, progress)


class TraceFiles:
    """The trace files of a logdir's runs, each parsed once (torch writes a trace whole).

    ``refresh`` runs on the reader thread and parses new or changed files; a file that fails
    (still being written, or damaged) is retried when its size changes and reported once."""

    def __init__(self, storage, report: Callable[[str], None]):
        self._storage = storage
        self._report = report
        self._lock = threading.Lock()
        self._cycles: dict[str, dict[str, Cycle]] = {}  # run -> path -> cycle
        self._failed: dict[str, int] = {}  # path -> size that failed

    def runs(self) -> list[str]:
        with self._lock:
            return [run for run, cycles in self._cycles.items() if cycles]

    def cycles(self, run: str) -> list[Cycle]:
        with self._lock:
            return sorted(self._cycles.get(run, {}).values(), key=lambda c: c.name)

    def refresh(self, trace_files: dict, progress: Callable[[int, int], None]) -> set[tuple[str, str, str]]:
        """Parse what is new in ``{run: [FileInfo]}``, calling ``progress(bytes parsed,
        bytes to parse)``; returns the changed ``(run, "profile", cycle)``."""
        changed = set()
        listed = {info.path for infos in trace_files.values() for info in infos}
        with self._lock:
            for run, cycles in self._cycles.items():
                for path in [p for p in cycles if p not in listed]:
                    changed.add((run, "profile", cycles.pop(path).name))
        todo = []
        for run, infos in sorted(trace_files.items()):
            for info in infos:
                with self._lock:
                    known = self._cycles.get(run, {}).get(info.path)
                if known is not None and known.size == info.size:
                    continue
                if self._failed.get(info.path) != info.size:
                    todo.append((run, info))
        total = sum(info.size for _, info in todo)
        done = 0
        for run, info in todo:
            progress(done, total)
            try:
                raw = self._storage.read_all(info.path)
                trace = parse_file(
                    info.path, raw, lambda f, done=done, size=info.size: progress(done + int(f * size), total)
                )
            except (OSError, ValueError) as error:  # TraceError is a ValueError
                self._failed[info.path] = info.size
                self._report(f"cannot read trace {info.path}: {error}")
            else:
                self._failed.pop(info.path, None)
                cycle = Cycle(cycle_name(info.path), info.path, info.size, trace)
                with self._lock:
                    self._cycles.setdefault(run, {})[info.path] = cycle
                changed.add((run, "profile", cycle.name))
            done += info.size
        if todo:
            progress(done, total)
        return changed


class RunProfile:
    """The profiler traces of one run (``Logdir.profile(run)``): one cycle per trace file.

    ``cycle`` picks a trace file by name (default: the newest). The tables (operators, steps,
    kernels, memory) are compute's: ``jupyter_tb.read(logdir).profile(run)`` returns
    :class:`jupyter_tb.analysis.Profile`, this plus them as pandas frames."""

    def __init__(self, run: str, cycles: list[Cycle], storage):
        self.run = run
        self.cycles = cycles
        self._storage = storage

    def __repr__(self) -> str:
        return f"RunProfile({self.run!r}, cycles={[c.name for c in self.cycles]})"

    def cycle(self, name: str | None = None) -> Cycle:
        if name is None:
            return self.cycles[-1]
        for cycle in self.cycles:
            if cycle.name == name:
                return cycle
        raise KeyError(
            f"run {self.run!r} has no profiling cycle {name!r}; cycles: {[c.name for c in self.cycles]}"
        )

    def trace(self, cycle: str | None = None) -> Trace:
        """The cycle's events as numpy columns (see :class:`Trace`)."""
        return self.cycle(cycle).trace

    def event(self, index: int, cycle: str | None = None) -> dict:
        """One event's full JSON object (args included), read back from its file."""
        chosen = self.cycle(cycle)
        return chosen.trace.event_args(index, decode_bytes(self._storage.read_all(chosen.path)))
