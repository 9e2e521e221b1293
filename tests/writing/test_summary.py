"""Pure value -> Summary functions, checked against TensorBoard's and tensorboardX's own code."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from tensorboard.compat.proto import summary_pb2 as tb_summary_pb2
from tensorboard.compat.proto import tensor_pb2 as tb_tensor_pb2
from tensorboard.util import tensor_util

from jupyter_tb.writing import summary


@pytest.mark.parametrize(
    "dtype",
    [
        np.float16,
        np.float32,
        np.float64,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.bool_,
        np.complex64,
        np.complex128,
    ],
)
def test_tensor_proto_round_trips_through_tensorboard(dtype):
    array = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    ours = summary.tensor_proto(array)
    theirs = tb_tensor_pb2.TensorProto.FromString(ours.SerializeToString())
    got = tensor_util.make_ndarray(theirs)
    assert got.dtype == array.dtype and np.array_equal(got, array)


def test_string_tensor_and_big_endian_input():
    strings = tensor_util.make_ndarray(
        tb_tensor_pb2.TensorProto.FromString(
            summary.tensor_proto(np.array(["a", "é"], dtype=object)).SerializeToString()
        )
    )
    assert strings.tolist() == [b"a", "é".encode()]
    big = np.arange(3, dtype=">i4")
    got = tensor_util.make_ndarray(
        tb_tensor_pb2.TensorProto.FromString(summary.tensor_proto(big).SerializeToString())
    )
    assert got.tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="dtype"):
        summary.tensor_proto(np.array(["2020-01-01"], dtype="datetime64[D]"))


def test_scalar_value_kinds():
    assert summary.scalar("a", 2).simple_value == 2.0
    new = summary.scalar("a", 2, new_style=True)
    assert new.metadata.plugin_data.plugin_name == "scalars" and not new.HasField("simple_value")


def test_tensorflow_buckets_equal_tensorboardx_default_bins(tmp_path):
    from tensorboardX import SummaryWriter as TbxWriter

    writer = TbxWriter(str(tmp_path))
    writer.close()
    np.testing.assert_allclose(summary._TF_LIMITS[:-1], writer.default_bins, rtol=1e-12)
    assert summary._TF_LIMITS[-1] == np.finfo(np.float64).max  # TensorFlow's catch-all


def test_tensorflow_histogram_counts_each_value_once_in_its_bucket():
    data = np.array([-5.0, -1e-13, 0.0, 0.0, 1e-12, 3.0, 3.0, 1e15])
    histo = summary.histogram("h", data, "tensorflow").histo
    limits, counts = np.asarray(histo.bucket_limit), np.asarray(histo.bucket)
    assert counts.sum() == data.size and histo.min == -5.0 and histo.max == 1e15
    lefts = np.concatenate([[histo.min], limits[:-1]])
    for value in data:  # TensorBoard's reading: bucket i spans [limit[i-1], limit[i])
        i = np.searchsorted(limits, value, side="right")
        assert lefts[i] <= value and (value < limits[i] or i == len(limits) - 1)
    assert histo.num == 8 and histo.sum == data.sum() and histo.sum_squares == np.dot(data, data)


def test_histogram_max_bins_merges_neighbours():
    histo = summary.histogram("h", np.arange(100.0), bins=10, max_bins=4).histo
    assert list(histo.bucket) == [30, 30, 30, 10]
    np.testing.assert_allclose(histo.bucket_limit, [29.7, 59.4, 89.1, 99])
    with pytest.raises(ValueError, match="bucket_counts"):
        summary.histogram_raw("h", 0, 1, 1, 1, 1, [1, 2], [1])


def test_to_uint8_rules():
    assert summary.to_uint8(np.array([0.0, 0.5, 1.0, 2.0, -1.0, np.nan])).tolist() == [0, 128, 255, 255, 0, 0]
    assert summary.to_uint8(np.array([True, False])).tolist() == [255, 0]
    assert summary.to_uint8(np.array([-3, 7, 300])).tolist() == [0, 7, 255]
    kept = np.array([1, 2], np.uint8)
    assert summary.to_uint8(kept) is kept


def test_to_hwc_permutations_and_grid():
    chw = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    assert summary.to_hwc(chw, "CHW").shape == (3, 4, 2)
    np.testing.assert_array_equal(summary.to_hwc(chw, "CHW")[..., 1], chw[1])
    np.testing.assert_array_equal(summary.to_hwc(chw.transpose(1, 2, 0), "HWC"), summary.to_hwc(chw, "CHW"))
    assert summary.to_hwc(chw[0], "HW").shape == (3, 4, 1)
    assert summary.to_hwc(np.zeros((3, 5, 6)), "NHW").shape == (5, 18, 1)
    grid = summary.make_grid(np.arange(9).reshape(9, 1, 1, 1), ncols=8)
    assert grid[..., 0].tolist() == [[0, 1, 2, 3, 4, 5, 6, 7], [8, 0, 0, 0, 0, 0, 0, 0]]


def test_image_value_is_a_png_that_tensorboard_protos_parse():
    from PIL import Image

    hwc = np.random.RandomState(0).randint(0, 256, (5, 3, 3)).astype(np.uint8)
    value = summary.image("i", hwc, dataformats="HWC")
    parsed = tb_summary_pb2.Summary.Value.FromString(value.SerializeToString())
    assert (parsed.image.height, parsed.image.width, parsed.image.colorspace) == (5, 3, 3)
    decoded = np.asarray(Image.open(io.BytesIO(parsed.image.encoded_image_string)))
    np.testing.assert_array_equal(decoded, hwc)


def test_image_size_cap(monkeypatch):
    monkeypatch.setattr(summary, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(ValueError, match="resize it first"):
        summary.image("i", np.zeros((11, 10, 3)), dataformats="HWC")
    with pytest.raises(ValueError, match="empty"):
        summary.image("i", np.zeros((0, 10, 3)), dataformats="HWC")


def test_wav_bytes_and_audio_layouts():
    samples = np.array([[0.0, 1.0], [-1.0, 0.5]])
    with wave.open(io.BytesIO(summary.wav_bytes(samples, 22050))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 22050)
        assert np.frombuffer(wav.readframes(2), "<i2").tolist() == [0, 32767, -32767, 16384]
    channels_first = summary.audio("a", np.zeros((2, 100))).audio
    assert (channels_first.num_channels, channels_first.length_frames) == (2, 100)
    with pytest.raises(ValueError, match="NaN"):
        summary.audio("a", np.array([np.nan]))


def test_text_value_layout_matches_torch():
    value = summary.text("notes", "hi")
    assert value.tag == "notes/text_summary"
    assert list(value.tensor.string_val) == [b"hi"] and value.tensor.tensor_shape.dim[0].size == 1


def test_pr_curve_validation():
    with pytest.raises(ValueError, match="\\[0, 1\\]"):
        summary.pr_curve("p", [1, 0], [0.5, 1.5])
    with pytest.raises(ValueError, match="labels"):
        summary.pr_curve("p", [1, 0, 1], [0.5, 0.2])
    with pytest.raises(ValueError, match="differ"):
        summary.pr_curve_raw("p", [1], [1], [1], [1], [1], [1, 2])


def test_hparams_rejects_unsupported_values():
    with pytest.raises(TypeError, match="hparam 'x'"):
        summary.hparams({"x": None}, {})
    with pytest.raises(TypeError, match="dicts"):
        summary.hparams([("x", 1)], {})
    experiment, _start, end = summary.hparams({"x": np.float32(0.5)}, {"m": 1}, start_time=3.0, end_time=4.0)
    assert experiment.tag == "_hparams_/experiment" and end.metadata.plugin_data.plugin_name == "hparams"
    assert list(experiment.tensor.tensor_shape.dim)[0].size == 0  # TensorBoard's empty tensor


def test_mesh_shape_validation():
    with pytest.raises(ValueError, match="vertex must have shape"):
        summary.mesh("m", np.zeros((4, 3)))
