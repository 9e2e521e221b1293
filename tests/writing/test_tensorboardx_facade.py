"""``jupyter_tb.tensorboardX.SummaryWriter``: tensorboardX's signatures and layouts over the shared
core, read back with TensorBoard's own readers."""

from __future__ import annotations

import glob
import json
import time

import numpy as np
import pytest

from jupyter_tb.tensorboardX import SummaryWriter
from jupyter_tb.writing.summary_writer import SummaryWriter as TorchFlavour
from jupyter_tb.writing.summary_writer import WriterCore
from tests.support.tensorboard_oracle import accumulate, image_entries, values


def scalars(path, tag) -> list[tuple[int, float]]:
    return [(step, float(value)) for step, value in values(accumulate(path), tag)]


def test_constructor_takes_logdir_first_and_write_to_disk(tmp_path):
    with SummaryWriter(tmp_path / "a", "", None, 10, 120, ".sfx", True) as writer:
        assert writer.logdir == str(tmp_path / "a")
        writer.add_scalar("x", 1.0)
    assert glob.glob(str(tmp_path / "a" / "events.out.tfevents.*.sfx"))
    with SummaryWriter(tmp_path / "b", "", None, 10, 120, "", False) as writer:  # 7th: write_to_disk
        writer.add_scalar("x", 1.0)
        writer.add_scalars("pair", {"a": 1.0}, 1)
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, "trial", 1)
    with SummaryWriter(log_dir=tmp_path / "c") as writer:
        assert writer.get_logdir() == str(tmp_path / "c")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "c"]


def test_add_scalar_fifth_and_sixth_positionals_are_display_name_and_description(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 2.0, 3, 100.0, "Loss", "training loss")
    acc = accumulate(tmp_path)
    metadata = acc.SummaryMetadata("loss")
    assert (metadata.display_name, metadata.summary_description) == ("Loss", "training loss")
    ((event),) = acc.Tensors("loss")
    assert (event.step, event.wall_time) == (3, 100.0)
    assert [(s, float(v)) for s, v in values(acc, "loss")] == [(3, 2.0)]


def test_add_image_with_boxes_sixth_positional_is_dataformats(tmp_path):
    image = np.zeros((8, 10, 3))  # HWC
    with SummaryWriter(tmp_path) as writer:
        writer.add_image_with_boxes("boxes", image, np.array([[1, 1, 5, 5]]), 0, None, "HWC", ["a"])
    ((_, width, height, _),) = image_entries(accumulate(tmp_path), "boxes")
    assert (width, height) == (10, 8)


def test_add_hparams_third_and_fourth_positionals_are_name_and_global_step(tmp_path):
    from tensorboard.plugins.hparams import metadata as hp_metadata

    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1}, {"hparam/acc": 0.5}, "trial1", 7)
        writer.add_hparams({"lr": 0.2}, {"hparam/acc": 0.25}, name="trial2")
    for run, lr, acc_value, step in (("trial1", 0.1, 0.5, 7), ("trial2", 0.2, 0.25, 0)):
        acc = accumulate(tmp_path / run)
        start = hp_metadata.parse_session_start_info_plugin_data(
            acc.PluginTagToContent("hparams")["_hparams_/session_start_info"]
        )
        assert start.hparams["lr"].number_value == lr
        assert scalars(tmp_path / run, "hparam/acc") == [(step, acc_value)]


def test_add_scalars_writes_nested_runs_and_exports_them_to_json(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalars("run/loss", {"train": step, "val": 10 + step}, step, walltime=50.0 + step)
        writer.export_scalars_to_json(tmp_path / "all.json")
        writer.add_scalars("run/loss", {"train": 7}, 3, walltime=60.0)
        writer.export_scalars_to_json(tmp_path / "later.json")
    for key, offset in (("train", 0), ("val", 10)):
        assert scalars(tmp_path / "run" / "loss" / key, "run/loss")[:3] == [(s, offset + s) for s in range(3)]
    assert not glob.glob(str(tmp_path / "run_loss_*"))  # torch's flat layout is not used
    exported = json.loads((tmp_path / "all.json").read_text())
    train, val = str(tmp_path / "run" / "loss" / "train"), str(tmp_path / "run" / "loss" / "val")
    assert exported == {
        train: [[50.0 + s, s, float(s)] for s in range(3)],
        val: [[50.0 + s, s, 10.0 + s] for s in range(3)],
    }
    # an export forgets what it wrote, as tensorboardX's does
    assert json.loads((tmp_path / "later.json").read_text()) == {train: [[60.0, 3, 7.0]]}


def test_use_metadata_sets_default_step_and_wall_time(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        with writer.use_metadata(global_step=17, walltime=13.0) as same:
            assert same is writer
            writer.add_scalar("defaults", 0.1)
            writer.add_scalar("step_given", 0.2, global_step=7)
            writer.add_scalar("wall_given", 0.3, walltime=18.0)
            writer.add_text("text", "hello")
            writer.add_scalars("group", {"a": 1.0})
            with pytest.raises(RuntimeError, match="already active"), writer.use_metadata(global_step=1):
                pass
        with writer.use_metadata(walltime=5.0):  # usable again; only the wall time set
            writer.add_scalar("wall_only", 0.5)
        before = time.time()
        writer.add_scalar("after", 0.4)
        with pytest.raises(ValueError, match="global_step or walltime"), writer.use_metadata():
            pass
    acc = accumulate(tmp_path)

    def first(tag, path=None):
        event = (accumulate(path) if path else acc).Tensors(tag)[0]
        return event.step, event.wall_time

    assert first("defaults") == (17, 13.0)
    assert first("step_given") == (7, 13.0)
    assert first("wall_given") == (17, 18.0)
    assert first("text/text_summary") == (17, 13.0)
    assert first("group", tmp_path / "group" / "a") == (17, 13.0)
    assert first("wall_only") == (0, 5.0)
    step, wall = first("after")
    assert step == 0 and before <= wall <= time.time()


def test_add_images_stacks_a_list_like_tensorboardx(tmp_path):
    images = [np.full((3, 4, 5), i / 10) for i in range(3)]
    with SummaryWriter(tmp_path) as writer:
        writer.add_images("list", images, 0, dataformats="CHW")
    ((_, width, height, _),) = image_entries(accumulate(tmp_path), "list")
    assert (width, height) == (3 * 5, 4)


def test_file_writer_is_none_after_close(tmp_path):
    with SummaryWriter(tmp_path, filename_suffix=".test") as writer:
        writer.add_scalar("test", 1)
    assert writer.file_writer is None
    assert len(glob.glob(str(tmp_path / "*.test"))) == 1


def test_both_facades_are_thin_over_one_core():
    # the facades only map signatures: every method body they define is a call into the core
    own = {name for name in vars(SummaryWriter) if callable(vars(SummaryWriter)[name])}
    assert own <= {
        "__init__",
        "add_scalar",
        "add_image_with_boxes",
        "add_hparams",
        "add_onnx_graph",
        "add_openvino_graph",
        "export_scalars_to_json",
    }
    assert {name for name in vars(TorchFlavour) if callable(vars(TorchFlavour)[name])} == {
        "__init__",
        "add_onnx_graph",
    }
    assert issubclass(SummaryWriter, WriterCore) and issubclass(TorchFlavour, WriterCore)
