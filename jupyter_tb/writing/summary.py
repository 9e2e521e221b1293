"""Values -> ``Summary`` protos, one pure function per kind. No I/O, no clocks (except hparams
session times, passed in), no global state.

The layouts are TensorBoard's, so its plugins read what we write:

- scalars: legacy ``simple_value`` (what tensorboardX and torch write) or, ``new_style``, a
  0-d float tensor with plugin ``scalars``;
- histograms: legacy ``HistogramProto`` (``bucket_limit`` holds right edges; TensorBoard takes
  ``min`` as the first left edge and ``max`` as the last right edge);
- images / video: ``Summary.Image`` holding PNG / GIF bytes;
- audio: ``Summary.Audio`` holding 16-bit PCM WAV bytes;
- text: a string tensor with plugin ``text`` (tag suffixed ``/text_summary`` like torch);
- pr_curves: a float tensor ``[6, num_thresholds]``, rows TP, FP, TN, FN, precision, recall;
- custom_scalars: a serialized ``Layout`` in a string tensor under ``custom_scalars__config__``;
- mesh: three tensors ``<tag>_VERTEX/_FACE/_COLOR`` with ``MeshPluginData``;
- hparams: three metadata-only values (with TensorBoard's empty float tensor) under
  ``_hparams_/experiment``, ``_hparams_/session_start_info``, ``_hparams_/session_end_info``.
"""

from __future__ import annotations

import io
import json
import math
import wave

import numpy as np

from jupyter_tb._arrays import to_float, to_numpy
from jupyter_tb._proto import (
    hparams_pb2,
    plugins_pb2,
    summary_pb2,
    tensor_pb2,
    tensor_shape_pb2,
    types_pb2,
)

Summary = summary_pb2.Summary
Value = summary_pb2.Summary.Value

CUSTOM_SCALARS_TAG = "custom_scalars__config__"
HPARAMS_EXPERIMENT_TAG = "_hparams_/experiment"
HPARAMS_SESSION_START_TAG = "_hparams_/session_start_info"
HPARAMS_SESSION_END_TAG = "_hparams_/session_end_info"

# Refuse images beyond this many pixels (a 16k x 16k canvas) before spending minutes and
# gigabytes encoding something no browser will show; protobuf also caps a message at 2 GiB.
MAX_IMAGE_PIXELS = 1 << 28


def _metadata(plugin_name: str, content: bytes = b"", **fields) -> summary_pb2.SummaryMetadata:
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content),
        **fields,
    )


# --------------------------------------------------------------------------- tensors

_DTYPES = {
    np.dtype(np.float16): types_pb2.DT_HALF,
    np.dtype(np.float32): types_pb2.DT_FLOAT,
    np.dtype(np.float64): types_pb2.DT_DOUBLE,
    np.dtype(np.int8): types_pb2.DT_INT8,
    np.dtype(np.int16): types_pb2.DT_INT16,
    np.dtype(np.int32): types_pb2.DT_INT32,
    np.dtype(np.int64): types_pb2.DT_INT64,
    np.dtype(np.uint8): types_pb2.DT_UINT8,
    np.dtype(np.uint16): types_pb2.DT_UINT16,
    np.dtype(np.uint32): types_pb2.DT_UINT32,
    np.dtype(np.uint64): types_pb2.DT_UINT64,
    np.dtype(np.bool_): types_pb2.DT_BOOL,
    np.dtype(np.complex64): types_pb2.DT_COMPLEX64,
    np.dtype(np.complex128): types_pb2.DT_COMPLEX128,
}


def tensor_proto(values) -> tensor_pb2.TensorProto:
    """A ``TensorProto`` of any numeric, bool or string array (``tensor_content`` bytes,
    little-endian, as TensorFlow's ``make_tensor_proto`` writes numeric arrays)."""
    array = values if isinstance(values, np.ndarray) else _any_to_numpy(values)
    shape = tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=n) for n in array.shape]
    )
    if array.dtype.kind in "USO":
        strings = [
            item if isinstance(item, bytes) else str(item).encode("utf-8")
            for item in array.reshape(-1).tolist()
        ]
        return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, tensor_shape=shape, string_val=strings)
    dtype = _DTYPES.get(array.dtype.newbyteorder("="))
    if dtype is None:
        raise TypeError(f"cannot store a tensor of dtype {array.dtype}")
    content = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return tensor_pb2.TensorProto(dtype=dtype, tensor_shape=shape, tensor_content=content)


def _any_to_numpy(values) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        return np.asarray(values, dtype=object)
    if isinstance(values, (list, tuple)) and values and isinstance(values[0], (str, bytes)):
        return np.asarray(values, dtype=object)
    return to_numpy(values)


def tensor(tag: str, values, metadata: summary_pb2.SummaryMetadata | None = None) -> Value:
    value = Value(tag=tag, tensor=tensor_proto(values))
    if metadata is not None:
        value.metadata.CopyFrom(metadata)
    return value


# --------------------------------------------------------------------------- scalars


def scalar(
    tag: str,
    value,
    *,
    new_style: bool = False,
    double_precision: bool = False,
    display_name: str = "",
    description: str = "",
) -> Value:
    number = to_float(value)
    content = plugins_pb2.ScalarPluginData(version=0).SerializeToString()
    metadata = _metadata("scalars", content, display_name=display_name, summary_description=description)
    if not new_style:
        scalar_value = Value(tag=tag, simple_value=number)
        if display_name or description:
            scalar_value.metadata.CopyFrom(metadata)
        return scalar_value
    dtype = np.float64 if double_precision else np.float32
    return tensor(tag, np.asarray(number, dtype=dtype), metadata)


# --------------------------------------------------------------------------- histograms


def _tensorflow_bucket_limits() -> np.ndarray:
    # TensorFlow's default histogram buckets: +-1e-12 * 1.1**k up to 1e20, zero, and DBL_MAX.
    positive = []
    limit = 1e-12
    while limit < 1e20:
        positive.append(limit)
        limit *= 1.1
    positive = np.asarray(positive)
    return np.concatenate([-positive[::-1], [0.0], positive, [np.finfo(np.float64).max]])


_TF_LIMITS = _tensorflow_bucket_limits()


def histogram(tag: str, values, bins="tensorflow", max_bins: int | None = None) -> Value:
    """``bins`` as numpy takes it ('auto', an int, edges) or ``'tensorflow'``."""
    data = to_numpy(values).astype(np.float64, copy=False).reshape(-1)
    if data.size == 0:
        raise ValueError(f"histogram {tag!r}: no values")
    if not np.isfinite(data).all():
        raise ValueError(f"histogram {tag!r}: values contain NaN or infinity")
    lo, hi = float(data.min()), float(data.max())
    if isinstance(bins, str) and bins == "tensorflow":
        counts = np.bincount(np.searchsorted(_TF_LIMITS, data, side="right"), minlength=_TF_LIMITS.size)[
            : _TF_LIMITS.size
        ]
        nonzero = np.flatnonzero(counts)
        first, last = nonzero[0], nonzero[-1] + 1
        limits, counts = _TF_LIMITS[first:last], counts[first:last]
        left, right = lo, hi
    else:
        counts, edges = np.histogram(data, bins=bins)
        if max_bins is not None and counts.size > max_bins:
            counts, edges = _merge_bins(counts, edges, max_bins)
        limits, left, right = edges[1:], float(edges[0]), float(edges[-1])
    return Value(
        tag=tag,
        histo=summary_pb2.HistogramProto(
            min=left,
            max=right,
            num=float(data.size),
            sum=float(data.sum()),
            sum_squares=float(np.dot(data, data)),
            bucket_limit=limits.tolist(),
            bucket=counts.astype(np.float64).tolist(),
        ),
    )


def _merge_bins(counts: np.ndarray, edges: np.ndarray, max_bins: int):
    group = math.ceil(counts.size / max_bins)
    padded = np.concatenate([counts, np.zeros((-counts.size) % group, counts.dtype)])
    merged = padded.reshape(-1, group).sum(axis=1)
    merged_edges = np.concatenate([edges[:-1:group], edges[-1:]])
    return merged, merged_edges


def histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts) -> Value:
    limits = to_numpy(bucket_limits).astype(np.float64).reshape(-1)
    counts = to_numpy(bucket_counts).astype(np.float64).reshape(-1)
    if limits.size != counts.size:
        raise ValueError(f"histogram {tag!r}: {limits.size} bucket_limits but {counts.size} bucket_counts")
    return Value(
        tag=tag,
        histo=summary_pb2.HistogramProto(
            min=float(min),
            max=float(max),
            num=float(num),
            sum=float(sum),
            sum_squares=float(sum_squares),
            bucket_limit=limits.tolist(),
            bucket=counts.tolist(),
        ),
    )


# --------------------------------------------------------------------------- images


def to_uint8(array: np.ndarray) -> np.ndarray:
    """Floats are taken to lie in [0, 1] (clipped), bools map to 0/255, uint8 is kept, other
    integers are clipped to [0, 255]."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if array.dtype.kind == "f":
        scaled = np.nan_to_num(array.astype(np.float32) * 255.0, nan=0.0)
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    if array.dtype.kind in "iu":
        return np.clip(array, 0, 255).astype(np.uint8)
    raise TypeError(f"cannot make an image of dtype {array.dtype}")


def to_hwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """Image array in ``dataformats`` (letters from NCHW; N makes a grid) -> HWC."""
    fmt = dataformats.upper()
    if sorted(set(fmt)) != sorted(fmt) or not set(fmt) <= set("NCHW") or not {"H", "W"} <= set(fmt):
        raise ValueError(f"dataformats {dataformats!r}: use letters from NCHW, e.g. 'CHW'")
    if array.ndim != len(fmt):
        raise ValueError(f"image of shape {array.shape} does not match dataformats {dataformats!r}")
    if "C" not in fmt:
        array, fmt = array[..., None], fmt + "C"
    if "N" in fmt:
        return make_grid(array.transpose([fmt.index(c) for c in "NHWC"]))
    return array.transpose([fmt.index(c) for c in "HWC"])


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """NHWC -> one HWC canvas, up to ``ncols`` images a row (tensorboardX's layout)."""
    n, h, w, c = images.shape
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols) if n else 1
    canvas = np.zeros((nrows * h, ncols * w, c), dtype=images.dtype)
    for i in range(n):
        row, col = divmod(i, ncols)
        canvas[row * h : (row + 1) * h, col * w : (col + 1) * w] = images[i]
    return canvas


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _check_image_size(tag: str, height: int, width: int) -> None:
    if height == 0 or width == 0:
        raise ValueError(f"image {tag!r} is empty ({height}x{width})")
    if height * width > MAX_IMAGE_PIXELS:
        raise ValueError(
            f"image {tag!r} is {width}x{height} = {height * width:,} pixels, more than the "
            f"{MAX_IMAGE_PIXELS:,} jupyter_tb writes; resize it first"
        )


def _image_value(tag: str, height: int, width: int, channels: int, encoded: bytes) -> Value:
    """An image summary value (PNG or GIF bytes), as TensorBoard's image plugin reads it."""
    image = Summary.Image(height=height, width=width, colorspace=channels, encoded_image_string=encoded)
    return Value(tag=tag, image=image)


def image_from_hwc(tag: str, hwc: np.ndarray) -> Value:
    """HWC uint8-convertible array -> PNG ``Summary.Image``."""
    from PIL import Image

    height, width, channels = hwc.shape
    _check_image_size(tag, height, width)
    if channels not in _MODES:
        raise ValueError(f"image {tag!r} has {channels} channels; use 1, 2, 3 or 4")
    pixels = to_uint8(hwc)
    buffer = io.BytesIO()
    mode = _MODES[channels]
    Image.fromarray(pixels[..., 0] if channels == 1 else pixels, mode).save(
        buffer, format="PNG", compress_level=1
    )
    return _image_value(tag, height, width, channels, buffer.getvalue())


def image(tag: str, img, dataformats: str = "CHW") -> Value:
    return image_from_hwc(tag, to_hwc(to_numpy(img), dataformats))


def image_with_boxes(
    tag: str,
    img,
    boxes,
    labels=None,
    dataformats: str = "CHW",
    box_color=(255, 0, 0),
    rescale: float = 1,
) -> Value:
    """Boxes are rows ``[x_min, y_min, x_max, y_max]`` in pixels, drawn over the image;
    ``rescale`` scales image and boxes together."""
    from PIL import Image, ImageDraw

    hwc = to_uint8(to_hwc(to_numpy(img), dataformats))
    _check_image_size(tag, hwc.shape[0], hwc.shape[1])
    rgb = np.repeat(hwc[..., :1], 3, axis=2) if hwc.shape[2] < 3 else hwc[..., :3]
    boxes = to_numpy(boxes).astype(np.float64).reshape(-1, 4) if boxes is not None else np.zeros((0, 4))
    if labels is not None and len(labels) != len(boxes):
        raise ValueError(f"{len(boxes)} boxes but {len(labels)} labels")
    canvas = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    if rescale != 1:
        size = (max(1, round(canvas.width * rescale)), max(1, round(canvas.height * rescale)))
        _check_image_size(tag, size[1], size[0])
        canvas = canvas.resize(size)
        boxes = boxes * rescale
    draw = ImageDraw.Draw(canvas)
    for i, (x0, y0, x1, y1) in enumerate(boxes.tolist()):
        draw.rectangle([x0, y0, x1, y1], outline=tuple(box_color), width=2)
        if labels is not None:
            draw.text((x0 + 3, y0 + 2), str(labels[i]), fill=tuple(box_color))
    return image_from_hwc(tag, np.asarray(canvas))


def figure_to_hwc(figure, close: bool = True) -> np.ndarray:
    """A matplotlib figure rendered with the Agg canvas -> HWC RGBA uint8."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba()).copy()
    if close:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return pixels


def figure(tag: str, figure, close: bool = True) -> Value:
    if isinstance(figure, (list, tuple)):
        frames = [figure_to_hwc(f, close) for f in figure]
        height = max(f.shape[0] for f in frames)
        width = max(f.shape[1] for f in frames)
        padded = np.zeros((len(frames), height, width, 4), np.uint8)
        for i, frame in enumerate(frames):
            padded[i, : frame.shape[0], : frame.shape[1]] = frame
        return image_from_hwc(tag, make_grid(padded))
    return image_from_hwc(tag, figure_to_hwc(figure, close))


def video(tag: str, vid, fps: float = 4, dataformats: str = "NTCHW") -> Value:
    """NTCHW (N videos side by side as a grid) -> animated GIF ``Summary.Image``."""
    from PIL import Image

    fmt = dataformats.upper()
    array = to_numpy(vid)
    if sorted(fmt) != sorted("NTCHW") or array.ndim != 5:
        raise ValueError(
            f"video {tag!r}: expected a 5-d array in dataformats like 'NTCHW', got shape "
            f"{array.shape} with {dataformats!r}"
        )
    frames = to_uint8(array.transpose([fmt.index(c) for c in "TNHWC"]))
    grid = np.stack([make_grid(frames[t]) for t in range(frames.shape[0])])
    t, height, width, channels = grid.shape
    _check_image_size(tag, height, width * t)
    if channels not in (1, 3, 4):
        raise ValueError(f"video {tag!r} has {channels} channels; use 1, 3 or 4")
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    pictures = [Image.fromarray(g[..., 0] if channels == 1 else g, mode) for g in grid]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=max(1, round(1000 / fps)),
        loop=0,
    )
    return _image_value(tag, height, width, channels, buffer.getvalue())


# --------------------------------------------------------------------------- audio


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """(frames, channels) float in [-1, 1] (clipped) -> 16-bit PCM WAV bytes."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(pcm.shape[1])
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def audio(tag: str, snd, sample_rate: int = 44100) -> Value:
    """``snd``: (frames,), (1, frames) / (channels, frames) or (frames, channels)."""
    array = to_numpy(snd).astype(np.float64)
    if array.ndim == 1:
        array = array[:, None]
    elif array.ndim == 2 and array.shape[0] < array.shape[1] and array.shape[0] <= 8:
        array = array.T  # channels first, as torch hands audio
    elif array.ndim != 2:
        raise ValueError(f"audio {tag!r}: expected 1-d or 2-d samples, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"audio {tag!r}: no samples")
    if not np.isfinite(array).all():
        raise ValueError(f"audio {tag!r}: samples contain NaN or infinity")
    return Value(
        tag=tag,
        audio=Summary.Audio(
            sample_rate=float(sample_rate),
            num_channels=array.shape[1],
            length_frames=array.shape[0],
            encoded_audio_string=wav_bytes(array, sample_rate),
            content_type="audio/wav",
        ),
    )


# --------------------------------------------------------------------------- text


def text(tag: str, text_string: str) -> Value:
    """``text_string``: a str, or bytes read as UTF-8 (invalid bytes become U+FFFD, so the text
    plugin can always decode what it reads); anything else is written as its ``str()``."""
    if isinstance(text_string, (bytes, bytearray, memoryview)):
        text_string = bytes(text_string).decode("utf-8", errors="replace")
    content = plugins_pb2.TextPluginData(version=0).SerializeToString()
    return tensor(
        tag + "/text_summary", np.asarray([str(text_string)], dtype=object), _metadata("text", content)
    )


# --------------------------------------------------------------------------- pr curves


def _pr_metadata(num_thresholds: int) -> summary_pb2.SummaryMetadata:
    content = plugins_pb2.PrCurvePluginData(version=0, num_thresholds=num_thresholds)
    return _metadata("pr_curves", content.SerializeToString())


def pr_curve_raw(tag, *rows) -> Value:
    """``rows``: true positive, false positive, true negative and false negative counts, then
    precision and recall, one value per threshold (the tensor's rows, in TensorBoard's order)."""
    if len(rows) != 6:
        raise TypeError(f"pr curve {tag!r}: six rows (tp, fp, tn, fn, precision, recall), got {len(rows)}")
    rows = [to_numpy(r).astype(np.float32).reshape(-1) for r in rows]
    n = rows[0].size
    if any(r.size != n for r in rows):
        raise ValueError(f"pr curve {tag!r}: the six rows differ in length")
    # the rows' length is the truth; ``num_thresholds`` (torch's default 127 included) is only
    # accepted for signature compatibility, so metadata and data never disagree
    return tensor(tag, np.stack(rows), _pr_metadata(n))


def pr_curve(tag, labels, predictions, num_thresholds: int = 127, weights=None) -> Value:
    """Counts at ``num_thresholds`` evenly spaced thresholds in [0, 1], as TensorBoard does:
    predictions are bucketed by ``floor(p * (num_thresholds - 1))`` and counts accumulated
    from the top threshold down."""
    num_thresholds = min(int(num_thresholds), 127)  # TensorBoard's pr_curves plugin caps at 127
    if num_thresholds < 2:
        raise ValueError("num_thresholds must be at least 2")
    labels = to_numpy(labels).astype(bool).reshape(-1)
    predictions = to_numpy(predictions).astype(np.float64).reshape(-1)
    if labels.size != predictions.size:
        raise ValueError(f"pr curve {tag!r}: {labels.size} labels, {predictions.size} predictions")
    if predictions.size and (predictions.min() < 0 or predictions.max() > 1):
        raise ValueError(f"pr curve {tag!r}: predictions must lie in [0, 1]")
    w = np.ones_like(predictions) if weights is None else to_numpy(weights).astype(np.float64).reshape(-1)
    buckets = np.floor(predictions * (num_thresholds - 1)).astype(np.int64)
    tp_bucket = np.bincount(buckets, weights=w * labels, minlength=num_thresholds)
    fp_bucket = np.bincount(buckets, weights=w * ~labels, minlength=num_thresholds)
    tp = np.cumsum(tp_bucket[::-1])[::-1]
    fp = np.cumsum(fp_bucket[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return pr_curve_raw(tag, tp, fp, tn, fn, precision, recall)


# --------------------------------------------------------------------------- custom scalars


def custom_scalars(layout: dict) -> Value:
    """``{category: {chart title: ['Multiline', [tag regex, ...]] |
    ['Margin', [value, lower, upper]]}}`` -> the layout value TensorBoard looks for."""
    categories = []
    for category_title, charts in layout.items():
        category = plugins_pb2.Category(title=category_title)
        for chart_title, (kind, tags) in charts.items():
            chart = category.chart.add(title=chart_title)
            if kind.lower() == "margin":
                if len(tags) != 3:
                    raise ValueError(f"margin chart {chart_title!r} needs [value, lower, upper] tags")
                chart.margin.series.add(value=tags[0], lower=tags[1], upper=tags[2])
            elif kind.lower() == "multiline":
                chart.multiline.tag.extend(tags)
            else:
                raise ValueError(f"chart {chart_title!r}: kind {kind!r} is not Multiline/Margin")
        categories.append(category)
    serialized = plugins_pb2.Layout(category=categories).SerializeToString()
    value = tensor(CUSTOM_SCALARS_TAG, np.asarray([serialized], dtype=object), _metadata("custom_scalars"))
    value.tensor.tensor_shape.Clear()  # a scalar string, as TensorBoard writes it
    return value


# --------------------------------------------------------------------------- mesh


def mesh(tag: str, vertices, colors=None, faces=None, config_dict=None) -> list[Value]:
    parts = [
        (plugins_pb2.MeshPluginData.VERTEX, vertices, np.float32),
        (plugins_pb2.MeshPluginData.FACE, faces, np.int32),
        (plugins_pb2.MeshPluginData.COLOR, colors, np.uint8),
    ]
    parts = [(kind, to_numpy(data).astype(dtype), dtype) for kind, data, dtype in parts if data is not None]
    components = 0
    for kind, _, _ in parts:
        components |= 1 << kind
    json_config = json.dumps(config_dict, sort_keys=True) if config_dict else ""
    values = []
    for kind, array, _ in parts:
        if array.ndim != 3 or array.shape[-1] != 3:
            raise ValueError(
                f"mesh {tag!r}: {plugins_pb2.MeshPluginData.ContentType.Name(kind).lower()} "
                f"must have shape (batch, n, 3), got {array.shape}"
            )
        content = plugins_pb2.MeshPluginData(
            version=0,
            name=tag,
            content_type=kind,
            json_config=json_config,
            shape=list(array.shape),
            components=components,
        )
        name = f"{tag}_{plugins_pb2.MeshPluginData.ContentType.Name(kind)}"
        values.append(tensor(name, array, _metadata("mesh", content.SerializeToString())))
    return values


# --------------------------------------------------------------------------- hparams


def _hparam_value(name: str, value):
    from google.protobuf import struct_pb2

    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # 1-element tensors and numpy scalars
    if isinstance(value, bool):
        return struct_pb2.Value(bool_value=value), hparams_pb2.DATA_TYPE_BOOL
    if isinstance(value, (int, float)):
        return struct_pb2.Value(number_value=float(value)), hparams_pb2.DATA_TYPE_FLOAT64
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value), hparams_pb2.DATA_TYPE_STRING
    raise TypeError(
        f"hparam {name!r}: value {value!r} of type {type(value).__name__} is not a "
        "bool, number, string or 1-element tensor"
    )


def _hparams_value(tag: str, plugin_data: hparams_pb2.HParamsPluginData) -> Value:
    empty = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=0)]),
    )
    return Value(tag=tag, tensor=empty, metadata=_metadata("hparams", plugin_data.SerializeToString()))


def hparams(
    hparam_dict: dict,
    metric_dict: dict,
    hparam_domain_discrete: dict | None = None,
    *,
    start_time: float = 0.0,
    end_time: float = 0.0,
) -> list[Value]:
    """experiment, session_start_info and session_end_info values, like torch's hparams()."""
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict must be dicts")
    domains = hparam_domain_discrete or {}
    start = hparams_pb2.SessionStartInfo(start_time_secs=start_time)
    infos = []
    for name, raw in hparam_dict.items():
        value, dtype = _hparam_value(name, raw)
        start.hparams[name].CopyFrom(value)
        info = hparams_pb2.HParamInfo(name=name, type=dtype)
        if name in domains:
            for choice in domains[name]:
                choice_value, choice_type = _hparam_value(name, choice)
                if choice_type != dtype:
                    raise TypeError(f"hparam {name!r}: domain value {choice!r} has another type")
                info.domain_discrete.values.add().CopyFrom(choice_value)
        infos.append(info)
    experiment = hparams_pb2.Experiment(
        hparam_infos=infos,
        metric_infos=[hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag=tag)) for tag in metric_dict],
    )
    end = hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_SUCCESS, end_time_secs=end_time)
    return [
        _hparams_value(
            HPARAMS_EXPERIMENT_TAG, hparams_pb2.HParamsPluginData(version=0, experiment=experiment)
        ),
        _hparams_value(
            HPARAMS_SESSION_START_TAG, hparams_pb2.HParamsPluginData(version=0, session_start_info=start)
        ),
        _hparams_value(
            HPARAMS_SESSION_END_TAG, hparams_pb2.HParamsPluginData(version=0, session_end_info=end)
        ),
    ]
