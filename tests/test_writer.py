"""SummaryWriter end to end: write every kind, read it back with TensorBoard's own readers."""

from __future__ import annotations

import glob
import io
import json
import math
import os
import re
import socket
import wave

import numpy as np
import pytest
from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

from jupyter_tb import SummaryWriter


def accumulate(path) -> EventAccumulator:
    acc = EventAccumulator(str(path), size_guidance={k: 0 for k in (
        "tensors", "images", "audio", "histograms", "scalars", "compressedHistograms")})
    acc.Reload()
    return acc


def values(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def plugin_content(acc, plugin, tag) -> bytes:
    return acc.PluginTagToContent(plugin)[tag]


# ------------------------------------------------------------------------------ constructor


def test_default_logdir_matches_tensorboardx(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as writer:
        logdir = writer.get_logdir()
    host = re.escape(socket.gethostname())
    assert re.fullmatch(rf"runs/[A-Z][a-z]{{2}}\d\d_\d\d-\d\d-\d\d_{host}_lr0\.1", logdir)
    assert glob.glob(os.path.join(logdir, "events.out.tfevents.*"))


def test_constructor_accepts_torch_and_tensorboardx_names(tmp_path):
    with SummaryWriter(log_dir=tmp_path / "a") as a, SummaryWriter(logdir=str(tmp_path / "b")) as b:
        assert a.get_logdir() == str(tmp_path / "a") and b.logdir == str(tmp_path / "b")
    with SummaryWriter(str(tmp_path / "c"), filename_suffix=".x") as c:
        pass
    assert glob.glob(str(tmp_path / "c" / "*.x"))


# ------------------------------------------------------------------------------ scalars


def test_scalars_round_trip_through_tensorboard(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(100):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
        writer.add_scalar("special", math.nan, 0)
        writer.add_scalar("special", math.inf, 1)
        writer.add_scalar("special", -math.inf, 2)
        writer.add_scalar("timed", 5, 3, walltime=1234.5)
    acc = accumulate(tmp_path)
    loss = values(acc, "loss")
    assert [s for s, _ in loss] == list(range(100))
    np.testing.assert_array_equal([v for _, v in loss], np.float32([1.0 / (s + 1) for s in range(100)]))
    special = [float(v) for _, v in values(acc, "special")]
    assert math.isnan(special[0]) and special[1:] == [math.inf, -math.inf]
    (timed,) = acc.Tensors("timed")
    assert timed.wall_time == 1234.5 and timed.step == 3
    assert acc.SummaryMetadata("loss").plugin_data.plugin_name == "scalars"


def test_scalar_inputs_numpy_torch_and_array_protocol(tmp_path):
    import torch

    class JaxLike:  # anything exposing __array__
        def __array__(self, dtype=None, copy=None):
            return np.asarray(2.5, dtype=dtype)

    grad = torch.tensor(3.5, requires_grad=True) * 1.0
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("v", np.float32(1.5), 0)
        writer.add_scalar("v", JaxLike(), 1)
        writer.add_scalar("v", grad, torch.tensor(2))
        writer.add_scalar("v", torch.tensor([4.5], dtype=torch.bfloat16), np.int64(3))
        writer.add_scalar("v", np.array([[5.5]]), 4)
        writer.add_scalar("v", True, 5)
        with pytest.raises(ValueError, match="single value"):
            writer.add_scalar("v", np.zeros(3), 6)
        with pytest.raises(TypeError, match="string"):
            writer.add_scalar("v", "1.0", 6)
        with pytest.raises(TypeError, match="tag"):
            writer.add_scalar(7, 1.0, 6)
    got = values(accumulate(tmp_path), "v")
    assert [(s, float(v)) for s, v in got] == [(0, 1.5), (1, 2.5), (2, 3.5), (3, 4.5), (4, 5.5), (5, 1.0)]


def test_new_style_scalar_is_a_float_tensor(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("f32", 0.1, 1, new_style=True)
        writer.add_scalar("f64", 0.1, 1, new_style=True, double_precision=True)
    acc = accumulate(tmp_path)
    (_, f32), = values(acc, "f32")
    (_, f64), = values(acc, "f64")
    assert f32.dtype == np.float32 and f32 == np.float32(0.1)
    assert f64.dtype == np.float64 and f64 == 0.1
    assert acc.SummaryMetadata("f32").plugin_data.plugin_name == "scalars"


def test_add_scalars_makes_child_runs_like_torch(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalars("run/loss", {"train": step, "val": 10 + step}, step)
    for key, offset in (("train", 0), ("val", 10)):
        acc = accumulate(tmp_path / f"run_loss_{key}")
        assert [(s, float(v)) for s, v in values(acc, "run/loss")] == [
            (s, float(offset + s)) for s in range(3)
        ]


def test_same_bytes_as_tensorboardx_for_scalars(tmp_path):
    from tensorboardX import SummaryWriter as TbxWriter

    def payloads(path):
        from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

        (file,) = glob.glob(str(path / "events.out.tfevents.*"))
        return list(RawEventFileLoader(file).Load())[1:]

    for cls, sub in ((SummaryWriter, "ours"), (TbxWriter, "theirs")):
        with cls(str(tmp_path / sub)) as writer:
            for step in range(5):
                writer.add_scalar("a/b", step * 0.25, step, walltime=100.0 + step)
    assert payloads(tmp_path / "ours") == payloads(tmp_path / "theirs")


def test_flush_then_reopen_after_close(tmp_path):
    writer = SummaryWriter(tmp_path)
    writer.add_scalar("x", 1.0, 1)
    writer.flush()
    assert [s for s, _ in values(accumulate(tmp_path), "x")] == [1]
    writer.close()
    writer.add_scalar("x", 2.0, 2)  # like torch: a closed writer opens a new file
    writer.close()
    assert len(glob.glob(str(tmp_path / "events.out.tfevents.*"))) == 2
    assert [s for s, _ in values(accumulate(tmp_path), "x")] == [1, 2]
