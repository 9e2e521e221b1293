"""Trace files: the vectorised parser against json.loads on a real torch.profiler trace (plain
and gzip), JSON corner cases, damaged files, and discovery in a logdir (trace-only runs, live
new files, a file still being written)."""

from __future__ import annotations

import gzip
import json
import os

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb.reading.profile_trace import TraceError, cycle_name, parse_trace
from tests.support.profile_traces import cuda_trace, profile_training, trace_json


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return profile_training(str(tmp_path_factory.mktemp("prof")), active=2)


def _trace_file(session) -> str:
    folder = os.path.join(session.logdir, session.run)
    (name,) = os.listdir(folder)
    return os.path.join(folder, name)


def _same_as_json(raw: bytes) -> None:
    trace = parse_trace(raw)
    events = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)["traceEvents"]
    assert len(trace) == len(events)

    def text(codes, table):
        return [table[c] if c >= 0 else None for c in codes.tolist()]

    assert text(trace.name, trace.names) == [e.get("name") for e in events]
    assert text(trace.cat, trace.cats) == [e.get("cat") for e in events]
    assert text(trace.ph, trace.phases) == [e.get("ph") for e in events]
    for column, key in (("ts", "ts"), ("dur", "dur")):
        expected = np.array([e.get(key, np.nan) for e in events], float)
        assert np.array_equal(getattr(trace, column), expected, equal_nan=True), column
    for column, key in (
        ("external_id", "External id"),
        ("allocated", "Total Allocated"),
        ("correlation", "correlation"),
        ("device_type", "Device Type"),
    ):
        expected = np.array([e.get("args", {}).get(key, np.nan) for e in events], float)
        assert np.array_equal(trace.args[column], expected, equal_nan=True), column
    lanes = [trace.lanes[c] if c >= 0 else None for c in trace.lane.tolist()]
    assert lanes == [(str(e["pid"]), str(e["tid"])) if "pid" in e else None for e in events]
    shapes = text(trace.input_dims, trace.shapes)
    assert [json.loads(s) if s else None for s in shapes] == [
        e.get("args", {}).get("Input Dims") for e in events
    ]
    for i in (0, len(events) // 2, len(events) - 1):
        assert trace.event_args(i, gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw) == events[i]


def test_a_real_torch_trace_parses_as_json_loads_reads_it(session):
    raw = open(_trace_file(session), "rb").read()
    assert b"ProfilerStep#" in raw and b"[memory]" in raw
    _same_as_json(raw)
    _same_as_json(gzip.compress(raw))


def test_cuda_shaped_trace_and_json_corner_cases():
    _same_as_json(trace_json(cuda_trace().events))
    events = [
        {
            "ph": "X",
            "name": 'quote " and \\ back\\slash, {brace} [x]: ok',
            "cat": "cpu_op",
            "pid": 1,
            "tid": 2,
            "ts": 1.5e3,
            "dur": -0.25,
            "args": {"External id": 12345678901234567, "nested": {"a": [1, {"b": "}"}]}},
        },
        {"ph": "X", "name": "ünïcode ✓", "pid": "host", "tid": "", "ts": 0, "dur": 1e-3},
        {"ph": "i", "name": "", "pid": 1, "tid": 2, "ts": 7, "s": "g", "args": {}},
    ]
    _same_as_json(json.dumps({"traceEvents": events, "other": [{"x": 1}]}).encode())
    _same_as_json(json.dumps({"traceEvents": events}, indent=None, separators=(",", ":")).encode())
    _same_as_json(
        b'{"traceEvents": [{"ph": "X", "ts":' + b" \n" * 300 + b'5, "dur": 1e2 , "name": "\\u00e9"}]}'
    )
    bare = parse_trace(json.dumps(events).encode())  # Chrome's "JSON array format"
    assert bare.names[bare.name[1]] == "ünïcode ✓"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b'{"traceEvents": [{"ph": "X", "name": "a"', "unbalanced"),
        (b'{"traceEvents": [{"ph": "X", "name": "a}]}', "unterminated"),
        (b'{"events": []}', "no traceEvents"),
        (b'{"traceEvents": {}}', "not an array"),
        (b"\x1f\x8b\x08garbage", "gzip"),
        (b"hello", "not a JSON"),
        (b'{"traceEvents": [{]}}', "mismatched"),
    ],
)
def test_damaged_traces_raise_a_clear_error(raw, message):
    with pytest.raises(TraceError, match=message):
        parse_trace(raw)


def test_cycle_names():
    assert cycle_name("/x/run/host_12.1700000000.pt.trace.json.gz") == "host_12.1700000000"
    assert cycle_name("a/b.trace.json") == "b"


def test_runs_holding_only_traces_are_runs_and_new_traces_appear(session, tmp_path):
    logdir = tmp_path / "logs"
    (logdir / "prof").mkdir(parents=True)
    raw = open(_trace_file(session), "rb").read()
    (logdir / "prof" / "w1.100.pt.trace.json").write_bytes(raw)
    with jupyter_tb.SummaryWriter(str(logdir / "scalars_only")) as writer:
        writer.add_scalar("loss", 1.0, 0)
    ld = jupyter_tb.read(str(logdir))
    assert ld.runs == ["prof", "scalars_only"]
    assert ld.tags("prof") == {"profile": ["w1.100"]}
    assert "profile" not in ld.tags("scalars_only")
    with pytest.raises(KeyError, match="no profiler trace"):
        ld.profile("scalars_only")
    # a second cycle, gzip, arrives live; one being written is retried once complete
    (logdir / "prof" / "w1.200.pt.trace.json.gz").write_bytes(gzip.compress(raw))
    partial = logdir / "prof" / "w1.300.pt.trace.json"
    partial.write_bytes(raw[: len(raw) // 2])
    changes = ld.reload()
    assert ("prof", "profile", "w1.200") in changes
    assert ld.tags("prof") == {"profile": ["w1.100", "w1.200"]}
    assert any("w1.300" in e for e in ld.errors)  # reported, retried when it grows
    partial.write_bytes(raw)
    assert ("prof", "profile", "w1.300") in ld.reload()
    profile = ld.profile("prof")
    assert [c.name for c in profile.cycles] == ["w1.100", "w1.200", "w1.300"]
    assert len(profile.trace("w1.200")) == len(profile.trace("w1.100")) > 0
    assert ld.reload() == set()  # nothing parsed again
    partial.unlink()
    assert ("prof", "profile", "w1.300") in ld.reload()
    assert ld.tags("prof") == {"profile": ["w1.100", "w1.200"]}


def test_parse_reports_its_progress():
    seen = []
    parse_trace(trace_json(cuda_trace().events), seen.append)
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] < 1 and len(seen) >= 4


def test_progress_counts_trace_bytes(session, tmp_path):
    (tmp_path / "r").mkdir()
    raw = open(_trace_file(session), "rb").read()
    (tmp_path / "r" / "a.pt.trace.json").write_bytes(raw)
    ld = jupyter_tb.read(str(tmp_path))
    assert ld.progress == (len(raw), len(raw), 1)
