"""Writer benchmark: ``add_scalar`` cost per call, ours vs tensorboardX vs torch.utils.tensorboard.

``ours`` is ``jupyter_tb.SummaryWriter`` (torch's signatures), ``ours_tbx`` our tensorboardX facade
``jupyter_tb.tensorboardX.SummaryWriter`` (one call more per ``add_scalar``, to map its signature).

    python -m benchmarks.bench_writer             # 200,000 calls per writer
    python -m benchmarks.bench_writer --calls 50000 --writers ours

Each writer runs in a fresh subprocess, writing into a temporary folder. Every call is timed
with ``perf_counter_ns``; the mean includes the final ``close()`` (which flushes everything to
disk), so a writer cannot look fast by deferring its work; p99 and max are over the calls alone.
The file written is read back and its record count checked, so nothing is silently dropped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WRITERS = ["ours", "ours_tbx", "tensorboardX", "torch"]
TAGS = [f"train/loss_{k}" for k in range(4)]


def _writer(kind: str, logdir: str):
    if kind == "ours":
        from jupyter_tb import SummaryWriter
    elif kind == "ours_tbx":
        from jupyter_tb.tensorboardX import SummaryWriter
    elif kind == "tensorboardX":
        from tensorboardX import SummaryWriter
    else:
        from torch.utils.tensorboard import SummaryWriter
    return SummaryWriter(logdir)


def time_add_scalar(writer, calls: int) -> dict:
    """Call ``writer.add_scalar`` ``calls`` times (4 tags), timing each call, then ``close()``.
    The mean includes the close, so a writer cannot look fast by deferring its work."""
    values = np.random.default_rng(0).random(calls).tolist()
    times = np.empty(calls, dtype=np.int64)
    clock = time.perf_counter_ns
    add = writer.add_scalar
    for step in range(calls):
        start = clock()
        add(TAGS[step & 3], values[step], step)
        times[step] = clock() - start
    start = clock()
    writer.close()
    close_ns = clock() - start
    us = times / 1000.0
    return {
        "mean_us": (times.sum() + close_ns) / calls / 1000.0,
        "median_us": float(np.median(us)),
        "p99_us": float(np.percentile(us, 99)),
        "max_us": float(us.max()),
        "close_ms": close_ns / 1e6,
    }


def _child(kind: str, calls: int) -> None:
    from jupyter_tb.format.tfrecord import scan_records

    with tempfile.TemporaryDirectory() as logdir:
        result = time_add_scalar(_writer(kind, logdir), calls)
        result["records"] = sum(
            len(scan_records(p.read_bytes(), final=True).offsets)
            for p in Path(logdir).rglob("events.out.tfevents.*")
        )
    print(json.dumps(result))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--writers", default=",".join(WRITERS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.calls)
        return
    print(f"add_scalar x {args.calls:,} (mean includes the final close/flush)")
    print(
        f"{'writer':<13} {'mean us':>8} {'median us':>10} {'p99 us':>8} {'max us':>9} "
        f"{'close ms':>9} {'records':>8}"
    )
    results = {}
    for kind in args.writers.split(","):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_writer", "--child", kind, "--calls", str(args.calls)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        r = results[kind] = json.loads(out.stdout.strip().splitlines()[-1])
        lost = "" if r["records"] >= args.calls else f"  ONLY {r['records']} RECORDS ON DISK"
        print(
            f"{kind:<13} {r['mean_us']:8.2f} {r['median_us']:10.2f} {r['p99_us']:8.2f} "
            f"{r['max_us']:9.0f} {r['close_ms']:9.1f} {r['records']:8,}{lost}",
            flush=True,
        )
    if "ours" in results:
        for other in results.keys() - {"ours", "ours_tbx"}:
            print(
                f"ours vs {other}: {results[other]['mean_us'] / results['ours']['mean_us']:.1f}x "
                "less time per add_scalar (mean)"
            )


if __name__ == "__main__":
    main()
