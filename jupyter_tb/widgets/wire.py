"""Wire form of numpy arrays: ``{buffer: i, dtype, shape}`` in the JSON plus binary buffers.

Widgets never put float lists into JSON. :func:`pack` walks a message (dicts, lists and
tuples), replaces every numpy array by a small descriptor that names its position in the
buffer list, and returns the buffers as contiguous little-endian memoryviews that the comm
sends as binary frames. The JS side (``js/src/lib/wire.js``) turns each descriptor back into
a typed array over the same bytes (honouring byteOffset and length).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# dtypes the browser has typed arrays for; 64-bit integers become float64 because JS numbers
# are exact to 2**53 (steps and counts never come close) and BigInt arrays are awkward to draw.
_WIRE_DTYPES = {
    np.dtype("float64"): "float64",
    np.dtype("float32"): "float32",
    np.dtype("int32"): "int32",
    np.dtype("uint32"): "uint32",
    np.dtype("int16"): "int16",
    np.dtype("uint16"): "uint16",
    np.dtype("int8"): "int8",
    np.dtype("uint8"): "uint8",
}


def wire_array(array: np.ndarray) -> tuple[np.ndarray, str]:
    """The array converted to a dtype the browser reads, little-endian and C-contiguous."""
    array = np.asarray(array)
    if array.dtype == np.bool_:
        array = array.astype(np.uint8)
    native = array.dtype.newbyteorder("=") if array.dtype.byteorder not in "=|" else array.dtype
    name = _WIRE_DTYPES.get(native)
    if name is None:  # int64, uint64, float16, ...
        array, name = array.astype(np.float64), "float64"
    array = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<"), copy=False))
    return array, name


def pack(message: Any) -> tuple[Any, list[memoryview]]:
    """Return ``(json_message, buffers)`` with every numpy array moved into ``buffers``.

    ``bytes``/``bytearray``/``memoryview`` values are moved too, described as uint8 arrays.
    """
    buffers: list[memoryview] = []

    def walk(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            array, dtype = wire_array(value)
            buffers.append(memoryview(array).cast("B"))
            return {"buffer": len(buffers) - 1, "dtype": dtype, "shape": list(array.shape)}
        if isinstance(value, (bytes, bytearray, memoryview)):
            view = memoryview(value).cast("B")
            buffers.append(view)
            return {"buffer": len(buffers) - 1, "dtype": "uint8", "shape": [view.nbytes]}
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(item) for item in value]
        if isinstance(value, np.generic):
            return value.item()
        return value

    return walk(message), buffers


def unpack(message: Any, buffers: list) -> Any:
    """Inverse of :func:`pack` (used by tests and by requests that carry arrays)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"buffer", "dtype", "shape"} and isinstance(value["buffer"], int):
                raw = buffers[value["buffer"]]
                return np.frombuffer(raw, dtype=np.dtype(value["dtype"]).newbyteorder("<")).reshape(
                    value["shape"]
                )
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(message)


def message_nbytes(message: Any, buffers: list) -> int:
    """Approximate bytes on the wire: JSON text plus binary frames (for throttling/benchmarks)."""
    import json

    return len(json.dumps(message)) + sum(memoryview(b).nbytes for b in buffers)
