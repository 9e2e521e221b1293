"""Profiler tables from a trace's columns (:class:`jupyter_tb.reading.profile_trace.Trace`):
operators, steps, kernels, memory, comparison and the timeline's layout. Pure and vectorised:
no loop per event, only per nesting level, step or distinct name.

The call tree is rebuilt per lane (pid, tid) from the spans' nesting, as torch's profiler
builds its own: an event's depth is how many spans on its lane are still open when it starts;
its parent is the last span one level up before it. Self time is a span's duration minus its
children's; device time is the GPU work (kernels, memcpy, memset) whose ``correlation`` id
matches a runtime call (cudaLaunchKernel ...) and is charged to the operator around that call,
and through the tree to every ancestor (total).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from jupyter_tb.reading.profile_trace import Trace

GPU_CATS = ("kernel", "gpu_memcpy", "gpu_memset", "gpu_user_annotation")
RUNTIME_CATS = ("cuda_runtime", "cuda_driver")
# spans the operator table and the call tree leave out: the whole-trace span and Python
# frames (torch's key_averages counts neither)
SKIPPED_CATS = ("Trace", "python_function")
STEP_NAME = re.compile(r"^ProfilerStep#(\d+)$")
STEP_ROW = "ProfilerStep*"  # key_averages' name for all ProfilerStep#N spans


def _codes(table: list[str], names) -> np.ndarray:
    wanted = set(names)
    return np.array([i for i, text in enumerate(table) if text in wanted], np.int64)


def _in(column: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.isin(column, codes) if len(codes) else np.zeros(len(column), bool)


@dataclass
class CallTree:
    """The duration spans of a trace and their nesting (arrays indexed by span, not event)."""

    index: np.ndarray  # event index of each span
    start: np.ndarray  # µs, absolute
    dur: np.ndarray
    depth: np.ndarray
    parent: np.ndarray  # span index of the parent, -1 at the top
    gpu: np.ndarray  # bool: a GPU span (own lanes; not in the CPU tree)

    def levels(self):
        """Span indexes per depth, deepest first (for sums up the tree)."""
        for d in range(int(self.depth.max(initial=0)), 0, -1):
            yield np.flatnonzero(self.depth == d)


def call_tree(trace: Trace) -> CallTree:
    """Every span of the trace: complete events ("X") and begin/end pairs ("B"/"E")."""
    kept = ~np.isnan(trace.ts) & ~_in(trace.cat, _codes(trace.cats, SKIPPED_CATS))
    complete = np.flatnonzero(kept & (trace.ph == _code(trace.phases, "X")) & ~np.isnan(trace.dur))
    begins, ends = begin_end_pairs(trace, kept)
    index = np.concatenate([complete, begins])
    start = trace.ts[index]
    dur = np.maximum(np.concatenate([trace.dur[complete], trace.ts[ends] - trace.ts[begins]]), 0.0)
    lane = trace.lane[index].astype(np.int64)
    depth, parent = nesting(lane, start, dur)
    gpu = _in(trace.cat[index], _codes(trace.cats, GPU_CATS))
    return CallTree(index, start, dur, depth, parent, gpu)


def begin_end_pairs(trace: Trace, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event indexes of matching "B" and "E" events (Chrome's duration events): per lane in
    time order, a begin at depth d pairs with the next end back to d - 1, as brackets do.
    Unmatched ones are dropped."""
    is_b = kept & (trace.ph == _code(trace.phases, "B"))
    is_e = kept & (trace.ph == _code(trace.phases, "E"))
    events = np.flatnonzero(is_b | is_e)
    if not is_b.any() or not is_e.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lane = trace.lane[events].astype(np.int64)
    events = events[np.lexsort((events, trace.ts[events], lane))]  # lane, time, file order
    lane = trace.lane[events].astype(np.int64)
    step = np.where(is_b[events], 1, -1)
    depth = np.cumsum(step)
    lane_start = np.r_[0, np.flatnonzero(np.diff(lane)) + 1]
    before = np.r_[0, depth][lane_start]  # the running count where each lane begins
    depth -= np.repeat(before, np.diff(np.r_[lane_start, len(events)]))
    level = np.where(step > 0, depth, depth + 1)
    order = np.lexsort((np.arange(len(events)), level, lane))
    first, second = order[:-1], order[1:]
    pair = (
        (step[first] > 0)
        & (step[second] < 0)
        & (lane[first] == lane[second])
        & (level[first] == level[second])
    )
    pair[1:] &= ~pair[:-1]  # an event belongs to one pair
    return events[first[pair]], events[second[pair]]


def origin_us(trace: Trace, tree: CallTree | None = None) -> float:
    """The time every table counts from: the first span's start (else the first event's)."""
    tree = call_tree(trace) if tree is None else tree
    if len(tree.start):
        return float(tree.start.min())
    return float(np.nanmin(trace.ts)) if len(trace) and not np.isnan(trace.ts).all() else 0.0


def _code(table: list[str], text: str) -> int:
    return table.index(text) if text in table else -2


def nesting(lane: np.ndarray, start: np.ndarray, dur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Depth and parent of spans that nest on each lane (times in µs, kept exact as ns)."""
    n = len(start)
    if n == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int64)
    t0 = start.min()
    s = np.round((start - t0) * 1000).astype(np.int64)
    e = s + np.round(dur * 1000).astype(np.int64)
    span = int(e.max()) + 1
    s = s + lane * span  # lanes laid end to end: one sort serves them all
    e = e + lane * span
    order = np.lexsort((-e, s))  # by start, the longer first
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    # spans before me in that order that already ended when I start are not around me
    ended = np.searchsorted(np.sort(e), s, side="right")
    zero = e == s
    # ...except zero-length spans at my start placed after me (and me, if I am one)
    zs = zero[order]
    group = np.r_[0, np.cumsum(s[order][1:] != s[order][:-1])]
    zero_upto = np.cumsum(zs) - np.r_[0, np.cumsum(zs)][np.r_[0, np.flatnonzero(np.diff(group)) + 1]][group]
    zero_in_group = np.bincount(group, weights=zs).astype(np.int64)[group]
    zero_after = np.empty(n, np.int64)
    zero_after[order] = zero_in_group - zero_upto
    finished_before = ended - zero - zero_after
    depth = (rank - finished_before).astype(np.int32)
    depth = np.maximum(depth, 0)
    parent = np.full(n, -1, np.int64)
    by_rank_depth = depth[order]
    for d in range(1, int(depth.max()) + 1):
        above = np.flatnonzero(by_rank_depth == d - 1)  # ranks of spans one level up
        mine = order[by_rank_depth == d]
        at = np.searchsorted(above, rank[mine]) - 1
        ok = at >= 0
        parent[mine[ok]] = order[above[at[ok]]]
    return depth, parent


def _device_time(trace: Trace, tree: CallTree) -> np.ndarray:
    """GPU µs charged to each CPU span directly (before summing up the tree)."""
    own = np.zeros(len(tree.index), np.float64)
    corr = trace.args["correlation"][tree.index]
    runtime = ~tree.gpu & ~np.isnan(corr)
    gpu = tree.gpu & ~np.isnan(corr)
    if not runtime.any() or not gpu.any():
        return own
    runtime_spans = np.flatnonzero(runtime)
    keys = corr[runtime_spans]
    order = np.argsort(keys, kind="stable")
    keys, runtime_spans = keys[order], runtime_spans[order]
    gpu_spans = np.flatnonzero(gpu)
    at = np.searchsorted(keys, corr[gpu_spans])
    found = at < len(keys)
    found[found] = keys[at[found]] == corr[gpu_spans[found]]
    launcher = runtime_spans[at[found]]
    # the operator around the runtime call owns the GPU work; a bare runtime call owns it itself
    owner = np.where(tree.parent[launcher] >= 0, tree.parent[launcher], launcher)
    np.add.at(own, owner, tree.dur[gpu_spans[found]])
    return own


def _sum_up(tree: CallTree, own: np.ndarray) -> np.ndarray:
    total = own.copy()
    for level in tree.levels():
        has = tree.parent[level] >= 0
        np.add.at(total, tree.parent[level][has], total[level][has])
    return total


def operator_table(trace: Trace, group_by_shape: bool = False, tree: CallTree | None = None) -> dict:
    """One row per operator name (and input shapes): calls, self/total CPU and device µs.

    Rows are the CPU spans (ops, user annotations, runtime calls), ``ProfilerStep#N`` spans
    as one ``ProfilerStep*`` row, sorted by total CPU time."""
    tree = call_tree(trace) if tree is None else tree
    children = np.zeros(len(tree.index))
    has_parent = tree.parent >= 0
    np.add.at(children, tree.parent[has_parent], tree.dur[has_parent])
    self_cpu = np.maximum(tree.dur - children, 0.0)
    own_device = _device_time(trace, tree)
    total_device = _sum_up(tree, own_device)
    cpu = ~tree.gpu
    # row label per name code (all ProfilerStep#N as one row), then per span by its code
    labels = [STEP_ROW if STEP_NAME.match(text) else text for text in trace.names]
    label_table, label_of_code = np.unique(np.array(labels + [""], dtype=str), return_inverse=True)
    label_code = label_of_code.reshape(-1)[trace.name[tree.index[cpu]]]
    if group_by_shape:
        shape = trace.input_dims[tree.index[cpu]].astype(np.int64) + 1
        combined = label_code.astype(np.int64) * (len(trace.shapes) + 1) + shape
        keys, row_of = np.unique(combined, return_inverse=True)
        rows = np.stack([keys // (len(trace.shapes) + 1), keys % (len(trace.shapes) + 1) - 1], 1)
    else:
        keys, row_of = np.unique(label_code, return_inverse=True)
        rows = keys[:, None]
    row_of = row_of.reshape(-1)

    def total(values):
        return np.bincount(row_of, weights=values[cpu], minlength=len(rows))

    table = {
        "name": [str(label_table[c]) for c in rows[:, 0].tolist()],
        "calls": np.bincount(row_of, minlength=len(rows)).astype(np.int64),
        "self_cpu_us": total(self_cpu),
        "total_cpu_us": total(tree.dur),
        "self_device_us": total(own_device),
        "total_device_us": total(total_device),
    }
    if group_by_shape:
        table["input_dims"] = [trace.shapes[c] if c >= 0 else "" for c in rows[:, 1].tolist()]
    return _sorted(table, np.argsort(-table["total_cpu_us"], kind="stable"))


def _sorted(table: dict, order: np.ndarray) -> dict:
    return {
        key: ([values[i] for i in order.tolist()] if isinstance(values, list) else values[order])
        for key, values in table.items()
    }


def step_table(trace: Trace, tree: CallTree | None = None) -> dict:
    """One row per profiled step (``ProfilerStep#N`` span, or see :func:`_step_spans`): step,
    label (as the step selector shows it), start_us (from :func:`origin_us`),
    duration_us and where the time went: dataloader, forward, backward, optimizer, other
    (the step's direct children by name) and, with GPU work, kernel / memcpy / memset µs and
    gpu_utilization (kernel busy time / step)."""
    tree = call_tree(trace) if tree is None else tree
    t0 = origin_us(trace, tree)
    span_name = trace.name[tree.index]
    steps, numbers, torch_steps = _step_spans(trace, tree)
    if not torch_steps and not len(steps) and len(tree.start):
        return _whole_trace_step(trace, tree, t0)
    # TensorFlow's step children (a tf.function call) are not torch's forward: "other" there
    kinds = _child_kinds(trace.names, default=1 if torch_steps else -1)
    table = {
        "step": numbers,
        "label": [
            f"ProfilerStep#{n}" if torch_steps else f"{trace.names[c]} {n}"
            for c, n in zip(span_name[steps].tolist(), numbers.tolist())
        ],
        "start_us": tree.start[steps] - t0,
        "duration_us": tree.dur[steps].copy(),
    }
    child_of_step = np.full(len(tree.index), -1, np.int64)
    child_of_step[steps] = np.arange(len(steps))
    parent_row = np.where(tree.parent >= 0, child_of_step[np.maximum(tree.parent, 0)], -1)
    direct = parent_row >= 0
    kind = kinds[span_name[direct]]
    accounted = np.zeros(len(steps))
    for k, column in enumerate(("dataloader_us", "forward_us", "backward_us", "optimizer_us")):
        sel = kind == k
        weights = tree.dur[direct][sel]
        table[column] = np.bincount(parent_row[direct][sel], weights=weights, minlength=len(steps)).astype(
            float
        )
        accounted += table[column]
    table["other_us"] = np.maximum(table["duration_us"] - accounted, 0.0)
    return _with_gpu_columns(table, trace, tree, tree.start[steps])


def _with_gpu_columns(table: dict, trace: Trace, tree: CallTree, start: np.ndarray) -> dict:
    """With GPU work: kernel / memcpy / memset busy µs and gpu_utilization per step window
    (absolute ``start``, the table's ``duration_us``)."""
    if tree.gpu.any():
        cats = trace.cat[tree.index]
        for column, cat in (
            ("kernel_us", "kernel"),
            ("memcpy_us", "gpu_memcpy"),
            ("memset_us", "gpu_memset"),
        ):
            sel = tree.gpu & (cats == _code(trace.cats, cat))
            table[column] = _busy_per_window(tree.start[sel], tree.dur[sel], start, table["duration_us"])
        table["gpu_utilization"] = np.divide(
            table["kernel_us"],
            table["duration_us"],
            out=np.zeros(len(start)),
            where=table["duration_us"] > 0,
        )
    return table


def _whole_trace_step(trace: Trace, tree: CallTree, t0: float) -> dict:
    """A TensorFlow profile without step markers: the whole trace as one step, all "other"."""
    extent = float((tree.start + tree.dur).max() - t0)
    table = {"step": np.zeros(1, np.int64), "label": ["whole trace"], "start_us": np.zeros(1)}
    table["duration_us"] = np.array([extent])
    for column in ("dataloader_us", "forward_us", "backward_us", "optimizer_us"):
        table[column] = np.zeros(1)
    table["other_us"] = np.array([extent])
    return _with_gpu_columns(table, trace, tree, np.array([t0]))


def _step_spans(trace: Trace, tree: CallTree) -> tuple[np.ndarray, np.ndarray, bool]:
    """Span indexes of the profiled steps in time order, their step numbers, and whether they
    are torch's: ``ProfilerStep#N`` spans; else (TensorFlow profiles) the outermost CPU spans
    with a ``step_num`` arg (``tf.profiler.experimental.Trace("train", step_num=i)``)."""
    code_step = {i: int(m.group(1)) for i, text in enumerate(trace.names) if (m := STEP_NAME.match(text))}
    span_name = trace.name[tree.index]
    steps = np.flatnonzero(_in(span_name, np.array(list(code_step), np.int64)))
    numbers = np.array([code_step[int(c)] for c in span_name[steps]], np.int64)
    step_num = trace.args.get("step_num")
    torch_steps = len(steps) > 0 or step_num is None
    if not torch_steps:
        step_num = step_num[tree.index]
        steps = np.flatnonzero(~np.isnan(step_num) & (tree.depth == 0) & ~tree.gpu)
        numbers = step_num[steps].astype(np.int64)
    order = np.argsort(tree.start[steps], kind="stable")
    return steps[order], numbers[order], torch_steps


def _child_kinds(names: list[str], default: int = 1) -> np.ndarray:
    """Per name code: 0 data loading, 1 forward, 2 backward, 3 optimizer (``default`` for the
    rest; -1 is none of them)."""
    kinds = np.full(len(names), default, np.int64)
    for i, text in enumerate(names):
        if "DataLoader" in text:
            kinds[i] = 0
        elif text.startswith("autograd::engine::evaluate_function") or "Backward" in text:
            kinds[i] = 2
        elif text.startswith("Optimizer."):
            kinds[i] = 3
    return kinds


def _busy_per_window(start, dur, win_start, win_dur) -> np.ndarray:
    """Length of the union of spans inside each window (overlapping streams counted once)."""
    out = np.zeros(len(win_start))
    if len(start) == 0:
        return out
    order = np.argsort(start)
    s, e = start[order], start[order] + dur[order]
    for w, (ws, wd) in enumerate(zip(win_start.tolist(), win_dur.tolist())):
        inside = (e > ws) & (s < ws + wd)
        cs, ce = np.clip(s[inside], ws, ws + wd), np.clip(e[inside], ws, ws + wd)
        if len(ce):
            reach = np.maximum.accumulate(np.r_[ws, ce[:-1]])  # furthest end before each span
            out[w] = np.maximum(ce - np.maximum(cs, reach), 0).sum()
    return out


def kernel_table(trace: Trace, tree: CallTree | None = None) -> dict:
    """GPU kernels by (name, launching operator): calls, total / mean / max µs."""
    tree = call_tree(trace) if tree is None else tree
    kernels = np.flatnonzero(tree.gpu & (trace.cat[tree.index] == _code(trace.cats, "kernel")))
    op = np.full(len(tree.index), -1, np.int64)
    corr = trace.args["correlation"][tree.index]
    cpu_calls = np.flatnonzero(~tree.gpu & ~np.isnan(corr))
    lookup = dict(zip(corr[cpu_calls].tolist(), cpu_calls.tolist()))
    for k in kernels.tolist():  # per kernel launch: a dict lookup (kernels are not millions)
        call = lookup.get(float(corr[k]))
        if call is not None:
            op[k] = tree.parent[call] if tree.parent[call] >= 0 else call
    op_name = np.where(op[kernels] >= 0, trace.name[tree.index[np.maximum(op[kernels], 0)]], -1)
    key = np.stack([trace.name[tree.index[kernels]].astype(np.int64), op_name.astype(np.int64)], 1)
    if len(key) == 0:
        return {
            "name": [],
            "operator": [],
            "calls": np.zeros(0, np.int64),
            "total_us": np.zeros(0),
            "mean_us": np.zeros(0),
            "max_us": np.zeros(0),
        }
    rows, row_of = np.unique(key, axis=0, return_inverse=True)
    row_of = row_of.reshape(-1)
    dur = tree.dur[kernels]
    calls = np.bincount(row_of, minlength=len(rows))
    total = np.bincount(row_of, weights=dur, minlength=len(rows))
    longest = np.zeros(len(rows))
    np.maximum.at(longest, row_of, dur)
    table = {
        "name": [trace.names[c] for c in rows[:, 0].tolist()],
        "operator": [trace.names[c] if c >= 0 else "" for c in rows[:, 1].tolist()],
        "calls": calls.astype(np.int64),
        "total_us": total,
        "mean_us": total / np.maximum(calls, 1),
        "max_us": longest,
    }
    return _sorted(table, np.argsort(-total, kind="stable"))


def memory_series(trace: Trace, tree: CallTree | None = None) -> dict:
    """Allocated and reserved bytes after each ``[memory]`` event, per device, in time order
    (time_us from :func:`origin_us`)."""
    allocated = trace.args["allocated"]
    sel = np.flatnonzero(~np.isnan(allocated) & ~np.isnan(trace.ts))
    sel = sel[np.argsort(trace.ts[sel], kind="stable")]
    t0 = origin_us(trace, tree)
    dtype = trace.args["device_type"][sel]
    did = trace.args["device_id"][sel]
    labels = [
        "CPU" if t == 0 or np.isnan(t) else f"cuda:{int(i) if not np.isnan(i) else 0}"
        for t, i in zip(dtype.tolist(), did.tolist())
    ]
    devices, device = np.unique(np.array(labels, dtype=str), return_inverse=True) if labels else ([], [])
    return {
        "time_us": trace.ts[sel] - t0,
        "device": [str(d) for d in devices],
        "device_index": np.asarray(device, np.int32).reshape(-1),
        "allocated_bytes": allocated[sel],
        "reserved_bytes": np.nan_to_num(trace.args["reserved"][sel]),
    }


def compare_operators(base: dict, other: dict) -> dict:
    """Two operator tables side by side by name: each one's calls and times, and other - base."""
    names = sorted(set(base["name"]) | set(other["name"]))
    where = {name: i for i, name in enumerate(names)}
    out = {"name": names}
    for label, table in (("base", base), ("other", other)):
        rows = np.array([where[name] for name in table["name"]], np.int64)
        for column in ("calls", "self_cpu_us", "total_cpu_us", "self_device_us", "total_device_us"):
            values = np.zeros(len(names))
            values[rows] = table[column]
            out[f"{column}_{label}"] = values
    for column in ("calls", "self_cpu_us", "total_cpu_us", "self_device_us", "total_device_us"):
        out[f"{column}_diff"] = out[f"{column}_other"] - out[f"{column}_base"]
    return _sorted(out, np.argsort(-np.abs(out["self_cpu_us_diff"]), kind="stable"))


def timeline(trace: Trace, tree: CallTree | None = None) -> dict:
    """The spans laid out for drawing: rows are (lane, depth), CPU lanes first, spans sorted
    by row then start (so a row's visible spans are a binary search away). Times are µs from
    :func:`origin_us`, as the steps' and memory's."""
    tree = call_tree(trace) if tree is None else tree
    labels = trace.lane_names()
    lane = trace.lane[tree.index].astype(np.int64)
    # lane order: CPU lanes, then GPU lanes; by label within each
    lane_gpu = np.zeros(len(labels), bool)
    lane_gpu[lane[tree.gpu]] = True
    lane_order = sorted(range(len(labels)), key=lambda i: (lane_gpu[i], labels[i]))
    used = np.zeros(len(labels), bool)
    used[lane] = True
    lane_order = [i for i in lane_order if used[i]]
    lane_rank = np.zeros(len(labels), np.int64)
    lane_rank[lane_order] = np.arange(len(lane_order))
    depth = tree.depth.astype(np.int64)
    max_depth = np.zeros(len(lane_order), np.int64)
    np.maximum.at(max_depth, lane_rank[lane], depth)
    row_base = np.r_[0, np.cumsum(max_depth + 1)]
    row = row_base[lane_rank[lane]] + depth
    order = np.lexsort((tree.start, row))
    t0 = origin_us(trace, tree)
    row_sorted = row[order]
    n_rows = int(row_base[-1])
    row_offsets = np.searchsorted(row_sorted, np.arange(n_rows + 1)).astype(np.int32)
    return {
        "start": tree.start[order] - t0,
        "dur": tree.dur[order],
        "name": trace.name[tree.index[order]].astype(np.int32),
        "cat": trace.cat[tree.index[order]].astype(np.int32),
        "event": tree.index[order].astype(np.int32),
        "row_offsets": row_offsets,
        "row_lane": np.repeat(np.arange(len(lane_order)), max_depth + 1).astype(np.int32),
        "lanes": [labels[i] for i in lane_order],
        "lane_gpu": [bool(lane_gpu[i]) for i in lane_order],
        "names": list(trace.names),
        "cats": list(trace.cats),
        "t0_us": t0,
    }


def as_frame(table: dict):
    """A table of these functions as a pandas DataFrame (list-valued metadata dropped)."""
    import pandas as pd

    table = dict(table)
    if "device_index" in table:  # memory: per-row device labels from the table of devices
        table["device"] = pd.Categorical.from_codes(table.pop("device_index"), table["device"])
    n = max((len(v) for v in table.values() if not isinstance(v, (str, float, int))), default=0)
    return pd.DataFrame(
        {k: v for k, v in table.items() if not isinstance(v, (str, float, int)) and len(v) == n}
    )
