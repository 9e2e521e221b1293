"""One event file, read incrementally: each poll fetches only the bytes appended since the last.

A poll reads the new bytes in large chunks and frames each chunk with
:func:`jupyter_tb.format.tfrecord.scan_records`. Bytes of a record that is still being written are kept
as the tail and glued in front of the next chunk, so a half-written record is neither lost nor
read twice.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from jupyter_tb.format import tfrecord
from jupyter_tb.format.crc import masked_crc32c

# Decode temporaries grow with the chunk: 16 MB keeps a 3M-event read near 170 MB peak RSS
# (64 MB chunks cost ~260 MB) at the same speed, measured with benchmarks/bench_ingest.py.
CHUNK_SIZE = 16 << 20
_HEADER = struct.Struct("<QI")  # length, masked crc of the length


@dataclass
class Chunk:
    """Framed records: payload ``i`` is ``buf[offsets[i]:offsets[i] + lengths[i]]``.

    ``buf`` is only valid until the loader's next chunk (the read buffer is reused).
    """

    path: str
    buf: bytes | memoryview
    base_offset: int  # file offset of buf[0]
    offsets: np.ndarray
    lengths: np.ndarray
    file_size: int  # the file's size when polled: how much more of it to expect


class EventFileLoader:
    def __init__(self, storage, path: str, *, verify_crc: bool = True, chunk_size: int = CHUNK_SIZE):
        self.storage = storage
        self.path = path
        self.verify_crc = verify_crc
        self.chunk_size = chunk_size
        self.offset = 0  # bytes fetched from the file so far
        self._tail = b""  # fetched bytes not yet framed (an incomplete record)
        self.errors: list[str] = []

    @property
    def pending(self) -> int:
        """Bytes held back as an incomplete record."""
        return len(self._tail)

    def poll(self, size: int, final: bool = False, buffer: ReadBuffer | None = None) -> Iterator[Chunk]:
        """Chunks of the records between the last poll and ``size`` (the file's current size).

        ``final``: the file will not grow any more, so bytes held back as an incomplete record
        are truncation or garbage: they are reported (once) and dropped, and any record found
        after garbage is read. ``buffer``: where to read, shared by the loaders of one pass
        over a logdir (each chunk is done with before the next is read)."""
        if size < self.offset:
            self.errors.append(
                f"{self.path}: file shrank from {self.offset} to {size} bytes; "
                "it was rewritten, only data read before is kept"
            )
            self.offset = size
            self._tail = b""
            return
        buffer = buffer or ReadBuffer()
        zeros = _ZeroRuns()
        while self.offset < size:
            want = min(max(self.chunk_size, self._needed()), size - self.offset)
            scratch = buffer.take(want + len(self._tail))
            buf = self.storage.read(self.path, self.offset, want, prefix=self._tail, scratch=scratch)
            fetched = len(buf) - len(self._tail)
            if fetched <= 0:
                return
            base = self.offset - len(self._tail)
            self.offset += fetched
            batch = tfrecord.scan_records(buf, base_offset=base, verify_crc=self.verify_crc)
            self.errors.extend(f"{self.path}: {message}" for message in batch.errors)
            zeros.add(batch.zero_runs)
            self._tail = bytes(buf[batch.consumed :])
            if len(batch.offsets):
                yield Chunk(self.path, buf, base, batch.offsets, batch.lengths, size)
        if final and self._tail:
            tail, self._tail = self._tail, b""
            base = self.offset - len(tail)
            batch = tfrecord.scan_records(tail, base_offset=base, verify_crc=self.verify_crc, final=True)
            self.errors.extend(f"{self.path}: {message}" for message in batch.errors)
            zeros.add(batch.zero_runs)
            if len(batch.offsets):
                yield Chunk(self.path, tail, base, batch.offsets, batch.lengths, size)
        self.errors.extend(f"{self.path}: {message}" for message in zeros.reports())

    def _needed(self) -> int:
        # a record longer than a chunk: fetch all of it at once rather than re-gluing pieces
        if len(self._tail) < tfrecord.HEADER_SIZE:
            return 0
        length, header_crc = _HEADER.unpack_from(self._tail, 0)
        if masked_crc32c(self._tail[:8]) != header_crc or length > tfrecord.MAX_RECORD_LENGTH:
            return 0
        return tfrecord.HEADER_SIZE + length + tfrecord.FOOTER_SIZE - len(self._tail)


class _ZeroRuns:
    """The zero runs of one poll, joined across chunks: a gigabyte of zeros is one report."""

    def __init__(self):
        self.runs: list[list[int]] = []

    def add(self, runs) -> None:
        for start, end in runs:
            if self.runs and self.runs[-1][1] >= start:
                self.runs[-1][1] = max(self.runs[-1][1], end)
            else:
                self.runs.append([start, end])

    def reports(self) -> list[str]:
        return [tfrecord.describe_zero_run(start, end) for start, end in self.runs]


class ReadBuffer:
    """One read buffer, reused while it is big enough: fresh 16 MB buffers cost page faults,
    which on some machines cost more than the reading."""

    def __init__(self):
        self._memory: memoryview | None = None

    def take(self, size: int) -> memoryview:
        if self._memory is None or len(self._memory) < size:
            # numpy rather than bytearray: no zero-fill, and numpy asks the kernel for huge
            # pages on big arrays, so filling tens of MB costs a few dozen page faults
            self._memory = memoryview(np.empty(size + (1 << 16), np.uint8))  # room for tails
        return self._memory
