"""decode_events against the protobuf parser: random events of every shape and field order,
and files written by tensorboardX and torch.utils.tensorboard."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from google.protobuf.message import DecodeError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyter_tb._proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from jupyter_tb.format import bulk_decode, migrate
from jupyter_tb.format.bulk_decode import decode_events
from jupyter_tb.format.tfrecord import scan_records
from tests.support.bucket_rows import bucket_rows

_NP = {
    types_pb2.DT_FLOAT: "<f4",
    types_pb2.DT_DOUBLE: "<f8",
    types_pb2.DT_INT32: "<i4",
    types_pb2.DT_INT64: "<i8",
}
_VALS = {
    types_pb2.DT_FLOAT: "float_val",
    types_pb2.DT_DOUBLE: "double_val",
    types_pb2.DT_INT32: "int_val",
    types_pb2.DT_INT64: "int64_val",
}


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def field(key: int, payload: bytes) -> bytes:
    return bytes([key]) + varint(len(payload)) + payload


def reference(payload: bytes):
    """(tag, step, wall_time, value) the way a protobuf reader sees a scalar event."""
    event = event_pb2.Event.FromString(payload)
    (value,) = event.summary.value
    if value.HasField("tensor"):
        t = value.tensor
        if t.tensor_content:
            number = np.frombuffer(t.tensor_content, dtype=_NP[t.dtype])[0]
        else:
            number = getattr(t, _VALS[t.dtype])[0]
            if t.dtype == types_pb2.DT_FLOAT:
                number = np.float32(number)
    else:
        number = np.float32(value.simple_value)
    return value.tag, event.step, event.wall_time, float(number)


# ----------------------------------------------------------------------------- random events

finite_or_not = st.floats(allow_nan=True, allow_infinity=True)
tags = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["loss", "train/accuracy", "é/ü 中文 🚀", "a" * 200]),
)


@st.composite
def scalar_tensor(draw):
    """Serialized TensorProto of a scalar, in one of the encodings writers use."""
    dtype = draw(st.sampled_from(sorted(_NP)))
    if dtype == types_pb2.DT_FLOAT:
        number = float(np.float32(draw(st.floats(width=32))))
    elif dtype == types_pb2.DT_DOUBLE:
        number = draw(finite_or_not)
    elif dtype == types_pb2.DT_INT32:
        number = draw(st.integers(-(2**31), 2**31 - 1))
    else:
        number = draw(st.integers(-(2**63), 2**63 - 1))
    encoding = draw(st.sampled_from(["content", "packed", "unpacked"]))
    parts = [bytes([0x08]) + varint(dtype)]
    if draw(st.booleans()):
        parts.append(field(0x12, b""))  # explicit empty shape
    if draw(st.booleans()):
        parts.append(bytes([0x18]) + varint(draw(st.integers(0, 5))))
    if encoding == "content":
        parts.append(field(0x22, np.array([number], dtype=_NP[dtype]).tobytes()))
    elif dtype in (types_pb2.DT_FLOAT, types_pb2.DT_DOUBLE):
        fmt = "<f" if dtype == types_pb2.DT_FLOAT else "<d"
        raw = struct.pack(fmt, number)
        key = 5 if dtype == types_pb2.DT_FLOAT else 6
        if encoding == "packed":
            parts.append(field(key << 3 | 2, raw))
        else:
            parts.append(bytes([key << 3 | (5 if len(raw) == 4 else 1)]) + raw)
    else:
        key = 7 if dtype == types_pb2.DT_INT32 else 10
        if encoding == "packed":
            parts.append(field(key << 3 | 2, varint(number)))
        else:
            parts.append(bytes([key << 3]) + varint(number))
    return b"".join(draw(st.permutations(parts)))


@st.composite
def scalar_event(draw):
    """(payload, expected fast): a fast-path event in random field order, or a near miss."""
    tag = draw(tags)
    step = draw(st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(0, 300)))
    wall = draw(st.one_of(finite_or_not, st.just(0.0)))
    kind = draw(
        st.sampled_from(
            [
                "simple",
                "tensor",
                "metadata",
                "two_values",
                "vector",
                "string",
                "mismatch",
                "file_version",
                "histo",
                "extra",
            ]
        )
    )
    fast = kind in ("simple", "tensor")
    value_parts = [field(0x0A, tag.encode())]
    if kind in ("simple", "two_values", "metadata", "extra"):
        value_parts.append(bytes([0x15]) + struct.pack("<f", draw(st.floats(width=32))))
    elif kind == "tensor":
        value_parts.append(field(0x42, draw(scalar_tensor())))
    elif kind == "vector":
        t = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1.0, 2.0])
        t.tensor_shape.dim.add(size=2)
        value_parts.append(field(0x42, t.SerializeToString()))
    elif kind == "string":
        t = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"hi"])
        value_parts.append(field(0x42, t.SerializeToString()))
    elif kind == "mismatch":  # a double in a float tensor: left to the general path
        t = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, double_val=[1.5])
        value_parts.append(field(0x42, t.SerializeToString()))
    elif kind == "histo":
        h = summary_pb2.HistogramProto(min=0, max=1, num=3, bucket_limit=[1], bucket=[3])
        value_parts.append(field(0x2A, h.SerializeToString()))
    if kind == "metadata":
        meta = summary_pb2.SummaryMetadata()
        meta.plugin_data.plugin_name = "scalars"
        value_parts.append(field(0x4A, meta.SerializeToString()))
    value = b"".join(draw(st.permutations(value_parts)))
    summary = field(0x0A, value)
    if kind == "two_values":
        summary += summary
    event_parts = [field(0x2A, summary)]
    if kind == "file_version":
        event_parts = [field(0x1A, b"brain.Event:2")]
    if kind == "extra":  # a SessionLog next to the summary
        event_parts.append(field(0x32, event_pb2.SessionLog(status=1).SerializeToString()))
    if wall != 0.0 or draw(st.booleans()):
        event_parts.append(bytes([0x09]) + struct.pack("<d", wall))
    if step != 0 or draw(st.booleans()):
        event_parts.append(bytes([0x10]) + varint(step))
    return b"".join(draw(st.permutations(event_parts))), fast


def check(payloads, expect_fast=None, prefix=b"", suffix=b""):
    buf = prefix + b"".join(payloads) + suffix
    lengths = np.array([len(p) for p in payloads], dtype=np.int64)
    offsets = len(prefix) + np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    cols = decode_events(buf, offsets, lengths).scalars
    assert cols.fast.dtype == bool and len(cols.fast) == len(payloads)
    if expect_fast is not None:
        assert cols.fast.tolist() == list(expect_fast)
    rows = np.flatnonzero(cols.fast)
    assert len(cols.tag_ids) == len(cols.steps) == len(cols.wall_times) == len(rows)
    assert cols.tag_ids.dtype == np.int32 and cols.steps.dtype == np.int64
    assert cols.values.dtype == np.float64 and cols.wall_times.dtype == np.float64
    for k, row in enumerate(rows.tolist()):
        tag, step, wall, value = reference(payloads[row])
        assert cols.tag_names[cols.tag_ids[k]] == tag
        assert cols.steps[k] == step
        np.testing.assert_equal(cols.wall_times[k], wall)
        np.testing.assert_equal(cols.values[k], value)
    assert len(set(cols.tag_names)) == len(cols.tag_names)
    return cols


@settings(max_examples=150, deadline=None)
@given(st.lists(scalar_event(), min_size=1, max_size=40), st.binary(max_size=9))
def test_random_events_match_protobuf(events, prefix):
    payloads = [payload for payload, _ in events]
    check(payloads, [fast for _, fast in events], prefix=prefix)


@settings(max_examples=30, deadline=None)
@given(st.lists(scalar_event(), min_size=1, max_size=60))
def test_small_chunks_keep_tag_ids_consistent(events):
    payloads = [payload for payload, _ in events]
    saved = bulk_decode._CHUNK
    bulk_decode._CHUNK = 3
    try:
        check(payloads, [fast for _, fast in events])
    finally:
        bulk_decode._CHUNK = saved


def test_damaged_bytes_never_crash_and_never_lie():
    rng = np.random.default_rng(0)
    base = event_pb2.Event(wall_time=1.5, step=7)
    base.summary.value.add(tag="loss", simple_value=0.25)
    payload = base.SerializeToString()
    payloads = []
    for _ in range(3000):  # flip, cut or extend one byte: either decoded right or left alone
        p = bytearray(payload)
        where = int(rng.integers(len(p)))
        action = rng.integers(3)
        if action == 0:
            p[where] = int(rng.integers(256))
        elif action == 1:
            del p[where:]
        else:
            p.insert(where, int(rng.integers(256)))
        payloads.append(bytes(p))
    buf = b"".join(payloads)
    lengths = np.array([len(p) for p in payloads])
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    cols = decode_events(buf, offsets, lengths).scalars
    assert 0 < cols.fast.sum() < len(payloads)
    for k, row in enumerate(np.flatnonzero(cols.fast).tolist()):
        name = cols.tag_names[cols.tag_ids[k]]
        try:
            tag, step, wall, value = reference(payloads[row])  # must parse if we decoded it
        except DecodeError as error:  # protobuf refuses a tag that is not UTF-8; we replace
            assert "UTF-8" in str(error) and "\ufffd" in name
            continue
        assert (name, cols.steps[k]) == (tag, step)
        np.testing.assert_equal([cols.wall_times[k], cols.values[k]], [wall, value])


def _read_file(path):
    buf = path.read_bytes()
    batch = scan_records(buf)
    payloads = [buf[o : o + n] for o, n in zip(batch.offsets.tolist(), batch.lengths.tolist())]
    return payloads


def test_tensorboardx_file(tmp_path):
    from tensorboardX import SummaryWriter

    with SummaryWriter(logdir=str(tmp_path)) as writer:
        for step in range(300):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
            writer.add_scalar("é/accuracy", np.float32(step) / 300, step)
        writer.add_scalar("nan", float("nan"), -5)
        writer.add_scalar("inf", float("inf"), 2**40)
        writer.add_histogram("h", np.arange(10), 1)
    (path,) = tmp_path.glob("events.out.tfevents.*")
    payloads = _read_file(path)
    cols = check(payloads)
    assert cols.fast.sum() == 602  # everything but the file_version and histogram events
    assert set(cols.tag_names) == {"loss", "é/accuracy", "nan", "inf"}


def test_torch_file_old_and_new_style(tmp_path):
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=str(tmp_path))
    for step in range(100):
        writer.add_scalar("old", step * 0.5, step)
        writer.add_scalar("new", step * 0.25, step, new_style=True)
        writer.add_scalar("new64", step * 0.125, step, new_style=True, double_precision=True)
    writer.close()
    (path,) = tmp_path.glob("events.out.tfevents.*")
    payloads = _read_file(path)
    cols = check(payloads)
    # torch's new style carries plugin metadata in every event: that is the general path's job
    assert cols.tag_names == ["old"] and cols.fast.sum() == 100
    np.testing.assert_array_equal(cols.values, np.arange(100) * 0.5)


@pytest.mark.parametrize("dtype", sorted(_NP))
def test_tf2_style_tensor_scalars(dtype):
    """TF2 writes scalars as tensors: metadata on the first event of a tag, none after."""
    payloads = []
    for step in range(50):
        event = event_pb2.Event(wall_time=1e9 + step, step=step)
        value = event.summary.value.add(tag="tf2/metric")
        value.tensor.dtype = dtype
        value.tensor.tensor_shape.SetInParent()
        value.tensor.tensor_content = np.array([step * 3 - 7], dtype=_NP[dtype]).tobytes()
        if step == 0:
            value.metadata.plugin_data.plugin_name = "scalars"
        payloads.append(event.SerializeToString())
    cols = check(payloads)
    assert cols.fast.tolist() == [False] + [True] * 49
    np.testing.assert_array_equal(cols.values, np.arange(1, 50) * 3.0 - 7)


def test_empty_input():
    cols = decode_events(b"", np.zeros(0, np.int64), np.zeros(0, np.int64)).scalars
    assert len(cols.fast) == 0 and cols.tag_names == [] and len(cols.values) == 0


# --------------------------------------------------------------------------- histograms

_EDGE_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-12, -1.7976931348623157e308, 1.7976931348623157e308]),
)


@st.composite
def histogram_event(draw):
    """A legacy ``histo`` event: empty, one bucket, many; zero, NaN and inf counts and edges."""
    n = draw(st.sampled_from([0, 1, 2, draw(st.integers(0, 40))]))
    histo = summary_pb2.HistogramProto(
        min=draw(_EDGE_FLOATS),
        max=draw(_EDGE_FLOATS),
        num=draw(_EDGE_FLOATS),
        sum=draw(_EDGE_FLOATS),
        sum_squares=draw(_EDGE_FLOATS),
    )
    histo.bucket_limit.extend(sorted(draw(st.lists(st.floats(allow_nan=False), min_size=n, max_size=n))))
    histo.bucket.extend(
        draw(
            st.lists(
                st.one_of(
                    st.just(0.0), st.floats(0, 1e6), st.sampled_from([float("nan"), float("inf"), -1.0])
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
    event = event_pb2.Event(wall_time=draw(_EDGE_FLOATS), step=draw(st.integers(-(2**63), 2**63 - 1)))
    event.summary.value.add(tag=draw(st.sampled_from(["h", "é/weights", "x" * 200])), histo=histo)
    return event.SerializeToString()


def check_histograms(payloads):
    """Bulk decode + bulk migration equal protobuf + migrate.histo_to_buckets, record by record."""
    buf = b"".join(payloads)
    lengths = np.array([len(p) for p in payloads], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    h = decode_events(buf, offsets, lengths).histograms
    rows, sizes = bucket_rows(buf, h.limits_at, h.counts_at, h.sizes, h.stats[:, 0], h.stats[:, 1])
    ends = np.cumsum(sizes)
    for k, record in enumerate(h.rows.tolist()):
        event = event_pb2.Event.FromString(payloads[record])
        (value,) = event.summary.value
        assert value.WhichOneof("value") == "histo"
        assert (h.tag_names[h.tag_ids[k]], h.steps[k]) == (value.tag, event.step)
        np.testing.assert_equal(h.wall_times[k], event.wall_time)
        histo = value.histo
        np.testing.assert_equal(h.stats[k], [histo.min, histo.max, histo.num, histo.sum, histo.sum_squares])
        np.testing.assert_equal(rows[ends[k] - sizes[k] : ends[k]], migrate.histo_to_buckets(histo))
    return h


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(histogram_event(), scalar_event().map(lambda e: e[0])), min_size=1, max_size=30))
def test_random_histograms_match_protobuf(payloads):
    h = check_histograms(payloads)
    histos = [i for i, p in enumerate(payloads) if _is_histogram(p)]
    assert sorted(h.rows.tolist()) == histos  # every legacy histogram of this shape is decoded
    scalars = decode_events(b"".join(payloads), *_layout(payloads)).scalars
    assert not scalars.fast[histos].any()  # and none of them passes for a scalar


def _is_histogram(payload: bytes) -> bool:
    values = event_pb2.Event.FromString(payload).summary.value
    return len(values) == 1 and values[0].WhichOneof("value") == "histo"


def _layout(payloads):
    lengths = np.array([len(p) for p in payloads], dtype=np.int64)
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64), lengths


def test_histograms_of_tensorboardx_and_torch(tmp_path):
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(1)
    for name, make in (("x", lambda d: XWriter(logdir=d)), ("t", lambda d: TorchWriter(log_dir=d))):
        with make(str(tmp_path / name)) as writer:
            writer.add_histogram("normal", rng.normal(size=5000), 0)
            writer.add_histogram("one_value", np.full(10, 3.0), 1)
            writer.add_histogram("auto_bins", rng.random(100), 2, bins="auto")
            writer.add_histogram("ints", np.arange(7), 3, bins=3)
            writer.add_histogram_raw(
                "raw",
                min=0,
                max=3,
                num=4,
                sum=6,
                sum_squares=14,
                bucket_limits=[1, 2, 3],
                bucket_counts=[1, 0, 3],
                global_step=4,
            )
        (path,) = (tmp_path / name).glob("events.out.tfevents.*")
        h = check_histograms(_read_file(path))
        assert len(h.rows) == 5


# --------------------------------------------------------------------------- fixed layouts


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.integers(0, 40), st.sampled_from([0, 1, 2, 5, 10]), st.data())
def test_groups_of_one_length_match_protobuf(tag_size, step_bytes, data):
    """Many records of one length take the fixed-layout shortcut; damaged ones must not."""
    low, high = (
        (0, 0)
        if step_bytes == 0
        else (1 << 7 * (step_bytes - 1), (1 << 7 * step_bytes) - 1)
        if step_bytes < 10
        else (-(2**63), -1)
    )
    n = data.draw(st.integers(16, 60))
    payloads, damaged = [], False
    for _ in range(n):
        event = event_pb2.Event(
            wall_time=data.draw(st.floats(1e-300, 1e300)),
            step=data.draw(
                st.integers(max(low, 1) if step_bytes else 0, high)
                if step_bytes != 10
                else st.integers(low, high)
            ),
        )
        tag = data.draw(st.text("ab/_", min_size=tag_size, max_size=tag_size))
        event.summary.value.add(tag=tag, simple_value=data.draw(st.floats(width=32)))
        payload = bytearray(event.SerializeToString())
        if data.draw(st.integers(0, 4)) == 0:  # damage one byte of some records
            payload[data.draw(st.integers(0, len(payload) - 1))] = data.draw(st.integers(0, 255))
            damaged = True
        payloads.append(bytes(payload))
    parsable = []
    for p in payloads:
        try:
            event_pb2.Event.FromString(p)
            parsable.append(p)
        except DecodeError:
            pass
    if not parsable:
        return
    cols = check(parsable)
    if tag_size and not damaged:  # all decoded (by the shortcut or the general walk)
        assert cols.fast.all()
