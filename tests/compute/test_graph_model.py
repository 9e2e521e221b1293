"""graph_model: GraphDef -> hierarchical columns, and metanode edge aggregation.

Fixtures: a TF-style GraphDef built with our protos (TensorFlow is not installed) and real
graphs written by torch.utils.tensorboard and tensorboardX add_graph, read back with
TensorBoard's own event loader.
"""

from __future__ import annotations

import glob
import time

import numpy as np
import pytest

from jupyter_tb._proto import graph_pb2
from jupyter_tb.compute.graph_model import (
    KIND_OP,
    KIND_SCOPE,
    attr_text,
    build_graph_model,
    dtype_name,
    parse_input,
)
from tests.support.graph_hparams_fixtures import small_tf_graph, tf_style_graph


def _graph_from_tfevents(logdir) -> graph_pb2.GraphDef:
    from tensorboard.backend.event_processing import event_file_loader

    (path,) = glob.glob(f"{logdir}/events.out.tfevents.*")
    for event in event_file_loader.EventFileLoader(path).Load():
        if event.HasField("graph_def"):
            return graph_pb2.GraphDef.FromString(event.graph_def)
    raise AssertionError("no graph_def event")


class _Net:
    @staticmethod
    def make():
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 4, 3)
                self.fc = nn.Linear(4 * 6 * 6, 10)

            def forward(self, x):
                return self.fc(self.conv(x).relu().flatten(1))

        return Net()


@pytest.fixture(scope="module", params=["torch", "tensorboardX"])
def torch_graph(request, tmp_path_factory):
    import torch

    if request.param == "torch":
        from torch.utils.tensorboard import SummaryWriter
    else:
        from tensorboardX import SummaryWriter
    logdir = tmp_path_factory.mktemp(request.param)
    with SummaryWriter(str(logdir)) as w:
        w.add_graph(_Net.make(), torch.zeros(2, 1, 8, 8))
    return _graph_from_tfevents(logdir)


def test_parse_input_forms():
    assert parse_input("a/b") == ("a/b", 0, False)
    assert parse_input("a/b:2") == ("a/b", 2, False)
    assert parse_input("^init") == ("init", -1, True)
    assert parse_input("Linear[fc]/x:y") == ("Linear[fc]/x:y", 0, False)


def test_dtype_names():
    assert dtype_name(1) == "float32"
    assert dtype_name(101) == "float32_ref"
    assert dtype_name(9) == "int64"
    assert dtype_name(999).startswith("dtype(")


def test_small_tf_graph_hierarchy_and_details():
    m = build_graph_model(small_tf_graph())
    assert m.n_nodes == 9
    names = [m.full_name(i) for i in range(len(m))]
    # parents come before children
    assert all(m.parent[i] < i for i in range(1, len(m)))
    assert m.parent[0] == -1 and names[0] == ""
    scopes = {names[i] for i in range(len(m)) if m.kind[i] == KIND_SCOPE}
    assert scopes == {"", "dense", "loss"}
    # the op "dense" lives inside the scope "dense"
    relu = m.find("dense")
    assert m.kind[relu] == KIND_OP
    assert m.full_name(int(m.parent[relu])) == "dense"
    assert m.n_ops[m.find("dense/kernel")] == 1
    dense_scope = [i for i in range(len(m)) if names[i] == "dense" and m.kind[i] == KIND_SCOPE][0]
    assert m.n_ops[dense_scope] == 5  # kernel, bias, MatMul, BiasAdd, (dense)
    d = m.details(m.find("dense/BiasAdd"))
    assert d["op"] == "BiasAdd"
    assert d["dtype"] == "float32"
    assert d["shapes"] == "[?,3]"
    assert d["device"].endswith("CPU:0")
    assert ("data_format", "NHWC") in d["attributes"]
    assert d["inputs"] == ["dense/MatMul", "dense/bias"]
    assert d["outputs"] == ["dense"]
    assert m.details(relu)["inputs"] == ["dense/BiasAdd", "^init"]
    assert m.details(m.find("split"))["shapes"] == "[?,1], [?,2]"
    # ":1" output index and a dangling input are both kept
    loss = m.details(m.find("loss/Sum"))
    assert loss["inputs"] == ["split:1", "(missing) missing_node"]
    kernel = dict(m.details(m.find("dense/kernel"))["attributes"])
    assert kernel["value"] == "tensor<float32[4,3]>"
    assert m.details(m.find("dense/MatMul"))["attributes"] == [("T", "float32"), ("transpose_a", "false")]


def test_visible_aggregates_edges_between_collapsed_scopes():
    m = build_graph_model(small_tf_graph())
    top = m.visible()
    shown = sorted(m.full_name(i) for i in top.items)
    assert shown == ["dense", "init", "input", "loss", "split"]
    dense = [i for i in top.items if m.full_name(i) == "dense"][0]
    assert m.kind[dense] == KIND_SCOPE
    edges = {
        (m.full_name(s), m.full_name(d), bool(c)): int(n)
        for s, d, c, n in zip(top.edge_src, top.edge_dst, top.edge_control, top.edge_count)
    }
    assert edges == {
        ("input", "dense", False): 1,  # input -> dense/MatMul
        ("dense", "init", True): 2,  # ^dense/kernel, ^dense/bias
        ("init", "dense", True): 1,  # ^init into the (dense) op
        ("dense", "split", False): 1,
        ("split", "loss", False): 1,
    }
    # expanding "dense" shows its ops and the cluster; edges now attach to ops
    opened = m.visible(["dense"])
    shown = {m.full_name(i) for i in opened.items}
    assert {"dense/MatMul", "dense/BiasAdd", "dense/kernel", "dense/bias"} <= shown
    scopes = sorted(m.full_name(i) for i in opened.items if m.kind[i] == KIND_SCOPE)
    assert scopes == ["dense", "loss"]  # dense drawn as a cluster, loss collapsed
    pairs = {(m.full_name(s), m.full_name(d)) for s, d in zip(opened.edge_src, opened.edge_dst)}
    assert ("dense/MatMul", "dense/BiasAdd") in pairs
    assert ("input", "dense/MatMul") in pairs


def test_attr_text_lists_and_strings():
    v = graph_pb2.AttrValue()
    v.list.i.extend(range(20))
    assert attr_text(v) == "[0, 1, 2, 3, 4, 5, 6, 7, …]"
    assert attr_text(graph_pb2.AttrValue(s=b"\xff\xfe")) == "<2 bytes>"
    assert attr_text(graph_pb2.AttrValue(s=b"x" * 500)).endswith("…")
    assert attr_text(graph_pb2.AttrValue(f=0.5)) == "0.5"


def test_torch_add_graph(torch_graph):
    m = build_graph_model(torch_graph)
    assert m.n_nodes == len(torch_graph.node) > 10
    top = {m.full_name(i) for i in m.visible().items}
    assert {"input", "output", "Net"} <= top
    net = m.visible(["Net"])
    shown = {m.full_name(i) for i in net.items}
    assert "Net/Conv2d[conv]" in shown and "Net/Linear[fc]" in shown
    linear = [n for n in torch_graph.node if n.op == "aten::linear"][0]
    d = m.details(m.find(linear.name))
    assert d["op"] == "aten::linear"
    assert d["shapes"] == "[2,10]"
    # torch's "output" IO node is fed by the linear op
    out = [n.name for n in torch_graph.node if n.name.startswith("output/")][0]
    assert m.details(m.find(out))["inputs"] == [linear.name]
    # every proto input that names an existing node became an edge
    names = {n.name for n in torch_graph.node}
    n_inputs = sum(1 for n in torch_graph.node for x in n.input if parse_input(x)[0] in names)
    assert len(m.edge_src) == n_inputs


def test_bytes_input_and_arrays_are_contiguous():
    g = tf_style_graph(600)
    m = build_graph_model(g.SerializeToString())
    arrays = m.arrays()
    assert arrays["parent"].dtype == np.int32 and arrays["kind"].dtype == np.uint8
    assert all(a.flags.c_contiguous for a in arrays.values())
    assert len(arrays["attr_offsets"]) == len(m) + 1
    assert np.all(np.diff(arrays["attr_offsets"]) >= 0)


def test_5000_node_graph_stays_small_at_top_level():
    g = tf_style_graph(5000)
    assert len(g.node) == 5000
    t0 = time.perf_counter()
    m = build_graph_model(g)
    build_s = time.perf_counter() - t0
    assert m.n_nodes == 5000
    top = m.visible()
    # collapsed, the 5,000 ops fold into a handful of metanodes
    assert len(top.items) <= 10
    assert sum(int(m.n_ops[i]) for i in top.items) == 5000
    assert int(top.edge_count.sum()) <= len(m.edge_src)
    # control edges from Adam/update_* into Adam/group_deps stay inside "Adam": not drawn
    assert not any(m.full_name(s) == m.full_name(d) for s, d in zip(top.edge_src, top.edge_dst))
    print(f"build 5000-node model: {build_s * 1000:.0f} ms")


def test_js_visible_graph_matches_python(tmp_path):
    """js/src/lib/graph.js folds edges between collapsed scopes exactly like graph_model."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed")
    lib = Path(__file__).resolve().parents[2] / "js" / "src" / "lib" / "graph" / "hierarchy.js"
    m = build_graph_model(tf_style_graph(800, seed=3))
    scopes = [m.full_name(i) for i in range(1, len(m)) if m.kind[i] == KIND_SCOPE]
    cases = [[], ["model"], ["model", "model/block_1", "gradients"], scopes]
    data = {k: v.tolist() for k, v in m.arrays().items()}
    data["strings"] = m.strings
    (tmp_path / "model.json").write_text(json.dumps({"model": data, "cases": cases}))
    script = tmp_path / "check.mjs"
    script.write_text(
        f"import {{ buildHierarchy, visibleGraph }} from {json.dumps(lib.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        f"const {{ model, cases }} = JSON.parse(readFileSync({json.dumps(str(tmp_path / 'model.json'))}, 'utf8'));\n"
        "const h = buildHierarchy(model);\n"
        "const out = cases.map((names) => {\n"
        "  const open = new Uint8Array(h.n);\n"
        "  for (const n of names) open[h.scopeByName.get(n)] = 1;\n"
        "  const v = visibleGraph(h, open);\n"
        "  return { items: v.items, edges: v.edges.map((e) => [e.src, e.dst, e.control, e.count]) };\n"
        "});\n"
        "console.log(JSON.stringify(out));\n"
    )
    result = subprocess.run(
        [node, str(script)], capture_output=True, text=True, timeout=60, cwd=lib.parents[2]
    )
    assert result.returncode == 0, result.stderr
    for names, js in zip(cases, json.loads(result.stdout)):
        py = m.visible(names)
        assert js["items"] == py.items.tolist()
        py_edges = sorted(
            zip(py.edge_src.tolist(), py.edge_dst.tolist(), py.edge_control.tolist(), py.edge_count.tolist())
        )
        assert sorted(map(tuple, js["edges"])) == py_edges
        assert len(py_edges) > 0
