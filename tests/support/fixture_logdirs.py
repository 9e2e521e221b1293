"""Fixture logdirs for the browser tests, written by tensorboardX (an independent writer).

Values are deterministic so tests can assert on what the board shows.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

RUNS = ("train", "eval")
SCALAR_STEPS = 50
IMAGE_STEPS = (0, 10, 20)
HIST_STEPS = (0, 10, 20, 30)

# Payloads that would run script if any string reached the DOM as HTML.
XSS_RUN = "<img src=x onerror=window.__jtb_xss=1;alert(1)>"
XSS_TAG = "<img src=x onerror=window.__jtb_xss=2;alert(2)>"
XSS_SCRIPT_TAG = "<script>window.__jtb_xss=3;alert(3)</script>"


def scalar_value(run: str, step: int) -> float:
    base = 1.0 if run == "train" else 1.5
    return base * math.exp(-step / 20.0) + 0.05 * math.sin(step)


def _image(step: int, size: int = 32) -> np.ndarray:
    """CHW float image in [0, 1]; a diagonal band whose position moves with the step."""
    yy, xx = np.mgrid[0:size, 0:size]
    band = (np.abs(xx - yy - step % size) < 4).astype(np.float32)
    return np.stack([band, 1 - band, np.full_like(band, step / 30.0)])


def write_basic(logdir: Path) -> Path:
    """Two runs with scalars (two groups), images, and histograms."""
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(0)
    for run in RUNS:
        with SummaryWriter(str(logdir / run)) as w:
            for step in range(SCALAR_STEPS):
                w.add_scalar("loss/total", scalar_value(run, step), step)
                w.add_scalar("metrics/accuracy", 1 - scalar_value(run, step) / 2, step)
            for step in IMAGE_STEPS:
                w.add_image("samples/band", _image(step), step)
            for step in HIST_STEPS:
                w.add_histogram("weights/w1", rng.normal(loc=step / 10.0, scale=1.0, size=2000), step)
    return logdir


def write_xss(logdir: Path) -> Path:
    """A run and tags whose names are HTML/script payloads.

    Written as raw records: tensorboardX would rewrite the tags' "<", ">" and spaces, while
    TensorFlow's writers (and files from anywhere) keep them as they are.
    """
    from jupyter_tb._proto import event_pb2
    from jupyter_tb.format.tfrecord import encode_record

    run = logdir / XSS_RUN
    run.mkdir(parents=True, exist_ok=True)
    records = [event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2")]
    for step in range(10):
        event = event_pb2.Event(wall_time=1.7e9 + step, step=step)
        # "</script>" holds a "/", so this also tests tag grouping on a hostile prefix
        event.summary.value.add(tag=XSS_TAG, simple_value=float(step))
        event.summary.value.add(tag=XSS_SCRIPT_TAG, simple_value=float(-step))
        records.append(event)
    with open(run / "events.out.tfevents.1700000000.xss.1.0", "wb") as f:
        f.write(b"".join(encode_record(r.SerializeToString()) for r in records))
    return logdir


PR_THRESHOLDS = 11
PR_STEPS = (0, 1)
TEXT_STEPS = (0, 5)
TEXT_TAG = "notes/markdown/text_summary"  # tensorboardX appends "/text_summary"
AUDIO_RATE = 8000
AUDIO_SECONDS = {0: 0.5, 3: 0.25}  # step -> clip length
XSS_TEXT = "<img src=x onerror=window.__jtb_xss=9;alert(9)><script>window.__jtb_xss=10</script>"


def text_markdown(step: int) -> str:
    return f"**bold {step}**\n\n| col a | col b |\n|---|---|\n| {step} | x |\n\n{XSS_TEXT}"


def write_views(logdir: Path) -> Path:
    """PR curves, text (markdown + hostile HTML), audio, a custom-scalars layout and a histogram."""
    import torch
    from tensorboardX import SummaryWriter
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(1)
    for run in RUNS:
        with SummaryWriter(str(logdir / run)) as w:
            for step in PR_STEPS:
                labels = rng.integers(0, 2, size=400)
                # later steps and the train run separate the classes better
                skill = 0.5 + step + (run == "train")
                scores = 1 / (1 + np.exp(-(labels * 2 - 1) * skill + rng.normal(size=400)))
                w.add_pr_curve("pr/classifier", labels, scores, step, num_thresholds=PR_THRESHOLDS)
            for step in TEXT_STEPS:
                w.add_text("notes/markdown", text_markdown(step), step)
            for step in HIST_STEPS:
                w.add_histogram("weights/dense", rng.normal(step / 10, 1.0, size=500), step)
            for step in range(30):
                w.add_scalar("loss/train", scalar_value(run, step), step)
                w.add_scalar("loss/eval", scalar_value(run, step) + 0.1, step)
                w.add_scalar("acc/mid", 0.5 + step / 100, step)
                w.add_scalar("acc/lo", 0.45 + step / 100, step)
                w.add_scalar("acc/hi", 0.55 + step / 100, step)
            if run == RUNS[0]:
                w.add_custom_scalars(
                    {
                        "Training": {
                            "losses": ["Multiline", [r"loss/.*"]],
                            "accuracy band": ["Margin", ["acc/mid", "acc/lo", "acc/hi"]],
                        },
                    }
                )
        # tensorboardX's add_audio needs soundfile; torch's writer encodes WAV itself
        with TorchWriter(str(logdir / run), filename_suffix=".audio") as w:
            for step, seconds in AUDIO_SECONDS.items():
                t = torch.arange(int(AUDIO_RATE * seconds)) / AUDIO_RATE
                w.add_audio(
                    "sound/tone", 0.3 * torch.sin(2 * torch.pi * 440 * t), step, sample_rate=AUDIO_RATE
                )
    return logdir
