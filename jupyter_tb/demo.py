"""The demo logdir: a small, deterministic experiment holding every kind of summary.

``write_demo_logdir`` is used by ``jupyter-tb demo`` and by the notebooks; it trains nothing
heavy (numpy only, torch only for the optional graph) so it runs in seconds on a laptop CPU.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

LEARNING_RATES = (0.1, 0.03, 0.01)
STEPS = 300


@dataclass(frozen=True)
class DemoSummary:
    logdir: str
    runs: tuple[str, ...]
    kinds: dict[str, int]  # kind -> number of (run, tag) pairs holding it

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} ({n})" for kind, n in sorted(self.kinds.items()))
        return f"{self.logdir}: {len(self.runs)} runs; {kinds}"


def _toy_regression(lr: float, rng: np.random.Generator):
    """Linear regression by SGD; yields (step, loss, accuracy, weights, predictions, labels)."""
    x = rng.normal(size=(512, 16))
    true_w = rng.normal(size=16)
    labels = (x @ true_w > 0).astype(np.float64)
    w = np.zeros(16)
    for step in range(STEPS):
        logits = x @ w
        probs = 1.0 / (1.0 + np.exp(-logits))
        loss = float(-np.mean(labels * np.log(probs + 1e-9) + (1 - labels) * np.log(1 - probs + 1e-9)))
        w -= lr * x.T @ (probs - labels) / len(x)
        accuracy = float(np.mean((probs > 0.5) == labels))
        yield step, loss, accuracy, w.copy(), probs, labels


def _sample_image(step: int, size: int = 64) -> np.ndarray:
    """HWC uint8 image whose pattern drifts with the step, so the step slider shows change."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    phase = step / 40.0
    red = 0.5 + 0.5 * np.sin(2 * math.pi * (xx * 3 + phase))
    green = 0.5 + 0.5 * np.cos(2 * math.pi * (yy * 2 - phase))
    blue = np.clip(1 - (xx - 0.5) ** 2 - (yy - 0.5) ** 2 - 0.5 + 0.1 * math.sin(phase), 0, 1)
    return (np.stack([red, green, blue], axis=-1) * 255).astype(np.uint8)


def _tone(step: int, rate: int = 16000) -> np.ndarray:
    t = np.arange(rate // 2) / rate
    return (0.3 * np.sin(2 * math.pi * (220 + 2 * step) * t)).astype(np.float32)


def write_demo_logdir(logdir: str | os.PathLike, *, seed: int = 0) -> DemoSummary:
    """Writes three runs (one per learning rate) with every kind of summary under ``logdir``."""
    from jupyter_tb.writing.summary_writer import SummaryWriter

    logdir = os.fspath(logdir)
    rng = np.random.default_rng(seed)
    runs = []
    for lr in LEARNING_RATES:
        run = f"lr={lr}"
        runs.append(run)
        with SummaryWriter(os.path.join(logdir, run)) as writer:
            _write_run(writer, lr, rng)
    summary = _summarise(logdir)
    return DemoSummary(logdir=logdir, runs=tuple(runs), kinds=summary)


def _write_run(writer, lr: float, rng: np.random.Generator) -> None:
    final = {}
    for step, loss, accuracy, weights, probs, labels in _toy_regression(lr, rng):
        writer.add_scalar("train/loss", loss, step)
        writer.add_scalar("train/accuracy", accuracy, step)
        writer.add_scalar("train/lr", lr * (0.5 ** (step // 100)), step)
        if step % 10 == 0:
            writer.add_histogram("weights/w", weights + rng.normal(scale=0.01, size=weights.shape), step)
            writer.add_histogram("predictions/probs", probs, step)
        if step % 50 == 0:
            writer.add_image("samples/pattern", _sample_image(step), step, dataformats="HWC")
            writer.add_audio("samples/tone", _tone(step), step, sample_rate=16000)
            writer.add_pr_curve("eval/pr", labels, probs, step)
            writer.add_text(
                "notes/summary", f"**step {step}**: loss `{loss:.4f}`, accuracy {accuracy:.1%}", step
            )
        final = {"loss": loss, "accuracy": accuracy}
    writer.add_text(
        "notes/table",
        "| metric | value |\n|---|---|\n" + "".join(f"| {k} | {v:.4f} |\n" for k, v in final.items()),
        STEPS,
    )
    features = rng.normal(size=(200, 8)) + np.repeat(np.eye(8)[:4] * 4, 50, axis=0)
    writer.add_embedding(
        features, metadata=[f"cluster {i // 50}" for i in range(200)], global_step=STEPS, tag="features"
    )
    writer.add_custom_scalars(
        {"Training": {"loss and accuracy": ["Multiline", [r"train/loss", r"train/accuracy"]]}}
    )
    video = np.stack([_sample_image(s, 32) for s in range(0, 40, 4)]).transpose(0, 3, 1, 2)[None]
    writer.add_video("samples/video", video, STEPS, fps=4)
    vertices = rng.normal(size=(1, 200, 3)).astype(np.float32)
    writer.add_mesh("samples/point_cloud", vertices=vertices, global_step=STEPS)
    writer.add_hparams(
        {"lr": lr, "optimizer": "sgd"},
        {"hparam/final_loss": final["loss"], "hparam/final_accuracy": final["accuracy"]},
    )
    try:
        import torch  # noqa: F401  (traced by the real converter when it is there)
    except ImportError:  # the demo extra has no torch: the same graph, built by hand
        writer._add_graph_def(_demo_graph_def())
        return
    writer.add_graph(_demo_model(), _demo_input())


# the demo model's layers as torch's converter names them: (scope, op, output shape, parameters)
_DEMO_LAYERS = (
    ("Linear[0]", "linear", (4, 32), {"weight": (32, 16), "bias": (32,)}),
    ("ReLU[1]", "relu", (4, 32), {}),
    ("Linear[2]", "linear", (4, 1), {"weight": (1, 32), "bias": (1,)}),
    ("Sigmoid[3]", "sigmoid", (4, 1), {}),
)


def _demo_graph_def():
    """The GraphDef ``add_graph`` writes for :func:`_demo_model` (same names, ops and shapes),
    without torch, so a fresh ``pip install ".[demo]"`` shows the Graphs tab too."""
    from jupyter_tb._proto import graph_pb2, types_pb2
    from jupyter_tb.writing.graph_nodes import shapes_attr

    def node(name, op, shape, inputs=(), tensor=True):
        attr = {"_output_shapes": shapes_attr([shape])}
        if tensor:
            attr["dtype"] = graph_pb2.AttrValue(type=types_pb2.DT_FLOAT)
        return graph_pb2.NodeDef(name=name, op=op, input=list(inputs), attr=attr)

    nodes = [node("input/input.1", "IO Node", (4, 16))]
    previous = nodes[0].name
    for scope, op, shape, parameters in _DEMO_LAYERS:
        names = [f"Sequential/{scope}/{param}" for param in parameters]
        nodes += [node(n, "prim::GetAttr", s, tensor=False) for n, s in zip(names, parameters.values())]
        nodes.append(node(f"Sequential/{scope}/{op}", f"aten::{op}", shape, [previous, *names]))
        previous = nodes[-1].name
    nodes.append(node("output/output.1", "IO Node", (4, 1), [previous]))
    return graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=22))


def _demo_model():
    import torch

    return torch.nn.Sequential(
        torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1), torch.nn.Sigmoid()
    )


def _demo_input():
    import torch

    return torch.zeros(4, 16)


def _summarise(logdir: str) -> dict[str, int]:
    from jupyter_tb.reading.logdir import read

    ld = read(logdir)
    counts: dict[str, int] = {}
    for run in ld.runs:
        for kind, tags in ld.tags(run).items():
            if tags:
                counts[kind] = counts.get(kind, 0) + len(tags)
    return counts
