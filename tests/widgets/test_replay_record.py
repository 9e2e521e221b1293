"""The compact record a saved notebook keeps of a board: within its byte budget, long whole
series cut to the overview the cards show, every view's first ("reset") message kept, and the
live board's bookkeeping untouched (it still sends the next points as deltas)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from jupyter_tb.widgets.dashboard import Dashboard
from jupyter_tb.widgets.replay_record import replay_record
from jupyter_tb.widgets.views.scalars import PIXELS
from jupyter_tb.widgets.wire import unpack
from tests.support import fixture_logdirs
from tests.support.widget_capture import make_view

pytestmark = pytest.mark.usefixtures("live_sources")


def _messages(model) -> list[dict]:
    return [unpack(m, [base64.b64decode(b) for b in bufs]) for m, bufs in model["messages"]]


def _write(logdir, runs, points):
    from jupyter_tb import SummaryWriter

    for run in runs:
        with SummaryWriter(str(logdir / run)) as w:
            for step in range(points):
                w.add_scalar("loss", np.sin(step / 300) + len(run), step)


def test_long_whole_series_become_the_overview_with_the_boards_smoothing(tmp_path):
    _write(tmp_path, ["a", "b"], 9_000)  # sent whole live (<= 10k points), too long for a saved copy
    board = make_view(Dashboard, tmp_path, smoothing=0.8)
    record = replay_record(board)
    series = [m for m in _messages(record["models"][board.view("scalars")._uid]) if m["type"] == "series"]
    assert len(series) == 2
    for message in series:
        assert message["mode"] == "sampled" and message["weight"] == 0.8
        assert message["total"] == 9_000 and len(message["value"]) <= 4 * PIXELS
        assert len(message["smoothed"]) == len(message["value"])


def test_the_budget_holds_and_every_view_keeps_its_reset(tmp_path):
    logdir = fixture_logdirs.write_basic(tmp_path / "logs")
    board = make_view(Dashboard, logdir)
    full = replay_record(board, budget=10**9)
    budget = full["bytes"] // 3
    small = replay_record(board, budget=budget)
    assert small["bytes"] <= budget < full["bytes"]
    assert set(small["models"]) == set(full["models"])
    for model in small["models"].values():
        assert model["messages"] and model["messages"][0][0]["type"] == "reset"
    assert len(json.dumps(small)) < len(json.dumps(full))


def test_recording_leaves_the_live_board_sending_deltas(tmp_path, outbox):
    _write(tmp_path, ["a"], 100)
    board = make_view(Dashboard, tmp_path, reload_interval=0.1)
    scalars = board.view("scalars")
    replay_record(board)
    outbox.clear()
    from jupyter_tb import SummaryWriter

    with SummaryWriter(str(tmp_path / "a")) as w:
        w.add_scalar("loss", 5.0, 100)
    (append,) = outbox.wait_for(scalars, lambda m: m.get("type") in ("append", "series"))
    assert append["type"] == "append" and append["start"] == 100


def test_saved_bytes_sets_what_the_saved_notebook_keeps(tmp_path):
    """board(..., saved_bytes=N): the record saved after cells (the `_replay` trait) stays within
    N bytes, more than the 1 MB default when N is larger, and nothing at all for 0."""
    from jupyter_tb import SummaryWriter
    from jupyter_tb.widgets.picture_output import _save_replay
    from jupyter_tb.widgets.replay_record import REPLAY_BYTES

    steps = np.arange(3 * PIXELS)  # whole series: more than the default budget holds in all
    for run in ("a", "b"):
        with SummaryWriter(str(tmp_path / run)) as w:
            for tag in range(12):
                for step in steps:
                    w.add_scalar(f"t{tag}", float(np.sin(step / (tag + 3))), int(step))
    sizes = {}
    for budget in (None, 0, 100_000, 4 * REPLAY_BYTES):
        board = make_view(Dashboard, tmp_path, **({} if budget is None else {"saved_bytes": budget}))
        assert board.saved_bytes == (REPLAY_BYTES if budget is None else budget)
        _save_replay(board)
        sizes[budget] = len(board._replay)
        if budget:
            assert json.loads(board._replay)["bytes"] <= budget
    assert sizes[0] == 0 < sizes[100_000] < sizes[None] < sizes[4 * REPLAY_BYTES]
    assert sizes[None] <= REPLAY_BYTES * 1.1 < 2 * REPLAY_BYTES < sizes[4 * REPLAY_BYTES]
