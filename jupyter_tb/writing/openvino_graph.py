"""``add_openvino_graph``: an OpenVINO IR model (its ``.xml`` file) as a TensorBoard ``GraphDef``.

The IR's XML needs no openvino package to read::

    <net name="..." version="11">
      <layers>
        <layer id="3" name="conv1" type="Convolution" version="opset1">
          <data strides="2, 2" .../>                      attributes of the operation
          <input> <port id="0"> <dim>1</dim> ... </port> ... </input>
          <output> <port id="2" precision="FP32"> <dim>1</dim> ... </port> </output>
        </layer> ...
      </layers>
      <edges> <edge from-layer="0" from-port="0" to-layer="3" to-port="0"/> ... </edges>
    </net>

One node per layer (op = its ``type``; ``<data>`` attributes as strings; ``_output_shapes`` and
``dtype`` from its output ports); a node's inputs are the edges into it, in port order, each naming
its source layer (``name:k`` for the source's k-th output port).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree

from jupyter_tb._proto import graph_pb2, types_pb2
from jupyter_tb.writing.graph_nodes import NodeNames, output_ref, shapes_attr

_PRECISIONS = {
    "FP32": types_pb2.DT_FLOAT,
    "FP16": types_pb2.DT_HALF,
    "BF16": types_pb2.DT_BFLOAT16,
    "FP64": types_pb2.DT_DOUBLE,
    "I8": types_pb2.DT_INT8,
    "I16": types_pb2.DT_INT16,
    "I32": types_pb2.DT_INT32,
    "I64": types_pb2.DT_INT64,
    "U8": types_pb2.DT_UINT8,
    "U16": types_pb2.DT_UINT16,
    "U32": types_pb2.DT_UINT32,
    "U64": types_pb2.DT_UINT64,
    "BOOL": types_pb2.DT_BOOL,
}


def _ports(layer, kind: str) -> list:
    section = layer.find(kind)
    return [] if section is None else section.findall("port")


def _dims(port) -> list[int]:
    dims = []
    for dim in port.findall("dim"):
        try:
            dims.append(int(dim.text))
        except (TypeError, ValueError):  # '?' or a range: a dynamic dimension
            dims.append(-1)
    return dims


def graph_def(xml_path) -> graph_pb2.GraphDef:
    try:
        root = ElementTree.parse(os.fspath(xml_path)).getroot()
    except ElementTree.ParseError as error:
        raise ValueError(f"{os.fspath(xml_path)!r} is not an OpenVINO IR .xml file: {error}") from error
    layers = root.find("layers")
    if root.tag != "net" or layers is None:
        raise ValueError(f"{os.fspath(xml_path)!r} is not an OpenVINO IR .xml file (no <net><layers>)")
    names = NodeNames()
    nodes: dict[str, graph_pb2.NodeDef] = {}  # by layer id
    output_index: dict[tuple[str, str], int] = {}  # (layer id, port id) -> output number
    for layer in layers.findall("layer"):
        layer_id = layer.get("id")
        node = graph_pb2.NodeDef(
            name=names.unique(layer.get("name") or f"layer_{layer_id}"), op=layer.get("type", "")
        )
        outputs = _ports(layer, "output")
        for index, port in enumerate(outputs):
            output_index[(layer_id, port.get("id"))] = index
        if outputs:
            node.attr["_output_shapes"].CopyFrom(shapes_attr([_dims(p) for p in outputs]))
            dtype = _PRECISIONS.get((outputs[0].get("precision") or "").upper())
            if dtype is not None:
                node.attr["dtype"].type = dtype
        data = layer.find("data")
        for key, value in ({} if data is None else data.attrib).items():
            node.attr[key].s = value.encode("utf-8")
        nodes[layer_id] = node
    edges = root.find("edges")
    incoming: dict[str, list] = {}
    for edge in [] if edges is None else edges.findall("edge"):
        source, target = edge.get("from-layer"), edge.get("to-layer")
        if source in nodes and target in nodes:
            ref = output_ref(nodes[source].name, output_index.get((source, edge.get("from-port")), 0))
            incoming.setdefault(target, []).append((int(edge.get("to-port") or 0), ref))
    for layer_id, refs in incoming.items():
        nodes[layer_id].input.extend(ref for _, ref in sorted(refs))
    return graph_pb2.GraphDef(node=list(nodes.values()), versions=graph_pb2.VersionDef(producer=22))
