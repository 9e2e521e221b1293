"""EventFileLoader: incremental, chunked reading of one event file."""

from __future__ import annotations

import numpy as np

from jupyter_tb._proto import event_pb2
from jupyter_tb.reading.loader import EventFileLoader
from jupyter_tb.reading.storage import LocalStorage


def _real_file(tmp_path, images=True):
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(0)
    with SummaryWriter(str(tmp_path / "src")) as w:
        for i in range(200):
            w.add_scalar("x", float(i), i)
            if images and i % 40 == 0:  # records much larger than the scalar ones
                w.add_image("im", rng.random((3, 64, 64)), i)
    (path,) = (tmp_path / "src").iterdir()
    return path.read_bytes()


def _payloads(chunks):
    return [bytes(c.buf[o : o + n]) for c in chunks for o, n in zip(c.offsets, c.lengths)]


def _reference(data):
    # the payloads as TensorBoard's own record reader sees them
    import os
    import tempfile

    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(data)
    try:
        return list(RawEventFileLoader(f.name).Load())
    finally:
        os.unlink(f.name)


def test_reads_only_appended_bytes_in_any_pieces(tmp_path):
    data = _real_file(tmp_path)
    expected = _reference(data)
    target = tmp_path / "events.out.tfevents.1.x"
    target.write_bytes(b"")
    storage = LocalStorage(tmp_path)
    loader = EventFileLoader(storage, str(target), chunk_size=1000)
    got, reads = [], []
    original_read = storage.read
    storage.read = lambda path, start, length, **kw: (
        reads.append((start, length)) or original_read(path, start, length, **kw)
    )
    rng = np.random.default_rng(1)
    pos = 0
    while pos < len(data):
        step = int(rng.integers(1, 3000))
        with open(target, "ab") as f:
            f.write(data[pos : pos + step])
        pos = min(len(data), pos + step)
        got += _payloads(loader.poll(pos))
    assert got == expected
    assert loader.pending == 0 and loader.errors == []
    # every byte was fetched exactly once (asks past the end return less)
    assert sum(min(length, len(data) - start) for start, length in reads) == len(data)
    assert [s for s, _ in reads] == sorted(s for s, _ in reads)


def test_record_larger_than_a_chunk(tmp_path):
    data = _real_file(tmp_path)
    target = tmp_path / "events.out.tfevents.2.x"
    target.write_bytes(data)
    loader = EventFileLoader(LocalStorage(tmp_path), str(target), chunk_size=64)
    events = [event_pb2.Event.FromString(p) for p in _payloads(loader.poll(len(data)))]
    assert sum(e.HasField("summary") and e.summary.value[0].HasField("image") for e in events) == 5
    assert [e.step for e in events if e.HasField("summary") and e.summary.value[0].tag == "x"] == list(
        range(200)
    )


def test_damage_is_reported_with_the_file_and_offset(tmp_path):
    data = bytearray(_real_file(tmp_path, images=False))
    expected = _reference(bytes(data))
    data[200] ^= 0x01  # inside some early record's payload
    target = tmp_path / "events.out.tfevents.3.x"
    target.write_bytes(bytes(data))
    loader = EventFileLoader(LocalStorage(tmp_path), str(target))
    got = _payloads(loader.poll(len(data)))
    assert len(got) == len(expected) - 1
    (message,) = loader.errors
    assert str(target) in message and "CRC" in message


def test_a_file_that_shrank_is_reported(tmp_path):
    data = _real_file(tmp_path, images=False)
    target = tmp_path / "events.out.tfevents.4.x"
    target.write_bytes(data)
    loader = EventFileLoader(LocalStorage(tmp_path), str(target))
    assert len(_payloads(loader.poll(len(data)))) == 201
    assert list(loader.poll(10)) == []
    assert "shrank" in loader.errors[0]


def test_a_length_over_2_gib_is_damage_not_a_growing_tail(tmp_path):
    import struct
    import tracemalloc

    from jupyter_tb.format.crc import masked_crc32c
    from jupyter_tb.format.tfrecord import encode_record

    def record(step):
        return encode_record(event_pb2.Event(step=step, file_version="brain.Event:2").SerializeToString())

    length = struct.pack("<Q", 1 << 63)
    bogus = length + struct.pack("<I", masked_crc32c(length))
    target = tmp_path / "events.out.tfevents.5.x"
    target.write_bytes(record(1) + bogus + record(2))
    loader = EventFileLoader(LocalStorage(tmp_path), str(target))
    tracemalloc.start()
    got = _payloads(loader.poll(target.stat().st_size))
    with open(target, "ab") as f:  # the writer goes on after the damage
        f.write(record(3))
    got += _payloads(loader.poll(target.stat().st_size))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [event_pb2.Event.FromString(p).step for p in got] == [1, 2, 3]
    assert loader.pending == 0
    (message,) = loader.errors
    assert str(target) in message and str(1 << 63) in message
    assert peak < 1 << 20


def test_a_file_of_zeros_is_one_report_and_costs_little(tmp_path):
    import time

    target = tmp_path / "events.out.tfevents.6.x"
    with open(target, "wb") as f:
        f.truncate(100 << 20)  # reads as zeros, as a crash leaves them
    loader = EventFileLoader(LocalStorage(tmp_path), str(target), chunk_size=16 << 20)
    start = time.process_time()
    assert _payloads(loader.poll(100 << 20, final=True)) == []
    seconds = time.process_time() - start
    (message,) = loader.errors
    assert f"offsets 0..{100 << 20}" in message and "zero bytes" in message
    assert seconds < 2.0  # ~6 s before zero runs were skipped


def test_final_poll_reports_a_truncated_tail_once_and_reads_past_garbage(tmp_path):
    data = _real_file(tmp_path, images=False)
    expected = _reference(data)
    target = tmp_path / "events.out.tfevents.4.x"
    target.write_bytes(data[:-5])  # the last record lost its last bytes
    loader = EventFileLoader(LocalStorage(tmp_path), str(target))
    assert _payloads(loader.poll(len(data) - 5)) == expected[:-1]
    assert loader.errors == [] and loader.pending > 0  # may still be written: held back
    assert _payloads(loader.poll(len(data) - 5, final=True)) == []
    (message,) = loader.errors
    assert str(target) in message and "truncated record" in message
    assert loader.pending == 0 and _payloads(loader.poll(len(data) - 5, final=True)) == []
    assert len(loader.errors) == 1

    # garbage that looks like a record still being written, with whole records after it
    garbage = b"\x00" * 30 + data[-60:]
    target.write_bytes(data + garbage)
    loader = EventFileLoader(LocalStorage(tmp_path), str(target))
    list(loader.poll(len(data) + len(garbage)))
    final = _payloads(loader.poll(len(data) + len(garbage), final=True))
    assert loader.errors and all(p in expected for p in final)


def test_older_files_of_a_run_that_stopped_growing_are_read_to_the_end(tmp_path):
    import jupyter_tb

    data = _real_file(tmp_path, images=False)
    run = tmp_path / "run"
    run.mkdir()
    (run / "events.out.tfevents.1.a").write_bytes(data[:-7])  # a job killed mid-record
    (run / "events.out.tfevents.2.b").write_bytes(data[:-3])  # the newest: may be growing
    ld = jupyter_tb.read(str(run))
    assert ld.errors == []  # both could still be growing at the first look
    ld.reload()
    (message,) = ld.errors  # the older one did not grow: reported once
    assert "events.out.tfevents.1.a" in message and "truncated record" in message
    ld.reload()
    assert len(ld.errors) == 1
    assert len(ld.scalars(".", "x")) == 2 * 199  # every whole record of both files
