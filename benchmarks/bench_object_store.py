"""Writing to object storage: ``add_scalar`` cost per call to an s3:// logdir (a moto server on
127.0.0.1) beside a local directory, and what reached the bucket.

    python -m benchmarks.bench_object_store                 # 100,000 calls per target
    python -m benchmarks.bench_object_store --calls 1000000 --flush-secs 10

Each target runs in a fresh subprocess. The mean includes the final ``close()`` (which uploads
what is pending); p99 and max are over the calls alone. For s3 the child reports the pieces
its writer uploaded (objects, bytes, seconds spent in uploads on the worker thread), and the
parent reads the run back to check every value arrived.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_writer import TAGS, time_add_scalar


def _child(target: str, calls: int, flush_secs: float) -> None:
    import jupyter_tb

    writer = jupyter_tb.SummaryWriter(target, flush_secs=flush_secs)
    uploaded = getattr(writer.file_writer._sink, "uploaded", [])  # local files upload nothing
    result = time_add_scalar(writer, calls)
    result["objects"] = len(uploaded)
    result["bytes"] = sum(size for _, size, _ in uploaded)
    result["upload_s"] = sum(seconds for _, _, seconds in uploaded)
    print(json.dumps(result))


def _run(target: str, calls: int, flush_secs: float, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_object_store", "--child", target]
        + ["--calls", str(calls), "--flush-secs", str(flush_secs)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--flush-secs", type=float, default=120)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.calls, args.flush_secs)
        return

    import jupyter_tb
    from tests.support.moto_s3 import start_moto_s3, stop_moto_s3

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server, s3 = start_moto_s3()
    env = {**os.environ, **s3.env}
    print(f"add_scalar x {args.calls:,}, flush_secs={args.flush_secs:g} (mean includes the final close)")
    print(
        f"{'target':<7} {'mean us':>8} {'median us':>10} {'p99 us':>8} {'max us':>9} {'close ms':>9} "
        f"{'objects':>8} {'MB up':>7} {'upload s':>9}"
    )
    try:
        with tempfile.TemporaryDirectory() as local:
            for name, target in (("local", os.path.join(local, "run")), ("s3", s3.url("bench", "run"))):
                r = _run(target, args.calls, args.flush_secs, env)
                print(
                    f"{name:<7} {r['mean_us']:8.2f} {r['median_us']:10.2f} {r['p99_us']:8.2f} "
                    f"{r['max_us']:9.0f} {r['close_ms']:9.1f} {r['objects']:8} "
                    f"{r['bytes'] / 1e6:7.2f} {r['upload_s']:9.2f}",
                    flush=True,
                )
        read = jupyter_tb.read(s3.url("bench"), storage_options=s3.options)
        got = sum(len(read.scalars("run", tag)) for tag in TAGS)
        print(f"read back from s3: {got:,} of {args.calls:,} values")
    finally:
        stop_moto_s3(server, s3)


if __name__ == "__main__":
    main()
