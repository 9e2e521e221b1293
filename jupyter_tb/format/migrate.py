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


def tensor_to_numpy(tensor) -> np.ndarray:
    """A TensorProto as a numpy array (strings as an object array of bytes)."""
    shape = tuple(d.size for d in tensor.tensor_shape.dim)
    size = int(np.prod(shape)) if shape else 1
    if tensor.dtype == types_pb2.DT_STRING:
        flat = np.empty(len(tensor.string_val), dtype=object)
        flat[:] = list(tensor.string_val)
        return _fill(flat, size).reshape(shape)
    if tensor.dtype == types_pb2.DT_BFLOAT16:
        bits = (
            np.frombuffer(tensor.tensor_content, "<u2")
            if tensor.tensor_content
            else np.asarray(tensor.half_val, np.uint32).astype(np.uint16)
        )
        flat = (bits.astype(np.uint32) << 16).view(np.float32)
        return _fill(flat, size).reshape(shape)
    dtype = _NUMPY_DTYPES.get(tensor.dtype)
    if dtype is None:
        raise ValueError(f"unsupported tensor dtype {types_pb2.DataType.Name(tensor.dtype)}")
    if tensor.tensor_content:
        flat = np.frombuffer(tensor.tensor_content, np.dtype(dtype).newbyteorder("<"))
    elif tensor.dtype == types_pb2.DT_HALF:
        flat = np.asarray(tensor.half_val, np.uint32).astype(np.uint16).view(np.float16)
    else:
        flat = np.asarray(getattr(tensor, _VALUE_FIELD[tensor.dtype]))
        if flat.dtype.kind == "f" and np.dtype(dtype).kind == "c":
            flat = flat.view(dtype) if flat.size else flat.astype(dtype)
        flat = flat.astype(dtype, copy=False)
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
    return int(np.prod([d.size for d in tensor.tensor_shape.dim])) if tensor.tensor_shape.dim else 1


# --- legacy oneofs -------------------------------------------------------------------------


def _from_simple_value(value, known_kind):
    return "scalars", float(value.simple_value)


def _from_histo(value, known_kind):
    return "histograms", histo_to_buckets(value.histo)


def histo_to_buckets(histo) -> np.ndarray:
    # Bucket i spans (limit[i-1], limit[i]]. The outermost limits may be +-DBL_MAX, so, as
    # TensorBoard does, empty buckets at both ends are dropped and the recorded min and max
    # become the outer edges (keeping every bucket's left <= right).
    limits = np.asarray(histo.bucket_limit, np.float64)
    counts = np.asarray(histo.bucket, np.float64)
    nonzero = np.flatnonzero(counts > 0)
    if not len(nonzero):
        return np.zeros((0, 3))
    first, last = int(nonzero[0]), int(nonzero[-1])
    out = np.empty((last - first + 1, 3))
    out[0, 0] = histo.min
    out[1:, 0] = limits[first:last]
    out[:-1, 1] = limits[first:last]
    out[-1, 1] = histo.max
    out[:, 2] = counts[first : last + 1]
    return out


def bucket_spans(buf, counts_at: np.ndarray, sizes: np.ndarray):
    """Which buckets each histogram keeps: (empty buckets before its first non-empty one,
    buckets from there to its last non-empty one). As TensorBoard does, empty buckets at both
    ends are dropped: the outermost limits may be +-DBL_MAX."""
    doubles = unaligned(np.frombuffer(buf, np.uint8), "<f8")
    return _nonempty_span(doubles, np.asarray(counts_at, np.int64), np.asarray(sizes, np.int64))


def fill_bucket_rows(out: np.ndarray, buf, limits_at, counts_at, lead, kept, mins, maxs) -> None:
    """Write the [left, right, count] rows of the histograms into ``out`` ((kept.sum(), 3)),
    copying the kept buckets' bytes once."""
    doubles = unaligned(np.frombuffer(buf, np.uint8), "<f8")
    for column, at in ((1, limits_at + 8 * lead), (2, counts_at + 8 * lead)):
        pieces = [doubles[a : a + 8 * n : 8] for a, n in zip(at.tolist(), kept.tolist())]
        if pieces:
            np.concatenate(pieces, out=out[:, column])
    # a bucket's left edge is the previous bucket's limit, i.e. the row above's right edge;
    # each histogram's outer edges are its recorded min and max
    out[1:, 0] = out[:-1, 1]
    ends = np.cumsum(kept)
    has = kept > 0
    out[ends[has] - kept[has], 0] = np.asarray(mins, np.float64)[has]
    out[ends[has] - 1, 1] = np.asarray(maxs, np.float64)[has]


_PROBES = 4  # empty outer buckets skipped in lockstep; longer runs are found per histogram


def _nonempty_span(doubles: np.ndarray, counts_at: np.ndarray, sizes: np.ndarray):
    """For each histogram, the number of empty buckets before its first non-empty one, and
    the number of buckets from that one to its last non-empty one (0 if all are empty)."""
    lead = _empty_run(doubles, counts_at, sizes, 8)
    rest = sizes - lead
    trail = _empty_run(doubles, counts_at + 8 * (sizes - 1), rest, -8)
    return lead, rest - trail


def _empty_run(doubles: np.ndarray, first: np.ndarray, room: np.ndarray, step: int):
    """Empty counts (not > 0: NaN is empty) in a row from byte offset ``first[i]``, moving
    ``step`` bytes at a time, at most ``room[i]``. Writers leave a bucket or two empty at an
    end (tensorboardX starts every histogram with one), so a few vectorised probes settle
    nearly all histograms; a longer run is searched histogram by histogram."""
    skip = np.zeros(len(room), np.int64)
    active = np.flatnonzero(room > 0)
    for _ in range(_PROBES):
        active = active[~(doubles[first[active] + step * skip[active]] > 0)]
        skip[active] += 1
        active = active[skip[active] < room[active]]
        if not len(active):
            return skip
    for i in active.tolist():
        at, left = int(first[i] + step * skip[i]), int(room[i] - skip[i])
        probe = doubles[at::step][:left]
        found = np.flatnonzero(probe > 0)
        skip[i] += int(found[0]) if len(found) else left
    return skip


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
    return int(np.prod(dims[1:])) if len(dims) > 1 else 1


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
