"""TensorFlow profiler XSpaces built by hand (xplane.proto's field numbers, written with the
wire helpers): shapes a CPU-only machine cannot record (GPU planes, kernels tied to launches by
correlation ids) and wire corner cases (negative int64, long lengths, unknown fields)."""

from __future__ import annotations

import struct

from jupyter_tb.format.protowire import FIXED64, LENGTH_DELIMITED, VARINT, encode_varint, field_key


def varint_field(number: int, value: int) -> bytes:
    return encode_varint(field_key(number, VARINT)) + encode_varint(value)


def bytes_field(number: int, payload: bytes | str) -> bytes:
    payload = payload.encode() if isinstance(payload, str) else payload
    return encode_varint(field_key(number, LENGTH_DELIMITED)) + encode_varint(len(payload)) + payload


def stat(metadata_id: int, value) -> bytes:
    """An XStat: float -> double, int -> int64, str -> str_value, ("ref", id) -> ref_value,
    ("uint", n) -> uint64_value, bytes -> bytes_value."""
    out = varint_field(1, metadata_id)
    if isinstance(value, float):
        return out + encode_varint(field_key(2, FIXED64)) + struct.pack("<d", value)
    if isinstance(value, tuple):
        return out + varint_field(7 if value[0] == "ref" else 3, value[1])
    if isinstance(value, int):
        return out + varint_field(4, value)
    return out + bytes_field(6 if isinstance(value, bytes) else 5, value)


def event(
    metadata_id: int, offset_ps: int, duration_ps: int, stats=(), occurrences: int | None = None
) -> bytes:
    out = varint_field(1, metadata_id)
    out += varint_field(5, occurrences) if occurrences is not None else varint_field(2, offset_ps)
    out += varint_field(3, duration_ps)
    return out + b"".join(bytes_field(4, stat(*s)) for s in stats)


def line(line_id: int, name: str, timestamp_ns: int, events=(), display_name: str = "") -> bytes:
    out = varint_field(1, line_id) + bytes_field(2, name) + varint_field(3, timestamp_ns)
    out += b"".join(bytes_field(4, e) for e in events)
    out += varint_field(9, 10**12)  # duration_ps, after the events as TensorFlow writes it
    return out + (bytes_field(11, display_name) if display_name else b"")


def plane(
    name: str, lines=(), event_names: dict | None = None, stat_names: dict | None = None, stats=()
) -> bytes:
    """``event_names``: {id: name or (name, display_name)}; ``stat_names``: {id: name}."""
    out = varint_field(1, 0) + bytes_field(2, name)
    out += b"".join(bytes_field(3, body) for body in lines)
    for key, text in (event_names or {}).items():
        text, display = text if isinstance(text, tuple) else (text, "")
        body = varint_field(1, key) + bytes_field(2, text) + (bytes_field(4, display) if display else b"")
        out += bytes_field(4, varint_field(1, key) + bytes_field(2, body))
    for key, text in (stat_names or {}).items():
        out += bytes_field(
            5, varint_field(1, key) + bytes_field(2, varint_field(1, key) + bytes_field(2, text))
        )
    return out + b"".join(bytes_field(6, stat(*s)) for s in stats)


def xspace(*planes: bytes, hostnames=("host",)) -> bytes:
    return b"".join(bytes_field(1, p) for p in planes) + b"".join(bytes_field(4, h) for h in hostnames)


def gpu_space() -> bytes:
    """Two steps on the host's python thread; per step one op launching a kernel (correlation
    ids 1, 3) and a memcpy (2, 4) on stream 7 of GPU 0. Times in ps."""
    host_events, kernels = [], []
    for step in range(2):
        base = 1_000_000 * step
        host_events.append(event(1, base, 900_000, [(1, step)]))  # train, step_num
        host_events.append(event(2, base + 10_000, 200_000))  # MatMul:MatMul
        host_events.append(event(3, base + 20_000, 50_000, [(2, ("uint", 1 + 2 * step))]))  # launch
        host_events.append(event(4, base + 300_000, 40_000, [(2, ("uint", 2 + 2 * step))]))  # memcpy call
        kernels.append(event(1, base + 100_000, 70_000, [(1, ("uint", 1 + 2 * step))]))
        kernels.append(event(2, base + 400_000, 30_000, [(1, ("uint", 2 + 2 * step))]))
    host = plane(
        "/host:CPU",
        [line(1, "python", 0, host_events)],
        {1: "train", 2: "MatMul:MatMul", 3: "cudaLaunchKernel", 4: "cudaMemcpyAsync"},
        {1: "step_num", 2: "correlation_id"},
    )
    device = plane(
        "/device:GPU:0",
        [line(7, "Stream #7(Compute)", 0, kernels)],
        {1: "volta_sgemm_128x64_nn", 2: "MemcpyH2D"},
        {1: "correlation_id"},
    )
    return xspace(host, device)
