"""Alert rules' cost on the reader thread: 100 runs x 20 tags, each tag 1,000 new points per second.

    python -m benchmarks.bench_alerts                    # 100 runs x 20 tags, 3 measured seconds
    python -m benchmarks.bench_alerts --runs 20 --seconds 5

What runs is what runs in a kernel: ``jupyter_tb.watch()`` on a logdir, its reader thread
reading the event files as they grow and calling the alert monitor (default rules: nan,
diverging on the loss-like tags, stalled bookkeeping) with each reload's changes. The files
grow one second of training at a time: 1,000 new points in every series, each second,
announced as our writer announces a flush. Their bytes are our SummaryWriter's, written
beforehand into a staging folder (Python cannot write 2M points a second) and appended to the
watched files second by second, so the reader decodes exactly what training writes. A reload
comes only with new data (the timer is off), one per second of data; when the reader needs
more than a second, the next second waits for it.

CPU time is measured on the reader thread itself (``time.thread_time``), split in the same
run between the reader's own work (``reload()``: listing, reading and decoding) and the alert
monitor's callback. Printed: ms per reload of each, the monitor's share of one core (its CPU
per 1-s reload) and its share of the reader thread's CPU.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

import jupyter_tb
from jupyter_tb import SummaryWriter, _appended
from jupyter_tb.widgets.live_source import open_source

TAGS = [f"train/loss_{k}" for k in range(4)] + [f"metric_{k}" for k in range(16)]


def _stage(root: Path, runs: int, seconds: int, points: int) -> tuple[list[Path], np.ndarray]:
    """Event files of ``runs`` runs holding ``seconds`` seconds of healthy training (decaying
    losses with 20% noise, noisy metrics), and where each second's bytes end in each file."""
    rng = np.random.default_rng(0)
    writers = [SummaryWriter(root / f"run{r:03d}") for r in range(runs)]
    ends = np.zeros((runs, seconds + 1), np.int64)
    for second in range(seconds):
        steps = np.arange(second * points, (second + 1) * points)
        loss = 2.0 * np.exp(-steps / 5000) + 0.1
        for r, writer in enumerate(writers):
            for tag in TAGS:
                values = (
                    loss * (1 + 0.2 * rng.standard_normal(points)) if "loss" in tag else rng.random(points)
                )
                for step, value in zip(steps.tolist(), values.tolist()):
                    writer.add_scalar(tag, value, step)
            writer.flush()
            ends[r, second + 1] = os.path.getsize(_event_file(root / f"run{r:03d}"))
    for writer in writers:
        writer.close()
    return [_event_file(root / f"run{r:03d}") for r in range(runs)], ends


def _event_file(run_dir: Path) -> Path:
    (path,) = run_dir.glob("*tfevents*")
    return path


class _ReaderThreadClock:
    """CPU seconds the reader thread spends, per reload that found changes, in ``reload()`` and
    in the alert monitor's callback (from a subscriber called just before the monitor's to one
    called just after)."""

    def __init__(self, source):
        self.reloads: list[tuple[float, float]] = []  # (reload, alerts) CPU seconds
        self.empty_reloads = 0
        self.reloaded = threading.Event()
        self._reload_cpu = self._mark = 0.0
        reload = source.logdir.reload

        def timed_reload():
            started = time.thread_time()
            changes = reload()
            self._reload_cpu = time.thread_time() - started
            self.empty_reloads += not changes and _on_reader_thread()
            return changes

        source.logdir.reload = timed_reload  # the watcher calls it through the attribute

    def before_monitor(self, changes) -> None:
        self._mark = time.thread_time()

    def after_monitor(self, changes) -> None:
        if _on_reader_thread():
            self.reloads.append((self._reload_cpu, time.thread_time() - self._mark))
            self.reloaded.set()


def _on_reader_thread() -> bool:
    return threading.current_thread().name == "jupyter_tb-watcher"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=3, help="measured seconds (one more warms up)")
    parser.add_argument("--points", type=int, default=1000, help="new points per series per second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        staged, ends = _stage(Path(tmp) / "staged", args.runs, args.seconds + 1, args.points)
        logdir = Path(tmp) / "logdir"
        targets = [logdir / path.parent.name / path.name for path in staged]
        for target in targets:
            target.parent.mkdir(parents=True)

        def append_second(second: int) -> None:
            for path, target, (start, end) in zip(staged, targets, ends[:, second : second + 2]):
                with open(path, "rb") as source_file, open(target, "ab") as out:
                    source_file.seek(start)
                    out.write(source_file.read(end - start))
            # as our writer does after a flush; once, after all: the reload it wakes reads every file
            _appended.notify_written(targets[0])

        append_second(0)  # read by the first load, before the measurement
        source = open_source(logdir, reload_interval=3600.0)  # reloads only when data comes
        clock = _ReaderThreadClock(source)
        source.wait_loaded()
        source.subscribe(clock.before_monitor)
        watch = jupyter_tb.watch(logdir, reload_interval=3600.0)  # the monitor subscribes here
        source.subscribe(clock.after_monitor)
        try:
            wall_started = time.monotonic()
            for second in range(1, args.seconds + 1):
                tick = time.monotonic()
                clock.reloaded.clear()
                append_second(second)
                if not clock.reloaded.wait(120):
                    raise RuntimeError("the reader thread did not reload within 120 s")
                reader, alerts = clock.reloads[-1]
                print(
                    f"second {second}: {args.runs * len(TAGS) * args.points:,} new points; reader thread: "
                    f"reload {1000 * reader:.0f} ms CPU, alerts {1000 * alerts:.1f} ms CPU "
                    f"({100 * alerts / reader:.1f}% of the reader)"
                )
                time.sleep(max(0.0, tick + 1.0 - time.monotonic()))  # real time, when the reader keeps up
            wall = time.monotonic() - wall_started
        finally:
            watch.close()
            source.close()
        measured = clock.reloads[-args.seconds :]  # the first load's dispatch ran on another thread
        reloads = len(measured)
        reader_ms = 1000 * sum(reader for reader, _ in measured) / reloads
        alerts_ms = 1000 * sum(alerts for _, alerts in measured) / reloads
        series = args.runs * len(TAGS)
        print(
            f"{args.runs} runs x {len(TAGS)} tags ({series:,} series) at {args.points:,} points/s each, "
            f"{reloads} reloads of one second of data ({wall:.1f} s wall): alert rules "
            f"{alerts_ms:.1f} ms CPU per 1-s reload = {alerts_ms / 10:.1f}% of a core, "
            f"{100 * alerts_ms / reader_ms:.1f}% of the reader thread's CPU (reload {reader_ms:.0f} ms per second "
            f"of data); alerts raised: {len(watch.alerts)}; reloads that found nothing: {clock.empty_reloads}"
        )


if __name__ == "__main__":
    main()
