"""Logdirs written by real writers (tensorboardX, torch, TensorBoard's own writer) and
TensorBoard's own reading of them, for the reader tests to compare against."""

from __future__ import annotations

import io
import os
import wave

import numpy as np
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
from tensorboard.compat.proto import event_pb2 as tb_event_pb2
from tensorboard.compat.proto import summary_pb2 as tb_summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter as TBEventFileWriter
from tensorboard.util import tensor_util

KEEP_ALL = {
    "tensors": 0,
    "scalars": 0,
    "histograms": 0,
    "images": 0,
    "audio": 0,
    "compressedHistograms": 0,
    "graph": 0,
    "meta_graph": 0,
    "run_metadata": 0,
}


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def png_bytes(pixels: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def write_normal_histograms(logdir) -> None:
    """Run "run", tag "w/layer1": tensorboardX histograms of 3000 draws of N(step / 10, 1)
    at steps 0, 10 and 20."""
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(0)
    with SummaryWriter(os.path.join(logdir, "run")) as w:
        for step in (0, 10, 20):
            w.add_histogram("w/layer1", rng.normal(step / 10, 1.0, 3000), step)


def write_tensorboardx_run(logdir: str, steps: int = 20) -> None:
    """Every kind tensorboardX writes, in one run."""
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(0)
    with SummaryWriter(logdir) as w:
        for i in range(steps):
            w.add_scalar("loss", 1.0 / (i + 1), i)
            w.add_scalar("metrics/acc", i / steps, i)
            if i % 5 == 0:
                w.add_histogram("weights", rng.normal(size=500) + i, i)
                w.add_image("sample", rng.random((3, 6, 7)), i)
                w.add_images("batch", rng.random((2, 3, 4, 5)), i)
                w.add_text("notes", f"step **{i}**", i)
                w.add_pr_curve("pr", rng.integers(0, 2, 50), rng.random(50), i, num_thresholds=11)
        w.add_custom_scalars({"Losses": {"both": ["Multiline", ["loss", "metrics/acc"]]}})
        w.add_mesh(
            "cube",
            vertices=rng.random((1, 8, 3)).astype(np.float32),
            faces=np.array([[[0, 1, 2], [2, 3, 0]]], np.int32),
            global_step=0,
        )
        w.add_embedding(rng.random((10, 4)), metadata=[str(i) for i in range(10)], tag="emb")


def write_torch_run(logdir: str, steps: int = 10) -> None:
    import torch
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(logdir) as w:
        for i in range(steps):
            w.add_scalar("train/loss", 2.0 - i * 0.1, i)
        w.add_histogram("hist", torch.arange(100, dtype=torch.float32), 3)
        w.add_text("txt", "torch text", 1)
        for i in range(3):  # tensorboardX's add_audio needs soundfile; torch's uses the stdlib
            w.add_audio("tone", torch.sin(torch.arange(800) / (10.0 + i)) * 0.5, i, sample_rate=8000)
        w.add_graph(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU()), torch.zeros(1, 3))
        w.add_hparams({"lr": 0.1, "opt": "adam"}, {"hparam/score": 0.75}, run_name="hp")


class TF2StyleWriter:
    """TensorBoard's own event file writer, fed TF2-style tensor summaries.

    As TensorFlow 2 does, a tag's SummaryMetadata is written on its first value only.
    """

    def __init__(self, logdir: str):
        self.writer = TBEventFileWriter(logdir)
        self.seen: set[str] = set()

    def add(self, summary, step: int, wall_time: float | None = None) -> None:
        for value in summary.value:
            if value.tag in self.seen:
                value.ClearField("metadata")
            self.seen.add(value.tag)
        event = tb_event_pb2.Event(step=step, summary=summary)
        event.wall_time = wall_time if wall_time is not None else 1_700_000_000.0 + step
        self.writer.add_event(event)

    def add_tensor(self, tag: str, array: np.ndarray, plugin: str, step: int, content: bytes = b""):
        summary = tb_summary_pb2.Summary()
        value = summary.value.add(tag=tag)
        value.metadata.plugin_data.plugin_name = plugin
        value.metadata.plugin_data.content = content
        value.tensor.CopyFrom(tensor_util.make_tensor_proto(array))
        self.add(summary, step)

    def scalar(self, tag: str, value: float, step: int) -> None:
        from tensorboard.plugins.scalar.summary_v2 import scalar_pb

        self.add(scalar_pb(tag, value), step)

    def flush(self) -> None:
        """Everything added is in the file (TensorBoard's flush drains its queue; tensorboardX's
        does not)."""
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


def live_logdir(path: str):
    """(writer, Logdir) over a run holding one scalar "x" = 0 at step 0, for append tests."""
    import jupyter_tb

    writer = TF2StyleWriter(path)
    writer.scalar("x", 0.0, 0)
    writer.flush()
    return writer, jupyter_tb.read(path)


def write_tf2_style_run(logdir: str) -> None:
    from tensorboard.plugins.histogram import summary_v2 as histogram_v2
    from tensorboard.plugins.pr_curve import plugin_data_pb2 as pr_data
    from tensorboard.plugins.scalar import summary_v2 as scalar_v2
    from tensorboard.plugins.text import summary_v2 as text_v2

    w = TF2StyleWriter(logdir)
    rng = np.random.default_rng(1)
    for step in range(6):
        w.add(scalar_v2.scalar_pb("epoch_loss", np.float32(1.0 / (step + 1))), step)
        # scalar tensors of several dtypes (Keras writes float32; others write ints and doubles)
        for dtype in (np.int32, np.int64, np.float64, np.float16):
            w.add_tensor(f"dtype/{np.dtype(dtype).name}", np.array(step * 3, dtype), "scalars", step)
        w.add(histogram_v2.histogram_pb("dist", rng.normal(size=200), buckets=7), step)
        w.add(text_v2.text_pb("table", np.array([["a", "b"], [f"c{step}", "d"]])), step)
        w.add_tensor(
            "imgs",
            np.array(
                [b"5", b"4"] + [png_bytes(rng.integers(0, 255, (4, 5, 3), np.uint8)) for _ in range(2)],
                dtype=object,
            ),
            "images",
            step,
        )
        w.add_tensor(
            "voice",
            np.array(
                [
                    [wav_bytes(rng.random(100) - 0.5, 16000), b"left"],
                    [wav_bytes(rng.random(100) - 0.5, 16000), b"right"],
                ],
                dtype=object,
            ),
            "audio",
            step,
        )
        pr = rng.random((6, 9)).astype(np.float32)
        w.add_tensor(
            "prc", pr, "pr_curves", step, pr_data.PrCurvePluginData(num_thresholds=9).SerializeToString()
        )
    w.close()


def tb_multiplexer(logdir: str):
    mux = pem.EventMultiplexer(size_guidance=KEEP_ALL)
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    return mux


def tb_accumulator(path: str):
    acc = pea.EventAccumulator(path, size_guidance=KEEP_ALL)
    acc.Reload()
    return acc


def tb_plugin(acc, tag: str) -> str:
    return acc.SummaryMetadata(tag).plugin_data.plugin_name


def tb_arrays(acc, tag: str):
    """(steps, wall_times, [ndarray]) of a tag as TensorBoard's accumulator serves it."""
    events = acc.Tensors(tag)
    return (
        np.array([e.step for e in events], np.int64),
        np.array([e.wall_time for e in events]),
        [tensor_util.make_ndarray(e.tensor_proto) for e in events],
    )


def runs_in(logdir: str) -> list[str]:
    return sorted(
        os.path.relpath(d, logdir).replace(os.sep, "/")
        for d, _, files in os.walk(logdir)
        if any("tfevents" in f for f in files)
    )
