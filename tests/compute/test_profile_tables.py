"""Profiler tables against torch's own numbers: the operator table of a real torch.profiler
session agrees with that session's ``prof.key_averages()`` (same calls, self and total CPU
time within 5%), step durations with torch's ProfilerStep spans; device columns, kernels and
the GPU breakdown on a hand-made CUDA-shaped trace (no GPU here: a real GPU trace is untested)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb.compute import profile_tables as tables
from jupyter_tb.reading.profile_trace import parse_trace
from tests.support.profile_traces import cuda_trace, profile_training, trace_json


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return profile_training(str(tmp_path_factory.mktemp("prof")), active=3)


@pytest.fixture(scope="module")
def profile(session):
    return jupyter_tb.read(session.logdir).profile(session.run)


def test_operators_agree_with_key_averages(session, profile):
    ops = profile.operators().set_index("name")
    assert list(profile.operators().columns) == [
        "name",
        "calls",
        "self_cpu_us",
        "total_cpu_us",
        "self_device_us",
        "total_device_us",
    ]
    worst = 0.0
    timed = {k: v for k, v in session.key_averages.items() if v[2] > 0}
    assert "aten::addmm" in timed and "ProfilerStep*" in timed and len(timed) > 20
    for name, (calls, self_cpu, total_cpu) in timed.items():
        row = ops.loc[name]
        assert row.calls == calls, name
        for ours, theirs in ((row.self_cpu_us, self_cpu), (row.total_cpu_us, total_cpu)):
            error = abs(ours - theirs) / max(theirs, 1.0)
            worst = max(worst, error)
            assert error <= 0.05, (name, ours, theirs)
    print(f"worst relative difference to key_averages: {worst:.4%} over {len(timed)} operators")
    assert (ops.self_device_us == 0).all()  # a CPU session: no device time


def test_steps_agree_with_the_profiler_step_spans(session, profile):
    steps = profile.steps()
    assert len(steps) == len(session.step_spans) == 3
    assert np.allclose(steps.duration_us, session.step_spans, rtol=0.01)
    assert steps.step.tolist() == sorted(steps.step.tolist())
    parts = steps[["dataloader_us", "forward_us", "backward_us", "optimizer_us", "other_us"]].sum(axis=1)
    assert np.allclose(parts, steps.duration_us)
    assert (steps.forward_us > 0).all() and (steps.backward_us > 0).all() and (steps.optimizer_us > 0).all()


def test_memory_follows_the_memory_events(session, profile):
    memory = profile.memory()
    trace = profile.trace()
    raw = open(profile.cycle().path, "rb").read()
    events = [e for e in json.loads(raw)["traceEvents"] if e.get("name") == "[memory]"]
    assert len(memory) == len(events) > 0
    assert sorted(memory.allocated_bytes.tolist()) == sorted(
        float(e["args"]["Total Allocated"]) for e in events
    )
    assert set(memory.device) == {"CPU"}
    assert (np.diff(memory.time_us) >= 0).all()
    assert len(trace) == len(json.loads(raw)["traceEvents"])


def test_grouping_by_input_shape_splits_calls(profile):
    by_name = profile.operators().set_index("name")
    by_shape = profile.operators(group_by_shape=True)
    assert "input_dims" in by_shape.columns
    summed = by_shape.groupby("name").calls.sum()
    assert (summed == by_name.calls.loc[summed.index]).all()
    assert "[[32, 64], [128, 64], [128]]" in set(by_shape[by_shape.name == "aten::linear"].input_dims)


def test_device_columns_from_a_cuda_shaped_trace():
    hand = cuda_trace()
    trace = parse_trace(trace_json(hand.events))
    ops = tables.as_frame(tables.operator_table(trace)).set_index("name")
    for name, expected in hand.expected_self_device.items():
        assert ops.loc[name].self_device_us == pytest.approx(expected), name
    for name, expected in hand.expected_total_device.items():
        assert ops.loc[name].total_device_us == pytest.approx(expected), name
    assert ops.loc["ProfilerStep*"].total_device_us == pytest.approx(sum(hand.expected_self_device.values()))
    assert ops.loc["cudaLaunchKernel"].calls == 4 and ops.loc["aten::addmm"].self_cpu_us == pytest.approx(
        160.0
    )
    assert not any(name.startswith(("ampere", "Memcpy")) for name in ops.index)  # GPU spans are not CPU rows
    kernels = tables.as_frame(tables.kernel_table(trace))
    assert dict(zip(kernels.name, kernels.operator)) == hand.kernel_ops
    assert kernels.set_index("name").loc["ampere_sgemm_128x64_nn"][
        ["calls", "total_us", "mean_us", "max_us"]
    ].tolist() == [2, 60.0, 30.0, 30.0]
    steps = tables.as_frame(tables.step_table(trace))
    assert steps.step.tolist() == [4, 5]
    assert steps.kernel_us.tolist() == [38.0, 38.0] and steps.memcpy_us.tolist() == [12.0, 12.0]
    assert steps.memset_us.tolist() == [2.0, 2.0]
    assert steps.gpu_utilization.tolist() == pytest.approx([38 / 900, 38 / 900])
    memory = tables.as_frame(tables.memory_series(trace))
    assert set(memory.device) == {"cuda:0"} and memory.reserved_bytes.tolist() == [2097152.0] * 2


def test_compare_gives_the_difference_per_operator(profile):
    base = tables.operator_table(profile.trace())
    other = {**base, "self_cpu_us": base["self_cpu_us"] * 2}
    other["name"] = base["name"][:-1] + ["aten::new_op"]
    diff = tables.as_frame(tables.compare_operators(base, other)).set_index("name")
    kept = base["name"][0]
    assert diff.loc[kept].self_cpu_us_diff == pytest.approx(base["self_cpu_us"][0])
    assert diff.loc["aten::new_op"].calls_base == 0 and diff.loc[base["name"][-1]].calls_other == 0


def test_nesting_with_ties_and_zero_length_spans():
    # lane 0: A [0,10) holds B [0,4) and D [4,10); C [4,4) is zero-length at B's end and D's
    # start: inside D, the span open at that instant. Lane 1: E, on its own.
    lane = np.array([0, 0, 0, 0, 1])
    start = np.array([0.0, 0.0, 4.0, 4.0, 0.0])
    dur = np.array([10.0, 4.0, 0.0, 6.0, 3.0])
    depth, parent = tables.nesting(lane, start, dur)
    assert depth.tolist() == [0, 1, 2, 1, 0]
    assert parent.tolist() == [-1, 0, 3, 0, -1]


def test_timeline_rows_are_sorted_for_binary_search():
    trace = parse_trace(trace_json(cuda_trace().events))
    layout = tables.timeline(trace)
    offsets = layout["row_offsets"]
    assert offsets[0] == 0 and offsets[-1] == len(layout["start"])
    for r in range(len(offsets) - 1):
        row = layout["start"][offsets[r] : offsets[r + 1]]
        assert (np.diff(row) >= 0).all()
    assert layout["lane_gpu"] == [False, True]  # CPU lane first, then the GPU stream
    assert layout["lanes"][1] == "GPU 0 / stream 7"
    assert layout["start"].min() == 0.0


def test_begin_end_events_are_spans_too():
    # Chrome's duration events: B/E pairs nest per thread; an unmatched E is dropped
    events = [
        {"ph": "B", "name": "outer", "pid": 1, "tid": 1, "ts": 0},
        {"ph": "B", "name": "inner", "pid": 1, "tid": 1, "ts": 2},
        {"ph": "B", "name": "other thread", "pid": 1, "tid": 2, "ts": 3},
        {"ph": "E", "pid": 1, "tid": 1, "ts": 5},
        {"ph": "X", "name": "inner", "pid": 1, "tid": 1, "ts": 6, "dur": 1},
        {"ph": "E", "pid": 1, "tid": 1, "ts": 10},
        {"ph": "E", "pid": 1, "tid": 2, "ts": 4},
        {"ph": "E", "pid": 1, "tid": 2, "ts": 9},
    ]
    ops = tables.as_frame(tables.operator_table(parse_trace(json.dumps({"traceEvents": events}).encode())))
    ops = ops.set_index("name")
    assert ops.loc["outer"].tolist()[:3] == [1, 6.0, 10.0]  # 10 - (3 + 1) of its two inners
    assert ops.loc["inner"].calls == 2 and ops.loc["inner"].total_cpu_us == 4.0
    assert ops.loc["other thread"].total_cpu_us == 1.0
