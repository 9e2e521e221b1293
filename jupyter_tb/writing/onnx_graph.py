"""``add_onnx_graph``: an ONNX model as a TensorBoard ``GraphDef``.

One node per ONNX node (op = its ``op_type``, attributes as ``AttrValue``), per weight
(``initializer``, op ``Const``) and per graph input and output (op ``IO Node``, as the torch graph
names them). ONNX wires nodes by tensor name; TensorBoard by producing node (``name:k`` for output
k), so inputs are translated through the tensor's producer. Node names keep the exporter's scopes
(``/layer1/conv1/Conv`` -> ``layer1/conv1/Conv``), which the graph view folds into groups. Shapes
and dtypes come from the graph's inputs, outputs and ``value_info``, where the model has them.

Needs the ``onnx`` package (optional); weights stored outside the model file are not loaded.
"""

from __future__ import annotations

import os

from jupyter_tb._proto import graph_pb2, types_pb2
from jupyter_tb.writing.graph_nodes import NodeNames, output_ref, shapes_attr

IO_OP = "IO Node"


def _import_onnx():
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "add_onnx_graph reads ONNX models with the onnx package: pip install onnx"
        ) from error
    return onnx


def _dtypes(onnx) -> dict[int, int]:
    """ONNX ``TensorProto.DataType`` -> TensorFlow ``DataType``, by name."""
    pairs = {
        "FLOAT": types_pb2.DT_FLOAT,
        "DOUBLE": types_pb2.DT_DOUBLE,
        "FLOAT16": types_pb2.DT_HALF,
        "BFLOAT16": types_pb2.DT_BFLOAT16,
        "INT8": types_pb2.DT_INT8,
        "INT16": types_pb2.DT_INT16,
        "INT32": types_pb2.DT_INT32,
        "INT64": types_pb2.DT_INT64,
        "UINT8": types_pb2.DT_UINT8,
        "UINT16": types_pb2.DT_UINT16,
        "UINT32": types_pb2.DT_UINT32,
        "UINT64": types_pb2.DT_UINT64,
        "BOOL": types_pb2.DT_BOOL,
        "STRING": types_pb2.DT_STRING,
        "COMPLEX64": types_pb2.DT_COMPLEX64,
        "COMPLEX128": types_pb2.DT_COMPLEX128,
    }
    return {getattr(onnx.TensorProto, name): dtype for name, dtype in pairs.items()}


def load_model(model):
    """A path (str / PathLike) to a ``.onnx`` file, its bytes, or a loaded ``ModelProto``."""
    onnx = _import_onnx()
    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray)):
        return onnx.load_from_string(bytes(model))
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError(f"add_onnx_graph expects a path to an .onnx file, got {type(model).__name__}")
    return onnx.load(os.fspath(model), load_external_data=False)


def graph_def(model) -> graph_pb2.GraphDef:
    onnx = _import_onnx()
    graph = load_model(model).graph
    dtypes = _dtypes(onnx)
    # tensor name -> (elem_type, dims) from everything that declares a type
    types = {}
    for info in [*graph.input, *graph.output, *graph.value_info]:
        tensor_type = info.type.tensor_type
        if info.type.HasField("tensor_type"):
            dims = [d.dim_value if d.HasField("dim_value") else -1 for d in tensor_type.shape.dim]
            types[info.name] = (tensor_type.elem_type, dims if tensor_type.HasField("shape") else None)
    for weight in graph.initializer:
        types[weight.name] = (weight.data_type, list(weight.dims))

    names = NodeNames()
    nodes: list[graph_pb2.NodeDef] = []
    producer: dict[str, str] = {}  # tensor name -> input reference of the node making it

    def describe(node: graph_pb2.NodeDef, tensors) -> None:
        known = [types.get(t) for t in tensors]
        if known and all(k is not None and k[1] is not None for k in known):
            node.attr["_output_shapes"].CopyFrom(shapes_attr([k[1] for k in known]))
        if known and known[0] is not None and known[0][0] in dtypes:
            node.attr["dtype"].type = dtypes[known[0][0]]

    def add(name: str, op: str, outputs) -> graph_pb2.NodeDef:
        node = graph_pb2.NodeDef(name=names.unique(name), op=op)
        for index, tensor in enumerate(outputs):
            if tensor:  # an optional output left out is ''
                producer[tensor] = output_ref(node.name, index)
        describe(node, [t for t in outputs if t])
        nodes.append(node)
        return node

    weights = {w.name for w in graph.initializer}
    for weight in graph.initializer:
        add(weight.name, "Const", [weight.name])
    for value in graph.input:
        if value.name not in weights:  # old exporters list weights as inputs too
            add(f"input/{value.name}", IO_OP, [value.name])
    for index, onnx_node in enumerate(graph.node):
        op = onnx_node.op_type
        if onnx_node.domain not in ("", "ai.onnx"):
            op = f"{onnx_node.domain}::{op}"
        name = onnx_node.name or next((t for t in onnx_node.output if t), "") or f"{op}_{index}"
        node = add(name, op, list(onnx_node.output))
        node.input.extend(producer[t] for t in onnx_node.input if t in producer)
        for attribute in onnx_node.attribute:
            node.attr[attribute.name].CopyFrom(_attr_value(onnx, attribute))
    for value in graph.output:
        node = add(f"output/{value.name}", IO_OP, [])
        describe(node, [value.name])
        if value.name in producer:
            node.input.append(producer[value.name])
    return graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=22))


def _attr_value(onnx, attribute) -> graph_pb2.AttrValue:
    kinds = onnx.AttributeProto
    kind = attribute.type
    if kind == kinds.FLOAT:
        return graph_pb2.AttrValue(f=attribute.f)
    if kind == kinds.INT:
        return graph_pb2.AttrValue(i=attribute.i)
    if kind == kinds.STRING:
        return graph_pb2.AttrValue(s=attribute.s)
    if kind == kinds.FLOATS:
        return graph_pb2.AttrValue(list=graph_pb2.AttrValue.ListValue(f=attribute.floats))
    if kind == kinds.INTS:
        return graph_pb2.AttrValue(list=graph_pb2.AttrValue.ListValue(i=attribute.ints))
    if kind == kinds.STRINGS:
        return graph_pb2.AttrValue(list=graph_pb2.AttrValue.ListValue(s=attribute.strings))
    if kind == kinds.TENSOR:  # a constant's value: described, not copied (it may be large)
        tensor = attribute.t
        kind_name = onnx.TensorProto.DataType.Name(tensor.data_type)
        return graph_pb2.AttrValue(s=f"tensor {kind_name} {list(tensor.dims)}".encode())
    if kind == kinds.GRAPH:
        return graph_pb2.AttrValue(s=f"subgraph {attribute.g.name!r}, {len(attribute.g.node)} nodes".encode())
    return graph_pb2.AttrValue(s=kinds.AttributeType.Name(kind).lower().encode())
