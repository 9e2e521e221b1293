"""Protobuf wire format helpers: varints, field keys and walking a message's fields, no schema.

A message is a sequence of fields, each a key ``(number << 3) | wire type`` (a varint) then
its value: a varint, 8 or 4 little-endian bytes, or a varint length and that many bytes.
Varints are little-endian base 128, the high bit of each byte saying "more follows"; a
negative int64 is written as its ten-byte two's complement.

Scalar functions work on one value (Python ints and bytes); the ``*_array`` functions on many
at once (numpy arrays of positions or values), for the bulk decoder and the bulk writer.
"""

from __future__ import annotations

import numpy as np

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5  # wire types


def field_key(number: int, wire_type: int) -> int:
    """The key of a field (one byte for field numbers below 16)."""
    return (number << 3) | wire_type


# -------------------------------------------------------------------- one value


def encode_varint(n: int) -> bytes:
    """The varint bytes of ``n`` (an int64 or uint64)."""
    n &= 0xFFFFFFFFFFFFFFFF  # negative int64 -> ten-byte two's complement, as protobuf does
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def decode_varint(data, pos: int) -> tuple[int, int]:
    """The varint at ``data[pos]``: (its value as an unsigned int, the position after it).
    Raises IndexError when ``data`` ends inside it."""
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def message_fields(message: bytes) -> dict[int, list]:
    """The top-level fields of a serialized message: number -> values in order (varints and
    fixed-width fields as ints, length-delimited ones as bytes)."""
    out: dict[int, list] = {}
    pos, end = 0, len(message)
    while pos < end:
        key, pos = decode_varint(message, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == VARINT:
            value, pos = decode_varint(message, pos)
        elif wire_type == FIXED64:
            value, pos = int.from_bytes(message[pos : pos + 8], "little"), pos + 8
        elif wire_type == FIXED32:
            value, pos = int.from_bytes(message[pos : pos + 4], "little"), pos + 4
        elif wire_type == LENGTH_DELIMITED:
            length, pos = decode_varint(message, pos)
            value, pos = message[pos : pos + length], pos + length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type}")
        out.setdefault(number, []).append(value)
    return out


# -------------------------------------------------------------------- many values (numpy)


def decode_varint_array(u8: np.ndarray, pos: np.ndarray, end: np.ndarray):
    """The varints at positions ``pos`` of the bytes ``u8``, each to stay before ``end``:
    (values as uint64, positions after them, well formed: within end and at most 10 bytes)."""
    last = len(u8) - 1
    b = u8[np.minimum(pos, last)]
    value = (b & 0x7F).astype(np.uint64)
    size = np.ones(len(pos), dtype=np.int64)
    more = np.flatnonzero(b >= 0x80)
    shift = 7
    while len(more) and shift < 70:
        b = u8[np.minimum(pos[more] + size[more], last)]
        value[more] |= (b & 0x7F).astype(np.uint64) << np.uint64(shift)
        size[more] += 1
        more = more[b >= 0x80]
        shift += 7
    after = pos + size
    good = after <= end
    if len(more):  # longer than 10 bytes
        good[more] = False
    return value, after, good


def decode_sized_varint_array(words: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """Varints known to be ``size`` bytes long (continuation bits already checked) at the
    positions ``at``, as int64. ``words`` is the buffer's unaligned little-endian uint64 view
    (one word per byte offset, see :func:`jupyter_tb.format.tfrecord.unaligned`)."""
    value = np.zeros(len(at), dtype=np.uint64)
    last = len(words) - 1  # the last offset a whole word starts at
    for k in range(0, size, 8):  # 8 bytes (56 value bits) per word read
        word = words[np.minimum(at + k, last)]
        short = at + k > last
        if short.any():  # the buffer ends within 8 bytes: read earlier and shift down
            word[short] >>= ((at[short] + k - last) * 8).astype(np.uint64)
        for j in range(min(8, size - k)):
            value |= ((word >> np.uint64(8 * j)) & np.uint64(0x7F)) << np.uint64(7 * (k + j))
    return value.view(np.int64)


def varint_size_array(values: np.ndarray) -> np.ndarray:
    """Bytes of the varint of each uint64 value (1 to 10), as int64."""
    size = np.ones(len(values), dtype=np.int64)
    for k in range(1, 10):
        size += values >= np.uint64(1 << (7 * k))
    return size


def encode_sized_varint_array(values: np.ndarray, size: int, out: np.ndarray | None = None) -> np.ndarray:
    """The varints of uint64 ``values`` that all take ``size`` bytes, as a uint8 (n, size)
    matrix: one row of bytes per value, written into ``out`` when given (no temporary)."""
    if out is None:
        out = np.empty((len(values), size), dtype=np.uint8)
    for k in range(size):  # little-endian base 128, continuation bit on all but the last byte
        group = ((values >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8)
        out[:, k] = group | 0x80 if k < size - 1 else group
    return out
