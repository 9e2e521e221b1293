"""`jupyter-tb demo --write-only` and `jupyter-tb inspect`: the README's main job, minus the browser."""

import sys
import warnings

import nbformat

from jupyter_tb import read
from jupyter_tb.cli import main

EVERY_KIND = {
    "scalars",
    "images",
    "audio",
    "histograms",
    "pr_curves",
    "text",
    "hparams",
    "custom_scalars",
    "graphs",
    "projector",
    "mesh",
}


def test_demo_writes_every_kind_and_a_notebook_that_opens_the_board(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path), "--write-only"]) == 0
    ld = read(tmp_path / "demo_runs")
    kinds = {kind for run in ld.runs for kind, tags in ld.tags(run).items() if tags}
    assert kinds >= EVERY_KIND
    assert {"lr=0.1", "lr=0.03", "lr=0.01"} <= set(ld.runs)
    loss = ld.scalars("lr=0.1", "train/loss")
    assert len(loss) == 300 and loss.values[-1] < loss.values[0]  # it really trained
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a cell without an id is only a warning today
        notebook = nbformat.read(tmp_path / "jupyter_tb_demo.ipynb", as_version=4)
        nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert "%load_ext jupyter_tb" in sources and "%tensorboard --logdir demo_runs" in sources

    assert main(["inspect", str(tmp_path / "demo_runs")]) == 0
    out = capsys.readouterr().out
    assert "train/loss  300 points" in out and "lr=0.1" in out


def _graph_shape(graph) -> list:
    """A graph up to node names: each node's op, output shapes and its inputs' ops."""
    ops = {node.name: node.op for node in graph.node}
    return sorted(
        (node.op, str(node.attr["_output_shapes"]), sorted(ops[i] for i in node.input)) for node in graph.node
    )


def test_demo_without_torch_writes_the_graph_torch_would(tmp_path, monkeypatch):
    """The demo extra has no torch: the Graphs tab still comes, with the graph the real
    converter writes for the demo model (ops, shapes and edges; node names may differ)."""
    from jupyter_tb import demo
    from jupyter_tb.writing.torch_graph import graph_def

    traced = graph_def(demo._demo_model(), demo._demo_input())
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    assert main(["demo", "--dir", str(tmp_path), "--write-only"]) == 0
    ld = read(tmp_path / "demo_runs")
    graph = ld.graph("lr=0.1")
    assert len(graph.node) == len(traced.node) == 10
    assert _graph_shape(graph) == _graph_shape(traced)


def test_demo_extra_installs_what_the_demo_notebook_calls(tmp_path):
    """README's first command is `pip install ".[demo]" && jupyter-tb demo`: every optional
    package a demo cell needs must come with the demo extra, or that cell fails for them."""
    import re
    from pathlib import Path

    import tomllib

    main(["demo", "--dir", str(tmp_path), "--write-only"])
    notebook = nbformat.read(tmp_path / "jupyter_tb_demo.ipynb", as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    needs = {"pandas": "scalars_frame(" in code or "to_pandas(" in code}
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    demo = {
        re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].lower()
        for req in project["project"]["optional-dependencies"]["demo"]
    }
    assert needs["pandas"]  # the notebook ends by pulling the scalars into pandas
    assert {name for name, needed in needs.items() if needed} <= demo
