"""Image summaries as TensorFlow writes them: ``tf.summary.image(name, images, max_outputs=k)``
logs ONE string tensor ``[width, height, png_1, ..., png_k]`` under plugin "images" (TensorFlow
itself is not installed here; the layout is the image plugin's documented format)."""

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
