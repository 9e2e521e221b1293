"""GraphDef -> a compact hierarchical graph the browser can draw.

A GraphDef is a flat list of nodes whose '/'-separated names encode name scopes. The
model turns it into one tree of *items* (scopes and ops) plus op-to-op edges, all held in
int32/uint8 numpy arrays that cross the comm as binary buffers; every string (names, ops,
devices, attribute summaries) lives once in a strings table sent as JSON.

Item 0 is the root scope (name ""). Items are ordered parents-first, so one forward pass
over ``parent`` resolves anything that depends on ancestors (the JS side relies on this).

Drawing a big graph means drawing only what is expanded: ``visible(expanded)`` maps every
op to its outermost collapsed ancestor (a *metanode*) and aggregates the edges between
those representatives, counting how many op edges each drawn edge stands for. The JS
renderer (js/src/lib/graph.js) performs the same mapping client side; this is the
reference implementation the tests check.

An op whose name is also a scope ("dense" next to "dense/kernel", common in TF graphs)
becomes a child of that scope, drawn as "(dense)"; its full name is kept unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from jupyter_tb._proto import graph_pb2, types_pb2

KIND_OP = 0
KIND_SCOPE = 1

# Attributes that are summarised in their own columns instead of the attribute list.
_SHAPES_ATTR = "_output_shapes"
_DTYPE_ATTRS = ("T", "dtype", "DstT", "out_type")
_MAX_STRING = 200  # characters of a string attribute kept for the details panel
_MAX_LIST = 8  # items of a list attribute spelled out before "…"

_DTYPE_NAMES = {
    "DT_FLOAT": "float32",
    "DT_DOUBLE": "float64",
    "DT_HALF": "float16",
    "DT_BFLOAT16": "bfloat16",
    "DT_INT8": "int8",
    "DT_INT16": "int16",
    "DT_INT32": "int32",
    "DT_INT64": "int64",
    "DT_UINT8": "uint8",
    "DT_UINT16": "uint16",
    "DT_UINT32": "uint32",
    "DT_UINT64": "uint64",
    "DT_BOOL": "bool",
    "DT_STRING": "string",
    "DT_COMPLEX64": "complex64",
    "DT_COMPLEX128": "complex128",
    "DT_RESOURCE": "resource",
    "DT_VARIANT": "variant",
}


def dtype_name(value: int) -> str:
    """TF DataType enum value -> numpy-style name ("float32"); unknown values kept numeric.

    TF marks reference dtypes by adding 100 (DT_FLOAT_REF = 101); they print as "float32_ref".
    """
    suffix = ""
    if value > 100:
        value, suffix = value - 100, "_ref"
    try:
        enum_name = types_pb2.DataType.Name(value)
    except ValueError:
        return f"dtype({value}){suffix}"
    return _DTYPE_NAMES.get(enum_name, enum_name.lower().removeprefix("dt_")) + suffix


def shape_text(shape) -> str:
    """TensorShapeProto -> "[2,?,8]" ("?" = unknown dim, "[*]" = unknown rank)."""
    if shape.unknown_rank:
        return "[*]"
    return "[" + ",".join("?" if d.size < 0 else str(d.size) for d in shape.dim) + "]"


def _clip(text: str, limit: int = _MAX_STRING) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bytes_text(raw: bytes) -> str:
    try:
        return _clip(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes>"


def _tensor_text(tensor) -> str:
    return f"tensor<{dtype_name(tensor.dtype)}{shape_text(tensor.tensor_shape)}>"


def _list_text(lst) -> str:
    for field_name, fmt in (
        ("s", _bytes_text),
        ("i", str),
        ("f", repr),
        ("b", lambda b: str(b).lower()),
        ("type", dtype_name),
        ("shape", shape_text),
        ("tensor", _tensor_text),
        ("func", lambda f: f.name),
    ):
        items = getattr(lst, field_name)
        if len(items):
            shown = [fmt(v) for v in items[:_MAX_LIST]]
            more = ", …" if len(items) > _MAX_LIST else ""
            return "[" + ", ".join(shown) + more + "]"
    return "[]"


# AttrValue oneof field -> its one-line text
_ATTR_TEXT = {
    "s": _bytes_text,
    "b": lambda b: str(b).lower(),
    "f": repr,
    "i": str,
    "type": dtype_name,
    "shape": shape_text,
    "tensor": _tensor_text,
    "list": _list_text,
    "func": lambda f: f"func {f.name}",
}


def attr_text(value: graph_pb2.AttrValue) -> str:
    """One-line human summary of an AttrValue (what the details panel shows)."""
    which = value.WhichOneof("value")
    if which is None:
        return ""
    fmt = _ATTR_TEXT.get(which, lambda v: _clip(str(v)))  # placeholder
    return fmt(getattr(value, which))


def _output_shapes(node) -> str:
    value = node.attr.get(_SHAPES_ATTR)
    if value is None:
        return ""
    if value.WhichOneof("value") == "shape":
        return shape_text(value.shape)
    return ", ".join(shape_text(s) for s in value.list.shape)


def _dtype(node) -> str:
    for key in _DTYPE_ATTRS:
        value = node.attr.get(key)
        if value is not None and value.WhichOneof("value") == "type":
            return dtype_name(value.type)
    return ""


def parse_input(text: str) -> tuple[str, int, bool]:
    """NodeDef input -> (source node name, output index, is control edge).

    Forms: "name", "name:k" (k-th output), "^name" (control dependency, no data).
    """
    if text.startswith("^"):
        return text[1:], -1, True
    name, sep, slot = text.rpartition(":")
    if sep and slot.isdigit():
        return name, int(slot), False
    return text, 0, False


class _Strings:
    """Interning table: each distinct string is stored once, referenced by int32 index."""

    def __init__(self):
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if not text:
            return -1
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.table)
            self.table.append(text)
        return i


@dataclass(frozen=True)
class VisibleGraph:
    """What is drawn for one set of expanded scopes.

    ``items``: item indices drawn (ops and collapsed scopes as nodes, expanded scopes as
    cluster boxes; the root is never drawn). ``edge_src/edge_dst``: representative items;
    ``edge_count``: op edges folded into each drawn edge; ``edge_control``: 1 when every
    folded edge is a control dependency (data and control edges are aggregated apart).
    """

    items: np.ndarray
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_count: np.ndarray
    edge_control: np.ndarray


@dataclass(frozen=True)
class GraphModel:
    """Hierarchical graph in columns. Index i describes item i in every per-item array."""

    strings: list[str]
    name: np.ndarray  # int32 -> strings (full name; "" for the root is -1)
    parent: np.ndarray  # int32, -1 for the root
    kind: np.ndarray  # uint8: KIND_OP or KIND_SCOPE
    op: np.ndarray  # int32 -> strings, -1 for scopes
    device: np.ndarray  # int32 -> strings, -1 when unset
    dtype: np.ndarray  # int32 -> strings (from T / dtype attrs), -1 when unknown
    shapes: np.ndarray  # int32 -> strings ("[2,3], [4]" from _output_shapes), -1 unknown
    n_ops: np.ndarray  # int32: ops under each item (1 for an op)
    attr_offsets: np.ndarray  # int32 (n_items + 1): item i's attributes are rows
    attr_key: np.ndarray  # int32 -> strings       attr_offsets[i]:attr_offsets[i+1]
    attr_value: np.ndarray  # int32 -> strings
    edge_src: np.ndarray  # int32 op item feeding the edge
    edge_dst: np.ndarray  # int32 op item consuming it
    edge_slot: np.ndarray  # int32 output index of the source (-1 for control edges)
    edge_control: np.ndarray  # uint8: 1 for ^control dependencies
    dangling: list[tuple[int, str]] = field(default_factory=list)  # inputs naming no node

    # -- reading ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.parent)

    @property
    def n_nodes(self) -> int:
        """Number of GraphDef nodes (ops)."""
        return int(self.n_ops[0]) if len(self) else 0

    def _text(self, index: int) -> str:
        return self.strings[index] if index >= 0 else ""

    def full_name(self, item: int) -> str:
        return self._text(int(self.name[item]))

    def find(self, name: str) -> int:
        """Item index of a node or scope by full name (the op wins over a same-named scope)."""
        item = self._by_name.get(name)
        if item is None:
            raise KeyError(name)
        return item

    @cached_property
    def _by_name(self) -> dict[str, int]:
        by_name: dict[str, int] = {}
        for i in range(len(self)):  # ops sit after scopes: ops replace scopes, first op wins
            name = self.full_name(i)
            prior = by_name.get(name)
            if prior is None or self.kind[prior] == KIND_SCOPE:
                by_name[name] = i
        return by_name

    def children(self, item: int) -> np.ndarray:
        return np.flatnonzero(self.parent == item)

    def attributes(self, item: int) -> list[tuple[str, str]]:
        lo, hi = int(self.attr_offsets[item]), int(self.attr_offsets[item + 1])
        return [
            (self._text(int(k)), self._text(int(v)))
            for k, v in zip(self.attr_key[lo:hi], self.attr_value[lo:hi])
        ]

    def details(self, item: int) -> dict:
        """Everything the side panel shows for one item, as plain strings."""
        info = {"name": self.full_name(item), "kind": "op" if self.kind[item] == KIND_OP else "scope"}
        if self.kind[item] == KIND_SCOPE:
            info["n_ops"] = int(self.n_ops[item])
            return info
        into = np.flatnonzero(self.edge_dst == item)
        out = np.flatnonzero(self.edge_src == item)
        info.update(
            op=self._text(int(self.op[item])),
            device=self._text(int(self.device[item])),
            dtype=self._text(int(self.dtype[item])),
            shapes=self._text(int(self.shapes[item])),
            attributes=self.attributes(item),
            inputs=[self._edge_end_text(e, self.edge_src[e]) for e in into]
            + ["(missing) " + name for dst, name in self.dangling if dst == item],
            outputs=[self._edge_end_text(e, self.edge_dst[e]) for e in out],
        )
        return info

    def _edge_end_text(self, edge: int, item: int) -> str:
        name = self.full_name(int(item))
        if self.edge_control[edge]:
            return "^" + name
        slot = int(self.edge_slot[edge])
        return f"{name}:{slot}" if slot else name

    # -- collapsing -------------------------------------------------------------------
    def representatives(self, expanded) -> np.ndarray:
        """For each item, the item drawn in its place given the expanded scopes.

        The root is always expanded. An item is drawn iff rep[i] == i.
        """
        open_scope = np.zeros(len(self), dtype=bool)
        open_scope[0] = True
        for item in expanded:
            open_scope[self._scope_index(item)] = True
        rep = np.arange(len(self), dtype=np.int32)
        parent = self.parent
        for i in range(1, len(self)):  # parents come first
            p = parent[i]
            if rep[p] != p:  # parent itself hidden inside a collapsed ancestor
                rep[i] = rep[p]
            elif not open_scope[p]:  # parent drawn as a collapsed metanode
                rep[i] = p
        return rep

    def _scope_index(self, item) -> int:
        if isinstance(item, str):
            hits = np.flatnonzero(self.kind == KIND_SCOPE)
            for i in hits:
                if self.full_name(int(i)) == item:
                    return int(i)
            raise KeyError(f"no scope named {item!r}")
        return int(item)

    def visible(self, expanded=()) -> VisibleGraph:
        """The drawn graph: items shown and edges aggregated between representatives."""
        rep = self.representatives(expanded)
        items = np.flatnonzero(rep == np.arange(len(self)))
        items = items[items != 0]
        src, dst = rep[self.edge_src], rep[self.edge_dst]
        keep = src != dst  # edges inside one metanode are not drawn
        src, dst, ctrl = src[keep], dst[keep], self.edge_control[keep]
        n = len(self)
        # aggregate data and control edges separately: key = (src, dst, control)
        keys = (src.astype(np.int64) * n + dst) * 2 + ctrl
        uniq, counts = np.unique(keys, return_counts=True)
        ctrl_u = (uniq % 2).astype(np.uint8)
        pair = uniq // 2
        return VisibleGraph(
            items=items.astype(np.int32),
            edge_src=(pair // n).astype(np.int32),
            edge_dst=(pair % n).astype(np.int32),
            edge_count=counts.astype(np.int32),
            edge_control=ctrl_u,
        )

    # -- wire -------------------------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        """The per-item and per-edge columns, contiguous, ready to become buffers."""
        names = (
            "name",
            "parent",
            "kind",
            "op",
            "device",
            "dtype",
            "shapes",
            "n_ops",
            "attr_offsets",
            "attr_key",
            "attr_value",
            "edge_src",
            "edge_dst",
            "edge_slot",
            "edge_control",
        )
        return {k: np.ascontiguousarray(getattr(self, k)) for k in names}


def build_graph_model(graph_def: graph_pb2.GraphDef | bytes) -> GraphModel:
    """GraphDef (proto or its serialized bytes) -> GraphModel."""
    if isinstance(graph_def, (bytes, bytearray, memoryview)):
        parsed = graph_pb2.GraphDef()
        parsed.ParseFromString(bytes(graph_def))
        graph_def = parsed
    nodes = list(graph_def.node)
    strings = _Strings()

    # Every proper prefix of a node name is a scope.
    scopes = {""}
    for n in nodes:
        parts = n.name.split("/")
        for k in range(1, len(parts)):
            scopes.add("/".join(parts[:k]))

    # Parents-first order: sort scopes by depth then name; ops follow sorted by name.
    scope_list = sorted(scopes, key=lambda s: (s.count("/") + (s != ""), s))
    scope_index = {s: i for i, s in enumerate(scope_list)}
    n_scopes = len(scope_list)
    n_items = n_scopes + len(nodes)

    parent = np.full(n_items, -1, dtype=np.int32)
    kind = np.full(n_items, KIND_SCOPE, dtype=np.uint8)
    name = np.full(n_items, -1, dtype=np.int32)
    for i, s in enumerate(scope_list):
        name[i] = strings(s)
        if s:
            parent[i] = scope_index[s.rpartition("/")[0]]

    op = np.full(n_items, -1, dtype=np.int32)
    device = np.full(n_items, -1, dtype=np.int32)
    dtype = np.full(n_items, -1, dtype=np.int32)
    shapes = np.full(n_items, -1, dtype=np.int32)
    attr_offsets = np.zeros(n_items + 1, dtype=np.int32)
    attr_key: list[int] = []
    attr_value: list[int] = []
    node_item: dict[str, int] = {}
    for j, n in enumerate(nodes):
        i = n_scopes + j
        kind[i] = KIND_OP
        name[i] = strings(n.name)
        # an op named like a scope lives inside that scope; otherwise in its prefix scope
        parent[i] = scope_index[n.name] if n.name in scopes else scope_index[n.name.rpartition("/")[0]]
        op[i] = strings(n.op)
        device[i] = strings(n.device)
        dtype[i] = strings(_dtype(n))
        shapes[i] = strings(_output_shapes(n))
        attr_offsets[i] = len(attr_key)
        for key in sorted(n.attr):
            if key == _SHAPES_ATTR:
                continue
            attr_key.append(strings(key))
            attr_value.append(strings(attr_text(n.attr[key])))
        node_item.setdefault(n.name, i)
    attr_offsets[n_items] = len(attr_key)  # scopes (first) keep empty ranges at 0

    edge_src, edge_dst, edge_slot, edge_control = [], [], [], []
    dangling: list[tuple[int, str]] = []
    for j, n in enumerate(nodes):
        dst = n_scopes + j
        for text in n.input:
            src_name, slot, control = parse_input(text)
            src = node_item.get(src_name)
            if src is None:
                dangling.append((dst, text))
                continue
            edge_src.append(src)
            edge_dst.append(dst)
            edge_slot.append(slot)
            edge_control.append(1 if control else 0)

    # descendant op counts: children follow their parents, so walk backwards once
    n_ops = (kind == KIND_OP).astype(np.int32)
    for i in range(n_items - 1, 0, -1):
        n_ops[parent[i]] += n_ops[i]

    return GraphModel(
        strings=strings.table,
        name=name,
        parent=parent,
        kind=kind,
        op=op,
        device=device,
        dtype=dtype,
        shapes=shapes,
        n_ops=n_ops,
        attr_offsets=attr_offsets,
        attr_key=np.asarray(attr_key, dtype=np.int32),
        attr_value=np.asarray(attr_value, dtype=np.int32),
        edge_src=np.asarray(edge_src, dtype=np.int32),
        edge_dst=np.asarray(edge_dst, dtype=np.int32),
        edge_slot=np.asarray(edge_slot, dtype=np.int32),
        edge_control=np.asarray(edge_control, dtype=np.uint8),
        dangling=dangling,
    )
