"""Fixtures for the graph and hparams tests: TensorFlow-style logs built with our protos.

TensorFlow is not installed, so its output is reproduced from the documented formats:
- a graph_def event holds serialized GraphDef bytes (Event field 4); TF node names carry
  name scopes, "^name" control inputs, "name:k" output indices, "_output_shapes" lists and
  dtype attrs "T"/"dtype";
- the hparams plugin (plugin_name "hparams", content = HParamsPluginData with version 0)
  writes three summaries, each a tensor-less value under a fixed tag:
  "_hparams_/experiment" (Experiment), "_hparams_/session_start_info" (SessionStartInfo with
  hparams as google.protobuf.Value) and "_hparams_/session_end_info" (SessionEndInfo).
"""

from __future__ import annotations

import itertools
import os
import time

import numpy as np
from google.protobuf import struct_pb2

from jupyter_tb._proto import event_pb2, graph_pb2, hparams_pb2, summary_pb2, tensor_pb2, types_pb2
from jupyter_tb.format.tfrecord import encode_record

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def _shape_attr(*shapes):
    value = graph_pb2.AttrValue()
    for shape in shapes:
        s = value.list.shape.add()
        for d in shape:
            s.dim.add(size=d)
    return value


def tf_node(graph, name, op, inputs=(), dtype=types_pb2.DT_FLOAT, shapes=((),), device=CPU, **attrs):
    node = graph.node.add(name=name, op=op, device=device)
    node.input.extend(inputs)
    node.attr["T"].type = dtype
    node.attr["_output_shapes"].CopyFrom(_shape_attr(*shapes))
    for key, value in attrs.items():
        node.attr[key].CopyFrom(value)
    return node


def small_tf_graph() -> graph_pb2.GraphDef:
    """A dense layer as TF 1.x / Keras writes it, with a scope/op name clash and a ^control."""
    g = graph_pb2.GraphDef()
    g.versions.producer = 27
    tf_node(g, "input", "Placeholder", shapes=((-1, 4),), dtype=types_pb2.DT_FLOAT)
    kernel_init = graph_pb2.AttrValue()
    kernel_init.tensor.dtype = types_pb2.DT_FLOAT
    kernel_init.tensor.tensor_shape.dim.add(size=4)
    kernel_init.tensor.tensor_shape.dim.add(size=3)
    tf_node(g, "dense/kernel", "VariableV2", shapes=((4, 3),), value=kernel_init)
    tf_node(g, "dense/bias", "VariableV2", shapes=((3,),))
    tf_node(g, "init", "NoOp", inputs=("^dense/kernel", "^dense/bias"), shapes=())
    tf_node(
        g,
        "dense/MatMul",
        "MatMul",
        inputs=("input", "dense/kernel"),
        shapes=((-1, 3),),
        transpose_a=graph_pb2.AttrValue(b=False),
    )
    tf_node(
        g,
        "dense/BiasAdd",
        "BiasAdd",
        inputs=("dense/MatMul:0", "dense/bias"),
        shapes=((-1, 3),),
        data_format=graph_pb2.AttrValue(s=b"NHWC"),
    )
    tf_node(g, "dense", "Relu", inputs=("dense/BiasAdd", "^init"), shapes=((-1, 3),))
    tf_node(
        g, "split", "Split", inputs=("dense",), shapes=((-1, 1), (-1, 2)), num_split=graph_pb2.AttrValue(i=2)
    )
    tf_node(g, "loss/Sum", "Sum", inputs=("split:1", "missing_node"), shapes=((),))
    return g


def tf_style_graph(n_nodes: int = 5000, seed: int = 0) -> graph_pb2.GraphDef:
    """A TF-like training graph of about ``n_nodes`` ops: model/block_k/{conv,bn} layers
    with variables and reads, a gradients/ mirror, an optimizer scope with ^control deps."""
    rng = np.random.default_rng(seed)
    g = graph_pb2.GraphDef()
    g.versions.producer = 1087
    tf_node(g, "input", "Placeholder", shapes=((-1, 32, 32, 3),))
    prev = "input"
    forward = []
    block = 0
    while len(g.node) < n_nodes * 0.55:
        scope = f"model/block_{block}"
        for layer in ("conv2d", "batch_normalization", "activation"):
            ls = f"{scope}/{layer}"
            kernel = tf_node(g, f"{ls}/kernel", "VarHandleOp", dtype=types_pb2.DT_RESOURCE, shapes=((),)).name
            read = tf_node(
                g, f"{ls}/ReadVariableOp", "ReadVariableOp", inputs=(kernel,), shapes=((3, 3, 16, 16),)
            ).name
            op = {"conv2d": "Conv2D", "batch_normalization": "FusedBatchNormV3", "activation": "Relu"}[layer]
            main = tf_node(
                g,
                f"{ls}/{op}",
                op,
                inputs=(prev, read),
                shapes=((-1, 32, 32, 16),),
                strides=_ints(1, 1, 1, 1),
                padding=graph_pb2.AttrValue(s=b"SAME"),
            ).name
            extra = tf_node(
                g, f"{ls}/{op}/Identity", "Identity", inputs=(f"{main}:0",), shapes=((-1, 32, 32, 16),)
            ).name
            forward.append((ls, kernel, extra))
            prev = extra
        block += 1
    loss = tf_node(g, "loss/Mean", "Mean", inputs=(prev,), shapes=((),)).name
    grad = loss
    updates = []
    for ls, kernel, extra in reversed(forward):
        gs = f"gradients/{ls}"
        grad = tf_node(
            g, f"{gs}/grad", "Conv2DBackpropInput", inputs=(grad, f"{extra}"), shapes=((-1, 32, 32, 16),)
        ).name
        kgrad = tf_node(
            g, f"{gs}/kernel_grad", "Conv2DBackpropFilter", inputs=(grad,), shapes=((3, 3, 16, 16),)
        ).name
        upd = tf_node(
            g,
            f"Adam/update_{ls.replace('/', '_')}/ResourceApplyAdam",
            "ResourceApplyAdam",
            inputs=(kernel, kgrad),
            shapes=(),
        ).name
        updates.append(upd)
        if len(g.node) >= n_nodes - 1:
            break
    tf_node(g, "Adam/group_deps", "NoOp", inputs=tuple("^" + u for u in updates), shapes=())
    while len(g.node) < n_nodes:  # pad with summary ops reading random layers
        ls, _, extra = forward[int(rng.integers(len(forward)))]
        tf_node(g, f"summaries/{ls}/hist_{len(g.node)}", "HistogramSummary", inputs=(extra,), shapes=((),))
    return g


def _ints(*values):
    v = graph_pb2.AttrValue()
    v.list.i.extend(values)
    return v


# ---- event files ----------------------------------------------------------------------


_file_counter = itertools.count()


def write_events(path, events) -> str:
    """Write Event protos as one new tfevents file (file_version header first)."""
    os.makedirs(path, exist_ok=True)
    name = os.path.join(
        path, f"events.out.tfevents.{int(time.time())}.fixture.{os.getpid()}.{next(_file_counter)}"
    )
    with open(name, "wb") as f:
        f.write(
            encode_record(
                event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString()
            )
        )
        for ev in events:
            f.write(encode_record(ev.SerializeToString()))
    return name


def graph_event(graph: graph_pb2.GraphDef, wall_time: float = 1.0) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall_time, graph_def=graph.SerializeToString())


def _hparams_summary(tag: str, data: hparams_pb2.HParamsPluginData) -> summary_pb2.Summary:
    # TF writes these as a Summary value carrying only metadata; its tensor is the
    # smallest valid one, a length-0 float vector. Written at step 0.
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "hparams"
    meta.plugin_data.content = data.SerializeToString()
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT)
    tensor.tensor_shape.dim.add(size=0)
    summary = summary_pb2.Summary()
    summary.value.add(tag=tag, metadata=meta, tensor=tensor)
    return summary


def tf_experiment_event(hparam_infos, metrics, wall_time=1.0) -> event_pb2.Event:
    """``metrics``: tags, or (group, tag) pairs where group names a sub-run of each session."""
    exp = hparams_pb2.Experiment(time_created_secs=wall_time)
    for info in hparam_infos:
        exp.hparam_infos.add().CopyFrom(info)
    for metric in metrics:
        group, tag = metric if isinstance(metric, tuple) else ("", metric)
        exp.metric_infos.add(name=hparams_pb2.MetricName(group=group, tag=tag), display_name=tag)
    data = hparams_pb2.HParamsPluginData(version=0, experiment=exp)
    return event_pb2.Event(
        wall_time=wall_time, step=0, summary=_hparams_summary("_hparams_/experiment", data)
    )


def _value(v) -> struct_pb2.Value:
    out = struct_pb2.Value()
    if isinstance(v, bool):
        out.bool_value = v
    elif isinstance(v, (int, float)):
        out.number_value = float(v)
    else:
        out.string_value = str(v)
    return out


def tf_session_start_event(hparams: dict, start_time: float, group_name: str = "") -> event_pb2.Event:
    info = hparams_pb2.SessionStartInfo(start_time_secs=start_time, group_name=group_name)
    for k, v in hparams.items():
        info.hparams[k].CopyFrom(_value(v))
    data = hparams_pb2.HParamsPluginData(version=0, session_start_info=info)
    return event_pb2.Event(
        wall_time=start_time, step=0, summary=_hparams_summary("_hparams_/session_start_info", data)
    )


def tf_session_end_event(status: int, end_time: float) -> event_pb2.Event:
    info = hparams_pb2.SessionEndInfo(status=status, end_time_secs=end_time)
    data = hparams_pb2.HParamsPluginData(version=0, session_end_info=info)
    return event_pb2.Event(
        wall_time=end_time, step=0, summary=_hparams_summary("_hparams_/session_end_info", data)
    )


def scalar_event(tag: str, step: int, value: float, wall_time: float) -> event_pb2.Event:
    summary = summary_pb2.Summary()
    summary.value.add(tag=tag, simple_value=value)
    return event_pb2.Event(wall_time=wall_time, step=step, summary=summary)
