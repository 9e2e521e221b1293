"""``add_openvino_graph``: an OpenVINO IR .xml file becomes a GraphDef TensorBoard's graphs plugin
serves, one node per layer, inputs in port order; no openvino package involved."""

from __future__ import annotations

import pytest

from jupyter_tb.tensorboardX import SummaryWriter
from tests.support.tensorboard_oracle import dangling_inputs, graph_from_graphs_plugin

IR = """<?xml version="1.0"?>
<net name="small" version="11">
  <layers>
    <layer id="0" name="x" type="Parameter" version="opset1">
      <data shape="1,3,8,8" element_type="f32"/>
      <output><port id="0" precision="FP32" names="x"><dim>1</dim><dim>3</dim><dim>8</dim><dim>8</dim></port></output>
    </layer>
    <layer id="1" name="features/conv/weight" type="Const" version="opset1">
      <data element_type="f32" shape="4,3,3,3" offset="0" size="432"/>
      <output><port id="0" precision="FP32"><dim>4</dim><dim>3</dim><dim>3</dim><dim>3</dim></port></output>
    </layer>
    <layer id="2" name="features/conv/Conv" type="Convolution" version="opset1">
      <data strides="1,1" pads_begin="1,1" pads_end="1,1" dilations="1,1" auto_pad="explicit"/>
      <input>
        <port id="0"><dim>1</dim><dim>3</dim><dim>8</dim><dim>8</dim></port>
        <port id="1"><dim>4</dim><dim>3</dim><dim>3</dim><dim>3</dim></port>
      </input>
      <output><port id="2" precision="FP32"><dim>1</dim><dim>4</dim><dim>8</dim><dim>8</dim></port></output>
    </layer>
    <layer id="3" name="axis" type="Const" version="opset1">
      <data element_type="i64" shape="" offset="432" size="8"/>
      <output><port id="0" precision="I64"/></output>
    </layer>
    <layer id="4" name="split" type="Split" version="opset1">
      <data num_splits="2"/>
      <input><port id="0"/><port id="1"/></input>
      <output>
        <port id="2" precision="FP32"><dim>1</dim><dim>2</dim><dim>8</dim><dim>?</dim></port>
        <port id="3" precision="FP32"><dim>1</dim><dim>2</dim><dim>8</dim><dim>?</dim></port>
      </output>
    </layer>
    <layer id="5" name="sum" type="Add" version="opset1">
      <input><port id="0"/><port id="1"/></input>
      <output><port id="2" precision="FP32"/></output>
    </layer>
    <layer id="6" name="sum/sink_port_0" type="Result" version="opset1">
      <input><port id="0"/></input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="1" from-port="0" to-layer="2" to-port="1"/>
    <edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>
    <edge from-layer="2" from-port="2" to-layer="4" to-port="0"/>
    <edge from-layer="3" from-port="0" to-layer="4" to-port="1"/>
    <edge from-layer="4" from-port="3" to-layer="5" to-port="0"/>
    <edge from-layer="4" from-port="2" to-layer="5" to-port="1"/>
    <edge from-layer="5" from-port="2" to-layer="6" to-port="0"/>
  </edges>
</net>
"""


def test_openvino_ir_is_served_by_tensorboards_graphs_plugin(tmp_path):
    xml = tmp_path / "model.xml"
    xml.write_text(IR)
    with SummaryWriter(tmp_path / "logs") as writer:
        writer.add_openvino_graph(str(xml))
    graph = graph_from_graphs_plugin(tmp_path / "logs")
    nodes = {node.name: node for node in graph.node}
    assert list(nodes) == [
        "x",
        "features/conv/weight",
        "features/conv/Conv",
        "axis",
        "split",
        "sum",
        "sum/sink_port_0",
    ]
    assert dangling_inputs(graph) == []
    conv = nodes["features/conv/Conv"]
    assert conv.op == "Convolution"
    assert list(conv.input) == ["x", "features/conv/weight"]  # by port, not edge order
    assert conv.attr["pads_begin"].s == b"1,1"
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [1, 4, 8, 8]
    assert list(nodes["sum"].input) == ["split:1", "split"]  # second output port first
    assert [[d.size for d in s.dim] for s in nodes["split"].attr["_output_shapes"].list.shape] == [
        [1, 2, 8, -1]
    ] * 2
    assert nodes["axis"].attr["dtype"].type == 9  # DT_INT64
    assert list(nodes["sum/sink_port_0"].input) == ["sum"]


def test_a_file_that_is_not_an_ir_gets_a_clear_error(tmp_path):
    bad = tmp_path / "model.xml"
    bad.write_text("<html><body/></html>")
    broken = tmp_path / "broken.xml"
    broken.write_text("<net><layers>")
    with SummaryWriter(tmp_path / "logs") as writer:
        with pytest.raises(ValueError, match="not an OpenVINO IR"):
            writer.add_openvino_graph(str(bad))
        with pytest.raises(ValueError, match="not an OpenVINO IR"):
            writer.add_openvino_graph(str(broken))
