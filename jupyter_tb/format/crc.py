"""CRC-32C (Castagnoli) as TFRecord uses it: raw, masked, and the algebra the fast paths rest on.

TFRecord stores each CRC "masked" (rotated right 15 bits, plus a constant) so that a CRC of
data holding CRCs stays well distributed. Scalar functions take bytes and return ints; the
``*_array`` functions take and return numpy uint32 arrays (many CRCs at once).

CRC-32C is affine over GF(2): ``crc(a ^ b) == crc(a) ^ crc(b) ^ crc(zeros)`` for messages of
one length. The reader uses it to check many records with one call (see
:mod:`jupyter_tb.format.tfrecord`); the writer to fill in the CRCs of records that differ from
a template in a few bytes (:func:`byte_tables`).
"""

from __future__ import annotations

import numpy as np
from crc32c import crc32c  # the raw CRC, hardware-accelerated: crc32c(data, value=0)

MASK_DELTA = 0xA282EAD8
_POLY = 0x82F63B78  # CRC-32C, reflected


def masked_crc32c(data: bytes | memoryview) -> int:
    """The masked CRC of ``data``, as a TFRecord header or footer stores it."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF


def mask_array(crc: np.ndarray) -> np.ndarray:
    """Raw CRCs (uint32) -> masked CRCs."""
    return ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(MASK_DELTA)  # uint32 wraps


def unmask_array(masked: np.ndarray) -> np.ndarray:
    """Masked CRCs (uint32) -> the raw CRCs they hold."""
    rot = masked - np.uint32(MASK_DELTA)  # uint32 arithmetic wraps
    return (rot << np.uint32(15)) | (rot >> np.uint32(17))


# -------------------------------------------------------------------- the affine part

_ZEROS = memoryview(bytes(1 << 16))
_SMALL = 4096  # lengths below this get their zero-CRC from a lazily filled table
_ZERO_SMALL = np.zeros(_SMALL, dtype=np.uint32)
_ZERO_SMALL_FILLED = np.zeros(_SMALL, dtype=bool)


def zero_crc(length: int) -> int:
    """crc32c of ``length`` zero bytes: the affine part of CRC-32C for that length."""
    crc = crc32c(_ZEROS[: min(length, len(_ZEROS))])
    length -= min(length, len(_ZEROS))
    while length:
        step = min(length, len(_ZEROS))
        crc = crc32c(_ZEROS[:step], crc)
        length -= step
    return crc


def zero_crc_array(lengths: np.ndarray) -> np.ndarray:
    """:func:`zero_crc` of every length, vectorised through a table (no sort)."""
    small = lengths < _SMALL
    present = np.zeros(_SMALL, dtype=bool)
    present[lengths[small]] = True
    for length in np.flatnonzero(present & ~_ZERO_SMALL_FILLED):
        _ZERO_SMALL[length] = zero_crc(int(length))
        _ZERO_SMALL_FILLED[length] = True
    out = _ZERO_SMALL[np.where(small, lengths, 0)]
    if not small.all():
        big = np.flatnonzero(~small)
        uniq, inverse = np.unique(lengths[big], return_inverse=True)
        out[big] = np.array([zero_crc(int(x)) for x in uniq], dtype=np.uint32)[inverse]
    return out


def byte_tables(size: int, positions) -> list[np.ndarray]:
    """One 256-entry uint32 table per position of a ``size``-byte message: a message ``m``
    that is zero outside ``positions`` has ``crc32c(m) == zero_crc(size) ^ xor over j of
    tables[j][m[positions[j]]]`` (and by affinity, a template with those bytes zeroed gives
    the CRC of every message that differs from it only there)."""
    zero = zero_crc(size)
    bits = np.arange(256)
    tables = []
    for at in positions:
        table = np.zeros(256, dtype=np.uint32)
        for i in range(8):  # linear in the byte: xor of the tables of its bits
            probe = bytearray(size)
            probe[at] = 1 << i
            table ^= np.where((bits >> i) & 1, np.uint32(crc32c(bytes(probe)) ^ zero), np.uint32(0))
        tables.append(table)
    return tables


# -------------------------------------------------------------------- CRCs at every offset


def _byte_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(_POLY), table >> 1)
    return table.astype(np.uint32)


_TABLE = _byte_table()


def crc32c_sliding_array(u8: np.ndarray, lo: int, hi: int, width: int) -> np.ndarray:
    """crc32c of the ``width`` bytes starting at each offset in ``[lo, hi)`` of ``u8``, table
    driven (for short windows at very many offsets, where one call each would cost too much)."""
    state = np.full(hi - lo, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(width):
        state = _TABLE[(state ^ u8[lo + k : hi + k]) & 0xFF] ^ (state >> np.uint32(8))
    return state ^ np.uint32(0xFFFFFFFF)
