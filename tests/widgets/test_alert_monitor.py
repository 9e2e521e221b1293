"""Alerts end to end: real event files, the real reader thread, ``watch()`` and the board."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb import SummaryWriter
from jupyter_tb.widgets.alert_monitor import resolve_rules
from tests.compute.test_alert_rules import noisy_loss

RELOAD = 0.25

# a training script in another process: a loss that climbs tenfold from step 300 and turns NaN
# at step 500, one step every 4 ms, flushed each step
DIVERGING_TRAINING = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from jupyter_tb import SummaryWriter
    from tests.compute.test_alert_rules import noisy_loss

    steps, values = noisy_loss(0, n=520, climb_from=300, decay=150)
    values[500] = np.nan
    with SummaryWriter(sys.argv[1]) as writer:
        for step, value in zip(steps.tolist(), values.tolist()):
            writer.add_scalar("train/loss", value, step)
            writer.add_scalar("train/accuracy", 1 - 1 / (step + 2), step)
            writer.flush()
            time.sleep(0.004)
    """
)


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_watch_alerts_on_a_run_another_process_writes_within_two_reload_intervals(tmp_path):
    arrived = []  # (alert, time the callback ran)
    watcher = jupyter_tb.watch(
        tmp_path, reload_interval=RELOAD, on_alert=lambda a: arrived.append((a, time.time()))
    )
    try:
        subprocess.run([sys.executable, "-c", DIVERGING_TRAINING, str(tmp_path / "lr=2")], check=True)
        wait_for(lambda: {a["rule"] for a, _ in arrived} >= {"diverging", "nan"})
    finally:
        watcher.close()
    by_rule = {alert["rule"]: (alert, when) for alert, when in arrived}
    diverging, nan = by_rule["diverging"][0], by_rule["nan"][0]
    assert diverging["run"] == "lr=2" and diverging["tag"] == "train/loss"
    assert 300 <= diverging["step"] <= 330
    assert nan["step"] == 500 and nan["tag"] == "train/loss" and "nan" in nan["message"]
    for alert, when in arrived:  # wall_time: when the point was written
        assert when - alert["wall_time"] <= 2 * RELOAD + 0.2, alert
    assert [a["rule"] for a in watcher.alerts].count("diverging") == 1
    assert set(alert) == {"run", "tag", "rule", "step", "wall_time", "message", "active", "cleared_step"}
    assert not watcher.monitor.is_local("lr=2")  # another process: nothing here to stop


def write_healthy_runs(logdir, runs: int = 10, steps: int = 2000):
    for run in range(runs):
        step_ids, loss = noisy_loss(500 + run, n=steps)
        accuracy = 1 - loss / loss.max()
        lr = 0.1 * 0.5 ** (step_ids // 500)  # a step schedule
        with SummaryWriter(logdir / f"run{run}") as writer:
            for step, l_value, a_value, lr_value in zip(step_ids, loss, accuracy, lr):
                writer.add_scalar("loss", l_value, step)
                writer.add_scalar("accuracy", a_value, step)
                writer.add_scalar("lr", lr_value, step)


def test_healthy_runs_and_the_demo_logdir_raise_no_alert(tmp_path):
    from jupyter_tb.demo import write_demo_logdir

    write_healthy_runs(tmp_path / "healthy")
    write_demo_logdir(tmp_path / "demo")
    for logdir in (tmp_path / "healthy", tmp_path / "demo"):
        watcher = jupyter_tb.watch(logdir, reload_interval=RELOAD)
        try:
            wait_for(lambda w=watcher: w._source.loaded.is_set())
            time.sleep(2 * RELOAD)
            assert watcher.alerts == [], watcher.alerts
            assert watcher.monitor.errors == []
        finally:
            watcher.close()


def test_a_run_that_stops_writing_is_stalled_and_cleared_when_it_writes_again(tmp_path):
    stalled = {"stalled": {"factor": 5, "min_seconds": 1.0}}
    fired = []
    watcher = jupyter_tb.watch(
        tmp_path, rules=stalled, reload_interval=RELOAD, on_alert=lambda a: fired.append(time.time())
    )
    writer = SummaryWriter(tmp_path / "slow")
    try:
        for step in range(20):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
            writer.flush()
            time.sleep(0.05)
        wait_for(lambda: watcher.alerts, timeout=10)
        (alert,) = watcher.alerts
        assert alert["rule"] == "stalled" and alert["run"] == "slow" and alert["step"] == 19
        # silent for longer than the limit (max(5 x 0.05 s, 1 s)), noticed by the next check
        assert 1.0 <= fired[0] - alert["wall_time"] <= 1.0 + 2 * max(RELOAD, 1.0)
        assert "no new points for" in alert["message"]
        assert watcher.monitor.is_local("slow")  # this process writes it
        writer.add_scalar("loss", 0.01, 20)
        writer.flush()
        wait_for(lambda: not watcher.alerts[0]["active"])
    finally:
        writer.close()
        watcher.close()


def test_a_finished_run_read_later_never_stalls(tmp_path):
    with SummaryWriter(tmp_path / "old") as writer:
        for step in range(5):
            writer.add_scalar("loss", 1.0, step, walltime=1_000_000 + step)
    watcher = jupyter_tb.watch(tmp_path, rules={"stalled": {"min_seconds": 0.1}}, reload_interval=RELOAD)
    try:
        wait_for(lambda: watcher._source.loaded.is_set())
        watcher.monitor.check_stalled()
        assert watcher.alerts == []
    finally:
        watcher.close()


def test_custom_and_plateau_rules_through_watch(tmp_path):
    calls = []

    def too_big(run, tag, steps, values):
        calls.append((run, tag, len(steps)))
        return f"{tag} passed 100" if np.nanmax(values) > 100 else None

    with SummaryWriter(tmp_path / "a") as writer:
        for step in range(50):
            writer.add_scalar("metric", step * 3.0, step)
    watcher = jupyter_tb.watch(tmp_path, rules=["nan", too_big], reload_interval=RELOAD)
    try:
        wait_for(lambda: watcher.alerts)
        (alert,) = watcher.alerts
        assert alert["rule"] == "too_big" and alert["step"] == 49 and alert["message"] == "metric passed 100"
        assert calls[0] == ("a", "metric", 50)
    finally:
        watcher.close()


def test_a_rule_failing_on_one_series_costs_only_that_series(tmp_path):
    def picky(run, tag, steps, values):
        if tag == "bad":
            raise ValueError("cannot judge this one")
        return "seen"

    with SummaryWriter(tmp_path / "a") as writer:
        for step in range(5):
            writer.add_scalar("bad", 1.0, step)
            writer.add_scalar("good", 1.0, step)
    watcher = jupyter_tb.watch(tmp_path, rules=["nan", picky], reload_interval=RELOAD)
    try:
        wait_for(lambda: watcher.alerts)
        assert [(a["tag"], a["rule"]) for a in watcher.alerts] == [("good", "picky")]
        (error,) = watcher.monitor.errors
        assert "picky on a/bad failed" in error and "cannot judge this one" in error
    finally:
        watcher.close()


def test_rules_are_checked_when_given():
    with pytest.raises(ValueError, match="unknown alert rule 'divergent'"):
        resolve_rules(["divergent"])
    with pytest.raises(ValueError, match="named twice"):
        resolve_rules(["nan", "nan"])
    with pytest.raises(TypeError):
        resolve_rules([3])
    rules, stalled = resolve_rules({"diverging": {"ratio": 2.0}, "stalled": {"min_seconds": 5}})
    assert rules[0].ratio == 2.0 and stalled.min_seconds == 5


def test_board_alerts_trait_and_on_alert(tmp_path):
    board = jupyter_tb.board(tmp_path, reload_interval=RELOAD)
    seen, changes = [], []
    board.on_alert(seen.append)
    board.observe(lambda change: changes.append(len(change["new"])), "alerts")
    try:
        with SummaryWriter(tmp_path / "r") as writer:
            for step in range(10):
                writer.add_scalar("loss", float("nan") if step == 7 else 1.0, step)
        wait_for(lambda: seen)
        assert seen[0]["rule"] == "nan" and seen[0]["step"] == 7
        wait_for(lambda: board.alerts and not board.alerts[0]["active"])  # step 8 is finite again
        assert changes and board.alerts[0]["step"] == 7
    finally:
        board.close()


def test_stop_on_interrupts_the_main_thread_with_a_message_naming_the_alert(tmp_path):
    from jupyter_tb.widgets import cell_interrupt

    board = jupyter_tb.board(tmp_path, reload_interval=RELOAD)
    board.stop_on = ["nan"]
    cell_interrupt._tracker.running = True  # as IPython's pre_run_cell would say for a cell
    stopped = None
    try:
        with SummaryWriter(tmp_path / "local") as writer:
            for step in range(2000):  # the "cell": a training loop on the main thread
                writer.add_scalar("loss", float("nan") if step >= 50 else 1.0, step)
                writer.flush()
                time.sleep(0.005)
    except KeyboardInterrupt as error:
        stopped = error
    finally:
        cell_interrupt._tracker.running = False
        board.close()
    assert isinstance(stopped, cell_interrupt.TrainingStopped)
    assert "nan alert on local/loss at step 50" in str(stopped)
    assert threading.main_thread().is_alive()
