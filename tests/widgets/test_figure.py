"""``board.view("scalars").figure(tag)``: a real plotly Figure of the card (runs in the
browser's colours, raw faint and smoothed solid, the view's axis, log y and zoom), and a clear
message without plotly."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from jupyter_tb.compute.smoothing import smooth
from jupyter_tb.widgets.dashboard import Dashboard
from tests.support import fixture_logdirs
from tests.support.widget_capture import make_view
from tests.widgets.test_static_picture import browser_colors

pytestmark = pytest.mark.usefixtures("live_sources")
pytest.importorskip("plotly")


@pytest.fixture
def board(tmp_path):
    return make_view(Dashboard, fixture_logdirs.write_basic(tmp_path / "logs"), smoothing=0.7)


def test_figure_is_the_card(board):
    scalars = board.view("scalars")
    fig = scalars.figure("loss/total")
    runs = sorted(fixture_logdirs.RUNS)
    colors = dict(zip(runs, browser_colors(runs), strict=True))
    solid = [t for t in fig.data if t.showlegend is not False]
    assert sorted(t.name for t in solid) == runs
    for trace in solid:
        series = board.logdir.scalars(trace.name, "loss/total")
        assert trace.line.color == colors[trace.name]
        np.testing.assert_allclose(trace.y, smooth(np.asarray(series.values, dtype=np.float64), 0.7))
        np.testing.assert_array_equal(trace.x, series.steps)
    assert fig.layout.title.text == "loss/total"


def test_figure_follows_the_views_axis_log_and_zoom(board):
    scalars = board.view("scalars")
    scalars.x_axis, scalars.log_y, scalars.x_range = "relative", True, [5.0, 20.0]
    fig = scalars.figure("loss/total")
    assert fig.layout.yaxis.type == "log" and list(fig.layout.xaxis.range) == [5.0, 20.0]
    assert fig.data[0].x[0] == 0.0 and fig.layout.xaxis.title.text == "relative time (s)"


def test_figure_errors_say_what_to_do(board, monkeypatch):
    with pytest.raises(KeyError, match="no scalar tag 'nope'"):
        board.view("scalars").figure("nope")
    with pytest.raises(NotImplementedError, match="scalars view"):
        board.view("images").figure("samples/band")
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(ImportError, match=r"pip install 'jupyter-tb\[plotly\]'"):
        board.view("scalars").figure("loss/total")
