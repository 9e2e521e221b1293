"""Profile view state without a browser: the catalog of runs and cycles, the tables and the
timeline as binary buffers, cycle switches, live new cycles, comparison and span details."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from jupyter_tb.compute import profile_tables as tables
from jupyter_tb.reading.profile_trace import parse_trace
from jupyter_tb.widgets.views.profile import Profile
from tests.support.profile_traces import cuda_trace, trace_json
from tests.support.widget_capture import make_view


@pytest.fixture
def logdir(tmp_path):
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu" / "host_1.100.pt.trace.json").write_bytes(trace_json(cuda_trace().events))
    (tmp_path / "gpu" / "host_1.200.pt.trace.json.gz").write_bytes(
        gzip.compress(trace_json(cuda_trace().events[:-6]))
    )
    return tmp_path


def test_snapshot_sends_tables_and_timeline_as_buffers(logdir, outbox, live_sources):
    w = make_view(Profile, logdir)
    (reset,) = outbox.of(w, "reset")
    assert reset["profiles"] == {"gpu": ["host_1.100", "host_1.200"]}
    assert (reset["run"], reset["cycle"]) == ("gpu", "host_1.200")  # the newest cycle
    (msg,) = outbox.of(w, "profile")
    assert msg["cycle"] == "host_1.200" and "error" not in msg
    trace = parse_trace(trace_json(cuda_trace().events[:-6]))
    expected = tables.operator_table(trace)
    assert msg["operators"]["name"] == expected["name"]
    np.testing.assert_allclose(msg["operators"]["total_device_us"], expected["total_device_us"])
    assert msg["kernels"]["operator"] and msg["steps"]["step"].tolist() == [4, 5]
    _widget, content, _buffers = [r for r in outbox.raw if r[1].get("type") == "profile"][0]
    timeline = content["timeline"]
    assert timeline["start"]["dtype"] == "float64" and timeline["dur"]["dtype"] == "float32"
    assert content["operators"]["self_cpu_us"]["dtype"] == "float64"  # not a JSON float list


def test_cycle_switch_live_cycle_compare_and_details(logdir, outbox, live_sources):
    w = make_view(Profile, logdir)
    outbox.clear(w)
    w.cycle = "host_1.100"  # what the browser's cycle menu does
    (msg,) = outbox.of(w, "profile")
    assert msg["cycle"] == "host_1.100"
    w.compare_cycle = "host_1.200"
    (compare,) = outbox.of(w, "compare")
    table = compare["table"]
    i = table["name"].index("ProfilerStep*")
    assert table["calls_base"][i] == 2 and table["calls_other"][i] == 2
    details = w.request_event(int(msg["timeline"]["event"][0]))
    assert details["event"]["ph"] == "X" and "name" in details["event"]
    outbox.clear(w)
    (logdir / "gpu" / "host_1.300.pt.trace.json").write_bytes(trace_json(cuda_trace().events))
    outbox.wait_for(w, lambda m: m.get("type") == "profiles")
    (catalog,) = outbox.of(w, "profiles")
    assert catalog["profiles"]["gpu"][-1] == "host_1.300"
    assert not outbox.of(w, "profile")  # the shown cycle was chosen: it stays


def test_damaged_trace_reports_and_the_tab_stays(tmp_path, outbox, live_sources):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "bad.pt.trace.json").write_bytes(b'{"traceEvents": [{"ph": "X"')
    w = make_view(Profile, tmp_path)
    (reset,) = outbox.of(w, "reset")
    assert reset["profiles"] == {}
    assert any("bad.pt.trace.json" in e for e in w.logdir.errors)
