"""TFRecord framing, the container format of tfevents files.

Each record on disk is::

    uint64  length              little-endian
    uint32  masked_crc32c(length bytes)
    bytes   payload[length]     a serialized Event
    uint32  masked_crc32c(payload)

The CRC is CRC-32C (Castagnoli), "masked" by rotating right 15 bits and adding a constant so
that a CRC of data containing CRCs stays well distributed (:mod:`jupyter_tb.format.crc`). This
module knows nothing of events.

Reading (``scan_records``) is built for files of millions of small records:

- Framing. Finding record starts is a serial chain (each start depends on the previous length),
  which a Python loop walks at ~5 M records/s at best. Event files nearly always repeat a short
  cycle of record lengths (the same tags logged every step), so the scanner guesses the next K
  starts from the detected cycle and confirms all K length fields with one numpy comparison,
  stepping record by record only where the guess fails.
- CRCs. One ``crc32c`` call per record costs ~0.4 us of Python overhead, more than the rest of
  the read. CRC is affine over GF(2): for the raw (linear) CRC ``R``, ``R(m + le32(R(m))) == 0``.
  So in a copy of a run of records we replace each stored (masked) CRC by the raw CRC it
  implies; if every record is intact the whole copy has raw CRC 0, which one hardware-speed call
  over megabytes checks. Only when that fails do we bisect down to the damaged records and check
  those one by one (a false pass needs a 2**-32 coincidence, like the per-record CRC itself).
  Payloads of a few KB and more (images, histograms) are few and costly to copy: they get one
  call each, in place, and only their headers join the copy.
- Damage. A bad payload CRC loses only that record (its length is trusted because the header
  CRC is good). A bad header CRC means the length cannot be trusted: we search forward for the
  next offset whose 12-byte header validates (vectorised over all candidate offsets) and report
  the skipped byte range. Lengths are only ever used to slice, so a corrupt length claiming
  gigabytes allocates nothing; a length above ``MAX_RECORD_LENGTH`` (no protobuf message is
  that long) is damage even when its header CRC holds, and resynchronises the same way.
- Zeros. Filesystems leave runs of zero bytes after a crash (preallocated, never written). No
  record header is all zeros (the masked CRC of a zero length is not 0), so the search for the
  next header jumps over zero runs at memory speed, and a skipped range that is all zeros is
  reported in ``zero_runs`` rather than as garbage.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.ma

from jupyter_tb.format.crc import (
    crc32c,
    crc32c_sliding_array,
    mask_array,
    masked_crc32c,
    unmask_array,
    zero_crc,
    zero_crc_array,
)

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")

HEADER_SIZE = 12  # length + its crc
# protobuf messages are below 2 GiB: a longer record is a damaged length, never a real one
MAX_RECORD_LENGTH = 1 << 31
FOOTER_SIZE = 4  # payload crc
_OVERHEAD = HEADER_SIZE + FOOTER_SIZE


def encode_record(payload: bytes) -> bytes:
    """One framed record, ready for a single ``write`` call."""
    header = _LENGTH.pack(len(payload))
    return b"".join((header, _CRC.pack(masked_crc32c(header)), payload, _CRC.pack(masked_crc32c(payload))))


# --------------------------------------------------------------------------- reading


@dataclass
class RecordBatch:
    offsets: np.ndarray  # int64, start of each good record's payload within `buf`
    lengths: np.ndarray  # int64, payload length of each good record
    consumed: int  # bytes of buf dealt with; the rest is an incomplete tail for the next poll
    errors: list[str] = field(default_factory=list)  # damage reports with absolute offsets
    # skipped stretches of zero bytes, [start, end) absolute: the caller reports them, merged
    # across buffers (see describe_zero_run)
    zero_runs: list[tuple[int, int]] = field(default_factory=list)


def describe_zero_run(start: int, end: int) -> str:
    return (
        f"offsets {start}..{end}: {end - start} zero bytes, no record in them "
        "(space a crash or a preallocating filesystem left unwritten); skipped"
    )


def scan_records(buf, *, base_offset: int = 0, verify_crc: bool = True, final: bool = False):
    """Frame the records in ``buf`` (bytes-like: the file's bytes from ``base_offset`` on).

    Returns a ``RecordBatch``. An incomplete last record is not consumed, so the caller retries
    it with more bytes on its next poll, unless ``final`` (the file will not grow): then it is
    reported and consumed. ``verify_crc=False`` skips the payload CRCs and trusts lengths while
    records keep fitting; a header is still CRC-checked before it is declared truncated or
    damaged, so even then a corrupt length cannot stall the reader.
    """
    return _Scanner(buf, base_offset, verify_crc, final).run()


_CHUNK_RECORDS = 1 << 16  # records framed (and CRC-checked at once) per round
_CHUNK_BYTES = 8 << 20  # ... or bytes, whichever comes first: bounds the verification copy
_SPEC_MIN, _SPEC_MAX = 16, 1 << 14  # speculation window, adapted to its success
_SPEC_PAYS = 256  # records per numpy round above which speculating clearly beats walking
_MAX_PERIOD = 32  # longest cycle of record lengths we look for
_CYCLE_WINDOW = 24  # a cycle must hold over at least this many records (and two periods)
_DIRECT_CRC = 2048  # payloads this long are checked in place: copying them costs more than a call
_BISECT_FLOOR = 16  # below this many records, check damage one record at a time
_SEARCH_WINDOW = 1 << 20  # candidate offsets tested per vectorised resync step


def unaligned(u8: np.ndarray, dtype: str) -> np.ndarray:
    """A view of ``u8`` reading one ``dtype`` value at every byte offset (stride 1): indexing it
    with an array of offsets gathers unaligned values in one fancy-indexing call."""
    size = np.dtype(dtype).itemsize
    count = max(0, len(u8) - size + 1)
    if not count:
        return np.zeros(0, dtype)
    return np.ndarray((count,), dtype=dtype, buffer=u8, strides=(1,))


class _Scanner:
    def __init__(self, buf, base_offset: int, verify_crc: bool, final: bool):
        self.mv = memoryview(buf).cast("B")
        self.u8 = np.frombuffer(self.mv, dtype=np.uint8)
        self.n = len(self.u8)
        self.u64 = unaligned(self.u8, "<u8")
        self.base = base_offset
        self.verify = verify_crc
        self.final = final
        self.errors: list[str] = []
        self.zero_runs: list[tuple[int, int]] = []
        self.starts: list[np.ndarray] = []  # payload offsets, in pieces
        self.lens: list[np.ndarray] = []
        self.recent = np.zeros(0, dtype=np.int64)  # last accepted lengths, for cycle detection
        self.spec = _SPEC_MIN
        self.scalar_run = _CYCLE_WINDOW
        self._guess_cache: tuple = (None,)

    # ------------------------------------------------------------------ driver

    def run(self) -> RecordBatch:
        pos = 0
        while True:
            starts, lens, end = self._frame(pos)
            if len(starts):
                good, bad_end = self._verified_prefix(starts, lens)
                self._accept(starts[:good], lens[:good])
                if good == len(starts):
                    pos = end
                    continue
                # damage among records [good, bad_end): walk them one at a time
                pos = int(starts[good]) - HEADER_SIZE
                stop = int(starts[bad_end - 1] + lens[bad_end - 1]) + FOOTER_SIZE
            else:
                stop = pos + 1  # the record at pos does not fit: look at it closely
            while pos < stop:
                pos, done = self._careful_step(pos)
                if done:
                    return self._result(pos)

    def _result(self, consumed: int) -> RecordBatch:
        if self.starts:
            offsets = np.concatenate(self.starts).astype(np.int64, copy=False)
            lengths = np.concatenate(self.lens).astype(np.int64, copy=False)
        else:
            offsets = np.zeros(0, np.int64)
            lengths = np.zeros(0, np.int64)
        return RecordBatch(offsets, lengths, consumed, self.errors, self.zero_runs)

    def _accept(self, starts: np.ndarray, lens: np.ndarray) -> None:
        if len(starts):
            self.starts.append(starts)
            self.lens.append(lens)

    # ------------------------------------------------------------------ framing

    def _frame(self, pos: int):
        """Frame whole records from ``pos`` on, trusting length fields; stop at the first record
        that does not fit in the buffer (truncated or corrupt: ``_careful_step`` decides)."""
        _u8, n = self.u8, self.n
        starts: list[np.ndarray] = []
        lens: list[np.ndarray] = []
        count = 0
        if n - pos >= HEADER_SIZE and not np.count_nonzero(_u8[pos : pos + HEADER_SIZE]):
            # zeros, not a header: framing them as empty records would only fail the CRCs
            return np.zeros(0, np.int64), np.zeros(0, np.int64), pos
        limit = min(n, pos + _CHUNK_BYTES)
        while count < _CHUNK_RECORDS and pos < limit:
            cycle = _cycle(self.recent)
            if cycle is not None:
                k = min(self.spec, _CHUNK_RECORDS - count)
                guess, guess_u64, rel_heads, rel_ends = self._guess(cycle, k)
                fit = int(np.searchsorted(rel_ends, n - pos, side="right"))
                heads = rel_heads[:fit] + pos
                wrong = np.flatnonzero(self.u64[heads] != guess_u64[:fit])
                good = int(wrong[0]) if len(wrong) else fit
                if good:
                    starts.append(heads[:good] + HEADER_SIZE)
                    lens.append(guess[:good])
                    self._remember(guess[:good])
                    pos += int(rel_ends[good - 1])
                    count += good
                if good == k:
                    if k >= _SPEC_PAYS:  # a long cycle again: look for cycles eagerly
                        self.scalar_run = _CYCLE_WINDOW
                    self.spec = min(self.spec * 2, _SPEC_MAX)
                    continue
                self.spec = max(self.spec // 4, _SPEC_MIN)
            # Where cycles keep breaking (odd records every few dozen), a numpy round costs more
            # than it saves: walk ever longer stretches until speculation pays off again.
            self.scalar_run = min(self.scalar_run * 2, 4096)
            heads, pos, blocked = self._walk(pos, limit)
            if len(heads):
                ends = np.empty_like(heads)
                ends[:-1] = heads[1:]
                ends[-1] = pos
                starts.append(heads + HEADER_SIZE)
                lens.append(ends - heads - _OVERHEAD)
                self._remember(lens[-1])
                count += len(heads)
            if blocked:
                break
        if not starts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), pos
        return np.concatenate(starts), np.concatenate(lens), pos

    def _guess(self, cycle: np.ndarray, k: int):
        """The next k lengths if the cycle goes on, and their record ends relative to now."""
        key = (cycle.tobytes(), k)
        if self._guess_cache[0] != key:
            guess = np.tile(cycle, -(-k // len(cycle)))[:k]
            ends = np.cumsum(guess + _OVERHEAD)
            heads = ends - (guess + _OVERHEAD)
            self._guess_cache = (key, guess, guess.astype(np.uint64), heads, ends)
        return self._guess_cache[1:]

    def _walk(self, pos: int, limit: int):
        """Record by record, up to ``scalar_run`` records; returns (record starts as an int64
        array, where the walk stopped, whether framing must stop there: the byte limit, or a
        record that does not fit). The loop only collects starts (lengths are their
        differences): ~0.17 us a record, about half of unpacking and checking each one."""
        mv, unpack = self.mv, _LENGTH.unpack_from
        heads: list[int] = []
        keep = heads.append
        blocked = False
        try:
            for _ in repeat(None, self.scalar_run):
                if pos >= limit:
                    blocked = True
                    break
                keep(pos)
                pos += _OVERHEAD + unpack(mv, pos)[0]
        except struct.error:  # fewer than 8 bytes left: the header at heads[-1] is cut short
            pos = heads.pop()
            blocked = True
        if pos > self.n:  # the last record runs past the buffer
            pos = heads.pop()
            blocked = True
        return np.array(heads, dtype=np.int64), pos, blocked

    def _remember(self, lens: np.ndarray) -> None:
        self.recent = np.concatenate((self.recent, lens))[-2 * _MAX_PERIOD :]

    # ------------------------------------------------------------------ verification

    def _chunk_ok(self, starts: np.ndarray, lens: np.ndarray) -> bool:
        """All header and payload CRCs of these contiguous records hold.

        Big payloads (images, histograms) get one crc32c call each, straight from the buffer;
        everything else (small records whole, big records' headers) is copied into one
        segment with each stored CRC replaced by the value that makes it self-checking, so one
        crc32c call checks them all (see the module docstring)."""
        big = lens >= _DIRECT_CRC
        if big.any() and not self._payloads_ok(starts[big], lens[big]):
            return False
        lo = starts - HEADER_SIZE
        hi = np.where(big, starts, starts + lens + FOOTER_SIZE)  # a big record: header only
        cuts = (np.flatnonzero(hi[:-1] != lo[1:]) + 1).tolist()
        firsts, lasts = lo[[0] + cuts].tolist(), hi[[c - 1 for c in cuts] + [-1]].tolist()
        pieces = [self.u8[a:b] for a, b in zip(firsts, lasts)]  # runs of contiguous bytes
        seg = np.concatenate(pieces)  # a copy, even of one piece
        at = np.cumsum(hi - lo) - (hi - lo)  # where each record's bytes start within seg
        words = unaligned(seg, "<u4")
        head_crc = at + 8
        words[head_crc] = unmask_array(words[head_crc]) ^ np.uint32(zero_crc(8))
        small = ~big
        body_crc = (at + HEADER_SIZE + lens)[small]
        words[body_crc] = unmask_array(words[body_crc]) ^ zero_crc_array(lens[small])
        return crc32c(seg, 0xFFFFFFFF) == 0xFFFFFFFF

    def _payloads_ok(self, starts: np.ndarray, lens: np.ndarray) -> bool:
        mv = self.mv
        raw = np.array(
            [crc32c(mv[a : a + n]) for a, n in zip(starts.tolist(), lens.tolist())], dtype=np.uint32
        )
        stored = unaligned(self.u8, "<u4")[starts + lens]
        return bool((unmask_array(stored) == raw).all())

    def _verified_prefix(self, starts: np.ndarray, lens: np.ndarray) -> tuple[int, int]:
        """(intact leading records, end of the window holding the first damage); bisects."""
        if not self.verify or self._chunk_ok(starts, lens):
            return len(starts), len(starts)
        lo, hi = 0, len(starts)  # [0, lo) intact; damage within [lo, hi)
        while hi - lo > _BISECT_FLOOR:
            mid = (lo + hi) // 2
            if self._chunk_ok(starts[lo:mid], lens[lo:mid]):
                lo = mid
            else:
                hi = mid
        return lo, hi

    # ------------------------------------------------------------------ one record, carefully

    def _careful_step(self, pos: int) -> tuple[int, bool]:
        """Deal with the record at ``pos``; returns (next position, stop scanning)."""
        n, mv = self.n, self.mv
        at = self.base + pos
        if pos >= n:
            return n, True
        if n - pos < HEADER_SIZE:
            if not self.final:
                return pos, True
            if not np.count_nonzero(self.u8[pos:]):  # the end of a run of zeros
                self.zero_runs.append((at, self.base + n))
            else:
                self.errors.append(
                    f"offset {at}: {n - pos} trailing bytes, too short for a record header; ignored"
                )
            return n, True
        (length,) = _LENGTH.unpack_from(mv, pos)
        (stored,) = _CRC.unpack_from(mv, pos + 8)
        if masked_crc32c(mv[pos : pos + 8]) != stored:
            return self._resync(pos, "bad record header CRC")
        if length > MAX_RECORD_LENGTH:
            return self._resync(pos, f"record header claims {length} payload bytes (over 2 GiB)")
        end = pos + _OVERHEAD + length
        if end > n:
            if not self.final:
                return pos, True
            self.errors.append(
                f"offset {at}: truncated record (header says {length} payload bytes, "
                f"only {max(0, n - pos - HEADER_SIZE)} present); ignored"
            )
            return n, True
        body = pos + HEADER_SIZE
        if self.verify:
            (stored,) = _CRC.unpack_from(mv, body + length)
            if masked_crc32c(mv[body : body + length]) != stored:
                self.errors.append(
                    f"offset {at}: bad payload CRC in a record of {length} bytes; "
                    "record skipped, reading goes on"
                )
                return end, False
        self._accept(np.array([body], np.int64), np.array([length], np.int64))
        return end, False

    def _resync(self, pos: int, why: str) -> tuple[int, bool]:
        """Skip from the damaged header at ``pos`` to the next valid one (or as far as the
        bytes present allow), reporting the skipped range."""
        found = _next_valid_header(self.u8, pos + 1)
        if found is not None:
            to, done = found, False
        elif self.final:
            to, done = self.n, True
        else:  # every offset up to n - HEADER_SIZE was tested; later ones need more bytes
            to, done = max(pos + 1, self.n - HEADER_SIZE + 1), True
        at, end = self.base + pos, self.base + to
        if to - pos >= HEADER_SIZE and not np.count_nonzero(self.u8[pos:to]):
            self.zero_runs.append((at, end))
        elif found is not None:
            self.errors.append(
                f"offset {at}: {why}; skipped {to - pos} bytes (offsets {at}..{end}) to the next valid record"
            )
        elif self.final:
            self.errors.append(
                f"offset {at}: {why} and no valid record after it; skipped {to - pos} bytes to the end of the file"
            )
        else:
            self.errors.append(
                f"offset {at}: {why}; skipped {to - pos} bytes (offsets {at}..{end}), no valid record yet after them"
            )
        return to, done


def _cycle(recent: np.ndarray):
    """The shortest period p over which the latest max(2p, _CYCLE_WINDOW) lengths repeat."""
    m = len(recent)
    for p in range(1, _MAX_PERIOD + 1):
        window = max(2 * p, _CYCLE_WINDOW)
        if window > m:
            return None
        if np.array_equal(recent[m - window + p :], recent[m - window : m - p]):
            return recent[m - p :]
    return None


def _next_valid_header(u8: np.ndarray, start: int):
    """First offset >= start whose 12 bytes form a header with a valid CRC, or None."""
    last = len(u8) - HEADER_SIZE  # last offset with a whole header
    lo = start
    while lo <= last:
        # a header holds a non-zero byte: skip candidates whose 12 bytes are all zeros
        nonzero = _first_nonzero(u8, lo, last + HEADER_SIZE)
        if nonzero is None:
            return None
        lo = max(lo, nonzero - (HEADER_SIZE - 1))
        hi = min(lo + _SEARCH_WINDOW, last + 1)
        masked = mask_array(crc32c_sliding_array(u8, lo, hi, 8))
        stored = u8[lo + 8 : hi + 8].astype(np.uint32)
        for k in range(1, 4):
            stored |= u8[lo + 8 + k : hi + 8 + k].astype(np.uint32) << np.uint32(8 * k)
        hits = np.flatnonzero(masked == stored)
        if len(hits):
            return lo + int(hits[0])
        lo = hi
    return None


def _first_nonzero(u8: np.ndarray, lo: int, hi: int):
    """Offset of the first non-zero byte in ``u8[lo:hi]``, or None; zero blocks are
    dismissed with one count (memory speed), growing from a few KB so that data is cheap."""
    block = 4096
    while lo < hi:
        piece = u8[lo : min(hi, lo + block)]
        if np.count_nonzero(piece):
            return lo + int(np.argmax(piece != 0))
        lo += len(piece)
        block = min(block * 4, 16 << 20)
    return None
