"""EventFileWriter: file naming, hand-built scalar bytes, batching worker, barrier, errors."""

from __future__ import annotations

import glob
import math
import os
import re
import socket
import struct
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

from jupyter_tb._proto import event_pb2, summary_pb2
from jupyter_tb.format.tfrecord import encode_record
from jupyter_tb.writing.event_file_writer import (
    EventFileWriter,
    EventWriterError,
    scalar_event_bytes,
    summary_event_bytes,
)


def raw_records(path):
    return list(RawEventFileLoader(path).Load())


def events(path):
    return [event_pb2.Event.FromString(r) for r in raw_records(path)]


def proto_scalar_bytes(tag, value, step, wall_time):
    return event_pb2.Event(
        wall_time=wall_time,
        step=step,
        summary=summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)]),
    ).SerializeToString()


@settings(max_examples=300, deadline=None)
@given(
    tag=st.text(max_size=300),
    value=st.floats(allow_nan=False) | st.sampled_from([0.0, -0.0, 1e300, -1e300, math.inf]),
    step=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    wall_time=st.floats(allow_nan=False) | st.just(0.0),
)
def test_hand_built_scalar_event_equals_protobuf(tag, value, step, wall_time):
    assert scalar_event_bytes(tag, value, step, wall_time) == proto_scalar_bytes(tag, value, step, wall_time)


def test_nan_scalar_bytes_equal_protobuf():
    ours = event_pb2.Event.FromString(scalar_event_bytes("x", math.nan, 3, 1.5))
    assert math.isnan(ours.summary.value[0].simple_value)
    assert scalar_event_bytes("x", math.nan, 3, 1.5) == proto_scalar_bytes("x", math.nan, 3, 1.5)


def test_scalar_event_equals_tensorboardx_serialisation():
    from tensorboardX.proto import event_pb2 as tbx_event
    from tensorboardX.proto import summary_pb2 as tbx_summary

    theirs = tbx_event.Event(
        wall_time=1700000000.25,
        step=1234,
        summary=tbx_summary.Summary(value=[tbx_summary.Summary.Value(tag="loss/train", simple_value=0.125)]),
    ).SerializeToString()
    assert scalar_event_bytes("loss/train", 0.125, 1234, 1700000000.25) == theirs


def test_summary_event_bytes_equal_protobuf():
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="t", simple_value=2.0)])
    expected = event_pb2.Event(wall_time=3.5, step=7, summary=summary).SerializeToString()
    assert summary_event_bytes(summary, 7, 3.5) == expected


def test_file_name_and_first_record(tmp_path):
    with EventFileWriter(tmp_path, filename_suffix=".v2") as writer:
        name = os.path.basename(writer.path)
    host = re.escape(socket.gethostname())
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.{host}\.{os.getpid()}\.\d+\.v2", name)
    first = events(writer.path)[0]
    assert first.file_version == "brain.Event:2" and first.wall_time > 0


def test_counter_makes_names_unique(tmp_path):
    writers = [EventFileWriter(tmp_path) for _ in range(5)]
    for w in writers:
        w.close()
    assert len(set(glob.glob(str(tmp_path / "events.out.tfevents.*")))) == 5


def _values_by_file(logdir) -> dict[str, list[tuple[str, int, float]]]:
    """(tag, step, value) of every scalar in each event file, as TensorBoard's loader reads it."""
    return {
        os.path.basename(path): [
            (v.tag, e.step, v.simple_value) for e in events(path)[1:] for v in e.summary.value
        ]
        for path in sorted(glob.glob(str(logdir / "events.out.tfevents.*")))
    }


@pytest.fixture
def one_second(monkeypatch):
    """Every writer opened in the test opens in the same second, as in one fast process."""
    import time

    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)


@pytest.mark.parametrize("ours_first", [False, True])
def test_torch_writer_and_ours_in_one_second_each_get_their_own_file(tmp_path, one_second, ours_first):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    import jupyter_tb

    opened = []
    for kind in ("ours", "torch") if ours_first else ("torch", "ours"):
        writer = jupyter_tb.SummaryWriter(tmp_path) if kind == "ours" else TorchWriter(str(tmp_path))
        opened.append((kind, writer))
    for step in range(3):
        for kind, writer in opened:
            writer.add_scalar(kind, float(step), step)
            writer.flush()
    for _, writer in opened:
        writer.close()
    files = _values_by_file(tmp_path)
    assert len(files) == 2 and len({name.rsplit(".", 1)[0] for name in files}) == 1  # same second
    assert sorted(files.values()) == [
        [("ours", step, float(step)) for step in range(3)],
        [("torch", step, float(step)) for step in range(3)],
    ]


def test_a_name_held_by_another_writer_is_skipped(tmp_path, one_second):
    probe = EventFileWriter(tmp_path)  # the name ours takes now; the next ones are taken below
    probe.close()
    base, number = probe.path.rsplit(".", 1)
    for taken in (int(number) + 1, int(number) + 2):
        with open(f"{base}.{taken}", "wb") as f:  # a foreign writer's file
            f.write(encode_record(event_pb2.Event(file_version="theirs").SerializeToString()))
    writer = EventFileWriter(tmp_path)
    writer.add_scalar("x", 1.0, 1, 1.0)
    writer.close()
    assert writer.path == f"{base}.{int(number) + 3}"
    assert [e.file_version for e in events(f"{base}.{int(number) + 1}")] == ["theirs"]
    assert [e.step for e in events(writer.path)[1:]] == [1]


def test_framing_equals_tensorboardx_record_writer(tmp_path):
    from tensorboardX.record_writer import RecordWriter

    payload = scalar_event_bytes("a", 1.5, 2, 3.0)
    theirs = tmp_path / "theirs"
    rw = RecordWriter(str(theirs))
    rw.write(payload)
    rw.close()
    writer = EventFileWriter(tmp_path / "ours")
    writer.add_scalar("a", 1.5, 2, 3.0)
    writer.close()
    data = open(writer.path, "rb").read()
    first_len = struct.unpack("<Q", data[:8])[0] + 16
    assert data[first_len:] == theirs.read_bytes()


def test_purge_step_writes_session_start(tmp_path):
    writer = EventFileWriter(tmp_path, purge_step=42)
    writer.close()
    first, *starts = events(writer.path)
    assert first.file_version == "brain.Event:2" and first.step == 42
    assert len(starts) == 2  # see EventFileWriter: TensorBoard skips a run's first START
    for start in starts:
        assert start.step == 42 and start.session_log.status == event_pb2.SessionLog.START


def test_flush_is_a_barrier_for_a_concurrent_reader(tmp_path):
    writer = EventFileWriter(tmp_path)
    seen = []
    for round_ in range(20):
        for i in range(500):
            writer.add_scalar("x", float(i), round_ * 500 + i, 1.0)
        writer.flush()
        # a reader with its own file handle, on another thread, sees every record now
        result = []
        reader = threading.Thread(target=lambda result=result: result.append(len(raw_records(writer.path))))
        reader.start()
        reader.join()
        seen.append(result[0])
    writer.close()
    assert seen == [1 + 500 * (r + 1) for r in range(20)]


def test_values_and_order_survive_batching(tmp_path):
    writer = EventFileWriter(tmp_path)
    specials = [math.nan, math.inf, -math.inf, -0.0, 1e300]
    for i in range(10_000):
        writer.add_scalar("v", specials[i] if i < len(specials) else i / 3, i, 1000.0 + i)
    writer.close()
    got = events(writer.path)[1:]
    assert [e.step for e in got] == list(range(10_000))
    values = [e.summary.value[0].simple_value for e in got]
    assert math.isnan(values[0])
    assert values[1:4] == [math.inf, -math.inf, 0.0] and math.copysign(1, values[3]) == -1
    assert values[4] == math.inf  # beyond float32: +inf, as protobuf stores it
    assert values[5:] == [struct.unpack("<f", struct.pack("<f", i / 3))[0] for i in range(5, 10_000)]


def test_live_notification_after_each_batch(tmp_path):
    from jupyter_tb import _appended

    notified = []
    unsubscribe = _appended.subscribe(notified.append)
    try:
        writer = EventFileWriter(tmp_path)
        writer.add_scalar("x", 1.0, 1, 1.0)
        writer.flush()
        assert notified and notified[-1] == os.path.abspath(writer.path)
        writer.close()
    finally:
        unsubscribe()


def test_worker_error_is_raised_in_caller_then_writer_continues(tmp_path):
    writer = EventFileWriter(tmp_path)
    writer.add_scalar("ok", 1.0, 1, 1.0)
    writer.flush()
    writer.add_scalar(b"not a str tag", 1.0, 2, 1.0)  # the worker fails to encode this one
    writer.add_scalar("ok", 3.0, 3, 1.0)
    with pytest.raises(EventWriterError, match=r"not a str tag|encode"):
        writer.flush()
    writer.add_scalar("ok", 4.0, 4, 1.0)  # the error was reported once; writing goes on
    writer.close()
    assert [e.step for e in events(writer.path)[1:]] == [1, 3, 4]


def test_disk_error_is_raised_on_next_call(tmp_path):
    writer = EventFileWriter(tmp_path)
    os.close(writer._sink.file.fileno())  # the OS rejects every further write
    writer.add_scalar("x", 1.0, 1, 1.0)
    with pytest.raises(EventWriterError, match="Bad file descriptor"):
        writer.flush()
    with pytest.raises(EventWriterError):
        writer.add_scalar("x", 2.0, 2, 1.0)
        writer.flush()
    try:
        writer.close()
    except EventWriterError:
        pass


def test_closed_writer_rejects_adds(tmp_path):
    writer = EventFileWriter(tmp_path)
    writer.close()
    writer.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        writer.add_scalar("x", 1.0, 1, 1.0)


def test_files_are_completed_at_interpreter_exit(tmp_path):
    import subprocess
    import sys

    code = (
        "from jupyter_tb.writing.event_file_writer import EventFileWriter\n"
        f"w = EventFileWriter({str(tmp_path)!r})\n"
        "for i in range(20000): w.add_scalar('x', float(i), i, 1.0)\n"
    )  # no close(), no flush(): atexit must drain the queue
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    assert len(raw_records(path)) == 20001


def test_abandoned_writer_is_finalized(tmp_path):
    import gc

    writer = EventFileWriter(tmp_path)
    writer.add_scalar("x", 1.0, 1, 1.0)
    path, thread = writer.path, writer._thread
    del writer
    gc.collect()
    thread.join(10)
    assert not thread.is_alive()
    assert len(raw_records(path)) == 2


def test_backpressure_only_when_the_disk_stalls(tmp_path, monkeypatch):
    import time

    from jupyter_tb.writing import event_file_writer

    gate = threading.Event()
    real_write = event_file_writer._write

    def stalled_write(*args):
        gate.wait(30)
        real_write(*args)

    monkeypatch.setattr(event_file_writer, "_write", stalled_write)
    monkeypatch.setattr(event_file_writer, "_SCALAR_BACKLOG", 100)
    writer = EventFileWriter(tmp_path)
    threading.Timer(0.5, gate.set).start()
    started = time.monotonic()
    for i in range(300):  # beyond the backlog the caller waits instead of queueing forever
        writer.add_scalar("x", float(i), i, 1.0)
    assert time.monotonic() - started >= 0.4
    writer.close()
    assert len(raw_records(writer.path)) == 301


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "loss", "é/acc", "t" * 200]),
            st.floats(allow_nan=False, width=64) | st.sampled_from([0.0, -0.0, 1e300, -math.inf, math.nan]),
            st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.sampled_from([0, 1, 127, 128, 2**14]),
            st.floats(allow_nan=False) | st.sampled_from([0.0, -0.0]),
        ),
        min_size=1,
        max_size=200,
    )
)
def test_bulk_scalar_framing_equals_record_by_record(items):
    from jupyter_tb.writing.event_file_writer import _ScalarFramer

    framed = _ScalarFramer().frame(items, {}).tobytes()
    assert framed == b"".join(encode_record(scalar_event_bytes(*item)) for item in items)
