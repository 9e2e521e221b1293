"""TensorFlow profiler XSpaces (``*.xplane.pb``): real TF 2.21 profiles against what TensorFlow's
own tooling (xprof) reads from them, hand-built spaces for the wire's corners and GPU planes,
damaged files, and discovery under ``<run>/plugins/profile/<session>/``."""

from __future__ import annotations

import gzip
import json
import os
import shutil

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb.compute import profile_tables as tables
from jupyter_tb.format.protowire import encode_varint
from jupyter_tb.format.tfrecord import unaligned
from jupyter_tb.reading.profile_trace import TraceError, cycle_name
from jupyter_tb.reading.xplane import XPlaneError, _varints, parse_xspace
from tests.support import xspace as xs

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "xplane")


def _raw(name: str) -> bytes:
    with open(os.path.join(FIXTURES, f"{name}.xplane.pb"), "rb") as f:
        return f.read()


def _oracle(name: str) -> dict:
    with open(os.path.join(FIXTURES, "oracle.json")) as f:
        return json.load(f)[name]


@pytest.mark.parametrize("name", ["loop", "keras"])
def test_real_profiles_agree_with_tensorflows_own_op_stats(name):
    trace = parse_xspace(_raw(name))
    ops = tables.operator_table(trace)
    rows = {op: i for i, op in enumerate(ops["name"])}
    checked = 0
    for host, op_type, operation, occurrences, total_us, self_us in _oracle(name)["ops"]:
        if host != "Host" or op_type == "IDLE":
            continue
        # TensorFlow names an op event "name:Type"; input pipeline iterators by their path
        row = rows[operation if op_type == "Dataset" else f"{operation}:{op_type}"]
        assert ops["calls"][row] == occurrences
        assert ops["total_cpu_us"][row] == pytest.approx(total_us, abs=2e-3)
        if op_type != "Dataset":  # xprof's iterator self time subtracts child iterators only
            assert ops["self_cpu_us"][row] == pytest.approx(self_us, abs=2e-3)
        checked += 1
    assert checked >= 10
    tf_ops = [op for op, cat in zip(ops["name"], _categories(trace, ops["name"])) if cat == "tf_op"]
    assert len(tf_ops) == sum(1 for r in _oracle(name)["ops"] if r[1] not in ("IDLE", "Dataset"))
    assert (
        trace.metadata["hostnames"]
        and trace.metadata["profile_stop_time"] > trace.metadata["profile_start_time"]
    )
    assert all(plane == "/host:CPU" for plane, _line in trace.lanes)
    assert any(line == "python" for _plane, line in trace.lanes)


def _categories(trace, names):
    cat_of = {}
    for code, cat in zip(trace.name.tolist(), trace.cat.tolist()):
        cat_of[trace.names[code]] = trace.cats[cat]
    return [cat_of[n] for n in names]


def test_steps_are_tensorflows_step_markers():
    # tf.profiler.experimental.Trace("train", step_num=i): the steps xprof's overview shows
    steps = tables.step_table(parse_xspace(_raw("loop")))
    oracle = _oracle("loop")["steps"]
    assert steps["label"] == [label for label, _ms in oracle]  # "train 0", ...
    assert steps["duration_us"] == pytest.approx([ms * 1000 for _label, ms in oracle], abs=2e-3)
    assert steps["other_us"] == pytest.approx(steps["duration_us"])  # no torch forward/backward here
    # Keras' TensorBoard callback marks each profiled batch (xprof finds no step there)
    trace = parse_xspace(_raw("keras"))
    steps = tables.step_table(trace)
    batches = np.flatnonzero(trace.name == trace.names.index("Profiled batch"))
    assert len(steps["step"]) == len(batches) > 0
    assert steps["duration_us"] == pytest.approx(trace.dur[batches[np.argsort(trace.ts[batches])]])


def test_a_profile_without_step_markers_is_one_whole_trace_step():
    events = [xs.event(1, 1_000_000, 2_000_000), xs.event(2, 5_000_000, 1_000_000)]
    trace = parse_xspace(xs.xspace(xs.plane("/host:CPU", [xs.line(1, "t", 0, events)], {1: "a", 2: "b"})))
    steps = tables.step_table(trace)
    assert steps["label"] == ["whole trace"]
    assert steps["start_us"].tolist() == [0.0] and steps["duration_us"] == pytest.approx([5.0])
    assert steps["other_us"] == pytest.approx([5.0])


def test_hand_built_space_wire_corners():
    long_text = "x" * 300  # a two-byte length
    host = xs.plane(
        "/host:CPU",
        [
            xs.line(
                -5,  # a negative int64: ten-byte varint
                "tf_Compute/-5",
                1_000,
                [
                    xs.event(1, 2_000_000, 3_000_000, [(1, 7), (2, 2.5), (3, long_text), (4, ("ref", 4))]),
                    xs.event(2, 0, 1_000, occurrences=3),  # aggregated: no time
                    xs.event(99, 10_000_000, 0),  # metadata missing
                ],
                display_name="worker",
            )
            + xs.varint_field(15, 1)  # a field this reader does not know: skipped
        ],
        {1: ("Relu:Relu", "Relu"), 2: "Iterator::Root"},
        {1: "step_num", 2: "ratio", 3: "note", 4: "tf_op"},
    )
    raw = xs.xspace(
        host, xs.plane("Task Environment", stats=[(1, ("uint", 5))], stat_names={1: "profile_start_time"})
    )
    trace = parse_xspace(raw)
    assert len(trace) == 3
    assert trace.lanes == [("/host:CPU", "worker")]
    assert [trace.names[c] for c in trace.name] == ["Relu:Relu", "Iterator::Root", "(no metadata)"]
    assert [trace.cats[c] for c in trace.cat] == ["tf_op", "tf_data", "TraceMe"]
    assert (
        trace.ts[0] == pytest.approx(1.0 + 2.0)
        and np.isnan(trace.ts[1])
        and trace.ts[2] == pytest.approx(11.0)
    )
    assert trace.dur[0] == pytest.approx(3.0)
    assert trace.args["step_num"][0] == 7 and np.isnan(trace.args["step_num"][1:]).all()
    assert trace.metadata == {"hostnames": ["host"], "profile_start_time": 5}
    details = parse_xspace(raw).event_args(0, raw)
    assert details["name"] == "Relu:Relu" and details["display_name"] == "Relu"
    assert details["args"] == {"step_num": 7, "ratio": 2.5, "note": long_text, "tf_op": "tf_op"}
    assert details["lane"] == ("/host:CPU", "worker")
    # gzip reads the same
    assert parse_xspace(gzip.compress(raw)).names == trace.names


def test_gpu_planes_tie_kernels_to_their_launching_ops():
    # untested on a real GPU profile (this machine has none): the shape is xplane.proto's
    trace = parse_xspace(xs.gpu_space())
    cats = {trace.names[n]: trace.cats[c] for n, c in zip(trace.name, trace.cat)}
    assert cats == {
        "train": "TraceMe",
        "MatMul:MatMul": "tf_op",
        "cudaLaunchKernel": "cuda_runtime",
        "cudaMemcpyAsync": "cuda_runtime",
        "volta_sgemm_128x64_nn": "kernel",
        "MemcpyH2D": "gpu_memcpy",
    }
    ops = tables.operator_table(trace)
    row = {name: i for i, name in enumerate(ops["name"])}
    assert ops["self_device_us"][row["MatMul:MatMul"]] == pytest.approx(2 * 0.07)
    assert ops["self_device_us"][row["train"]] == pytest.approx(2 * 0.03)  # the memcpy's call is train's
    assert ops["total_device_us"][row["train"]] == pytest.approx(2 * 0.1)
    kernels = tables.kernel_table(trace)
    assert kernels["name"] == ["volta_sgemm_128x64_nn"] and kernels["operator"] == ["MatMul:MatMul"]
    steps = tables.step_table(trace)
    assert list(steps["step"]) == [0, 1] and steps["kernel_us"] == pytest.approx([0.07, 0.07])
    layout = tables.timeline(trace)
    assert layout["lanes"] == ["/host:CPU / python", "/device:GPU:0 / Stream #7(Compute)"]
    assert layout["lane_gpu"] == [False, True]


def test_truncated_files_raise_a_clear_error():
    raw = _raw("keras")
    whole = len(parse_xspace(raw))
    for cut in range(1, len(raw), 97):
        try:
            trace = parse_xspace(raw[:cut])
        except XPlaneError as error:
            assert "truncated" in str(error) or "runs past" in str(error) or "claims" in str(error), error
        else:  # cut between two whole planes: a shorter valid space
            assert len(trace) < whole


def test_flipped_bytes_never_crash_the_reader():
    raw = _raw("loop")
    rng = np.random.default_rng(0)
    outcomes = set()
    for at in range(0, len(raw), 23):
        damaged = bytearray(raw)
        damaged[at] ^= int(rng.integers(1, 256))
        try:
            trace = parse_xspace(bytes(damaged))
        except TraceError:
            outcomes.add("error")
        else:
            tables.operator_table(trace)
            tables.step_table(trace)
            tables.timeline(trace)
            outcomes.add("read")
    assert outcomes == {"error", "read"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\x0a" + encode_varint(2**62) + b"\x00" * 8, "claims 4611686018427387904 bytes"),
        (b"\x0a\x03" + b"\x1a\x81" + b"\x00", "claims"),  # a line longer than its plane
        (b"\x08" + b"\xff" * 11, "varint"),
        (b"\x0b\x00", "wire type 3"),  # a group: not in xplane.proto
        (b"\x1f\x8b\x08garbage", "gzip"),
        (b"\x08\x01", "wrong wire type"),  # planes as a varint
        (xs.xspace(xs.plane("p", [xs.line(1, "l", 0, [b"\x0a\x05ab"])])), "event"),  # event body damaged
    ],
)
def test_damaged_spaces_name_the_problem(raw, message):
    with pytest.raises(TraceError, match=message):
        parse_xspace(raw)


def test_events_decode_without_python_objects_per_event():
    """A line of many events: the result's columns are numpy arrays of that length and the
    string tables stay as small as the distinct names."""
    events = [xs.event(1 + i % 3, 1000 * i, 500, [(1, i)]) for i in range(20000)]
    raw = xs.xspace(
        xs.plane("/host:CPU", [xs.line(1, "t", 0, events)], {1: "a", 2: "b", 3: "c:D"}, {1: "step_num"})
    )
    trace = parse_xspace(raw)
    assert len(trace) == 20000 and trace.names == ["a", "b", "c:D"]
    assert (trace.args["step_num"] == np.arange(20000)).all()
    assert trace.ts == pytest.approx(np.arange(20000) / 1000)


def test_event_runs_split_by_other_fields_and_key_bytes_inside_payloads():
    # 0x22 is the events' key byte: as a value (34), inside text ('"'), as nested stats' key
    events = [xs.event(1, 34 * i, 34, [(1, i), (2, '"' * (i % 40)), (3, ("uint", 34))]) for i in range(300)]
    body = xs.varint_field(1, 1) + b"".join(xs.bytes_field(4, e) for e in events[:150])
    body += xs.bytes_field(11, '"lane"') + b"".join(xs.bytes_field(4, e) for e in events[150:])
    raw = xs.xspace(xs.plane("/host:CPU", [body], {1: "op"}, {1: "step_num", 2: "t", 3: "u"}))
    trace = parse_xspace(raw)
    assert trace.lanes == [("/host:CPU", '"lane"')]
    assert (trace.args["step_num"] == np.arange(300)).all()
    assert trace.ts == pytest.approx(34 * np.arange(300) / 1e6)
    assert trace.event_args(299, raw)["args"] == {"step_num": 299, "t": '"' * (299 % 40), "u": 34}


def test_word_at_a_time_varints_agree_with_byte_at_a_time():
    rng = np.random.default_rng(1)
    values = [int(v) for v in rng.integers(0, 2**63, 3000) >> rng.integers(0, 63, 3000)]
    values += [2**64 - 1, 0, 127, 128, 2**56 - 1, 2**56]
    raw = b"".join(encode_varint(v) for v in values) + b"\xff\xff"  # ends inside a varint
    u8 = np.frombuffer(raw, np.uint8)
    pos = np.cumsum([0] + [len(encode_varint(v)) for v in values])
    end = np.full(len(pos), len(raw) - 1, np.int64)
    value, after, ok = _varints(u8, unaligned(u8, "<u8"), pos, end)
    assert value[:-1].tolist() == values and not ok[-1] and ok[:-1].all()
    assert (after[:-1] == pos[1:]).all()


def test_cycle_names_of_tensorflow_profiles():
    assert (
        cycle_name("/logs/train/plugins/profile/2026_01_02_03_04_05/vm.xplane.pb") == "2026_01_02_03_04_05/vm"
    )
    assert cycle_name("/x/run/host_12.1700000000.pt.trace.json.gz") == "host_12.1700000000"


def _place(logdir, run: str, session: str, name: str, raw: bytes) -> str:
    folder = os.path.join(logdir, run, "plugins", "profile", session)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(raw)
    return path


def test_profiles_in_a_logdir_belong_to_their_run(tmp_path):
    logdir = str(tmp_path)
    _place(logdir, "keras/train", "2026_01_01_00_00_00", "vm.xplane.pb", _raw("keras"))
    with jupyter_tb.SummaryWriter(os.path.join(logdir, "keras", "train")) as writer:
        writer.add_scalar("loss", 1.0, 0)
    _place(logdir, ".", "2026_01_01_00_00_01", "vm.xplane.pb", _raw("loop"))  # the logdir itself
    broken = _place(logdir, "broken", "2026_01_01_00_00_02", "vm.xplane.pb", _raw("loop")[:1000])
    ld = jupyter_tb.read(logdir)
    assert ld.runs == [".", "keras/train"]
    assert ld.tags("keras/train")["profile"] == ["2026_01_01_00_00_00/vm"]
    assert "scalars" in ld.tags("keras/train")
    assert any("broken" in e and "truncated" in e for e in ld.errors)  # reported; the rest is read
    profile = ld.profile(".")
    assert profile.steps()["step"].tolist() == [0, 1, 2, 3, 4]
    assert "MatMul:_MklMatMul" in profile.operators()["name"].tolist()
    first = profile.trace().name.tolist().index(profile.trace().names.index("train"))
    assert profile.event(first)["args"]["step_num"] == 0
    # a second session arrives live; the broken file is read once whole
    _place(logdir, "keras/train", "2026_01_01_00_00_09", "vm.xplane.pb", _raw("keras"))
    shutil.copy(os.path.join(FIXTURES, "loop.xplane.pb"), broken)
    changes = ld.reload()
    assert ("keras/train", "profile", "2026_01_01_00_00_09/vm") in changes
    assert ("broken", "profile", "2026_01_01_00_00_02/vm") in changes
    assert ld.tags("keras/train")["profile"] == ["2026_01_01_00_00_00/vm", "2026_01_01_00_00_09/vm"]
