"""HParams view state without a browser: the sessions table on the wire (torch add_hparams
fixture), live updates as sessions finish, session scalars on request, and the two-way
selected_sessions trait."""

from __future__ import annotations

import numpy as np
import pytest

from jupyter_tb.widgets.views.hparams import HParams
from tests.support.widget_capture import make_view


def _session(logdir, lr, opt, acc, steps=5):
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(logdir / f"lr={lr}")) as w:
        for step in range(steps):
            w.add_scalar("train/loss", 1.0 / (step + 1) + lr, step)
        w.add_hparams({"lr": lr, "optimizer": opt}, {"hparam/accuracy": acc}, run_name="hp")


@pytest.fixture
def logdir(tmp_path):
    _session(tmp_path, 0.1, "adam", 0.9)
    _session(tmp_path, 0.01, "sgd", 0.7, steps=3000)
    return tmp_path


def make(logdir, **traits):
    return make_view(HParams, logdir, **traits)


def _columns(message):
    return {c["name"]: c for c in message["columns"]}


def test_table_on_the_wire(logdir, outbox, live_sources):
    w = make(logdir)
    (reset,) = outbox.of(w, "reset")
    assert reset["runs"] == ["lr=0.01/hp", "lr=0.1/hp"]
    cols = _columns(reset)
    assert cols["lr"]["group"] == "hparam" and cols["lr"]["kind"] == "number"
    np.testing.assert_allclose(cols["lr"]["values"], [0.01, 0.1])
    assert cols["optimizer"]["categories"] == ["adam", "sgd"]
    np.testing.assert_array_equal(cols["optimizer"]["values"], [1.0, 0.0])
    np.testing.assert_allclose(cols["hparam/accuracy"]["values"], [0.7, 0.9])
    assert cols["hparam/accuracy"]["group"] == "metric"
    assert reset["status"] == ["success", "success"]
    df = w.to_pandas()
    assert df.set_index("run").loc["lr=0.1/hp", "hparam/accuracy"] == pytest.approx(0.9)


def test_live_new_session(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    _session(logdir, 0.5, "adam", 0.4)
    msgs = outbox.wait_for(w, lambda m: m["type"] == "table" and len(m["runs"]) == 3, timeout=15)
    np.testing.assert_allclose(_columns(msgs[-1])["hparam/accuracy"]["values"], [0.7, 0.9, 0.4])


def test_session_scalars_request(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    w._on_browser_message(w, {"type": "request", "id": 7, "op": "session", "args": {"run": "lr=0.01/hp"}}, [])
    (reply,) = outbox.of(w, "reply")
    assert reply["id"] == 7 and "error" not in reply
    series = {s["tag"]: s for s in reply["data"]["series"]}
    assert series["hparam/accuracy"]["values"].tolist() == pytest.approx([0.7])
    # torch writes the session into a sub-folder: the writer's training scalars come along
    loss = series["train/loss"]
    assert loss["run"] == "lr=0.01" and len(loss["steps"]) <= 2100
    assert loss["steps"][0] == 0 and loss["steps"][-1] == 2999
    assert loss["values"][0] == pytest.approx(1.01)
    outbox.clear(w)
    w._on_browser_message(w, {"type": "request", "id": 8, "op": "session", "args": {"run": "nope"}}, [])
    assert "no session" in outbox.of(w, "reply")[0]["error"]


def test_session_scalars_are_downsampled(tmp_path, outbox, live_sources):
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": 0.1}, {"m": 1.0}, run_name="s")
    with SummaryWriter(str(tmp_path / "s")) as w:
        for step in range(5000):
            w.add_scalar("loss", float(np.sin(step / 50)), step)
    w = make(tmp_path)
    data = w.request_session("s")
    loss = {s["tag"]: s for s in data["series"]}["loss"]
    assert 100 < len(loss["steps"]) <= 2100
    assert loss["steps"][0] == 0 and loss["steps"][-1] == 4999
    assert loss["values"].max() == pytest.approx(1.0, abs=1e-3)


def test_selected_sessions_two_way(logdir, outbox, live_sources):
    w = make(logdir)
    seen = []
    w.observe(lambda change: seen.append(change["new"]), "selected_sessions")
    w.set_state({"selected_sessions": ["lr=0.1/hp"]})  # what a click in the browser sends
    assert w.selected_sessions == ["lr=0.1/hp"] and seen == [["lr=0.1/hp"]]
    w.selected_sessions = ["lr=0.01/hp", "lr=0.1/hp"]  # set from Python: the browser follows
    assert w.get_state("selected_sessions") == {"selected_sessions": ["lr=0.01/hp", "lr=0.1/hp"]}


def test_runs_filter(logdir, outbox, live_sources):
    w = make(logdir, runs=r"0\.1")
    assert outbox.of(w, "reset")[0]["runs"] == ["lr=0.1/hp"]


def test_dashboard_has_an_hparams_tab(logdir, outbox, live_sources):
    import jupyter_tb

    board = jupyter_tb.board(logdir, reload_interval=0.2)
    assert board.source.wait_loaded(30)
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    kinds = [t["kind"] for t in board._tabs]
    assert "hparams" in kinds and "scalars" in kinds
    assert len(board.view("hparams").table()) == 2
