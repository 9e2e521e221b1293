"""Reading what our writer wrote with real TensorBoard's own readers (the tests' oracle)."""

from __future__ import annotations

import io

import numpy as np
from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator
from tensorboard.util import tensor_util


def accumulate(path) -> EventAccumulator:
    """Every event of the run at ``path``, nothing sampled away."""
    acc = EventAccumulator(
        str(path),
        size_guidance={
            k: 0 for k in ("tensors", "images", "audio", "histograms", "scalars", "compressedHistograms")
        },
    )
    acc.Reload()
    return acc


def values(acc, tag) -> list:
    """``[(step, ndarray)]`` of a tag, as TensorBoard's data_compat made them tensors."""
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def image_entries(acc, tag) -> list:
    """``[(step, width, height, [encoded image, ...])]``, as the image plugin reads them."""
    out = []
    for event in acc.Tensors(tag):
        width, height, *encoded = tensor_util.make_ndarray(event.tensor_proto)
        out.append((event.step, int(width), int(height), encoded))
    return out


def png_pixels(encoded: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(encoded)))


def plugin_context(logdir):
    """A ``TBContext`` over ``logdir``, as TensorBoard builds it for its plugins."""
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin

    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(logdir))
    return base_plugin.TBContext(logdir=str(logdir), data_provider=provider, multiplexer=multiplexer)


def graph_from_graphs_plugin(logdir, run: str = "."):
    """The run graph as TensorBoard's graphs plugin serves it to its graph view, parsed back."""
    from google.protobuf import text_format
    from tensorboard import context
    from tensorboard.compat.proto import graph_pb2
    from tensorboard.plugins.graph import graphs_plugin

    plugin = graphs_plugin.GraphsPlugin(plugin_context(logdir))
    body, mime = plugin.graph_impl(context.RequestContext(), run, None, False, experiment="")
    assert mime == "text/x-protobuf"  # pbtxt
    return text_format.Parse(body, graph_pb2.GraphDef())


def dangling_inputs(graph) -> list[str]:
    """Inputs naming no node (``name:k`` and ``^name`` refer to node ``name``): the graph view
    would draw them as missing."""
    names = {node.name for node in graph.node}
    return [
        ref
        for node in graph.node
        for ref in node.input
        if ref.lstrip("^").rsplit(":", 1)[0] not in names and ref.lstrip("^") not in names
    ]
