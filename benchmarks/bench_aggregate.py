"""Run-group aggregates: 20 runs x 1M points, ours vs plain numpy on the same machine and run.

    python -m benchmarks.bench_aggregate             # 20 runs x 1,000,000 points
    python -m benchmarks.bench_aggregate --runs 5 --points 200000

"aligned": every run logged the same steps; numpy's figure is mean, std (ddof=1) and median
over a ready stacked matrix (stacking not counted), the least any aggregate must do.
"misaligned": runs logged every 1, 2 or 3 steps (a union of 2M steps, each run interpolated
inside its own range), which numpy alone has no one-liner for.
"""

from __future__ import annotations

import argparse

import numpy as np

from benchmarks.bench_board import best_of
from jupyter_tb.compute.run_groups import aggregate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    steps = np.arange(args.points)
    aligned = [(steps, rng.random(args.points)) for _ in range(args.runs)]
    matrix = np.stack([values for _, values in aligned])
    ours = best_of(lambda: aggregate(aligned), args.repeats)
    numpy = best_of(
        lambda: (matrix.mean(axis=0), matrix.std(axis=0, ddof=1), np.median(matrix, axis=0)), args.repeats
    )
    print(
        f"aligned {args.runs} x {args.points:,}: ours {ours:.2f} s (mean, std, min, max, median, count), "
        f"numpy {numpy:.2f} s (mean, std, median of a stacked matrix) -> {numpy / ours:.2f}x"
    )
    misaligned = [
        (np.arange(0, args.points * (1 + k % 3), 1 + k % 3), rng.random(args.points))
        for k in range(args.runs)
    ]
    ours = best_of(lambda: aggregate(misaligned), args.repeats)
    print(f"misaligned {args.runs} x {args.points:,} (union {2 * args.points:,} steps): ours {ours:.2f} s")


if __name__ == "__main__":
    main()
