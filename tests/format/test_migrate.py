"""Value migration, checked against TensorBoard's own data_compat and tensor_util."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tensorboard.util import tensor_util

from jupyter_tb._proto import summary_pb2, tensor_pb2
from jupyter_tb.format import migrate
from tests.support import reader_fixtures as F
from tests.support.bucket_rows import bucket_rows


def _ours(tb_message, cls):
    return cls.FromString(tb_message.SerializeToString())


_DTYPES = [
    np.float32,
    np.float64,
    np.float16,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.bool_,
    np.complex64,
    np.complex128,
]  # TB reads no uint32/64 _val


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(_DTYPES).flatmap(
        lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
    )
)
def test_tensor_to_numpy_matches_tensorboard(array):
    proto = tensor_util.make_tensor_proto(array)
    ours = migrate.tensor_to_numpy(_ours(proto, tensor_pb2.TensorProto))
    theirs = tensor_util.make_ndarray(proto)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_typed_value_lists_and_trailing_repeat():
    # TensorFlow may store a tensor whose trailing values repeat with the repeat left out
    proto = tensor_pb2.TensorProto(dtype=1, float_val=[1.5, 2.5])
    proto.tensor_shape.dim.add(size=4)
    assert migrate.tensor_to_numpy(proto).tolist() == [1.5, 2.5, 2.5, 2.5]
    strings = tensor_pb2.TensorProto(dtype=7, string_val=[b"a", b"b"])
    strings.tensor_shape.dim.add(size=2)
    assert migrate.tensor_to_numpy(strings).tolist() == [b"a", b"b"]


def _tensorboardx_value(summary):
    (value,) = summary.value
    return value


def test_legacy_histogram_keeps_every_bucket_edge_as_tensorboards_data_server():
    # TensorBoard's (Rust) data server, what `tensorboard --logdir` serves by default: every
    # bucket kept, lefts [min, limit_0, ...], rights [..., limit_n-2, max] (compared with the
    # real server in tests/reading/test_histograms_as_tensorboard.py)
    histo = summary_pb2.HistogramProto(
        min=-3.9, max=3.1, bucket_limit=[-4.2, -3.8, 0.0, 2.9, 3.3], bucket=[0, 1, 5, 0, 2]
    )
    kind, rows = migrate.migrate_value(summary_pb2.Summary.Value(tag="h", histo=histo))
    assert kind == "histograms"
    np.testing.assert_array_equal(
        rows, [[-3.9, -4.2, 0], [-4.2, -3.8, 1], [-3.8, 0.0, 5], [0.0, 2.9, 0], [2.9, 3.1, 2]]
    )


def test_legacy_histogram_with_mismatched_fields_is_an_error():
    histo = summary_pb2.HistogramProto(min=0, max=1, bucket_limit=[1, 2], bucket=[3])
    with pytest.raises(ValueError, match="2 bucket limits for 1 buckets"):
        migrate.migrate_value(summary_pb2.Summary.Value(tag="h", histo=histo))


def test_empty_legacy_histogram():
    value = summary_pb2.Summary.Value(
        tag="h", histo=summary_pb2.HistogramProto(min=0, max=0, bucket_limit=[1, 2], bucket=[0, 0])
    )
    np.testing.assert_array_equal(migrate.migrate_value(value)[1], [[0, 1, 0], [1, 0, 0]])
    value.histo.Clear()
    assert migrate.migrate_value(value)[1].shape == (0, 3)


@pytest.mark.parametrize(
    ("plugin", "dtype", "shape"),
    [
        ("histograms", 2, [10**9, 3]),
        ("text", 7, [10**9]),
        ("pr_curves", 1, [6, 10**9]),
        ("scalars", 1, [10**9]),
        ("mesh", 1, [1, 10**9, 3]),
        ("tensors", 1, [1 << 40, 1 << 40]),
    ],
)
def test_a_shape_the_bytes_cannot_back_is_refused_without_allocating(plugin, dtype, shape):
    import tracemalloc

    value = summary_pb2.Summary.Value(tag="bad")
    value.metadata.plugin_data.plugin_name = plugin
    value.tensor.dtype = dtype
    for size in shape:
        value.tensor.tensor_shape.dim.add(size=size)
    if dtype == 7:
        value.tensor.string_val.append(b"x")
    else:
        value.tensor.float_val.append(1.0) if dtype == 1 else value.tensor.double_val.append(1.0)
    tracemalloc.start()
    with pytest.raises(ValueError, match="claims"):
        migrate.migrate_value(value)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20
    value.tensor.ClearField("float_val")
    value.tensor.ClearField("double_val")
    value.tensor.ClearField("string_val")
    value.tensor.tensor_content = b"\0" * 16  # content must hold every element
    with pytest.raises(ValueError, match="claims"):
        migrate.migrate_value(value)


def test_a_few_values_may_still_stand_for_a_modest_repeat():
    proto = tensor_pb2.TensorProto(dtype=1, float_val=[0.5])
    proto.tensor_shape.dim.add(size=migrate.MAX_PADDED_ELEMENTS)
    assert migrate.tensor_to_numpy(proto).shape == (migrate.MAX_PADDED_ELEMENTS,)
    proto.tensor_shape.dim[0].size += 1
    with pytest.raises(ValueError, match="claims"):
        migrate.tensor_to_numpy(proto)


def test_legacy_kinds_by_oneof():
    from tensorboardX import summary as tbx

    scalar = summary_pb2.Summary.Value(tag="s", simple_value=2.5)
    assert migrate.migrate_value(scalar) == ("scalars", 2.5)
    assert migrate.metadata_for(scalar, "scalars").plugin_data.plugin_name == "scalars"
    image = _ours(_tensorboardx_value(tbx.image("i", np.zeros((3, 5, 7)))), summary_pb2.Summary.Value)
    kind, info = migrate.migrate_value(image)
    assert kind == "images" and (info.width, info.height, info.samples) == (7, 5, 1)
    assert info.content_type == "image/png"
    assert migrate.blob_sample(image, "images", 0) == image.image.encoded_image_string
    with pytest.raises(IndexError):
        migrate.blob_sample(image, "images", 1)


def test_kind_comes_from_the_first_value_metadata():
    from tensorboard.plugins.scalar.summary_v2 import scalar_pb

    (first,) = _ours(scalar_pb("t", 1.0), summary_pb2.Summary).value
    later = summary_pb2.Summary.Value()
    later.CopyFrom(first)
    later.ClearField("metadata")
    assert migrate.plugin_kind(first, None) == "scalars"
    assert migrate.migrate_value(later, "scalars") == ("scalars", 1.0)
    # without any metadata ever, a numeric one-element tensor reads as a scalar
    assert migrate.plugin_kind(later, None) == "scalars"
    later.tensor.CopyFrom(_ours(tensor_util.make_tensor_proto(np.zeros(3)), tensor_pb2.TensorProto))
    assert migrate.plugin_kind(later, None) == "tensors"
    # and a tag keeps the kind of its first value
    assert migrate.migrate_value(later, "mesh")[0] == "mesh"


def test_tensor_images_audio_text_pr_curves(tmp_path):
    png = F.png_bytes(np.zeros((4, 5, 3), np.uint8))
    wav = F.wav_bytes(np.zeros(10), 22050)
    cases = {
        "images": np.array([b"5", b"4", png, png], dtype=object),
        "audio": np.array([[wav, b"l0"], [wav, b"l1"]], dtype=object),
        "text": np.array([["a", "b"], ["c", "d"]]),
        "pr_curves": np.arange(18, dtype=np.float32).reshape(6, 3),
    }
    for plugin, array in cases.items():
        value = summary_pb2.Summary.Value(tag=plugin)
        value.metadata.plugin_data.plugin_name = plugin
        value.tensor.CopyFrom(_ours(tensor_util.make_tensor_proto(array), tensor_pb2.TensorProto))
        kind, data = migrate.migrate_value(value)
        assert kind == plugin
        if plugin == "images":
            assert (data.width, data.height, data.samples) == (5, 4, 2)
            assert migrate.blob_sample(value, kind, 1) == png
        elif plugin == "audio":
            assert (data.samples, data.labels, data.sample_rate) == (2, ("l0", "l1"), 22050.0)
            assert migrate.blob_sample(value, kind, 1) == wav
        elif plugin == "text":
            assert data.tolist() == [["a", "b"], ["c", "d"]]
        else:
            np.testing.assert_array_equal(data, array)


def test_malformed_tensors_raise_value_error():
    value = summary_pb2.Summary.Value(tag="p")
    value.metadata.plugin_data.plugin_name = "pr_curves"
    value.tensor.CopyFrom(_ours(tensor_util.make_tensor_proto(np.zeros((2, 2))), tensor_pb2.TensorProto))
    with pytest.raises(ValueError, match="expected"):
        migrate.migrate_value(value)
    value.metadata.plugin_data.plugin_name = "some_new_plugin"
    assert migrate.migrate_value(value)[0] == "tensors"


def test_graph_sub_plugins_and_audio_without_labels():
    value = summary_pb2.Summary.Value(tag="keras")
    value.metadata.plugin_data.plugin_name = "graph_keras_model"
    value.tensor.CopyFrom(
        _ours(
            tensor_util.make_tensor_proto(np.array([b'{"class_name": "Seq"}'], dtype=object)),
            tensor_pb2.TensorProto,
        )
    )
    assert migrate.migrate_value(value) == ("graphs", b'{"class_name": "Seq"}')
    wav = F.wav_bytes(np.zeros(4), 8000)
    audio = summary_pb2.Summary.Value(tag="a")
    audio.metadata.plugin_data.plugin_name = "audio"
    audio.tensor.CopyFrom(
        _ours(tensor_util.make_tensor_proto(np.array([wav, wav, wav], dtype=object)), tensor_pb2.TensorProto)
    )
    kind, info = migrate.migrate_value(audio)
    assert (kind, info.samples, info.labels, info.sample_rate) == ("audio", 3, ("", "", ""), 8000.0)
    assert migrate.blob_sample(audio, "audio", 2) == wav


def test_bulk_histograms_read_like_one_at_a_time():
    """fill_bucket_rows reads the buckets straight from the wire bytes of many histograms at
    once: empty runs at either end, all-empty, NaN counts and no buckets at all must come out
    as histo_to_buckets makes them."""
    shapes = [
        [0] * 9 + [1, 2] + [0] * 6,
        [0, 0, 5, 0, 0],
        [0] * 12,
        [float("nan"), 0, 3, float("nan")],
        [4, 1],
        [],
        [0] * 30 + [7],
    ]
    histos, blobs, at = [], [], 0
    for counts in shapes:
        histo = summary_pb2.HistogramProto(
            min=-1.5, max=99.0, bucket=counts, bucket_limit=np.arange(1.0, len(counts) + 1.0)
        )
        histos.append(histo)
        blobs.append(histo.SerializeToString())
    buf = b"".join(blobs)
    limits_at, counts_at, sizes = [], [], []
    for histo, blob in zip(histos, blobs):
        n = len(histo.bucket)
        limits_at.append(at + blob.find(np.asarray(histo.bucket_limit, "<f8").tobytes()))
        counts_at.append(at + blob.find(np.asarray(histo.bucket, "<f8").tobytes()))
        sizes.append(n)
        at += len(blob)
    rows, kept = bucket_rows(
        buf,
        np.array(limits_at),
        np.array(counts_at),
        np.array(sizes),
        np.full(len(histos), -1.5),
        np.full(len(histos), 99.0),
    )
    ends = np.cumsum(kept)
    for k, histo in enumerate(histos):
        np.testing.assert_equal(rows[ends[k] - kept[k] : ends[k]], migrate.histo_to_buckets(histo))
