"""Store columns: growth, snapshots that never change, purges."""

from __future__ import annotations

import numpy as np
import pytest

from jupyter_tb.reading.run_store import GrowableArray, Ragged, RunStore


def test_column_views_survive_growth_and_purge():
    column = GrowableArray(np.float64)
    column.extend(np.arange(5.0))
    first = column.view()
    for _ in range(50):
        column.extend(np.arange(7.0))
    assert first.tolist() == [0, 1, 2, 3, 4]
    assert len(column) == 5 + 350
    second = column.view()
    column.keep(column.view() < 3)
    assert first.tolist() == [0, 1, 2, 3, 4] and len(second) == 355
    assert column.view().tolist() == [0, 1, 2] + [0, 1, 2] * 50
    with pytest.raises(ValueError):
        column.view()[0] = 1
    column.trim()
    assert len(column.view()) == 153
    for view in (first, second, column.view(), column.view_from(100)):  # read-only after grow, keep, trim
        with pytest.raises(ValueError):
            view[0] = 1
    assert column.view_from(150).tolist() == [0, 1, 2]


def test_ragged_blocks_and_keep():
    ragged = Ragged(3)
    blocks = [np.full((k, 3), float(k)) for k in (2, 0, 4, 1)]
    ragged.extend(blocks)
    rows, ends = ragged.view()
    assert ends.tolist() == [2, 2, 6, 7]
    ragged.keep(np.array([True, True, False, True]))
    rows2, ends2 = ragged.view()
    assert ends2.tolist() == [2, 2, 3]
    assert rows2[:, 0].tolist() == [2, 2, 1]
    assert ends.tolist() == [2, 2, 6, 7] and len(rows) == 7  # old snapshot intact


def test_run_store_purge_all_or_by_tag_and_changes():
    store = RunStore()
    store.append("scalars", "a", np.arange(10), np.zeros(10), np.arange(10.0))
    store.append("scalars", "b", np.arange(10), np.zeros(10), np.arange(10.0))
    store.append("histograms", "h", [3, 8], [0.0, 0.0], [np.ones((2, 3)), np.ones((1, 3))])
    assert store.take_changes() == {("scalars", "a"), ("scalars", "b"), ("histograms", "h")}
    store.purge(7, tags={"a"})
    assert store.take_changes() == {("scalars", "a")}
    assert store.tracks[("scalars", "a")].steps.view().tolist() == list(range(7))
    assert len(store.tracks[("scalars", "b")]) == 10
    store.purge(5)
    assert store.take_changes() == {("scalars", "a"), ("scalars", "b"), ("histograms", "h")}
    assert len(store.tracks[("histograms", "h")]) == 1
    store.purge(100)
    assert store.take_changes() == set()
