"""Hostile event files: what each costs the reader (time, peak RSS) and what it loses.

    python -m benchmarks.bench_hostile                      # every case
    python -m benchmarks.bench_hostile claim-histogram-1e9 zeros-256MB
    python -m benchmarks.bench_hostile --code /tmp/old-tree # another checkout's jupyter_tb

Each case writes its logdir in a temporary folder, then reads it with ``jupyter_tb.read`` in a
fresh subprocess (so the peak RSS, ``ru_maxrss``, is the read's own; the line ``baseline``
is a process that only imports). Good records surround every bad one: ``kept`` counts the
good scalar points read back, out of ``of``. ``--code`` puts another checkout first on the
child's PYTHONPATH, to measure before and after a change on the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.hostile_records import CLAIMS, claim_record, empty_records, lying_header, scalar_records

GOOD = 50  # good scalar records before and after each bad one
FILE_NAME = "events.out.tfevents.1700000000.host.1.0"


def build(case: str, root: Path) -> int:
    """Write the case's logdir under ``root``; returns the good points it holds."""
    path = root / FILE_NAME
    if case.startswith("claim-"):
        _, kind, claimed = case.split("-")
        bad = claim_record(kind, int(float(claimed)), GOOD)
        path.write_bytes(scalar_records(0, GOOD) + bad + scalar_records(GOOD, GOOD))
        return 2 * GOOD
    if case == "huge-length":
        path.write_bytes(scalar_records(0, GOOD) + lying_header(1 << 63) + scalar_records(GOOD, GOOD))
        return 2 * GOOD
    if case.startswith("zeros-"):
        size = int(case.split("-")[1].removesuffix("MB")) << 20
        with open(path, "wb") as f:
            f.truncate(size)  # a sparse file: reads as zeros, as a crash leaves them
        return 0
    if case == "empty-records-100k":
        path.write_bytes(scalar_records(0, GOOD) + empty_records(100_000) + scalar_records(GOOD, GOOD))
        return 2 * GOOD
    raise SystemExit(f"unknown case {case!r}")


CASES = [
    *(f"claim-{kind}-{claimed}" for claimed in ("1e8", "1e9") for kind in CLAIMS),
    "huge-length",
    "zeros-256MB",
    "empty-records-100k",
]

_CHILD = r"""
import json, resource, sys, time
from jupyter_tb.reading.logdir import read
logdir, polls = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
result = {}
if logdir:
    try:
        board = read(logdir)
        for _ in range(polls - 1):
            board.reload()
        series = board.scalars(".", "good") if "." in board.runs and "good" in board.tags(".").get("scalars", []) else []
        result["kept"] = len(series)
        result["errors"] = len(board.errors)
        result["first_error"] = board.errors[0][-160:] if board.errors else ""
        run = getattr(board, "_runs", {}).get(".")
        result["held_back"] = sum(l.pending for l in run.loaders.values()) if run else 0
    except BaseException as error:
        result["crash"] = f"{type(error).__name__}: {str(error)[:120]}"
result["seconds"] = time.perf_counter() - t0
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def measure(logdir: str, code: str | None, polls: int = 3) -> dict:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [code, env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, logdir, str(polls)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),  # `python -c` imports from its working directory first
    )
    if out.returncode:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"crash": f"exit {out.returncode}: {last}", "seconds": float("nan"), "peak_rss_mb": 0}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("cases", nargs="*", default=CASES)
    parser.add_argument("--code", help="a checkout whose jupyter_tb the reader imports")
    parser.add_argument("--polls", type=int, default=3, help="reloads of each logdir (live polls)")
    args = parser.parse_args()
    base = measure("", args.code)
    print(f"{'case':24} {'seconds':>8} {'peak RSS MB':>12} {'kept':>9} {'held back':>10}  report")
    print(f"{'baseline (import only)':24} {'':>8} {base['peak_rss_mb']:12.0f}")
    for case in args.cases:
        with tempfile.TemporaryDirectory(prefix="jtb-hostile-") as root:
            of = build(case, Path(root))
            r = measure(root, args.code, args.polls)
        kept = f"{r.get('kept', 0)}/{of}"
        note = r.get("crash") or f"{r.get('errors', 0)} errors; {r.get('first_error', '')}"
        print(
            f"{case:24} {r['seconds']:8.2f} {r['peak_rss_mb']:12.0f} {kept:>9} {r.get('held_back', 0):>10}  {note}",
            flush=True,
        )


if __name__ == "__main__":
    main()
