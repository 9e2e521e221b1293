"""Dashboard: tabs for the kinds present, tabs appearing live, shared options, progress."""

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
import traitlets
from tensorboardX import SummaryWriter as TBXWriter

import jupyter_tb
from jupyter_tb.widgets.base import View, register_view, registered_views
from jupyter_tb.widgets.dashboard import SETTINGS, TAB_ORDER, Dashboard, _tab_rank


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "run1")) as w:
        for step in range(5):
            w.add_scalar("loss", 1.0 / (step + 1), step)
    return tmp_path


def wait(board):
    assert board.source.wait_loaded(30)
    return board


def test_tabs_follow_the_data(logdir, outbox, live_sources):
    board = jupyter_tb.board(logdir, reload_interval=0.2, smoothing=0.8)
    wait(board)
    # the first read runs in the background: tabs come with its update
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    assert [t["kind"] for t in board._tabs] == ["scalars"]
    assert board.tab == "scalars"
    scalars = board.view("scalars")
    assert scalars.smoothing == 0.8  # options reach the view that has them
    assert board._tabs[0]["uid"] == scalars._uid and board._lib is scalars._lib  # one library
    progress = [m for m in outbox.of(board, "progress")][-1]
    assert progress["runs"] == 1 and progress["bytes_read"] == progress["bytes_total"] > 0

    with TBXWriter(str(logdir / "run2")) as w:
        w.add_histogram("h", np.arange(10.0), 0)
    outbox.wait_for(board, lambda m: m["type"] == "catalog" and "run2" in m["runs"])
    kinds = [t["kind"] for t in board._tabs]
    assert kinds == ["scalars", "histograms", "distributions"]  # TensorBoard's order, not arrival's
    with pytest.raises(KeyError, match="images"):
        board.view("images")


def test_settings_start_from_options_and_reach_the_tabs(logdir, outbox, live_sources):
    with TBXWriter(str(logdir / "run2")) as w:
        w.add_histogram("h", np.arange(10.0), 0)
    board = wait(jupyter_tb.board(logdir, smoothing=0.8, mode="overlay"))
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    assert set(board.settings) == set(SETTINGS)  # every key, readable in Python
    assert board.settings["smoothing"] == 0.8 and board.settings["histogram_mode"] == "overlay"
    assert board.settings["x_axis"] == SETTINGS["x_axis"]
    # what the browser's settings panel writes back reaches the tabs' traits of the same meaning
    board.settings = {**board.settings, "smoothing": 0.3, "histogram_mode": "offset", "log_y": True}
    assert board.view("scalars").smoothing == 0.3 and board.view("scalars").log_y is True
    assert board.view("histograms").mode == "offset"
    board.settings = {**board.settings, "x_axis": "not an axis"}  # a bad value troubles no tab
    assert board.view("scalars").x_axis == "step"


def test_tabs_in_tensorboards_order():
    kinds = [info.kind for info in sorted(registered_views(), key=_tab_rank)]
    known = [kind for kind in TAB_ORDER if kind in kinds]
    assert kinds[: len(known)] == known
    assert kinds.index("scalars") == 0 and kinds.index("images") < kinds.index("custom_scalars")


def test_run_colors_must_be_hex(logdir, live_sources):
    board = wait(jupyter_tb.board(logdir))
    board.run_colors = {"run1": "#00aaFF"}
    with pytest.raises(traitlets.TraitError, match="#rrggbb"):
        board.run_colors = {"run1": "red"}
    assert board.run_colors == {"run1": "#00aaFF"}


def test_filters_decide_which_tabs_exist(logdir, outbox, live_sources):
    with TBXWriter(str(logdir / "run2")) as w:
        w.add_histogram("h", np.arange(10.0), 0)
    board = wait(jupyter_tb.board(logdir, tags="^loss$"))
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    assert [t["kind"] for t in board._tabs] == ["scalars"]  # no tag of "h" passes the filter


def test_two_way_selection_reaches_the_tabs(logdir, outbox, live_sources):
    board = wait(jupyter_tb.board(logdir, reload_interval=0.2))
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    board.selected_runs = ["run1"]  # what the browser writes back when runs are toggled
    assert board.view("scalars").selected_runs == ["run1"]


def test_unknown_option_is_a_clear_error(logdir, live_sources):
    with pytest.raises(TypeError, match="smoothnig"):
        jupyter_tb.board(logdir, smoothnig=0.5)


def test_plugin_views_register_as_tabs(logdir, outbox, live_sources):

    @register_view(title="Loss table", order=99, has_data=lambda ld: "run1" in ld.runs)
    class LossTable(View):
        _kind = traitlets.Unicode("test_loss_table").tag(sync=True)

        def snapshot(self):
            return [{"type": "reset", "rows": np.array([1.0, 2.0])}]

    try:
        assert "test_loss_table" in [v.kind for v in registered_views()]
        board = wait(jupyter_tb.board(logdir, reload_interval=0.2))
        outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
        assert [t["title"] for t in board._tabs][-1] == "Loss table"
        table = board.view("test_loss_table")
        np.testing.assert_array_equal(outbox.of(table, "reset")[0]["rows"], [1.0, 2.0])
    finally:
        from jupyter_tb.widgets import base

        base._views.pop("test_loss_table", None)


def test_progress_while_loading(tmp_path, outbox, live_sources):
    with TBXWriter(str(tmp_path / "r")) as w:
        for step in range(20_000):
            w.add_scalar("x", float(step), step)
    board = jupyter_tb.board(tmp_path)
    wait(board)
    final = outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])[-1]
    assert final["bytes_read"] == final["bytes_total"] and final["runs"] == 1


def test_dashboard_state_is_small(logdir, live_sources):
    """Saved widget state holds no data: only knobs, the tab list and the library ref."""
    board = wait(jupyter_tb.board(logdir))
    state = board.get_state()
    assert len(state["_esm"]) < 4000  # the tiny loader, not the library
    assert state["_lib"].startswith("anywidget:")
    assert isinstance(board, Dashboard)


def test_a_board_opened_before_training_waits_for_its_logdir(tmp_path, outbox, live_sources):
    """%tensorboard usually runs before the first writer creates the logdir (as in TensorBoard)."""
    logdir = tmp_path / "not-yet"
    board = wait(jupyter_tb.board(logdir, reload_interval=0.1))
    progress = outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])[-1]
    assert progress["waiting"] is True and progress["runs"] == 0 and board._tabs == []
    with jupyter_tb.SummaryWriter(str(logdir / "run")) as w:
        w.add_scalar("loss", 0.5, 1)
    outbox.wait_for(board, lambda m: m["type"] == "catalog" and m["runs"] == ["run"], timeout=15)
    assert [t["kind"] for t in board._tabs] == ["scalars"]
    assert outbox.of(board, "progress")[-1]["waiting"] is False


def test_reading_a_missing_logdir_is_still_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        jupyter_tb.read(tmp_path / "nope")


def test_closing_the_last_board_of_a_logdir_stops_its_reader(logdir, outbox, live_sources):
    from jupyter_tb.widgets.live_source import open_sources

    first = wait(jupyter_tb.board(logdir, reload_interval=0.1))
    second = wait(jupyter_tb.board(logdir, reload_interval=0.1))
    assert first.source is second.source  # one reader per logdir per kernel
    outbox.wait_for(second, lambda m: m["type"] == "progress" and m["loaded"])
    watcher = first.source._watcher
    deadline = time.monotonic() + 10
    while not watcher.running and time.monotonic() < deadline:  # starts after the first read
        time.sleep(0.02)
    thread = watcher._thread
    assert thread is not None and thread.is_alive()
    first.close()
    assert not first.source.closed and first.source in open_sources()  # the second still shows it
    second.close()
    assert second.source.closed and second.source not in open_sources()
    assert not thread.is_alive()  # the reader thread is gone


def test_python_and_browser_list_the_same_settings():
    """SETTINGS here and in js/src/lib/settings.js: same names, same defaults."""
    source = (Path(__file__).parents[2] / "js" / "src" / "lib" / "settings.js").read_text()
    browser = {
        name: json.loads(value) for name, value in re.findall(r"^  (\w+): \{ value: ([^,]+),", source, re.M)
    }
    assert browser == SETTINGS
