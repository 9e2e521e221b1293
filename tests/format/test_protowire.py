"""Protobuf wire helpers against protobuf's own serializer, and the numpy variants against the
scalar ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyter_tb._proto import event_pb2
from jupyter_tb.format import protowire
from jupyter_tb.format.tfrecord import unaligned

INT64 = st.integers(-(2**63), 2**63 - 1)


@given(INT64.filter(bool))
def test_encode_varint_is_what_protobuf_writes(n):
    assert event_pb2.Event(step=n).SerializeToString() == b"\x10" + protowire.encode_varint(n)


@given(INT64, st.binary(max_size=3))
def test_decode_varint_reads_what_encode_wrote(n, rest):
    data = b"\xff" + protowire.encode_varint(n) + rest
    value, after = protowire.decode_varint(data, 1)
    assert value == n & (2**64 - 1) and after == len(data) - len(rest)


def test_decode_varint_cut_short_raises():
    with pytest.raises(IndexError):
        protowire.decode_varint(b"\x80\x80", 0)


def test_field_keys():
    assert protowire.field_key(1, protowire.FIXED64) == 0x09
    assert protowire.field_key(2, protowire.VARINT) == 0x10
    assert protowire.field_key(5, protowire.LENGTH_DELIMITED) == 0x2A
    assert protowire.field_key(2, protowire.FIXED32) == 0x15


def test_message_fields_of_an_event():
    event = event_pb2.Event(wall_time=1.5, step=-3)
    event.summary.value.add(tag="a", simple_value=2.0)
    event.summary.value.add(tag="b", simple_value=3.0)
    fields = protowire.message_fields(event.SerializeToString())
    assert fields[1] == [int.from_bytes(np.float64(1.5).tobytes(), "little")]
    assert fields[2] == [2**64 - 3]
    assert sorted(fields) == [1, 2, 5]
    values = protowire.message_fields(fields[5][0])[1]  # repeated Summary.value, in order
    assert [protowire.message_fields(v)[1] for v in values] == [[b"a"], [b"b"]]
    (simple,) = protowire.message_fields(values[1])[2]  # fixed32
    assert np.uint32(simple).view(np.float32) == 3.0


def test_message_fields_rejects_groups():
    with pytest.raises(ValueError, match="wire type 3"):
        protowire.message_fields(bytes([protowire.field_key(1, 3)]))


@settings(max_examples=50, deadline=None)
@given(st.lists(INT64, min_size=1, max_size=40))
def test_array_variants_agree_with_the_scalar_ones(numbers):
    encoded = [protowire.encode_varint(n) for n in numbers]
    buf = b"".join(encoded)
    u8 = np.frombuffer(buf, np.uint8)
    ends = np.cumsum([len(e) for e in encoded])
    pos = ends - [len(e) for e in encoded]
    values, after, good = protowire.decode_varint_array(u8, pos, ends)
    expected = np.array([n & (2**64 - 1) for n in numbers], np.uint64)
    assert good.all() and (after == ends).all()
    np.testing.assert_array_equal(values, expected)
    sizes = protowire.varint_size_array(expected)
    assert sizes.tolist() == [len(e) for e in encoded]
    for size in set(sizes.tolist()):
        same = np.flatnonzero(sizes == size)
        rows = protowire.encode_sized_varint_array(expected[same], size)
        assert [row.tobytes() for row in rows] == [encoded[i] for i in same]
        padded = np.frombuffer(buf + bytes(8), np.uint8)  # the sized reader wants 8 bytes a word
        decoded = protowire.decode_sized_varint_array(unaligned(padded, "<u8"), pos[same], size)
        np.testing.assert_array_equal(decoded, expected[same].view(np.int64))


def test_sized_varints_at_the_very_end_of_the_buffer():
    buf = b"\x01" * 9 + protowire.encode_varint(300)  # the last varint ends the buffer
    words = unaligned(np.frombuffer(buf, np.uint8), "<u8")
    assert protowire.decode_sized_varint_array(words, np.array([9]), 2).tolist() == [300]


def test_decode_varint_array_flags_what_is_not_a_varint():
    u8 = np.frombuffer(b"\x80\x01" + b"\xff" * 11 + b"\x01" + b"\x80", np.uint8)
    pos = np.array([0, 2, 14])
    end = np.array([1, 14, 15])  # the first runs past its end, the second is 12 bytes long
    _, _, good = protowire.decode_varint_array(u8, pos, end)
    assert good.tolist() == [False, False, False]
