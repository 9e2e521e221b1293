"""TFRecord framing: golden bytes against TensorBoard's writer, scanning against TensorBoard's
reader, resumption at arbitrary cut points, and every kind of damage."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyter_tb.format.crc import masked_crc32c
from jupyter_tb.format.tfrecord import HEADER_SIZE, encode_record, scan_records


def frames(batch, buf):
    return [bytes(buf[o : o + n]) for o, n in zip(batch.offsets.tolist(), batch.lengths.tolist())]


def reference_frames(buf):
    """The obvious loop, for well-formed buffers."""
    out, pos = [], 0
    while pos + HEADER_SIZE <= len(buf):
        (length,) = struct.unpack_from("<Q", buf, pos)
        if pos + 16 + length > len(buf):
            break
        out.append(bytes(buf[pos + 12 : pos + 12 + length]))
        pos += 16 + length
    return out, pos


def cyclic_payloads(n, cycle=(30, 30, 34, 31), every=997, odd=2000):
    """Lengths that repeat a cycle, with an odd one now and then: the speculation's habitat."""
    lengths = [odd if i % every == every - 1 else cycle[i % len(cycle)] for i in range(n)]
    pool = np.random.default_rng(n).integers(0, 256, size=sum(lengths), dtype=np.uint8).tobytes()
    ends = np.cumsum(lengths).tolist()
    return [pool[end - length : end] for end, length in zip(ends, lengths)]


def test_encode_record_matches_tensorboard_record_writer():
    from tensorboard.summary.writer.record_writer import RecordWriter

    sink = io.BytesIO()
    writer = RecordWriter(sink)
    payloads = [b"", b"x", b"hello tfevents" * 40]
    for payload in payloads:
        writer.write(payload)
    assert sink.getvalue() == b"".join(encode_record(p) for p in payloads)
    # the masked CRC of the empty string, as in every TFRecord implementation
    assert masked_crc32c(b"") == 0xA282EAD8


def test_scan_matches_tensorboard_reader_on_tensorboardx_file(tmp_path):
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboardX import SummaryWriter

    with SummaryWriter(logdir=str(tmp_path)) as writer:
        for step in range(1000):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
            writer.add_scalar("accuracy/top1", step / 1000, step)
            if step % 100 == 0:
                writer.add_histogram("weights", np.random.default_rng(step).normal(size=500), step)
    (path,) = tmp_path.glob("events.out.tfevents.*")
    expected = list(RawEventFileLoader(str(path)).Load())
    buf = path.read_bytes()
    batch = scan_records(buf)
    assert frames(batch, buf) == expected
    assert batch.consumed == len(buf)
    assert batch.errors == []
    assert batch.offsets.dtype == np.int64 and batch.lengths.dtype == np.int64


@pytest.mark.parametrize("verify_crc", [True, False])
def test_long_cyclic_file_matches_reference(verify_crc):
    buf = b"".join(encode_record(p) for p in cyclic_payloads(200_000))
    batch = scan_records(buf, verify_crc=verify_crc)
    expected, end = reference_frames(buf)
    assert frames(batch, buf) == expected
    assert batch.consumed == end == len(buf)


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 300), min_size=0, max_size=120),
    repeat=st.integers(1, 40),
    cut=st.floats(0, 1),
)
def test_resuming_at_any_cut_point_reads_every_record_once(lengths, repeat, cut):
    payloads = [bytes([i % 251]) * n for i, n in enumerate(lengths * repeat)]
    buf = b"".join(encode_record(p) for p in payloads)
    split = int(len(buf) * cut)
    first = scan_records(buf[:split])
    assert first.errors == []
    assert first.consumed <= split
    second = scan_records(buf[first.consumed :], base_offset=first.consumed, final=True)
    assert second.errors == []
    assert frames(first, buf[:split]) + frames(second, buf[first.consumed :]) == payloads
    assert first.consumed + second.consumed == len(buf)


def test_truncated_tail_waits_for_more_bytes_unless_final():
    payloads = cyclic_payloads(50)
    buf = b"".join(encode_record(p) for p in payloads)
    last = len(encode_record(payloads[-1]))
    for cut in (1, 4, 5, last - HEADER_SIZE, last - 1):
        partial = buf[: len(buf) - cut]
        batch = scan_records(partial, base_offset=1000)
        assert frames(batch, partial) == payloads[:-1]
        assert batch.consumed == len(buf) - last and batch.errors == []
        final = scan_records(partial, base_offset=1000, final=True)
        assert frames(final, partial) == payloads[:-1]
        assert final.consumed == len(partial)
        assert len(final.errors) == 1
        assert f"offset {1000 + len(buf) - last}" in final.errors[0]


@pytest.mark.parametrize("odd", [2000, 9000], ids=["small", "big"])  # big: CRC'd in place
def test_bad_payload_crc_loses_only_that_record(odd):
    payloads = cyclic_payloads(5000, every=7, odd=odd)
    records = [encode_record(p) for p in payloads]
    starts = np.cumsum([0] + [len(r) for r in records])
    buf = bytearray(b"".join(records))
    damaged = [6, 7, 1000, 2500, 2501, 4997, 4999]  # 6, 1000 and 4997 are odd ones
    for i in damaged:
        buf[starts[i] + HEADER_SIZE + len(payloads[i]) // 2] ^= 0x10 if payloads[i] else 0
        if not payloads[i]:
            buf[starts[i] + HEADER_SIZE] ^= 0x10  # corrupt the stored CRC instead
    batch = scan_records(bytes(buf), base_offset=50)
    assert frames(batch, buf) == [p for i, p in enumerate(payloads) if i not in damaged]
    assert batch.consumed == len(buf)
    assert len(batch.errors) == len(damaged)
    for i, message in zip(damaged, batch.errors):
        assert f"offset {50 + starts[i]}" in message and "payload CRC" in message


def test_bad_header_crc_resynchronises_and_reports_skipped_range():
    payloads = cyclic_payloads(3000)
    records = [encode_record(p) for p in payloads]
    starts = np.cumsum([0] + [len(r) for r in records])
    buf = bytearray(b"".join(records))
    buf[starts[1200] + 3] ^= 0x7F  # length field of record 1200 now claims ~ 2**31 bytes
    batch = scan_records(bytes(buf))
    assert frames(batch, buf) == payloads[:1200] + payloads[1201:]
    assert batch.consumed == len(buf)
    (message,) = batch.errors
    assert f"offset {starts[1200]}" in message
    assert f"skipped {starts[1201] - starts[1200]} bytes" in message


def test_garbage_between_and_after_records():
    rng = np.random.default_rng(5)
    payloads = cyclic_payloads(400)
    garbage = rng.integers(0, 256, size=777, dtype=np.uint8).tobytes()
    head = b"".join(encode_record(p) for p in payloads[:200])
    tail = b"".join(encode_record(p) for p in payloads[200:])
    buf = head + garbage + tail + garbage
    batch = scan_records(buf, final=True)
    assert frames(batch, buf) == payloads
    assert batch.consumed == len(buf)
    assert len(batch.errors) == 2
    assert f"offset {len(head)}" in batch.errors[0] and "skipped 777 bytes" in batch.errors[0]
    assert f"offset {len(head) + 777 + len(tail)}" in batch.errors[1]
    # not final: garbage at the end is consumed only as far as a header could be tested
    live = scan_records(buf)
    assert frames(live, buf) == payloads
    assert len(buf) - HEADER_SIZE < live.consumed <= len(buf)


def _valid_header(length: int) -> bytes:
    field = struct.pack("<Q", length)
    return field + struct.pack("<I", masked_crc32c(field))


def test_long_length_with_valid_header_waits_and_allocates_nothing():
    import tracemalloc

    header = _valid_header(1 << 30)  # a CRC-valid record of 1 GiB: maybe still being written
    good = encode_record(b"ok")
    buf = good + header + b"partial payload"
    tracemalloc.start()
    batch = scan_records(buf)
    final = scan_records(buf, final=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10 << 20
    assert frames(batch, buf) == [b"ok"] and batch.consumed == len(good) and not batch.errors
    assert frames(final, buf) == [b"ok"] and final.consumed == len(buf)
    assert str(1 << 30) in final.errors[0]


@pytest.mark.parametrize("length", [(1 << 31) + 1, 5 << 30, 1 << 63])
def test_length_over_2_gib_is_damage_and_reading_resumes_after_it(length):
    before, after = [b"a" * 20] * 3, [b"b" * 7] * 4
    buf = b"".join(map(encode_record, before)) + _valid_header(length) + b"".join(map(encode_record, after))
    batch = scan_records(buf)  # not final: a real record this long could not be waited for
    assert frames(batch, buf) == before + after and batch.consumed == len(buf)
    (message,) = batch.errors
    assert f"offset {3 * 36}" in message and str(length) in message and "skipped 12 bytes" in message


def test_a_run_of_zeros_is_skipped_quickly_and_reported_as_one_run():
    import time

    good = encode_record(b"after the zeros")
    zeros = np.zeros(64 << 20, np.uint8).tobytes()
    buf = encode_record(b"first") + zeros + good
    start = time.process_time()
    batch = scan_records(buf, final=True)
    seconds = time.process_time() - start
    assert frames(batch, buf) == [b"first", b"after the zeros"] and not batch.errors
    assert batch.zero_runs == [(21, 21 + len(zeros))]
    assert seconds < 1.0  # the header search over these offsets took ~4 s
    live = scan_records(zeros)  # a file of zeros so far: consumed up to a possible header
    assert live.zero_runs == [(0, len(zeros) - HEADER_SIZE + 1)] and not live.errors


def test_empty_and_tiny_buffers():
    assert scan_records(b"").consumed == 0
    assert scan_records(b"\x01\x02", final=False).consumed == 0
    tiny = scan_records(b"\x01\x02", final=True)
    assert tiny.consumed == 2 and len(tiny.errors) == 1
    empty_payload = encode_record(b"")
    batch = scan_records(memoryview(empty_payload * 3))
    assert batch.lengths.tolist() == [0, 0, 0] and batch.consumed == 48


def test_verify_crc_false_trusts_payloads():
    payloads = cyclic_payloads(100)
    buf = bytearray(b"".join(encode_record(p) for p in payloads))
    buf[HEADER_SIZE] ^= 1  # first payload byte
    assert len(scan_records(bytes(buf)).offsets) == 99
    unchecked = scan_records(bytes(buf), verify_crc=False)
    assert len(unchecked.offsets) == 100 and unchecked.errors == []
