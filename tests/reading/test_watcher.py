"""LogdirWatcher: a thread keeping a Logdir current while writers append."""

from __future__ import annotations

import threading
import time

import pytest

import jupyter_tb
from jupyter_tb import _appended
from jupyter_tb.reading.watcher import LogdirWatcher
from tests.support import reader_fixtures as F


def _wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_polls_appends_and_new_runs(tmp_path):
    w = F.TF2StyleWriter(str(tmp_path / "a"))
    w.scalar("x", 0.0, 0)
    w.flush()
    ld = jupyter_tb.read(str(tmp_path))
    seen = []
    with LogdirWatcher(ld, reload_interval=0.05, on_change=seen.append) as watcher:
        assert watcher.running
        for i in range(1, 50):
            w.scalar("x", float(i), i)
        w.flush()
        assert _wait_for(lambda: len(ld.scalars("a", "x")) == 50)
        w2 = F.TF2StyleWriter(str(tmp_path / "b"))
        w2.scalar("y", 1.0, 1)
        w2.close()
        assert _wait_for(lambda: "b" in ld.runs)
    assert not watcher.running
    w.close()
    changes = set().union(*seen)
    assert ("a", "scalars", "x") in changes and ("b", "scalars", "y") in changes
    assert ld.scalars("a", "x").values.tolist() == [float(i) for i in range(50)]


def test_wakes_at_once_on_live_notification(tmp_path):
    w, ld = F.live_logdir(str(tmp_path))
    got = threading.Event()
    watcher = LogdirWatcher(ld, reload_interval=3600, on_change=lambda changes: got.set()).start()
    try:
        w.scalar("x", 1.0, 1)
        w.flush()
        assert not got.wait(0.3)  # no poll for an hour: nothing happens by itself
        _appended.notify_written(w.writer.get_logdir() + "/whatever")
        assert got.wait(5)
        assert len(ld.scalars(".", "x")) == 2
        # notifications about other directories do not wake it
        got.clear()
        w.scalar("x", 2.0, 2)
        w.flush()
        _appended.notify_written(str(tmp_path.parent / "elsewhere" / "f"))
        assert not got.wait(0.3)
    finally:
        watcher.stop()
        w.close()


def test_in_kernel_writer_updates_the_watcher(tmp_path):
    writer_module = pytest.importorskip("jupyter_tb.writing.summary_writer")
    ld = None
    with writer_module.SummaryWriter(str(tmp_path)) as w:
        w.add_scalar("loss", 1.0, 0)
        w.flush()
        ld = jupyter_tb.read(str(tmp_path))
        watcher = LogdirWatcher(ld, reload_interval=3600).start()
        try:
            for i in range(1, 20):
                w.add_scalar("loss", 1.0 / (i + 1), i)
            w.flush()
            assert _wait_for(lambda: len(ld.scalars(".", "loss")) == 20, timeout=5)
        finally:
            watcher.stop()


def test_a_failing_callback_or_vanished_logdir_does_not_kill_the_thread(tmp_path):
    import shutil

    w = F.TF2StyleWriter(str(tmp_path / "logs"))
    w.scalar("x", 0.0, 0)
    w.flush()
    ld = jupyter_tb.read(str(tmp_path / "logs"))

    def broken(changes):
        raise RuntimeError("view bug")

    with LogdirWatcher(ld, reload_interval=0.05, on_change=broken) as watcher:
        w.scalar("x", 1.0, 1)
        w.flush()
        assert _wait_for(lambda: any("view bug" in e for e in ld.errors))
        w.close()
        shutil.rmtree(tmp_path / "logs")
        assert _wait_for(lambda: any("does not exist" in e or "No such file" in e for e in ld.errors))
        assert watcher.running
    assert ld.scalars(".", "x").values.tolist() == [0.0, 1.0]  # what was read is kept
