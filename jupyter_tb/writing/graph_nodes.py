"""Pieces every model-to-``GraphDef`` converter uses (torch, ONNX, OpenVINO): node names TensorBoard's
graph view can take, and the ``_output_shapes`` attr it shows."""

from __future__ import annotations

from jupyter_tb._proto import graph_pb2, tensor_shape_pb2


def shapes_attr(shapes) -> graph_pb2.AttrValue:
    """``_output_shapes``: one shape per output; ``None`` or negative sizes mean unknown (-1)."""
    protos = [
        tensor_shape_pb2.TensorShapeProto(
            dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if s is None or s < 0 else s) for s in sizes]
        )
        for sizes in shapes
    ]
    return graph_pb2.AttrValue(list=graph_pb2.AttrValue.ListValue(shape=protos))


class NodeNames:
    """Unique node names. ':' would read as an output index and '^' as a control input in an
    input reference, and a leading '/' as an empty scope, so those are replaced or dropped."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def unique(self, name: str) -> str:
        name = name.replace(":", "_").replace("^", "_").strip("/") or "node"
        candidate, n = name, 1
        while candidate in self._used:
            candidate, n = f"{name}_{n}", n + 1
        self._used.add(candidate)
        return candidate


def output_ref(node_name: str, index: int) -> str:
    """How another node's input names output ``index`` of ``node_name``."""
    return node_name if index == 0 else f"{node_name}:{index}"
