"""Image and audio summaries as TensorFlow writes them (TensorFlow itself is not installed here;
the layouts are the plugins' documented formats): ``tf.summary.image(name, images,
max_outputs=k)`` logs ONE string tensor ``[width, height, png_1, ..., png_k]`` under plugin
"images"; ``tf.summary.audio(name, clips, rate, max_outputs=k)`` ONE k x 2 string tensor
``[[wav_1, label_1], ..., [wav_k, label_k]]`` under plugin "audio"."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def add_tf_images(
    writer, tag: str, images: list[np.ndarray], step: int, walltime: float | None = None
) -> None:
    """Log ``images`` (HxWx3 uint8, one size) as one TF-style image summary on a
    tensorboardX SummaryWriter."""
    from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

    height, width = images[0].shape[:2]
    values = [str(width).encode(), str(height).encode()] + [png(i) for i in images]
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        string_val=values,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=len(values))]
        ),
    )
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="images")
    )
    summary = summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=metadata)]
    )
    writer._get_file_writer().add_summary(summary, step, walltime)


def tf_audio_event(tag: str, clips: list[tuple[bytes, str]], step: int, wall_time: float = 1.0):
    """One event holding a TF-style audio summary of ``clips`` ((WAV bytes, label) pairs)."""
    from jupyter_tb._proto import event_pb2, summary_pb2, tensor_pb2, types_pb2

    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="audio", content=b"\x10\x01")
    )  # AudioPluginData(encoding=WAV)
    strings = [item for wav, label in clips for item in (wav, label.encode())]
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=strings)
    tensor.tensor_shape.dim.add(size=len(clips))
    tensor.tensor_shape.dim.add(size=2)
    event = event_pb2.Event(wall_time=wall_time, step=step)
    event.summary.value.add(tag=tag, metadata=metadata, tensor=tensor)
    return event
