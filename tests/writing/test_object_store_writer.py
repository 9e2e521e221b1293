"""Writing straight to object storage: an s3:// logdir on a real moto server on 127.0.0.1.

The writer uploads immutable pieces (see :mod:`jupyter_tb.writing.object_store`); these tests
read them back with our reader, with TensorBoard's own S3 filesystem (boto3) while they are
being written, with the live watcher, and after the writing process was killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb._proto import event_pb2
from jupyter_tb.format.tfrecord import scan_records
from jupyter_tb.reading.logdir import Logdir
from jupyter_tb.reading.watcher import LogdirWatcher
from jupyter_tb.writing import object_store
from jupyter_tb.writing.event_file_writer import EventWriterError

pytestmark = pytest.mark.s3


@pytest.fixture(scope="module")
def s3():
    pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    from tests.support.moto_s3 import start_moto_s3, stop_moto_s3

    server, s3 = start_moto_s3()
    # versioning keeps every PUT of a key: a rewritten piece would show as a second version
    s3.client.put_bucket_versioning(Bucket=s3.bucket, VersioningConfiguration={"Status": "Enabled"})
    yield s3
    stop_moto_s3(server, s3)


@pytest.fixture
def tensorboard_s3(s3, monkeypatch):
    """TensorBoard's own S3 filesystem (boto3), pointed at moto as a user would: S3_ENDPOINT and
    the AWS variables. Its endpoint is read once at import, so it is set on the instance too."""
    from tensorboard.compat.tensorflow_stub.io import gfile

    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(gfile._REGISTERED_FILESYSTEMS["s3"], "_s3_endpoint", s3.endpoint)


def _records(data: bytes) -> list[bytes]:
    scan = scan_records(data, final=True)
    assert scan.errors == [] and scan.consumed == len(data)
    return [bytes(data[o : o + n]) for o, n in zip(scan.offsets, scan.lengths)]


def _pieces(s3, prefix: str) -> list[str]:
    return sorted(k for k in s3.keys(prefix) if "tfevents" in k)


def _versions(s3, prefix: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    pages = s3.client.get_paginator("list_object_versions").paginate(Bucket=s3.bucket, Prefix=prefix)
    for page in pages:
        for version in page.get("Versions", []):
            counts[version["Key"]] = counts.get(version["Key"], 0) + 1
    return counts


def _log_everything(writer, steps: range, flush_every: int) -> None:
    rng = np.random.default_rng(steps.start)
    for step in steps:
        writer.add_scalar("loss", 1.0 / (step + 1), step, walltime=1000.0 + step)
        writer.add_scalar("acc", step / 100.0, step, walltime=1000.0 + step)
        if step % 10 == 0:
            writer.add_histogram("w", rng.normal(size=100), step, walltime=1000.0 + step)
            writer.add_image("im", np.full((3, 4, 4), step / 100.0), step, walltime=1000.0 + step)
            writer.add_text("note", f"step {step}", step, walltime=1000.0 + step)
        if step % flush_every == flush_every - 1:
            writer.flush()


def test_pieces_concatenate_to_the_local_file_and_read_back(s3, tmp_path):
    url = s3.url("roundtrip", "run1")
    with jupyter_tb.SummaryWriter(url, storage_options=s3.options) as remote:
        _log_everything(remote, range(100), flush_every=30)
    with jupyter_tb.SummaryWriter(tmp_path / "run1") as local:
        _log_everything(local, range(100), flush_every=30)

    keys = _pieces(s3, "roundtrip/run1/")
    assert len(keys) >= 5  # the header, three flushes, the tail at close (and any timed ones)
    assert all(count == 1 for count in _versions(s3, "roundtrip/").values())
    joined = b"".join(s3.client.get_object(Bucket=s3.bucket, Key=k)["Body"].read() for k in keys)
    (local_file,) = (tmp_path / "run1").iterdir()
    ours, theirs = _records(joined), _records(local_file.read_bytes())
    # byte for byte the local file, but for the header's wall time
    assert event_pb2.Event.FromString(ours[0]).file_version == "brain.Event:2"
    assert ours[1:] == theirs[1:] and len(ours) == 1 + 200 + 3 * 10

    remote_ld = jupyter_tb.read(s3.url("roundtrip"), storage_options=s3.options)
    local_ld = jupyter_tb.read(str(tmp_path))
    assert remote_ld.runs == ["run1"] and remote_ld.errors == []
    for tag in ("loss", "acc"):
        got, want = remote_ld.scalars("run1", tag), local_ld.scalars("run1", tag)
        np.testing.assert_array_equal(got.steps, want.steps)
        np.testing.assert_array_equal(got.values, want.values)
    assert len(remote_ld.images("run1", "im")) == 10
    assert remote_ld.images("run1", "im")[3].encoded() == local_ld.images("run1", "im")[3].encoded()
    np.testing.assert_array_equal(
        remote_ld.histograms("run1", "w").steps, local_ld.histograms("run1", "w").steps
    )


def test_piece_names_sort_in_write_order_past_ten_pieces(s3, monkeypatch):
    monkeypatch.setattr(object_store, "PIECE_BYTES", 600)  # a piece every ~15 scalars
    url = s3.url("many", "run")
    writer = jupyter_tb.SummaryWriter(url, storage_options=s3.options)
    for step in range(400):
        writer.add_scalar("x", float(step), step)
        if step % 20 == 19:
            writer.flush()
    uploader = writer.file_writer._sink
    writer.close()
    uploaded = [path.split("/", 1)[1] for path, _, _ in uploader.uploaded]
    assert len(uploaded) > 20
    assert _pieces(s3, "many/run/") == sorted(uploaded) == uploaded  # name order is upload order
    assert all(count == 1 for count in _versions(s3, "many/").values())
    ld = jupyter_tb.read(s3.url("many"), storage_options=s3.options)
    assert ld.scalars("run", "x").steps.tolist() == list(range(400))


def test_tensorboard_reads_the_pieces_while_they_are_written(s3, tensorboard_s3):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    url = s3.url("tb-live", "run")
    writer = jupyter_tb.SummaryWriter(url, storage_options=s3.options)
    accumulator = EventAccumulator(url, size_guidance={"histograms": 0})  # 0: keep all
    for chunk in range(10):  # to piece 10, where unpadded numbers would sort out of order
        for step in range(chunk * 20, chunk * 20 + 20):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
            if step % 10 == 0:
                writer.add_histogram("w", np.arange(step, step + 10.0), step)
        writer.flush()
        if chunk % 4 == 3:  # several new pieces per reload: it moves on through them, never back
            accumulator.Reload()
            assert [e.step for e in accumulator.Scalars("loss")] == list(range(chunk * 20 + 20))
    writer.close()
    accumulator.Reload()
    ours = jupyter_tb.read(s3.url("tb-live"), storage_options=s3.options)
    np.testing.assert_array_equal(
        np.array([e.value for e in accumulator.Scalars("loss")], np.float32),
        ours.scalars("run", "loss").values,
    )
    assert [e.step for e in accumulator.Histograms("w")] == list(range(0, 200, 10))
    assert len(_pieces(s3, "tb-live/run/")) >= 11


def test_live_watcher_sees_new_pieces_while_the_writer_writes(s3):
    url = s3.url("watched", "run")
    writer = jupyter_tb.SummaryWriter(url, storage_options=s3.options)
    ld = Logdir(s3.url("watched"), storage_options=s3.options, missing_ok=True)
    seen: list[int] = []
    changed = threading.Event()

    def on_change(keys):
        if ("run", "scalars", "loss") in keys:
            seen.append(len(ld.scalars("run", "loss")))
            changed.set()

    with LogdirWatcher(ld, reload_interval=0.1, on_change=on_change):
        for chunk in range(1, 4):
            for step in range((chunk - 1) * 50, chunk * 50):
                writer.add_scalar("loss", float(step), step)
            writer.flush()
            deadline = time.monotonic() + 20
            while (not seen or seen[-1] < chunk * 50) and time.monotonic() < deadline:
                changed.wait(0.5)
                changed.clear()
            assert seen and seen[-1] == chunk * 50, seen
    assert not writer.file_writer.closed  # all seen before the writer finished
    writer.close()


def test_timed_uploads_need_no_flush(s3):
    url = s3.url("timed", "run")
    writer = jupyter_tb.SummaryWriter(url, storage_options=s3.options, flush_secs=1.5)
    writer.add_scalar("x", 1.0, 1)  # then nothing: no flush, no close
    deadline = time.monotonic() + 10
    while len(_pieces(s3, "timed/run/")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_pieces(s3, "timed/run/")) == 2
    ld = jupyter_tb.read(s3.url("timed"), storage_options=s3.options)
    assert ld.scalars("run", "x").steps.tolist() == [1]
    writer.close()


def test_pieces_are_due_after_1_2_4_seconds_then_every_flush_secs():
    from jupyter_tb.writing.event_file_writer import event_file_name

    uploader = object_store.PieceUploader("memory://jtb-schedule/run", event_file_name, flush_secs=5)
    try:
        uploader.start(b"header")
        assert uploader.due_in() is None  # nothing pending: nothing due
        waits = []
        for _ in range(5):
            uploader.write(b"data")
            waits.append(round(uploader.due_in()))
            uploader.upload_due()
        assert waits == [1, 2, 4, 5, 5]
    finally:
        uploader.fs.rm("/jtb-schedule", recursive=True)


_KILLED_WRITER = """
import sys
import jupyter_tb
w = jupyter_tb.SummaryWriter(sys.argv[1], flush_secs=3600)
step = 0
while True:
    w.add_scalar("loss", 1.0 / (step + 1), step)
    step += 1
    if step % 200 == 0:
        w.flush()
        print(step, flush=True)
"""


def test_killed_writer_leaves_everything_flushed_readable(s3):
    url = s3.url("killed", "run")
    env = {**os.environ, **s3.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, url], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        flushed = [int(child.stdout.readline()) for _ in range(5)]  # five flushes done
    finally:
        child.send_signal(signal.SIGKILL)  # mid-run: it keeps adding after its last report
        child.wait(30)
    ld = jupyter_tb.read(s3.url("killed"), storage_options=s3.options)
    steps = ld.scalars("run", "loss").steps.tolist()
    assert flushed == [200, 400, 600, 800, 1000]
    assert steps[: flushed[-1]] == list(range(flushed[-1])) and steps == list(range(len(steps)))
    assert ld.errors == []


def test_an_unclosed_writer_uploads_its_tail_at_interpreter_exit(s3):
    code = "import sys, jupyter_tb\nw = jupyter_tb.SummaryWriter(sys.argv[1])\n"
    code += "for i in range(20000): w.add_scalar('x', float(i), i)\n"  # no flush, no close
    env = {**os.environ, **s3.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code, s3.url("exit", "run")], env=env, check=True, timeout=120)
    ld = jupyter_tb.read(s3.url("exit"), storage_options=s3.options)
    assert ld.scalars("run", "x").steps.tolist() == list(range(20000))


def test_an_outage_warns_loses_nothing_and_is_retried(s3):
    flaky = s3.bucket + "-flaky"
    s3.create_bucket(flaky)
    writer = jupyter_tb.SummaryWriter(f"s3://{flaky}/run", storage_options=s3.options, flush_secs=0.2)
    for key in _pieces_in(s3, flaky):  # the bucket disappears mid-run
        s3.client.delete_object(Bucket=flaky, Key=key)
    s3.client.delete_bucket(Bucket=flaky)
    with pytest.warns(RuntimeWarning, match="NoSuchBucket|does not exist|stay queued"):
        for step in range(10):  # the timed uploads fail; the loop is not interrupted
            writer.add_scalar("x", float(step), step)
            time.sleep(0.05)
        time.sleep(0.5)
    with pytest.raises(EventWriterError, match="stay queued and are retried"):
        writer.flush()  # a barrier: it says the data is not in the bucket yet
    s3.create_bucket(flaky)
    for step in range(10, 20):
        writer.add_scalar("x", float(step), step)
    writer.close()
    ld = jupyter_tb.read(f"s3://{flaky}", storage_options=s3.options)
    assert ld.scalars("run", "x").steps.tolist() == list(range(20))


def test_closing_during_an_outage_says_what_is_lost(s3):
    gone = s3.bucket + "-gone"
    s3.create_bucket(gone)
    writer = jupyter_tb.SummaryWriter(f"s3://{gone}/run", storage_options=s3.options)
    for key in _pieces_in(s3, gone):
        s3.client.delete_object(Bucket=gone, Key=key)
    s3.client.delete_bucket(Bucket=gone)
    writer.add_scalar("x", 1.0, 1)
    with pytest.raises(EventWriterError, match="the writer is closed, so they are lost"):
        writer.close()


def _pieces_in(s3, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_a_name_another_writer_holds_in_the_bucket_is_skipped(s3, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)  # every name in one second
    probe = jupyter_tb.SummaryWriter(s3.url("taken", "run"), storage_options=s3.options)
    probe_piece = s3.keys("taken/run/")[0]
    probe.close()
    stem, number, _piece = probe_piece.rsplit(".", 2)
    foreign = f"{stem}.{int(number) + 1}"  # a whole event file another writer uploaded there
    s3.client.put_object(Bucket=s3.bucket, Key=foreign, Body=b"theirs")
    with jupyter_tb.SummaryWriter(s3.url("taken", "run"), storage_options=s3.options) as writer:
        writer.add_scalar("x", 1.0, 1)
    ours = [k for k in s3.keys("taken/run/") if k.startswith(f"{stem}.{int(number) + 2}.")]
    assert len(ours) == 2  # its header and its data, under the next free name
    assert s3.client.get_object(Bucket=s3.bucket, Key=foreign)["Body"].read() == b"theirs"


def test_child_runs_embeddings_and_the_tensorboardX_facade_write_to_the_bucket(s3):
    from jupyter_tb import tensorboardX

    points = np.random.default_rng(0).random((20, 3))
    with jupyter_tb.SummaryWriter(s3.url("children", "torch"), storage_options=s3.options) as writer:
        for step in range(5):
            writer.add_scalars("loss", {"train": step, "val": 2 * step}, step)
        writer.add_hparams({"lr": 0.1}, {"hp/acc": 0.9}, run_name="trial")
        writer.add_embedding(points, metadata=[f"p{i}" for i in range(20)], label_img=np.ones((20, 3, 4, 4)))
    with tensorboardX.SummaryWriter(s3.url("children", "tbx"), storage_options=s3.options) as writer:
        writer.add_scalars("loss", {"train": 1.0}, 1)
    ld = jupyter_tb.read(s3.url("children"), storage_options=s3.options)
    assert ld.runs == ["tbx", "tbx/loss/train", "torch", "torch/loss_train", "torch/loss_val", "torch/trial"]
    assert ld.scalars("torch/loss_val", "loss").values.tolist() == [0, 2, 4, 6, 8]
    assert ld.errors == []
    (embedding,) = ld.embeddings()
    np.testing.assert_allclose(embedding.tensor(), points, rtol=1e-6)
    assert embedding.metadata()[1][3] == ["p3"]
    sprite, thumbnail = embedding.sprite()
    assert sprite.size == (20, 16) and thumbnail == (4, 4)  # 20 images of 4 x 4, 5 a row


def test_a_missing_bucket_fails_at_open_naming_the_url(s3):
    with pytest.raises(FileNotFoundError, match="s3://no-such-bucket/run"):
        jupyter_tb.SummaryWriter("s3://no-such-bucket/run", storage_options=s3.options)


def test_an_unreachable_endpoint_is_a_connection_error_naming_the_url(s3):
    from tests.support.moto_s3 import free_port

    options = {
        **s3.options,
        "endpoint_url": f"http://127.0.0.1:{free_port()}",  # nothing listens there
        "config_kwargs": {"retries": {"max_attempts": 1}},  # give up quickly
    }
    with pytest.raises(ConnectionError, match="cannot write to s3://logs/run: EndpointConnectionError"):
        jupyter_tb.SummaryWriter("s3://logs/run", storage_options=options)


def test_a_missing_filesystem_package_names_the_pip_command(monkeypatch):
    import fsspec  # noqa: F401  (loads fsspec.registry)

    imported = sys.modules["fsspec.registry"]._registry  # filesystem classes imported so far
    monkeypatch.delitem(imported, "s3", raising=False)
    monkeypatch.delitem(imported, "gs", raising=False)
    monkeypatch.setitem(sys.modules, "s3fs", None)  # import s3fs fails as if never installed
    monkeypatch.setitem(sys.modules, "gcsfs", None)
    with pytest.raises(ImportError, match=r"pip install s3fs .*jupyter-tb\[s3\]"):
        jupyter_tb.SummaryWriter("s3://bucket/run")
    with pytest.raises(ImportError, match="pip install gcsfs"):
        jupyter_tb.SummaryWriter("gs://bucket/run")


def test_memory_url_round_trip():
    import fsspec

    memory = fsspec.filesystem("memory")  # one store per process: leave nothing behind
    try:
        with jupyter_tb.SummaryWriter("memory://jtb-test/run") as writer:
            for step in range(50):
                writer.add_scalar("x", float(step), step)
        assert len(memory.ls("/jtb-test/run")) == 2
        assert jupyter_tb.read("memory://jtb-test").scalars("run", "x").steps.tolist() == list(range(50))
    finally:
        memory.rm("/jtb-test", recursive=True)
