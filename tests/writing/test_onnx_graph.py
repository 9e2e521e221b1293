"""``add_onnx_graph``: a real ONNX model (built with the onnx package) becomes a GraphDef that
TensorBoard's graphs plugin serves with every input resolved."""

from __future__ import annotations

import sys

import pytest

from jupyter_tb import SummaryWriter
from jupyter_tb.tensorboardX import SummaryWriter as TbxWriter
from tests.support.tensorboard_oracle import dangling_inputs, graph_from_graphs_plugin

onnx = pytest.importorskip("onnx")


def small_model():
    """conv -> relu -> split in two -> add: named scopes, weights, a node with two outputs."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "features.conv.weight")
    bias = numpy_helper.from_array(np.zeros(4, np.float32), "features.conv.bias")
    split_sizes = numpy_helper.from_array(np.array([2, 2], np.int64), "split_sizes")
    nodes = [
        helper.make_node(
            "Conv",
            ["x", "features.conv.weight", "features.conv.bias"],
            ["conv_out"],
            name="/features/conv/Conv",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
        ),
        helper.make_node("Relu", ["conv_out"], ["onnx::Split_5"], name="/features/relu/Relu"),
        helper.make_node("Split", ["onnx::Split_5", "split_sizes"], ["a", "b"], name="/Split", axis=1),
        helper.make_node("Add", ["a", "b"], ["y"]),  # unnamed: named after its output
    ]
    graph = helper.make_graph(
        nodes,
        "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 8, 8])],
        initializer=[weight, bias, split_sizes],
        value_info=[helper.make_tensor_value_info("conv_out", TensorProto.FLOAT, ["batch", 4, 8, 8])],
    )
    model = helper.make_model(graph)
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("writer_class", [SummaryWriter, TbxWriter])
def test_onnx_model_file_is_served_by_tensorboards_graphs_plugin(tmp_path, writer_class):
    path = tmp_path / "model.onnx"
    onnx.save(small_model(), str(path))
    logdir = tmp_path / "logs"
    keyword = "prototxt" if writer_class is SummaryWriter else "onnx_model_file"  # each library's name
    with writer_class(logdir) as writer:
        writer.add_onnx_graph(**{keyword: str(path)})
    graph = graph_from_graphs_plugin(logdir)
    nodes = {node.name: node for node in graph.node}
    assert dangling_inputs(graph) == []
    conv = nodes["features/conv/Conv"]
    assert conv.op == "Conv"
    assert list(conv.input) == ["input/x", "features.conv.weight", "features.conv.bias"]
    assert list(conv.attr["kernel_shape"].list.i) == [3, 3]
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [-1, 4, 8, 8]
    assert nodes["features.conv.weight"].op == "Const"
    assert [d.size for d in nodes["features.conv.weight"].attr["_output_shapes"].list.shape[0].dim] == [
        4,
        3,
        3,
        3,
    ]
    assert list(nodes["features/relu/Relu"].input) == ["features/conv/Conv"]
    assert nodes["Split"].attr["axis"].i == 1
    assert list(nodes["y"].input) == ["Split", "Split:1"]  # second output of the split
    assert nodes["input/x"].op == nodes["output/y"].op == "IO Node"
    assert list(nodes["output/y"].input) == ["y"]


def test_model_proto_and_bytes_are_accepted_too(tmp_path):
    model = small_model()
    with SummaryWriter(tmp_path / "proto") as writer:
        writer.add_onnx_graph(model)
    with SummaryWriter(tmp_path / "bytes") as writer:
        writer.add_onnx_graph(model.SerializeToString())
    for run in ("proto", "bytes"):
        assert len(graph_from_graphs_plugin(tmp_path / run).node) == 3 + 1 + 4 + 1  # weights, in, ops, out


def test_without_onnx_the_error_names_the_pip_command(tmp_path, monkeypatch):
    onnx_file = tmp_path / "model.onnx"
    onnx.save(small_model(), str(onnx_file))
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    with SummaryWriter(tmp_path / "logs") as writer:
        with pytest.raises(ImportError, match="pip install onnx"):
            writer.add_onnx_graph(str(onnx_file))
        writer.add_scalar("still", 1.0)  # the writer is unharmed


def test_a_torch_exported_model_reads_in_tensorboard_and_in_our_graph_model(tmp_path):
    import io

    import torch

    import jupyter_tb
    from jupyter_tb.compute.graph_model import build_graph_model

    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 2)
    )
    exported = io.BytesIO()
    torch.onnx.export(model, (torch.zeros(1, 3, 8, 8),), exported, dynamo=False)  # the real exporter
    with SummaryWriter(tmp_path) as writer:
        writer.add_onnx_graph(exported.getvalue())
    tensorboard_graph = graph_from_graphs_plugin(tmp_path)
    assert dangling_inputs(tensorboard_graph) == []
    ours = build_graph_model(jupyter_tb.read(str(tmp_path)).graph("."))
    assert ours.dangling == [] and ours.n_nodes == len(tensorboard_graph.node)
    gemm = ours.details(ours.find("3/Gemm"))
    assert gemm["op"] == "Gemm" and gemm["inputs"] == ["2/Flatten", "3.weight", "3.bias"]
    assert gemm["shapes"] == "[1,2]"
    assert ours.details(ours.find("0/Conv"))["inputs"][0].startswith("input/")
