"""Graphs view state without a browser: what the widget sends for torch / TF-style graphs,
the run switch, live replacement, bad graphs, and the two-way selected_node trait."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from jupyter_tb.compute.graph_model import build_graph_model
from jupyter_tb.widgets.views.graphs import Graphs
from tests.support.graph_hparams_fixtures import graph_event, small_tf_graph, tf_style_graph, write_events
from tests.support.widget_capture import make_view


@pytest.fixture
def logdir(tmp_path):
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(tmp_path / "torch")) as w:
        w.add_graph(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()), torch.zeros(2, 4))
    write_events(str(tmp_path / "tf"), [graph_event(small_tf_graph())])
    return tmp_path


def make(logdir, **traits):
    return make_view(Graphs, logdir, **traits)


def test_snapshot_sends_the_first_graph_as_buffers(logdir, outbox, live_sources):
    w = make(logdir)
    (reset,) = outbox.of(w, "reset")
    assert reset["runs"] == ["tf", "torch"] and reset["run"] == "tf"
    (graph,) = outbox.of(w, "graph")
    expected = build_graph_model(small_tf_graph())
    assert graph["run"] == "tf" and graph["n_nodes"] == 9
    assert graph["strings"] == expected.strings
    for key, array in expected.arrays().items():
        np.testing.assert_array_equal(graph[key], array)
    # arrays travel as binary buffers, not JSON lists
    _widget, content, buffers = [r for r in outbox.raw if r[1].get("type") == "graph"][0]
    assert set(content["parent"]) == {"buffer", "dtype", "shape"} and content["parent"]["dtype"] == "int32"
    assert content["edge_control"]["dtype"] == "uint8"
    assert sum(b.nbytes for b in buffers) >= expected.parent.nbytes + expected.edge_src.nbytes


def test_run_switch_and_selected_node(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    w.run = "torch"  # what the browser's run menu does
    (graph,) = outbox.of(w, "graph")
    assert graph["run"] == "torch"
    ops = {graph["strings"][i] for i in graph["op"] if i >= 0}
    assert "aten::linear" in ops
    # the browser writes the clicked node back; Python reads it
    w.set_state({"selected_node": "dense/BiasAdd"})
    assert w.selected_node == "dense/BiasAdd"
    assert w.model("tf").details(w.model("tf").find(w.selected_node))["op"] == "BiasAdd"


def test_live_graph_replacement_and_new_run(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    write_events(str(logdir / "tf"), [graph_event(tf_style_graph(300))])
    msgs = outbox.wait_for(w, lambda m: m["type"] == "graph" and m.get("n_nodes") == 300, timeout=15)
    assert msgs[-1]["run"] == "tf"
    write_events(str(logdir / "later"), [graph_event(small_tf_graph())])
    runs = outbox.wait_for(w, lambda m: m["type"] == "runs", timeout=15)
    assert runs[-1]["runs"] == ["later", "tf", "torch"]


def test_damaged_graph_is_reported_not_raised(tmp_path, outbox, live_sources):
    from jupyter_tb._proto import event_pb2

    write_events(str(tmp_path / "bad"), [event_pb2.Event(wall_time=1.0, graph_def=b"\x0a\xff\xff\xff")])
    w = make(tmp_path)
    graph = outbox.of(w, "graph")
    assert graph and "error" in graph[-1]
    assert "strings" not in graph[-1]


def test_no_graph(tmp_path, outbox, live_sources):
    write_events(str(tmp_path / "empty"), [])
    w = make(tmp_path)
    assert outbox.of(w, "reset")[0]["runs"] == []
    assert outbox.of(w, "graph") == []
    assert w.model() is None


def test_dashboard_has_a_graphs_tab(logdir, outbox, live_sources):
    import jupyter_tb

    board = jupyter_tb.board(logdir, reload_interval=0.2)
    assert board.source.wait_loaded(30)
    outbox.wait_for(board, lambda m: m["type"] == "progress" and m["loaded"])
    assert "graphs" in [t["kind"] for t in board._tabs]
    view = board.view("graphs")
    assert isinstance(view, Graphs) and view.model("tf").n_nodes == 9
