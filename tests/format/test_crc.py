"""CRC-32C helpers: masking both ways, the affine part and the per-byte tables, checked
against direct crc32c calls."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jupyter_tb.format import crc


@given(st.binary(max_size=64))
def test_masking_scalar_and_arrays_agree(data):
    raw = np.array([crc.crc32c(data)], np.uint32)
    masked = crc.mask_array(raw)
    assert int(masked[0]) == crc.masked_crc32c(data)
    assert crc.unmask_array(masked).tolist() == raw.tolist()


def test_masked_crc_of_nothing_is_the_mask_delta():
    assert crc.masked_crc32c(b"") == crc.MASK_DELTA == 0xA282EAD8


def test_zero_crcs():
    lengths = np.array([0, 1, 8, 4095, 4096, 70_000, 8, 140_001])
    expected = [crc.crc32c(bytes(int(n))) for n in lengths]
    assert [crc.zero_crc(int(n)) for n in lengths] == expected
    assert crc.zero_crc_array(lengths).tolist() == expected


@given(st.binary(min_size=12, max_size=12), st.lists(st.integers(0, 11), min_size=1, max_size=4, unique=True))
def test_byte_tables_give_the_crc_of_a_changed_template(message, positions):
    template = bytearray(message)
    for at in positions:
        template[at] = 0
    tables = crc.byte_tables(len(message), positions)
    changed = crc.crc32c(bytes(template))
    for table, at in zip(tables, positions):
        changed ^= int(table[message[at]])
    assert changed == crc.crc32c(message)


def test_sliding_crcs():
    u8 = np.random.default_rng(0).integers(0, 256, 100, dtype=np.uint8)
    crcs = crc.crc32c_sliding_array(u8, 5, 90, 8)
    assert crcs.tolist() == [crc.crc32c(u8[i : i + 8].tobytes()) for i in range(5, 90)]
