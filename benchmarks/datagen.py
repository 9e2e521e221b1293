"""Deterministic benchmark logdirs, written with tensorboardX (generated once, cached).

    python -m benchmarks.datagen            # both sets -> benchmarks/data/{scalars,mixed}
    python -m benchmarks.datagen scalars    # one set

"scalars": 3 runs x 10 tags x 100,000 steps (3M events, ~140 MB).
"mixed":   2 runs, each 5 scalar tags x 20,000 steps, 2 image tags x 200 steps of 64x64 RGB,
           3 histogram tags x 2,000 steps of 10,000 values, 1 pr_curve x 100 steps.

Every value and wall time is a function of (run, tag, step), and each run's file is renamed to a
fixed name, so two generations give identical bytes. A set is written into a temporary folder
and renamed into place when complete, so an interrupted generation is never mistaken for data.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
EVENT_FILE = "events.out.tfevents.1700000000.bench"
BASE_TIME = 1_700_000_000.0

SCALARS = {"runs": 3, "tags": 10, "steps": 100_000}
MIXED = {
    "runs": 2,
    "scalar_tags": 5,
    "scalar_steps": 20_000,
    "image_tags": 2,
    "image_steps": 200,
    "histogram_tags": 3,
    "histogram_steps": 2_000,
    "histogram_values": 10_000,
    "pr_steps": 100,
}


def _writer(run_dir: Path):
    from tensorboardX import SummaryWriter

    return SummaryWriter(logdir=str(run_dir), max_queue=1000, flush_secs=3600)


def _finish(writer, run_dir: Path) -> None:
    writer.close()
    (event_file,) = run_dir.glob("events.out.tfevents.*")
    event_file.rename(run_dir / EVENT_FILE)


def _scalars_run(args) -> None:
    run_dir, run = args
    writer = _writer(run_dir)
    steps = np.arange(SCALARS["steps"])
    values = [
        np.sin(steps / (50.0 + 7 * t)) * np.exp(-steps / 40_000.0) + 0.01 * run
        for t in range(SCALARS["tags"])
    ]
    tags = [f"metric/{t:02d}" for t in range(SCALARS["tags"])]
    for step in steps.tolist():
        wall = BASE_TIME + run * 1000 + step * 0.01
        for t in range(SCALARS["tags"]):
            writer.add_scalar(tags[t], float(values[t][step]), step, walltime=wall)
    _finish(writer, run_dir)


def _mixed_run(args) -> None:
    run_dir, run = args
    cfg = MIXED
    rng = np.random.default_rng(1000 + run)
    writer = _writer(run_dir)
    for step in range(cfg["scalar_steps"]):
        wall = BASE_TIME + run * 1000 + step * 0.01
        for t in range(cfg["scalar_tags"]):
            writer.add_scalar(f"scalar/{t}", float(np.cos(step / (30.0 + t))), step, walltime=wall)
        if step % (cfg["scalar_steps"] // cfg["image_steps"]) == 0:
            for t in range(cfg["image_tags"]):
                img = rng.integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
                writer.add_image(f"image/{t}", img, step, dataformats="HWC", walltime=wall)
        if step % (cfg["scalar_steps"] // cfg["histogram_steps"]) == 0:
            for t in range(cfg["histogram_tags"]):
                values = rng.normal(loc=step / 1000.0, scale=1.0 + t, size=cfg["histogram_values"])
                writer.add_histogram(f"histogram/{t}", values, step, walltime=wall)
        if step % (cfg["scalar_steps"] // cfg["pr_steps"]) == 0:
            labels = rng.integers(0, 2, size=1000)
            predictions = np.clip(labels * 0.3 + rng.random(1000) * 0.7, 0, 1)
            writer.add_pr_curve("pr/0", labels, predictions, step, walltime=wall)
    _finish(writer, run_dir)


_SETS = {
    "scalars": (SCALARS["runs"], _scalars_run),
    "mixed": (MIXED["runs"], _mixed_run),
}


def ensure(name: str) -> Path:
    """Path of the named set, generating it first if it is not there yet."""
    target = DATA / name
    if target.is_dir():
        return target
    runs, write_run = _SETS[name]
    tmp = DATA / f".{name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    jobs = [(tmp / f"run{r}", r) for r in range(runs)]
    for run_dir, _ in jobs:
        run_dir.mkdir(parents=True)
    print(f"generating {name!r} with tensorboardX (one-time, a few minutes) ...", flush=True)
    with multiprocessing.get_context("spawn").Pool(min(runs, os.cpu_count() or 1)) as pool:
        pool.map(write_run, jobs)
    tmp.rename(target)
    return target


def event_files(logdir: Path) -> list[Path]:
    return sorted(logdir.rglob("events.out.tfevents.*"))


if __name__ == "__main__":
    for name in sys.argv[1:] or list(_SETS):
        path = ensure(name)
        size = sum(f.stat().st_size for f in event_files(path))
        print(f"{name}: {path} ({size / 1e6:.1f} MB)")
