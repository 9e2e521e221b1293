"""SummaryWriter end to end: write every kind, read it back with TensorBoard's own readers."""

from __future__ import annotations

import glob
import io
import math
import os
import re
import socket
import wave

import numpy as np
import pytest
from tensorboard.util import tensor_util

from jupyter_tb import SummaryWriter
from tests.support.tensorboard_oracle import accumulate, image_entries, plugin_context, png_pixels, values


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
    with SummaryWriter(str(tmp_path / "c"), filename_suffix=".x"):
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


def test_tensorboardx_scalar_display_name(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 2.0, 1, display_name="Loss", summary_description="train")
    acc = accumulate(tmp_path)
    metadata = acc.SummaryMetadata("loss")
    assert (metadata.display_name, metadata.summary_description) == ("Loss", "train")
    assert [(s, float(v)) for s, v in values(acc, "loss")] == [(1, 2.0)]


def test_new_style_scalar_is_a_float_tensor(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("f32", 0.1, 1, new_style=True)
        writer.add_scalar("f64", 0.1, 1, new_style=True, double_precision=True)
    acc = accumulate(tmp_path)
    ((_, f32),) = values(acc, "f32")
    ((_, f64),) = values(acc, "f64")
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


def test_same_bytes_as_tensorboardx_and_torch_for_scalars(tmp_path):
    from tensorboardX import SummaryWriter as TbxWriter

    def payloads(path):
        from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

        (file,) = glob.glob(str(path / "events.out.tfevents.*"))
        return list(RawEventFileLoader(file).Load())[1:]

    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    for cls, sub in ((SummaryWriter, "ours"), (TbxWriter, "tbx"), (TorchWriter, "torch")):
        with cls(str(tmp_path / sub)) as writer:
            for step in range(5):
                writer.add_scalar("a/b", step * 0.25, step, walltime=100.0 + step)
    assert payloads(tmp_path / "ours") == payloads(tmp_path / "tbx")
    assert payloads(tmp_path / "ours") == payloads(tmp_path / "torch")


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


def test_file_writer_is_none_after_close_and_reading_it_opens_nothing(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("x", 1.0)
        assert writer.file_writer is not None and writer.all_writers
    assert writer.file_writer is None and writer.all_writers is None
    assert writer.file_writer is None  # read twice: still no new file
    assert len(glob.glob(str(tmp_path / "events.out.tfevents.*"))) == 1


def test_write_to_disk_false_creates_nothing(tmp_path):
    import torch

    logdir = tmp_path / "never"
    with SummaryWriter(logdir, write_to_disk=False) as writer:
        writer.add_scalar("x", 1.0, 1)
        writer.add_scalars("pair", {"a": 1.0, "b": 2.0}, 1)
        writer.add_image("img", np.zeros((3, 4, 4)), 1)
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, run_name="trial")
        writer.add_embedding(np.eye(3), metadata=["a", "b", "c"])
        writer.add_graph(torch.nn.Linear(2, 1), torch.zeros(1, 2))
        writer.flush()
    writer.add_text("after", "close")  # reopening after close writes nothing either
    writer.close()
    assert not logdir.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("step", [2**63, 2**70, -(2**63) - 1])
def test_steps_beyond_int64_raise_and_the_writer_keeps_going(tmp_path, step):

    with SummaryWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="int64"):
            writer.add_scalar("x", 1.0, step)
        with pytest.raises(ValueError, match="int64"):
            writer.add_scalar("x", 1.0, step, new_style=True)
        with pytest.raises(ValueError, match="int64"):
            writer.add_scalars("pair", {"a": 1.0}, step)
        with pytest.raises(ValueError, match="int64"):
            writer.add_histogram("h", np.arange(5.0), step)
        with pytest.raises(ValueError, match="int64"):
            writer.add_text("t", "x", step)
        with pytest.raises(ValueError, match="int64"):
            writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, run_name="trial", global_step=step)
        writer.add_scalar("x", 2.0, 2**63 - 1)  # the largest int64 is fine
        writer.add_scalar("x", 3.0, -(2**63))
    steps = [s for s, _ in values(accumulate(tmp_path), "x")]
    assert steps == [2**63 - 1, -(2**63)]
    assert not (tmp_path / "pair_a").exists() and not (tmp_path / "trial").exists()


def test_histograms_read_back_as_tensorboard_buckets(tmp_path):
    data = np.random.RandomState(0).normal(size=5000)
    with SummaryWriter(tmp_path) as writer:
        writer.add_histogram("tf", data, 1)
        writer.add_histogram("auto", data, 1, bins="auto")
        writer.add_histogram("edges", [0.5, 1.5, 1.7, 2.5], 1, bins=[0, 1, 2, 3])
        writer.add_histogram_raw(
            "raw",
            min=0,
            max=3,
            num=6,
            sum=9,
            sum_squares=20,
            bucket_limits=[1, 2, 3],
            bucket_counts=[1, 2, 3],
            global_step=2,
        )
    acc = accumulate(tmp_path)
    assert acc.SummaryMetadata("tf").plugin_data.plugin_name == "histograms"
    ((_, edges),) = values(acc, "edges")
    np.testing.assert_array_equal(edges, [[0, 1, 1], [1, 2, 2], [2, 3, 1]])
    ((_, auto),) = values(acc, "auto")
    counts, numpy_edges = np.histogram(data, bins="auto")
    np.testing.assert_allclose(auto[:, 0], numpy_edges[:-1])
    np.testing.assert_allclose(auto[:, 1], numpy_edges[1:])
    np.testing.assert_array_equal(auto[:, 2], counts)
    ((_, tf),) = values(acc, "tf")
    assert tf[:, 2].sum() == 5000  # TensorBoard's migration keeps float32
    assert tf[0, 0] == np.float32(data.min()) and tf[-1, 1] == np.float32(data.max())
    assert np.all(np.diff(tf[:, 1]) > 0) and np.all(tf[:, 1] / np.maximum(tf[:, 0], 1e-9) < 1.2)
    ((_step, raw),) = values(acc, "raw")
    np.testing.assert_array_equal(raw, [[0, 1, 1], [1, 2, 2], [2, 3, 3]])
    with SummaryWriter(tmp_path / "bad") as writer:
        with pytest.raises(ValueError, match="NaN"):
            writer.add_histogram("h", [1.0, math.nan])
        with pytest.raises(ValueError, match="no values"):
            writer.add_histogram("h", [])


# ------------------------------------------------------------------------------ images


def test_images_in_every_dataformat_decode_to_the_same_pixels(tmp_path):
    import torch

    rng = np.random.RandomState(1)
    hwc = rng.randint(0, 256, size=(6, 7, 3)).astype(np.uint8)
    with SummaryWriter(tmp_path) as writer:
        writer.add_image("hwc", hwc, 0, dataformats="HWC")
        writer.add_image("chw", hwc.transpose(2, 0, 1), 0)
        writer.add_image("float", torch.from_numpy(hwc / 255.0).permute(2, 0, 1).requires_grad_(), 0)
        writer.add_image("hw", hwc[..., 0], 0, dataformats="HW")
        writer.add_image("rgba", np.dstack([hwc, np.full((6, 7), 9, np.uint8)]), 0, dataformats="HWC")
    acc = accumulate(tmp_path)
    assert acc.SummaryMetadata("hwc").plugin_data.plugin_name == "images"
    for tag in ("hwc", "chw", "float"):
        ((_, width, height, (png,)),) = image_entries(acc, tag)
        assert (width, height) == (7, 6)
        np.testing.assert_array_equal(png_pixels(png), hwc)
    ((_, _, _, (png,)),) = image_entries(acc, "hw")
    np.testing.assert_array_equal(png_pixels(png), hwc[..., 0])
    ((_, _, _, (png,)),) = image_entries(acc, "rgba")
    assert png_pixels(png)[..., 3].tolist() == [[9] * 7] * 6


def test_add_images_makes_a_grid_like_tensorboardx(tmp_path):
    from tensorboardX import summary as tbx_summary

    batch = np.random.RandomState(2).rand(10, 3, 4, 5)
    with SummaryWriter(tmp_path) as writer:
        writer.add_images("grid", batch, 3)
        writer.add_images("nhwc", batch.transpose(0, 2, 3, 1), 3, dataformats="NHWC")
        with pytest.raises(ValueError, match="batch"):
            writer.add_images("bad", batch[0], 3, dataformats="CHW")
    acc = accumulate(tmp_path)
    ((step, width, height, (png,)),) = image_entries(acc, "grid")
    assert (step, width, height) == (3, 8 * 5, 2 * 4)
    ours = png_pixels(png)
    np.testing.assert_array_equal(ours[4:8, 5:10], np.rint(batch[9].transpose(1, 2, 0) * 255))
    assert ours[4:8, 10:].max() == 0  # empty cells stay black
    np.testing.assert_array_equal(png_pixels(image_entries(acc, "nhwc")[0][3][0]), ours)
    theirs = tbx_summary.image("grid", batch, dataformats="NCHW").value[0].image
    assert (theirs.width, theirs.height) == (width, height)


def test_add_images_stacks_a_list_of_images(tmp_path):
    import torch

    batch = np.random.RandomState(3).rand(5, 3, 4, 6)
    with SummaryWriter(tmp_path) as writer:
        writer.add_images("stacked", batch, 1)
        writer.add_images("chw_list", list(batch), 1, dataformats="CHW")
        writer.add_images(
            "hwc_tensors", [torch.tensor(i.transpose(1, 2, 0)) for i in batch], 1, dataformats="HWC"
        )
        with pytest.raises(ValueError, match="one shape"):
            writer.add_images("ragged", [batch[0], batch[1][:, :2]], 1, dataformats="CHW")
    acc = accumulate(tmp_path)
    stacked = png_pixels(image_entries(acc, "stacked")[0][3][0])
    for tag in ("chw_list", "hwc_tensors"):
        ((step, width, height, (png,)),) = image_entries(acc, tag)
        assert (step, width, height) == (1, 5 * 6, 4)
        np.testing.assert_array_equal(png_pixels(png), stacked)
    assert "ragged" not in acc.Tags()["tensors"]


def test_image_with_boxes_figure_and_video(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    image = np.zeros((3, 40, 50))
    figure = plt.figure(figsize=(2, 1), dpi=50)
    figure.add_subplot().plot([0, 1], [1, 0])
    frames = np.zeros((1, 4, 3, 8, 8), dtype=np.uint8)
    for t in range(4):
        frames[0, t, 0] = 60 * t  # red rising frame by frame
    with SummaryWriter(tmp_path) as writer:
        writer.add_image_with_boxes("boxes", image, np.array([[5, 6, 20, 30]]), 1, labels=["cat"])
        writer.add_figure("figure", figure, 1)
        writer.add_figure("figures", [figure, figure], 1, close=False)
        writer.add_video("video", frames, 1, fps=10)
    assert not plt.fignum_exists(figure.number)
    acc = accumulate(tmp_path)
    ((_, _, _, (png,)),) = image_entries(acc, "boxes")
    pixels = png_pixels(png)
    assert tuple(pixels[6, 10]) == (255, 0, 0) and tuple(pixels[20, 5]) == (255, 0, 0)
    assert pixels[35:, 30:].max() == 0
    ((_, width, height, (png,)),) = image_entries(acc, "figure")
    assert (int(width), int(height)) == (100, 50) and png_pixels(png).shape == (50, 100, 4)
    ((_, width, _, _),) = image_entries(acc, "figures")
    assert int(width) == 200
    ((_, width, height, (gif,)),) = image_entries(acc, "video")
    animation = Image.open(io.BytesIO(gif))
    assert animation.format == "GIF" and animation.n_frames == 4 and (int(width), int(height)) == (8, 8)
    reds = []
    for t in range(4):
        animation.seek(t)
        reds.append(animation.convert("RGB").getpixel((3, 3))[0])
    assert reds == [0, 60, 120, 180]
    assert animation.info["duration"] == 100


def test_huge_or_malformed_images_get_clear_errors_and_writer_survives(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        huge = np.broadcast_to(np.uint8(0), (20000, 20000, 1))  # 400M pixels, no memory used
        with pytest.raises(ValueError, match="pixels"):
            writer.add_image("huge", huge, 0, dataformats="HWC")
        with pytest.raises(ValueError, match="channels"):
            writer.add_image("five", np.zeros((5, 4, 4)), 0)
        with pytest.raises(ValueError, match="does not match"):
            writer.add_image("rank", np.zeros((4, 4)), 0)
        with pytest.raises(ValueError, match="dataformats"):
            writer.add_image("fmt", np.zeros((4, 4, 3)), 0, dataformats="XYZ")
        writer.add_scalar("after", 1.0, 0)
    assert values(accumulate(tmp_path), "after")


# ------------------------------------------------------------------------------ audio, text


def test_audio_round_trips_as_wav_samples(tmp_path):
    import torch

    t = np.arange(4000) / 8000
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    with SummaryWriter(tmp_path) as writer:
        writer.add_audio("mono", torch.from_numpy(tone)[None], 5, sample_rate=8000)
        writer.add_audio("clipped", np.array([2.0, -2.0, 0.25]), 5, sample_rate=16000)
        writer.add_audio("stereo", np.stack([tone, -tone], axis=1), 5, sample_rate=8000)
    acc = accumulate(tmp_path)
    assert acc.SummaryMetadata("mono").plugin_data.plugin_name == "audio"

    def samples(tag):
        (event,) = acc.Tensors(tag)
        wav_bytes = tensor_util.make_ndarray(event.tensor_proto).reshape(-1)[0]  # [wav, label]
        with wave.open(io.BytesIO(wav_bytes)) as wav:
            frames = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
            return wav.getframerate(), wav.getnchannels(), frames.reshape(-1, wav.getnchannels())

    rate, channels, mono = samples("mono")
    assert (rate, channels) == (8000, 1)
    np.testing.assert_allclose(mono[:, 0] / 32767, tone, atol=1 / 32767)
    assert samples("clipped")[2][:, 0].tolist() == [32767, -32767, 8192]
    rate, channels, stereo = samples("stereo")
    assert channels == 2 and np.array_equal(stereo[:, 0], -stereo[:, 1])


def test_text_reads_back_through_the_text_plugin(tmp_path):
    from tensorboard.plugins.text import text_plugin

    with SummaryWriter(tmp_path) as writer:
        writer.add_text("notes", "# Title\n<script>x</script> é", 2)
    acc = accumulate(tmp_path)
    ((step, value),) = values(acc, "notes/text_summary")
    assert step == 2 and value.tolist() == ["# Title\n<script>x</script> é".encode()]
    assert acc.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"
    html = text_plugin.text_array_to_html(value, enable_markdown=True)
    assert "<h1>Title</h1>" in html and "<script>" not in html


def test_text_given_bytes_is_decoded_as_utf8(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_text("raw", "naïve → ok".encode(), 1)
        writer.add_text("broken", b"ok \xff", 2)  # not UTF-8: the bad byte becomes U+FFFD
    acc = accumulate(tmp_path)
    assert values(acc, "raw/text_summary")[0][1].tolist() == ["naïve → ok".encode()]
    assert values(acc, "broken/text_summary")[0][1].tolist() == ["ok \ufffd".encode()]


# ------------------------------------------------------------------------------ pr curves


def test_pr_curve_rows_match_tensorboard_layout(tmp_path):
    from tensorboard.plugins.pr_curve import metadata as pr_metadata

    rng = np.random.RandomState(3)
    labels = rng.rand(300) > 0.4
    predictions = np.clip(labels * 0.3 + rng.rand(300) * 0.7, 0, 1)
    with SummaryWriter(tmp_path) as writer:
        writer.add_pr_curve("pr", labels, predictions, 4, num_thresholds=11)
        writer.add_pr_curve_raw(
            "raw", [3, 2, 0], [4, 1, 0], [0, 3, 4], [0, 1, 3], [0.43, 0.67, 0], [1, 0.67, 0], 4
        )  # torch's default 127 ignored
    acc = accumulate(tmp_path)
    content = pr_metadata.parse_plugin_metadata(plugin_content(acc, "pr_curves", "pr"))
    assert content.num_thresholds == 11
    ((step, rows),) = values(acc, "pr")
    assert step == 4 and rows.shape == (6, 11) and rows.dtype == np.float32
    tp, fp, tn, fn, precision, recall = rows
    for i, _threshold in enumerate(np.arange(11) / 10):
        predicted = np.floor(predictions * 10) >= i  # TensorBoard's bucketing
        assert tp[i] == np.sum(predicted & labels) and fp[i] == np.sum(predicted & ~labels)
        assert tn[i] == np.sum(~predicted & ~labels) and fn[i] == np.sum(~predicted & labels)
    np.testing.assert_allclose(precision, tp / np.maximum(tp + fp, 1e-7), rtol=1e-6)
    np.testing.assert_allclose(recall, tp / (tp + fn), rtol=1e-6)
    ((_, raw),) = values(acc, "raw")
    np.testing.assert_allclose(raw[4], [0.43, 0.67, 0], rtol=1e-6)
    assert pr_metadata.parse_plugin_metadata(plugin_content(acc, "pr_curves", "raw")).num_thresholds == 3


def test_pr_curve_equals_tensorboardx(tmp_path):
    from tensorboardX import summary as tbx_summary

    rng = np.random.RandomState(4)
    labels, predictions = rng.rand(500) > 0.5, rng.rand(500)
    theirs = np.asarray(tbx_summary.pr_curve("p", labels, predictions, 127).value[0].tensor.float_val)
    with SummaryWriter(tmp_path) as writer:
        writer.add_pr_curve("p", labels, predictions, 0)
    ((_, ours),) = values(accumulate(tmp_path), "p")
    np.testing.assert_array_equal(ours.reshape(-1), theirs.astype(np.float32))


# ------------------------------------------------------------------------------ custom scalars, mesh, tensor


def test_custom_scalars_layout(tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2

    with SummaryWriter(tmp_path) as writer:
        writer.add_custom_scalars(
            {"Losses": {"all": ["Multiline", ["loss/.*"]], "band": ["Margin", ["m", "lo", "hi"]]}}
        )
        with pytest.raises(ValueError, match="value, lower, upper"):
            writer.add_custom_scalars_marginchart(["a", "b"])
    acc = accumulate(tmp_path)
    assert "custom_scalars__config__" in acc.PluginTagToContent("custom_scalars")
    ((_, serialized),) = values(acc, "custom_scalars__config__")
    layout = layout_pb2.Layout.FromString(serialized.item())
    (category,) = layout.category
    assert category.title == "Losses"
    assert list(category.chart[0].multiline.tag) == ["loss/.*"]
    series = category.chart[1].margin.series[0]
    assert (series.value, series.lower, series.upper) == ("m", "lo", "hi")


def test_custom_scalars_chart_helpers(tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2

    with SummaryWriter(tmp_path) as writer:
        writer.add_custom_scalars_multilinechart(["a", "b"], category="C", title="T")
    ((_, serialized),) = values(accumulate(tmp_path), "custom_scalars__config__")
    chart = layout_pb2.Layout.FromString(serialized.item()).category[0].chart[0]
    assert chart.title == "T" and list(chart.multiline.tag) == ["a", "b"]


def test_mesh_tensors_and_plugin_data(tmp_path):
    from tensorboard.plugins.mesh import metadata as mesh_metadata

    vertices = np.random.RandomState(5).rand(1, 4, 3).astype(np.float32)
    faces = np.array([[[0, 1, 2], [1, 2, 3]]])
    colors = np.full((1, 4, 3), 200, np.uint8)
    with SummaryWriter(tmp_path) as writer:
        writer.add_mesh(
            "shape", vertices, colors=colors, faces=faces, config_dict={"camera": {"fov": 60}}, global_step=7
        )
    acc = accumulate(tmp_path)
    content = acc.PluginTagToContent("mesh")
    assert set(content) == {"shape_VERTEX", "shape_FACE", "shape_COLOR"}
    data = mesh_metadata.parse_plugin_metadata(content["shape_FACE"])
    assert data.name == "shape" and list(data.shape) == [1, 2, 3]
    assert data.components == 0b1110 and '"fov": 60' in data.json_config
    ((step, got),) = values(acc, "shape_VERTEX")
    assert step == 7 and np.array_equal(got, vertices)
    assert values(acc, "shape_FACE")[0][1].dtype == np.int32
    assert np.array_equal(values(acc, "shape_COLOR")[0][1], colors)


def test_add_tensor_round_trips_dtype_and_shape(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_tensor("ints", np.arange(6, dtype=np.int64).reshape(2, 3), 1)
        writer.add_tensor("halves", np.array([0.5, 1.5], np.float16), 1)
    acc = accumulate(tmp_path)
    ints = values(acc, "ints")[0][1]
    assert ints.dtype == np.int64 and ints.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert values(acc, "halves")[0][1].tolist() == [0.5, 1.5]


# ------------------------------------------------------------------------------ hparams


def test_hparams_child_run_like_torch(tmp_path):
    import torch
    from tensorboard.plugins.hparams import api_pb2
    from tensorboard.plugins.hparams import metadata as hp_metadata

    hparams = {"lr": 0.01, "optimizer": "adam", "batchnorm": True, "layers": torch.tensor(3)}
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams(
            hparams,
            {"hparam/accuracy": 0.75},
            run_name="trial",
            hparam_domain_discrete={"optimizer": ["adam", "sgd"]},
        )
        writer.add_hparams({"lr": 0.1}, {"hparam/accuracy": 0.5})
        with pytest.raises(TypeError, match="hparam 'bad'"):
            writer.add_hparams({"bad": [1, 2]}, {"m": 1})
    acc = accumulate(tmp_path / "trial")
    content = acc.PluginTagToContent("hparams")
    experiment = hp_metadata.parse_experiment_plugin_data(content["_hparams_/experiment"])
    infos = {i.name: i for i in experiment.hparam_infos}
    assert infos["lr"].type == api_pb2.DATA_TYPE_FLOAT64
    assert infos["optimizer"].type == api_pb2.DATA_TYPE_STRING
    assert [v.string_value for v in infos["optimizer"].domain_discrete.values] == ["adam", "sgd"]
    assert infos["batchnorm"].type == api_pb2.DATA_TYPE_BOOL
    assert [m.name.tag for m in experiment.metric_infos] == ["hparam/accuracy"]
    start = hp_metadata.parse_session_start_info_plugin_data(content["_hparams_/session_start_info"])
    assert start.hparams["lr"].number_value == 0.01
    assert start.hparams["optimizer"].string_value == "adam"
    assert start.hparams["batchnorm"].bool_value is True
    assert start.hparams["layers"].number_value == 3
    end = hp_metadata.parse_session_end_info_plugin_data(content["_hparams_/session_end_info"])
    assert end.status == api_pb2.STATUS_SUCCESS and end.end_time_secs >= start.start_time_secs > 0
    assert [float(v) for _, v in values(acc, "hparam/accuracy")] == [0.75]
    runs = [d for d in os.listdir(tmp_path) if d != "trial" and os.path.isdir(tmp_path / d)]
    assert len(runs) == 1 and float(runs[0]) > 0  # the unnamed one: a time stamp


def test_hparams_tensorboardx_positionals_get_a_clear_error(tmp_path):
    # torch's third parameter is hparam_domain_discrete; tensorboardX's is the run name
    with SummaryWriter(tmp_path) as writer, pytest.raises(TypeError, match=r"jupyter_tb\.tensorboardX"):
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, "trial1", 7)
    assert not (tmp_path / "trial1").exists() and not (tmp_path / "7").exists()


# ------------------------------------------------------------------------------ embeddings, graph


def test_add_embedding_via_writer_is_read_by_tensorboard_projector(tmp_path):
    from tensorboard.plugins.projector import projector_plugin

    mat = np.random.RandomState(6).rand(12, 4)
    with SummaryWriter(tmp_path) as writer:
        writer.add_embedding(mat, metadata=[f"p{i}" for i in range(12)], tag="words", global_step=3)
        writer.add_embedding(mat[:, :2], tag="small")
    plugin = projector_plugin.ProjectorPlugin.__new__(projector_plugin.ProjectorPlugin)
    configs, paths = plugin._read_latest_config_files([(".", str(tmp_path))])
    names = [e.tensor_name for e in configs["."].embeddings]
    assert names == ["words:00003", "small:00000"]
    path = projector_plugin._rel_to_abs_asset_path(configs["."].embeddings[0].tensor_path, paths["."])
    np.testing.assert_allclose(projector_plugin._read_tensor_tsv_file(path), mat.astype(np.float32))


def test_add_graph_writes_a_graph_def(tmp_path):
    import torch
    from tensorboard.compat.proto import graph_pb2 as tb_graph_pb2

    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU())
    with SummaryWriter(tmp_path) as writer:
        writer.add_graph(model, torch.zeros(2, 4))
    acc = accumulate(tmp_path)
    graph = tb_graph_pb2.GraphDef.FromString(acc.SerializedGraph())
    ops = {n.op for n in graph.node}
    assert {"aten::linear", "aten::relu", "IO Node"} <= ops
    assert any(n.name.startswith("Sequential/Linear[0]/") for n in graph.node)


# ------------------------------------------------------------------------------ never block


def test_add_scalar_returns_while_the_disk_write_is_stuck(tmp_path, monkeypatch):
    import threading
    import time

    from jupyter_tb.writing import event_file_writer

    gate = threading.Event()
    real_write = event_file_writer._write

    def stuck_write(*args):  # the worker's disk write hangs until the gate opens
        gate.wait(30)
        real_write(*args)

    monkeypatch.setattr(event_file_writer, "_write", stuck_write)
    writer = SummaryWriter(tmp_path)
    started = time.perf_counter()
    for i in range(2000):
        writer.add_scalar("x", float(i), i)
    elapsed = time.perf_counter() - started
    gate.set()
    writer.close()
    assert elapsed < 2.0  # 2000 calls; a blocked caller would wait the full 30 s
    assert len(values(accumulate(tmp_path), "x")) == 2000


def test_purge_step_makes_tensorboard_drop_orphaned_steps(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(10):
            writer.add_scalar("x", float(step), step)
    with SummaryWriter(tmp_path, purge_step=5) as resumed:  # restart from a checkpoint at 5
        for step in range(5, 8):
            resumed.add_scalar("x", 100.0 + step, step)
    got = [(s, float(v)) for s, v in values(accumulate(tmp_path), "x")]
    assert got == [(s, float(s)) for s in range(5)] + [(s, 100.0 + s) for s in range(5, 8)]


def test_data_reaches_the_file_without_flush(tmp_path):
    import time

    # max_queue / flush_secs are upper bounds: the worker writes every batch at once
    writer = SummaryWriter(tmp_path, max_queue=1000, flush_secs=3600)
    for step in range(3):
        writer.add_scalar("x", 1.0, step)
    deadline = time.monotonic() + 10
    while "x" not in accumulate(tmp_path).Tags()["tensors"] or len(values(accumulate(tmp_path), "x")) < 3:
        assert time.monotonic() < deadline, "events not written without flush()"
        time.sleep(0.05)
    writer.close()


def test_many_threads_share_one_writer(tmp_path):
    import threading

    with SummaryWriter(tmp_path) as writer:

        def log(worker):
            for step in range(500):
                writer.add_scalar(f"w{worker}", float(step), step)
                writer.add_scalars("pair", {"a": step, "b": -step}, step)

        threads = [threading.Thread(target=log, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    acc = accumulate(tmp_path)
    for worker in range(4):
        assert [s for s, _ in values(acc, f"w{worker}")] == list(range(500))
    assert len(glob.glob(str(tmp_path / "pair_a" / "events.*"))) == 1
    assert len(values(accumulate(tmp_path / "pair_a"), "pair")) == 2000


def test_tensorboard_hparams_plugin_lists_our_sessions(tmp_path):
    from tensorboard import context
    from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups

    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1, "opt": "adam"}, {"hparam/acc": 0.75}, run_name="a")
        writer.add_hparams({"lr": 0.2, "opt": "sgd"}, {"hparam/acc": 0.5}, run_name="b")
    backend = backend_context.Context(plugin_context(tmp_path))
    request = api_pb2.ListSessionGroupsRequest(
        start_index=0, slice_size=10, allowed_statuses=[api_pb2.STATUS_SUCCESS]
    )
    response = list_session_groups.Handler(context.RequestContext(), backend, "", request).run()
    groups = {g.name: g for g in response.session_groups}
    assert set(groups) == {"a", "b"}
    assert groups["a"].hparams["lr"].number_value == 0.1
    assert groups["b"].hparams["opt"].string_value == "sgd"
    assert groups["a"].metric_values[0].name.tag == "hparam/acc"
    assert groups["a"].metric_values[0].value == 0.75
    assert groups["b"].sessions[0].status == api_pb2.STATUS_SUCCESS
