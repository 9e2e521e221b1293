"""TFRecord framing, the container format of tfevents files.

Each record on disk is::

    uint64  length              little-endian
    uint32  masked_crc32c(length bytes)
    bytes   payload[length]     a serialized Event
    uint32  masked_crc32c(payload)

The CRC is CRC-32C (Castagnoli), "masked" by rotating right 15 bits and adding a constant so
that a CRC of data containing CRCs stays well distributed. This module knows nothing of events.
"""

from __future__ import annotations

import struct

from crc32c import crc32c as _crc32c

_MASK_DELTA = 0xA282EAD8
_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")

HEADER_SIZE = 12  # length + its crc
FOOTER_SIZE = 4  # payload crc


def masked_crc32c(data: bytes | memoryview) -> int:
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def encode_record(payload: bytes) -> bytes:
    """One framed record, ready for a single ``write`` call."""
    header = _LENGTH.pack(len(payload))
    return b"".join(
        (header, _CRC.pack(masked_crc32c(header)), payload, _CRC.pack(masked_crc32c(payload)))
    )
