"""Benchmarks: figures printed, not timed tests. Run from the repository root.

    python -m benchmarks.datagen                 # one-time: writes benchmarks/data/ (git-ignored)
    python -m benchmarks.bench_ingest            # read: ours vs EventAccumulator vs Rust server
    python -m benchmarks.bench_ingest scalars --readers ours,layer --cap 60
    python -m benchmarks.bench_writer            # add_scalar: ours vs tensorboardX vs torch

Data sets (deterministic, written with tensorboardX, see datagen.py): "scalars" = 3 runs x 10
tags x 100,000 steps (3M events, 147 MB); "mixed" = 2 runs of scalars, images, histograms and a
pr_curve (213k events, 69 MB). Targets: "scalars" >= 1M events/s with <= 200 MB peak RSS,
"mixed" >= 200 MB/s, add_scalar <= 10 us mean and <= 1 ms p99. Each bench keeps to ~5 minutes:
slow readers are stopped at ``--cap`` seconds and their rate measured over what they finished.
On a shared machine wall times swing with the load; the CPU columns do not.
"""
