"""``scalars_appended``: every scalar series' points past a cursor, in one call."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb import SummaryWriter
from jupyter_tb.reading.spec_logdir import SpecLogdir


def _write(path, tag, steps, **writer_options):
    with SummaryWriter(str(path), **writer_options) as writer:
        for step in steps:
            writer.add_scalar(tag, float(step) / 2, step)


def _by_series(appended):
    return {(item.run, item.tag): item for item in appended}


def test_only_points_past_each_cursor_and_only_series_that_have_some(tmp_path):
    _write(tmp_path / "a", "loss", range(5))
    _write(tmp_path / "b", "loss", range(3))
    with SummaryWriter(str(tmp_path / "b")) as writer:
        writer.add_histogram("weights", np.arange(4.0), 0)  # not a scalar: never listed
    ld = jupyter_tb.read(str(tmp_path))

    first = _by_series(ld.scalars_appended({}))
    assert sorted(first) == [("a", "loss"), ("b", "loss")]
    assert first[("a", "loss")].start == 0 and first[("a", "loss")].steps.tolist() == [0, 1, 2, 3, 4]

    _write(tmp_path / "a", "loss", range(5, 8), filename_suffix=".more")
    ld.reload()
    cursors = {("a", "loss"): 5, ("b", "loss"): 3}
    (item,) = ld.scalars_appended(cursors)  # "b" has nothing new: left out
    assert (item.run, item.tag, item.start) == ("a", "loss", 5)
    assert item.steps.tolist() == [5, 6, 7]
    assert item.values.tolist() == [2.5, 3.0, 3.5]
    full = ld.scalars("a", "loss")
    assert item.wall_times.tolist() == full.wall_times[5:].tolist()
    with pytest.raises(ValueError):
        item.values[0] = 0.0  # a view of the store: read-only like every accessor's arrays
    assert ld.scalars_appended({("a", "loss"): 8, ("b", "loss"): 3}) == []


def test_a_series_cut_by_a_restart_comes_whole_from_zero(tmp_path):
    from tensorboardX import SummaryWriter as XWriter

    with XWriter(str(tmp_path)) as writer:
        for step in range(10):
            writer.add_scalar("loss", float(step), step)
    ld = jupyter_tb.read(str(tmp_path))
    with XWriter(str(tmp_path), purge_step=6, filename_suffix=".restart") as writer:
        writer.add_scalar("loss", 106.0, 6)  # the resumed job: 6 points left + 1 < the 10 seen
    ld.reload()
    (item,) = ld.scalars_appended({(".", "loss"): 10})
    assert item.start == 0 and item.steps.tolist() == [0, 1, 2, 3, 4, 5, 6]


def test_spec_logdir_names_runs_and_reads_cursors_by_those_names(tmp_path):
    _write(tmp_path / "x" / "r", "loss", range(4))
    _write(tmp_path / "y", "loss", range(2))
    spec = SpecLogdir(
        {"one": jupyter_tb.read(str(tmp_path / "x")), "two": jupyter_tb.read(str(tmp_path / "y"))}
    )
    found = _by_series(spec.scalars_appended({("one/r", "loss"): 1}))
    assert sorted(found) == [("one/r", "loss"), ("two", "loss")]
    assert found[("one/r", "loss")].steps.tolist() == [1, 2, 3]
    assert found[("two", "loss")].steps.tolist() == [0, 1]
    assert spec.scalars_appended({("one/r", "loss"): 4, ("two", "loss"): 2}) == []
