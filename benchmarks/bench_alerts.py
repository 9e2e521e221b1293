"""Alert rules' cost on the reader thread: 100 runs x 20 tags, each tag 1,000 new points per second.

    python -m benchmarks.bench_alerts                    # 100 runs x 20 tags, 3 one-second polls
    python -m benchmarks.bench_alerts --runs 20 --polls 5

Each poll appends one second of data (1,000 points to every series, written beforehand with our
writer, one event file per run), then times on this thread, in CPU seconds:
``reload()`` (what the reader thread does anyway) and the alert monitor's scan of the changes
(the default rules: nan, diverging on the loss-like tags, stalled bookkeeping). The figure that
matters is the monitor's CPU as a share of the reader's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from jupyter_tb import SummaryWriter
from jupyter_tb.reading.logdir import Logdir
from jupyter_tb.widgets.alert_monitor import AlertMonitor

TAGS = [f"train/loss_{k}" for k in range(4)] + [f"metric_{k}" for k in range(16)]


class _Source:
    """The part of a live source the monitor uses, fed by hand so each poll is timed alone."""

    def __init__(self, logdir: Logdir):
        self.logdir = logdir
        self.reload_interval = 3600.0  # no stalled timer ticks inside the measurement

    def subscribe(self, callback):
        return lambda: None


def _append_second(writers, second: int, points: int, rng) -> None:
    """One second of healthy training: decaying losses with 20% noise, noisy metrics."""
    steps = np.arange(second * points, (second + 1) * points)
    loss = 2.0 * np.exp(-steps / 5000) + 0.1
    for writer in writers:
        for tag in TAGS:
            values = loss * (1 + 0.2 * rng.standard_normal(points)) if "loss" in tag else rng.random(points)
            for step, value in zip(steps.tolist(), values.tolist()):
                writer.add_scalar(tag, value, step)
        writer.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--points", type=int, default=1000, help="new points per series per poll")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as root:
        writers = [SummaryWriter(Path(root) / f"run{r:03d}") for r in range(args.runs)]
        _append_second(writers, 0, args.points, rng)
        logdir = Logdir(root)
        logdir.reload()
        monitor = AlertMonitor(_Source(logdir))  # scans the first second
        reader_cpu, monitor_cpu = [], []
        for second in range(1, args.polls + 1):
            started = time.perf_counter()
            _append_second(writers, second, args.points, rng)
            written = time.perf_counter() - started
            t0 = time.thread_time()
            changes = logdir.reload()
            t1 = time.thread_time()
            monitor.check({(run, tag) for run, kind, tag in changes if kind == "scalars"})
            t2 = time.thread_time()
            reader_cpu.append(t1 - t0)
            monitor_cpu.append(t2 - t1)
            points = args.runs * len(TAGS) * args.points
            print(
                f"poll {second}: {points:,} new points (written in {written:.1f} s); "
                f"reload {t1 - t0:.3f} s CPU, alerts {t2 - t1:.3f} s CPU "
                f"({100 * (t2 - t1) / (t1 - t0):.1f}% of the reader)"
            )
        for writer in writers:
            writer.close()
        share = 100 * sum(monitor_cpu) / sum(reader_cpu)
        series = args.runs * len(TAGS)
        print(
            f"{args.runs} runs x {len(TAGS)} tags ({series:,} series), {args.points:,} points/s each: "
            f"alert rules add {share:.1f}% to the reader thread's CPU "
            f"({1000 * np.mean(monitor_cpu):.1f} ms per poll; alerts raised: {len(monitor.alerts)})"
        )


if __name__ == "__main__":
    main()
