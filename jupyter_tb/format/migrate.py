"""Summary values, legacy or modern, turned into one modern form per kind.

TensorBoard has two generations of summaries. TF1-era writers (and tensorboardX, torch by
default) use the ``Summary.Value`` oneof fields ``simple_value``, ``histo``, ``image`` and
``audio``; TF2 writes a ``tensor`` whose meaning comes from
``metadata.plugin_data.plugin_name``, a field written on the FIRST value of a tag only. The
caller therefore remembers the kind per (run, tag) and passes it back in as ``known_kind``.

:func:`migrate_value` dispatches on the value's oneof in :data:`_BY_ONEOF`; tensors dispatch on
the plugin kind in :data:`_BY_PLUGIN`. Each handler returns a small ``(kind, data)`` pair:

=============== =====================================================================
kind            data
=============== =====================================================================
scalars         float
histograms      float64 array (k, 3) of [left, right, count] rows
images          :class:`BlobInfo` (width, height, samples; bytes stay in the file)
audio           :class:`BlobInfo` (sample_rate, labels, samples; bytes stay in the file)
pr_curves       float64 array (6, n_thresholds): TP, FP, TN, FN, precision, recall
text            str, or an array of str for table-shaped text
hparams         None (the information is the tag's metadata)
custom_scalars  plugins_pb2.Layout
mesh, tensors   numpy array
graphs          bytes (RunMetadata or Keras model JSON from TF2's graph sub-plugins)
=============== =====================================================================
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from jupyter_tb._proto import plugins_pb2, summary_pb2, types_pb2
from jupyter_tb.format.tfrecord import unaligned

CUSTOM_SCALARS_TAG = "custom_scalars__config__"

_NUMPY_DTYPES = {
    types_pb2.DT_FLOAT: np.float32,
    types_pb2.DT_DOUBLE: np.float64,
    types_pb2.DT_INT32: np.int32,
    types_pb2.DT_UINT8: np.uint8,
    types_pb2.DT_INT16: np.int16,
    types_pb2.DT_INT8: np.int8,
    types_pb2.DT_INT64: np.int64,
    types_pb2.DT_BOOL: np.bool_,
    types_pb2.DT_UINT16: np.uint16,
    types_pb2.DT_HALF: np.float16,
    types_pb2.DT_UINT32: np.uint32,
    types_pb2.DT_UINT64: np.uint64,
    types_pb2.DT_COMPLEX64: np.complex64,
    types_pb2.DT_COMPLEX128: np.complex128,
}
# which repeated *_val field holds each dtype when tensor_content is empty
_VALUE_FIELD = {
    types_pb2.DT_FLOAT: "float_val",
    types_pb2.DT_DOUBLE: "double_val",
    types_pb2.DT_INT32: "int_val",
    types_pb2.DT_UINT8: "int_val",
    types_pb2.DT_INT16: "int_val",
    types_pb2.DT_INT8: "int_val",
    types_pb2.DT_INT64: "int64_val",
    types_pb2.DT_BOOL: "bool_val",
    types_pb2.DT_UINT16: "int_val",
    types_pb2.DT_UINT32: "uint32_val",
    types_pb2.DT_UINT64: "uint64_val",
    types_pb2.DT_COMPLEX64: "scomplex_val",
    types_pb2.DT_COMPLEX128: "dcomplex_val",
}


@dataclass(frozen=True)
class BlobInfo:
    """What the store keeps of an image or audio value; the encoded bytes stay in the file."""

    samples: int
    width: int = 0
    height: int = 0
    sample_rate: float = 0.0
    labels: tuple = ()
    content_type: str = ""


# TensorFlow may leave out a tensor's repeated trailing values (a short *_val field), so a
# few values can stand for many; but a ~30-byte record must not cost gigabytes: padding beyond
# what the bytes hold is allowed only up to this many elements.
MAX_PADDED_ELEMENTS = 1 << 16


def tensor_shape(tensor) -> tuple[int, ...]:
    """The tensor's dimensions, checked: no negative (unknown) sizes."""
    shape = tuple(d.size for d in tensor.tensor_shape.dim)
    if any(size < 0 for size in shape):
        raise ValueError(f"tensor shape {list(shape)} has an unknown dimension")
    return shape


def _backed(size: int, present: int, exact: bool) -> None:
    """Refuse a shape claiming more elements than the bytes present can back (see
    MAX_PADDED_ELEMENTS); ``exact``: the bytes must hold every element (tensor_content)."""
    if size > present and (exact or size > max(present, MAX_PADDED_ELEMENTS)):
        raise ValueError(f"tensor shape claims {size} elements but its bytes hold {present}; skipped")


def tensor_to_numpy(tensor) -> np.ndarray:
    """A TensorProto as a numpy array (strings as an object array of bytes)."""
    shape = tensor_shape(tensor)
    size = math.prod(shape)
    if tensor.dtype == types_pb2.DT_STRING:
        _backed(size, len(tensor.string_val), exact=False)
        flat = np.empty(len(tensor.string_val), dtype=object)
        flat[:] = list(tensor.string_val)
        return _fill(flat, size).reshape(shape)
    if tensor.dtype == types_pb2.DT_BFLOAT16:
        content = bool(tensor.tensor_content)
        bits = (
            np.frombuffer(tensor.tensor_content, "<u2")
            if content
            else np.asarray(tensor.half_val, np.uint32).astype(np.uint16)
        )
        _backed(size, len(bits), exact=content)
        flat = (bits.astype(np.uint32) << 16).view(np.float32)
        return _fill(flat, size).reshape(shape)
    dtype = _NUMPY_DTYPES.get(tensor.dtype)
    if dtype is None:
        raise ValueError(f"unsupported tensor dtype {types_pb2.DataType.Name(tensor.dtype)}")
    if tensor.tensor_content:
        content = tensor.tensor_content
        itemsize = np.dtype(dtype).itemsize
        _backed(size, len(content) // itemsize, exact=True)
        flat = np.frombuffer(content, np.dtype(dtype).newbyteorder("<"), count=len(content) // itemsize)
    elif tensor.dtype == types_pb2.DT_HALF:
        flat = np.asarray(tensor.half_val, np.uint32).astype(np.uint16).view(np.float16)
    else:
        flat = np.asarray(getattr(tensor, _VALUE_FIELD[tensor.dtype]))
        if flat.dtype.kind == "f" and np.dtype(dtype).kind == "c":
            flat = flat.view(dtype) if flat.size else flat.astype(dtype)
        flat = flat.astype(dtype, copy=False)
    _backed(size, len(flat), exact=False)
    return _fill(flat, size).reshape(shape)


def _fill(flat: np.ndarray, size: int) -> np.ndarray:
    # TensorFlow stores a tensor whose trailing values repeat with the repeat left out.
    if len(flat) == size:
        return flat
    if len(flat) == 0:
        return np.zeros(size, dtype=flat.dtype) if flat.dtype != object else np.full(size, b"", object)
    if len(flat) > size:
        return flat[:size]
    return np.concatenate([flat, np.full(size - len(flat), flat[-1], dtype=flat.dtype)])


def plugin_kind(value, known_kind: str | None) -> str:
    """The kind of a value: its oneof for legacy values, else the tag's plugin name."""
    oneof = value.WhichOneof("value")
    if oneof in _LEGACY_KIND:
        return _LEGACY_KIND[oneof]
    name = value.metadata.plugin_data.plugin_name if value.HasField("metadata") else ""
    if name in GRAPH_PLUGINS:
        return "graphs"
    if name:
        return name if name in _BY_PLUGIN and name != "graphs" else "tensors"
    if known_kind:
        return known_kind
    # no metadata ever: a single number reads as a scalar, anything else as a tensor
    if oneof == "tensor" and value.tensor.dtype != types_pb2.DT_STRING and _num_elements(value.tensor) == 1:
        return "scalars"
    return "tensors"


def metadata_for(value, kind: str):
    """The metadata a tag keeps: the value's own, or a synthesized one for legacy values."""
    if value.HasField("metadata") and value.metadata.plugin_data.plugin_name:
        return value.metadata
    metadata = summary_pb2.SummaryMetadata()
    metadata.CopyFrom(value.metadata)
    metadata.plugin_data.plugin_name = kind
    return metadata


def migrate_value(value, known_kind: str | None = None) -> tuple[str, object] | None:
    """``(kind, data)`` for one Summary.Value, or None for values nothing can show."""
    oneof = value.WhichOneof("value")
    handler = _BY_ONEOF.get(oneof)
    if handler is None:
        return None
    return handler(value, known_kind)


def _num_elements(tensor) -> int:
    return math.prod(d.size for d in tensor.tensor_shape.dim)


# --- legacy oneofs -------------------------------------------------------------------------


def _from_simple_value(value, known_kind):
    return "scalars", float(value.simple_value)


def _from_histo(value, known_kind):
    return "histograms", histo_to_buckets(value.histo)


def histo_to_buckets(histo) -> np.ndarray:
    """A legacy HistogramProto as [left, right, count] rows, as TensorBoard's data server
    reads it: bucket i spans (limit[i-1], limit[i]]; every bucket is kept, the first one's left
    edge is the recorded min and the last one's right edge the recorded max (the outermost
    limits may be +-DBL_MAX). An empty outer bucket may so come out backwards (left > right);
    it holds nothing, and the views draw exactly TensorBoard's bars from these edges."""
    limits = np.asarray(histo.bucket_limit, np.float64)
    counts = np.asarray(histo.bucket, np.float64)
    if len(limits) != len(counts):
        raise ValueError(f"histogram has {len(limits)} bucket limits for {len(counts)} buckets")
    out = np.empty((len(counts), 3))
    _edges_from_limits(out, limits, histo.min, histo.max)
    out[:, 2] = counts
    return out


def _edges_from_limits(out: np.ndarray, limits: np.ndarray, low: float, high: float) -> None:
    """Left and right columns of one histogram's rows from its right-edge limits."""
    if len(out):
        out[:, 1] = limits
        out[1:, 0] = limits[:-1]
        out[0, 0], out[-1, 1] = low, high


def fill_bucket_rows(out: np.ndarray, buf, limits_at, counts_at, sizes, mins, maxs) -> None:
    """Write the [left, right, count] rows of many legacy histograms into ``out``
    ((sizes.sum(), 3)) straight from their packed fields in ``buf``, as :func:`histo_to_buckets`
    reads one."""
    doubles = unaligned(np.frombuffer(buf, np.uint8), "<f8")
    for column, at in ((1, limits_at), (2, counts_at)):
        pieces = [doubles[a : a + 8 * n : 8] for a, n in zip(at.tolist(), sizes.tolist())]
        if pieces:
            np.concatenate(pieces, out=out[:, column])
    # a bucket's left edge is the previous bucket's limit, i.e. the row above's right edge;
    # each histogram's outer edges are its recorded min and max
    out[1:, 0] = out[:-1, 1]
    ends = np.cumsum(sizes)
    has = sizes > 0
    out[ends[has] - sizes[has], 0] = np.asarray(mins, np.float64)[has]
    out[ends[has] - 1, 1] = np.asarray(maxs, np.float64)[has]


def _from_image(value, known_kind):
    image = value.image
    return "images", BlobInfo(
        samples=1,
        width=image.width,
        height=image.height,
        content_type=sniff_content_type(image.encoded_image_string),
    )


def _from_audio(value, known_kind):
    audio = value.audio
    return "audio", BlobInfo(
        samples=1,
        sample_rate=float(audio.sample_rate),
        labels=("",),
        content_type=audio.content_type or "audio/wav",
    )


def _from_metadata_only(value, known_kind):
    # hparams summaries carry everything in the metadata and set no value at all
    kind = plugin_kind(value, known_kind)
    return (kind, None) if kind == "hparams" else None


def _from_tensor(value, known_kind):
    kind = plugin_kind(value, known_kind)
    return kind, _BY_PLUGIN[kind](value)


# --- tensors, by plugin --------------------------------------------------------------------


def _scalar_tensor(value):
    array = tensor_to_numpy(value.tensor)
    if array.size != 1:
        raise ValueError(f"scalar summary {value.tag!r} holds {array.size} values")
    return float(array.reshape(-1)[0].real)


def _histogram_tensor(value):
    array = tensor_to_numpy(value.tensor).astype(np.float64)
    if array.size == 0:
        return np.zeros((0, 3))
    if array.ndim != 2 or array.shape[1] != 3:
        raise ValueError(f"histogram {value.tag!r} has shape {array.shape}, expected (k, 3)")
    return array


def _image_tensor(value):
    # [width, height, encoded_0, encoded_1, ...] as strings
    strings = value.tensor.string_val
    if len(strings) < 2:
        raise ValueError(f"image summary {value.tag!r} has no width/height")
    first = strings[2] if len(strings) > 2 else b""
    return BlobInfo(
        samples=len(strings) - 2,
        width=int(strings[0] or 0),
        height=int(strings[1] or 0),
        content_type=sniff_content_type(first),
    )


def _audio_tensor(value):
    # [[wav, label], ...] (or [wav, ...] from older writers); only the first axis is clips.
    # The sample rate is not in the summary: it is in each WAV header.
    strings = value.tensor.string_val
    dims = [d.size for d in value.tensor.tensor_shape.dim]
    stride = _audio_stride(dims)
    wavs = strings[::stride]
    labels = [s.decode("utf-8", "replace") for s in strings[1::stride]] if stride == 2 else [""] * len(wavs)
    return BlobInfo(
        samples=len(wavs),
        sample_rate=wav_sample_rate(wavs[0]) if wavs else 0.0,
        labels=tuple(labels),
        content_type="audio/wav",
    )


def _audio_stride(dims) -> int:
    return max(1, math.prod(dims[1:]))


def _text_tensor(value):
    array = tensor_to_numpy(value.tensor)
    decoded = (
        np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(array)
        if array.size
        else array.astype(object)
    )
    if decoded.ndim == 0 or decoded.shape == (1,):  # tensorboardX writes one string as shape [1]
        return str(decoded.reshape(-1)[0])
    return decoded.astype(str)


def _pr_curve_tensor(value):
    array = tensor_to_numpy(value.tensor).astype(np.float64)
    if array.ndim != 2 or array.shape[0] != 6:
        raise ValueError(f"pr_curve {value.tag!r} has shape {array.shape}, expected (6, n)")
    return array


def _custom_scalars_tensor(value):
    layout = plugins_pb2.Layout()
    strings = value.tensor.string_val
    if strings:
        layout.ParseFromString(strings[0])
    return layout


def _graph_blob(value):
    # TF2's trace_export (RunMetadata, with or without graphs) and Keras' model config: one
    # serialized blob, kept as bytes for the graph view to interpret
    strings = value.tensor.string_val
    return strings[0] if strings else b""


def _plain_tensor(value):
    return tensor_to_numpy(value.tensor)


def _nothing(value):
    return None


_LEGACY_KIND = {"simple_value": "scalars", "histo": "histograms", "image": "images", "audio": "audio"}

_BY_ONEOF: dict[str, Callable] = {
    "simple_value": _from_simple_value,
    "histo": _from_histo,
    "image": _from_image,
    "audio": _from_audio,
    "tensor": _from_tensor,
    None: _from_metadata_only,
}

# by the plugin names TensorBoard's plugins register; anything else is kept as generic tensors
_BY_PLUGIN: dict[str, Callable] = {
    "scalars": _scalar_tensor,
    "histograms": _histogram_tensor,
    "images": _image_tensor,
    "audio": _audio_tensor,
    "text": _text_tensor,
    "pr_curves": _pr_curve_tensor,
    "hparams": _nothing,
    "custom_scalars": _custom_scalars_tensor,
    "mesh": _plain_tensor,
    "tensors": _plain_tensor,
    "graphs": _graph_blob,
}
# TensorBoard's graph plugin reads these plugin names too; here they are "graphs" tags
GRAPH_PLUGINS = ("graph_run_metadata", "graph_run_metadata_graph", "graph_keras_model")


# --- blobs ---------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"RIFF", "audio/wav"),
    (b"BM", "image/bmp"),
)


def sniff_content_type(data: bytes) -> str:
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def wav_sample_rate(wav: bytes) -> float:
    # RIFF header: the fmt chunk's sample rate sits at byte 24 in a canonical WAV
    if len(wav) >= 28 and wav[:4] == b"RIFF" and wav[12:16] == b"fmt ":
        return float(struct.unpack_from("<I", wav, 24)[0])
    return 0.0


def blob_sample(value, kind: str, sample: int) -> bytes:
    """The encoded bytes of one sample of an image or audio value of the given kind."""
    oneof = value.WhichOneof("value")
    if oneof in ("image", "audio"):
        if sample != 0:
            raise IndexError(f"legacy {kind} values hold one sample")
        return value.image.encoded_image_string if oneof == "image" else value.audio.encoded_audio_string
    tensor = value.tensor
    strings = tensor.string_val
    if kind == "images":
        return strings[2 + sample]
    return strings[_audio_stride([d.size for d in tensor.tensor_shape.dim]) * sample]
