"""A board recorded as data (its models' traits, snapshot messages, answered requests) and
written as one offline HTML file: what the record holds decodes to the logdir's values, the
page cannot be broken out of by run names, and a big logdir stays within the size budget.
The browser side (the file opened from file:// with the network blocked) is in
tests/ui/test_travel.py."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from jupyter_tb.widgets.dashboard import Dashboard
from jupyter_tb.widgets.export import html_page, record_board, request_key
from jupyter_tb.widgets.wire import unpack
from tests.support import fixture_logdirs
from tests.support.widget_capture import make_view

pytestmark = pytest.mark.usefixtures("live_sources")


def _messages(entry) -> list[dict]:
    return [unpack(msg, [base64.b64decode(b) for b in buffers]) for msg, buffers in entry["messages"]]


def _record_of_page(page: str) -> dict:
    data = re.search(r'<script type="application/json" id="jupyter-tb-record">(.*?)</script>', page, re.S)
    return json.loads(data.group(1))


def test_record_holds_every_tab_and_its_data(tmp_path):
    logdir = fixture_logdirs.write_basic(tmp_path / "logs")
    board = make_view(Dashboard, logdir)
    record = record_board(board)
    assert record["root"] == board._uid
    assert set(record["models"]) == {board._uid} | {tab["uid"] for tab in board._tabs}
    assert {tab["kind"] for tab in board._tabs} >= {"scalars", "images", "histograms"}
    root = record["models"][board._uid]["state"]
    assert root["_kind"] == "dashboard" and root["_tabs"] == board._tabs
    assert not [name for name in root if name.startswith(("_esm", "_lib", "_model_", "_view_"))]
    scalars = record["models"][board.view("scalars")._uid]
    messages = _messages(scalars)
    assert messages[0]["type"] == "reset"
    series = {(m["run"], m["tag"]): m for m in messages if m["type"] == "series"}
    truth = board.logdir.scalars("train", "loss/total")
    np.testing.assert_array_equal(series[("train", "loss/total")]["value"], truth.values)
    images = _messages(record["models"][board.view("images")._uid])
    assert [m for m in images if m["type"] == "image" and m["data"][:4].tobytes() == b"\x89PNG"]


def test_requests_answered_ahead_for_views_that_need_them(tmp_path):
    from jupyter_tb import SummaryWriter

    for lr in (0.1, 0.01):
        with SummaryWriter(str(tmp_path / f"lr={lr}")) as w:
            for step in range(5):
                w.add_scalar("loss", lr * step, step)
            w.add_hparams({"lr": lr}, {"hparam/loss": lr})
    board = make_view(Dashboard, tmp_path)
    replies = record_board(board)["models"][board.view("hparams")._uid]["replies"]
    runs = board.view("hparams").table().runs
    assert runs and set(replies) == {request_key("session", {"run": run}) for run in runs}
    content, buffers = replies[request_key("session", {"run": runs[0]})]
    reply = unpack(content, [base64.b64decode(b) for b in buffers])
    assert reply["type"] == "reply" and reply["data"]["run"] == runs[0]


def test_request_key_is_the_browsers():
    # the same literal is asserted in js/test/replay.test.js (requestKey)
    assert (
        request_key("session", {"run": "é/1", "b": 2, "a": [1, "x"]})
        == 'session {"a":[1,"x"],"b":2,"run":"é/1"}'
    )


def test_run_names_cannot_close_the_page_script(tmp_path):
    logdir = fixture_logdirs.write_xss(tmp_path / "logs")
    board = make_view(Dashboard, logdir)
    record = record_board(board)
    page = html_page(record, title="<b>x</b>")
    assert page.lower().count("</script") == 2  # the record's and the bundle's own end tags
    assert "<!--" not in page and "<b>x</b>" not in page
    assert _record_of_page(page) == json.loads(json.dumps(record))


def test_cli_export_of_a_big_logdir_stays_small(tmp_path):
    from jupyter_tb import SummaryWriter
    from jupyter_tb.cli import main
    from jupyter_tb.widgets.views.scalars import PIXELS

    points = 60_000
    for run in range(3):
        values = np.sin(np.arange(points) / 2_000 + run)
        with SummaryWriter(str(tmp_path / "logs" / f"run{run}")) as w:
            for step, value in enumerate(values.tolist()):
                w.add_scalar("loss", value, step)
    out = tmp_path / "board.html"
    assert main(["export", str(tmp_path / "logs"), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    record = _record_of_page(page)
    series = [m for entry in record["models"].values() for m in _messages(entry) if m["type"] == "series"]
    assert len(series) == 3 and all(m["mode"] == "sampled" and m["total"] == points for m in series)
    assert all(len(m["value"]) <= 4 * PIXELS for m in series)
    assert out.stat().st_size < 5_000_000
    assert "/static/" not in page and "http://" not in page.split("<script type=")[0]


def test_cli_export_names_a_missing_logdir(tmp_path, capsys):
    from jupyter_tb.cli import main

    assert main(["export", str(tmp_path / "nope"), "-o", str(tmp_path / "b.html")]) == 1
    assert "no logdir" in capsys.readouterr().err
    assert not (tmp_path / "b.html").exists()
