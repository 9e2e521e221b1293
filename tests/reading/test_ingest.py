"""Ingest of hostile records: each bad record costs little and loses only itself."""

from __future__ import annotations

import tracemalloc

import pytest

import jupyter_tb
from tests.support.hostile_records import CLAIMS, claim_record, empty_records, scalar_records

GOOD = 50
EVENT_FILE = "events.out.tfevents.1700000000.host.1.0"


def _read_traced(path):
    tracemalloc.start()
    try:
        board = jupyter_tb.read(str(path))
        return board, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", sorted(CLAIMS))
def test_a_shape_claiming_1e9_elements_loses_only_its_record(tmp_path, kind):
    # before: 1e9 claims allocated the claimed size (a MemoryError dropped the whole chunk)
    bad = claim_record(kind, 10**9, GOOD)
    assert len(bad) < 128  # the tensor itself ~30 bytes
    (tmp_path / EVENT_FILE).write_bytes(scalar_records(0, GOOD) + bad + scalar_records(GOOD, GOOD))
    board, peak = _read_traced(tmp_path)
    assert board.scalars(".", "good").values.tolist() == list(range(2 * GOOD))
    (message,) = board.errors
    assert f"bad_{kind}" in message and "claims" in message
    assert peak < 16 << 20


def test_zero_length_records_cost_little(tmp_path):
    # before: 100k empty records cost ~79 MB (one parsed Event object kept per record)
    (tmp_path / EVENT_FILE).write_bytes(
        scalar_records(0, GOOD) + empty_records(100_000) + scalar_records(GOOD, GOOD)
    )
    board, peak = _read_traced(tmp_path)
    assert board.scalars(".", "good").values.tolist() == list(range(2 * GOOD))
    assert board.errors == []
    assert peak < 16 << 20
