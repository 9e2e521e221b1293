"""Hostile event-file records, built byte by byte, for the reader's tests and
``benchmarks/bench_hostile.py``: each is small on disk and lies about a size."""

from __future__ import annotations

from jupyter_tb._proto import event_pb2, summary_pb2, types_pb2
from jupyter_tb.format.crc import masked_crc32c
from jupyter_tb.format.tfrecord import encode_record

# the kinds whose tensor shape a record can lie about: plugin, dtype, shape for n elements
CLAIMS = {
    "histogram": ("histograms", types_pb2.DT_DOUBLE, lambda n: [n, 3]),
    "text": ("text", types_pb2.DT_STRING, lambda n: [n]),
    "pr_curves": ("pr_curves", types_pb2.DT_FLOAT, lambda n: [6, n]),
    "scalars": ("scalars", types_pb2.DT_FLOAT, lambda n: [n]),
    "mesh": ("mesh", types_pb2.DT_FLOAT, lambda n: [1, n, 3]),
}


def scalar_records(first: int, count: int, tag: str = "good") -> bytes:
    """``count`` good scalar events, steps ``first`` on, value = step."""
    out = []
    for step in range(first, first + count):
        event = event_pb2.Event(wall_time=1.0 + step, step=step)
        event.summary.value.add(tag=tag, simple_value=float(step))
        out.append(encode_record(event.SerializeToString()))
    return b"".join(out)


def claim_record(kind: str, claimed: int, step: int = 0) -> bytes:
    """A ~30-byte tensor value whose shape claims ``claimed`` elements but holds one."""
    plugin, dtype, shape = CLAIMS[kind]
    value = summary_pb2.Summary.Value(tag=f"bad_{kind}")
    value.metadata.plugin_data.plugin_name = plugin
    value.tensor.dtype = dtype
    for size in shape(claimed):
        value.tensor.tensor_shape.dim.add(size=size)
    if dtype == types_pb2.DT_STRING:
        value.tensor.string_val.append(b"x")
    elif dtype == types_pb2.DT_DOUBLE:
        value.tensor.double_val.append(1.0)
    else:
        value.tensor.float_val.append(1.0)
    event = event_pb2.Event(wall_time=1.0, step=step)
    event.summary.value.append(value)
    return encode_record(event.SerializeToString())


def lying_header(length: int) -> bytes:
    """A record header whose length field says ``length``, with a valid CRC of that field."""
    field = length.to_bytes(8, "little")
    return field + masked_crc32c(field).to_bytes(4, "little")


def empty_records(count: int) -> bytes:
    """``count`` valid records of zero bytes (an Event with nothing in it)."""
    return encode_record(b"") * count
