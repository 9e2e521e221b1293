"""``add_graph``: a torch model, traced with ``torch.jit.trace``, as a TensorBoard ``GraphDef``.

Node names carry name scopes from the module hierarchy, as TensorBoard's graph view expects
(``Net/Sequential[features]/Conv2d[0]/_convolution_3``); parameters appear as nodes of
their module (``.../Conv2d[0]/weight``); graph inputs and outputs as ``input/<name>`` and
``output/<name>`` nodes of op ``IO Node``. Each node carries ``_output_shapes`` (shown by the
graph view) and ``dtype`` attrs where the trace knows them.
"""

from __future__ import annotations

import warnings

from jupyter_tb._proto import graph_pb2, types_pb2
from jupyter_tb.writing.graph_nodes import NodeNames, output_ref, shapes_attr

_TORCH_DTYPES = {
    "Float": types_pb2.DT_FLOAT,
    "Double": types_pb2.DT_DOUBLE,
    "Half": types_pb2.DT_HALF,
    "BFloat16": types_pb2.DT_BFLOAT16,
    "Int": types_pb2.DT_INT32,
    "Long": types_pb2.DT_INT64,
    "Short": types_pb2.DT_INT16,
    "Char": types_pb2.DT_INT8,
    "Byte": types_pb2.DT_UINT8,
    "Bool": types_pb2.DT_BOOL,
}


def _import_torch():
    try:
        import torch
    except ImportError as error:
        raise ImportError("add_graph traces PyTorch models and needs torch: pip install torch") from error
    return torch


def _scope_names(model) -> dict[str, str]:
    """module path ('features.0') -> name scope ('Net/Sequential[features]/Conv2d[0]')."""
    root = type(model).__name__
    scopes = {"": root}
    for path, module in model.named_modules():
        if path:
            parent, _, leaf = path.rpartition(".")
            scopes[path] = f"{scopes[parent]}/{type(module).__name__}[{leaf}]"
    return scopes


def graph_def(
    model, input_to_model=None, *, verbose: bool = False, strict: bool = True
) -> graph_pb2.GraphDef:
    torch = _import_torch()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"add_graph expects a torch.nn.Module, got {type(model).__name__}")
    if input_to_model is None:
        raise ValueError("add_graph needs input_to_model: an example input to trace with")
    args = input_to_model if isinstance(input_to_model, tuple) else (input_to_model,)
    was_training = model.training
    model.eval()  # trace the inference graph, without dropout randomness
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # jit.trace is all we have
            traced = torch.jit.trace(model, args, strict=strict, check_trace=False)
    except Exception as error:
        raise RuntimeError(f"torch.jit.trace failed on {type(model).__name__}: {error}") from error
    finally:
        model.train(was_training)
    graph = traced.graph.copy()
    torch._C._jit_pass_inline(graph)
    if verbose:
        print(graph)
    return _graph_to_proto(torch, model, graph)


def _graph_to_proto(torch, model, graph) -> graph_pb2.GraphDef:
    scopes = _scope_names(model)
    modules = dict(model.named_modules())
    nodes: list[graph_pb2.NodeDef] = []
    names: dict = {}  # torch Value (by unique id) -> the NodeDef name producing it
    module_of: dict = {}  # Value id of a module reference -> module path
    unique = NodeNames().unique

    def describe(node: graph_pb2.NodeDef, value) -> None:
        kind = value.type()
        if isinstance(kind, torch._C.TensorType):
            sizes = kind.sizes()
            if sizes is not None:
                node.attr["_output_shapes"].CopyFrom(shapes_attr([sizes]))
            dtype = _TORCH_DTYPES.get(str(kind.scalarType()))
            if dtype is not None:
                node.attr["dtype"].type = dtype
        else:
            node.attr["type"].s = str(kind).encode()

    inputs = list(graph.inputs())
    if inputs:
        module_of[inputs[0].unique()] = ""  # `self`
    for value in inputs[1:]:
        node = graph_pb2.NodeDef(name=unique(f"input/{value.debugName()}"), op="IO Node")
        describe(node, value)
        names[value.unique()] = node.name
        nodes.append(node)

    for torch_node in graph.nodes():
        kind = torch_node.kind()
        outputs = list(torch_node.outputs())
        if kind == "prim::GetAttr":
            parent = module_of.get(torch_node.input().unique())
            attr = torch_node.s("name")
            path = f"{parent}.{attr}" if parent else attr
            if path in modules:
                module_of[outputs[0].unique()] = path
                continue
            # a parameter or buffer: a node inside its module's scope
            node = graph_pb2.NodeDef(
                name=unique(f"{scopes.get(parent or '', scopes[''])}/{attr}"), op="prim::GetAttr"
            )
            tensor = getattr(modules.get(parent or "", model), attr, None)
            if isinstance(tensor, torch.Tensor):
                node.attr["_output_shapes"].CopyFrom(shapes_attr([list(tensor.shape)]))
            names[outputs[0].unique()] = node.name
            nodes.append(node)
            continue
        scope = torch_node.scopeName().rpartition("/")[2].removeprefix("__module")
        scope = scopes.get(scope.removeprefix("."), scopes[""])
        # ':' would read as an output index in a TensorBoard node name: use 'relu', not 'aten::relu'
        short = kind.rpartition("::")[2]
        node = graph_pb2.NodeDef(name=unique(f"{scope}/{short}_{len(nodes)}"), op=kind)
        node.input.extend(names[v.unique()] for v in torch_node.inputs() if v.unique() in names)
        if outputs:
            describe(node, outputs[0])
        if torch_node.attributeNames():
            node.attr["attr"].s = str(
                {a: _attribute(torch_node, a) for a in torch_node.attributeNames()}
            ).encode()
        for i, value in enumerate(outputs):
            names[value.unique()] = output_ref(node.name, i)
        nodes.append(node)

    for value in graph.outputs():
        node = graph_pb2.NodeDef(name=unique(f"output/{value.debugName()}"), op="IO Node")
        if value.unique() in names:
            node.input.append(names[value.unique()])
        describe(node, value)
        nodes.append(node)

    return graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=22))


def _attribute(torch_node, name: str):
    kind = torch_node.kindOf(name)
    try:
        if kind == "t":
            tensor = torch_node.t(name)
            return tensor.item() if tensor.numel() == 1 else f"tensor{tuple(tensor.shape)}"
        return getattr(torch_node, kind)(name)
    except Exception:  # exotic attribute kinds: describe, never fail the graph
        return f"<{kind}>"
