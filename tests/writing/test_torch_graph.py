"""torch model -> GraphDef, parsed with TensorBoard's own GraphDef proto."""

from __future__ import annotations

import sys

import pytest
import torch
from tensorboard.compat.proto import graph_pb2 as tb_graph_pb2

from jupyter_tb.writing.torch_graph import graph_def


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))


def parsed(model, example):
    return tb_graph_pb2.GraphDef.FromString(graph_def(model, example).SerializeToString())


def test_scopes_ops_shapes_and_edges():
    graph = parsed(Net(), torch.zeros(2, 3, 8, 8))
    by_name = {n.name: n for n in graph.node}
    assert len(by_name) == len(graph.node)  # names are unique
    conv = next(n for n in graph.node if n.op == "aten::_convolution")
    assert conv.name.startswith("Net/Sequential[features]/Conv2d[0]/")
    shape = conv.attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [2, 4, 6, 6]
    assert "input/x" in conv.input
    assert "Net/Sequential[features]/Conv2d[0]/weight" in conv.input
    weight = by_name["Net/Sequential[features]/Conv2d[0]/weight"]
    assert [d.size for d in weight.attr["_output_shapes"].list.shape[0].dim] == [4, 3, 3, 3]
    relu = next(n for n in graph.node if n.op == "aten::relu")
    assert relu.name.startswith("Net/Sequential[features]/ReLU[1]/") and conv.name in relu.input
    linear = next(n for n in graph.node if n.op == "aten::linear")
    assert linear.name.startswith("Net/Linear[head]/")
    (output,) = [n for n in graph.node if n.name.startswith("output/")]
    assert output.op == "IO Node" and output.input == [linear.name]
    for node in graph.node:  # every edge points at a node
        for source in node.input:
            assert source.split(":")[0] in by_name


def test_model_mode_is_restored_and_multiple_inputs():
    class Two(torch.nn.Module):
        def forward(self, a, b):
            return a + b, a * b

    model = Two().train()
    graph = parsed(model, (torch.zeros(3), torch.ones(3)))
    assert model.training
    assert {n.name for n in graph.node if n.op == "IO Node"} >= {"input/a", "input/b"}


def test_clear_errors():
    with pytest.raises(TypeError, match=r"nn\.Module"):
        graph_def(lambda x: x, torch.zeros(1))
    with pytest.raises(ValueError, match="input_to_model"):
        graph_def(Net())
    with pytest.raises(RuntimeError, match="trace failed"):
        graph_def(Net(), torch.zeros(2, 5))  # wrong channel count


def test_missing_torch_gives_a_clear_error(monkeypatch):
    import jupyter_tb.writing.torch_graph as torch_graph

    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(ImportError, match="pip install torch"):
        torch_graph.graph_def(object(), None)
