"""Public board API: one reader per logdir per kernel, reused; close; logdir_spec."""

import threading

import pytest
from tensorboardX import SummaryWriter as TBXWriter

import jupyter_tb
from jupyter_tb.api import board as board_function
from jupyter_tb.api import close
from jupyter_tb.widgets.live_source import open_sources


@pytest.fixture
def logdir(tmp_path):
    for run in ("a", "b"):
        with TBXWriter(str(tmp_path / "exp" / run)) as w:
            w.add_scalar("loss", 1.0, 0)
            w.add_scalar("acc", 0.5, 0)
    return tmp_path / "exp"


def watcher_threads():
    return [t for t in threading.enumerate() if t.name == "jupyter_tb-watcher"]


def test_same_logdir_shares_one_reader(logdir, live_sources):
    before = len(watcher_threads())
    b1 = jupyter_tb.board(logdir)
    b2 = jupyter_tb.board(str(logdir) + "/")
    s = jupyter_tb.scalars(logdir, tags="loss")
    assert b1.source is b2.source is s.source
    b1.source.wait_loaded(30)
    import time

    time.sleep(0.2)
    assert len(watcher_threads()) == before + 1
    assert jupyter_tb.close is close  # public at the top level, as board() is
    assert close(logdir) is True
    time.sleep(0.1)
    assert len(watcher_threads()) == before
    assert close(logdir) is False
    b3 = jupyter_tb.board(logdir)  # after close a fresh reader starts
    assert b3.source is not b1.source


def test_per_kind_functions(logdir, outbox, live_sources):
    s = jupyter_tb.scalars(logdir, tags="^loss$", runs="^a$", smoothing=0.9)
    s.source.wait_loaded(30)
    assert s.smoothing == 0.9
    outbox.wait_for(s, lambda m: m["type"] == "series" and m["run"] == "a" and m["tag"] == "loss")
    assert not [m for m in outbox.of(s, "series") if m["run"] == "b" or m["tag"] == "acc"]
    for function in (jupyter_tb.images, jupyter_tb.histograms, jupyter_tb.distributions):
        assert function(logdir).kinds


def test_logdir_spec_names_runs(tmp_path, outbox, live_sources):
    for name in ("x", "y"):
        with TBXWriter(str(tmp_path / name / "run")) as w:
            w.add_scalar("loss", 2.0, 0)
    with TBXWriter(str(tmp_path / "x")) as w:  # x's own root run
        w.add_scalar("loss", 3.0, 0)
    s = jupyter_tb.scalars(logdir_spec={"first": tmp_path / "x", "second": tmp_path / "y"})
    assert s.source.wait_loaded(30)
    assert s.logdir.runs == ["first", "first/run", "second/run"]
    assert s.logdir.scalars("second/run", "loss").values.tolist() == [2.0]
    s.close()
    s = jupyter_tb.scalars(logdir_spec={"first": tmp_path / "x", "second": tmp_path / "y"})
    runs = outbox.of(s, "reset")[0]["runs"]
    assert runs == ["first", "first/run", "second/run"]


def test_bad_logdir_is_a_clear_error(tmp_path, live_sources):
    # a logdir that does not exist yet is waited for (test_widgets_dashboard); a file is not
    not_a_folder = tmp_path / "events.txt"
    not_a_folder.write_text("x")
    with pytest.raises(NotADirectoryError, match="not a directory"):
        jupyter_tb.board(not_a_folder)
    assert not open_sources()
    with pytest.raises(ValueError, match="logdir"):
        board_function()
