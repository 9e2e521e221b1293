"""Kernel-side cost of the board: smoothing and downsampling 1M points, and the scalars
view's first snapshot for 3 runs x 1M points on one tag (time and bytes sent).

    python -m benchmarks.bench_board

Browser-side figures (first paint, live latency, notebook size) are in bench_browser.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "board_3x1m"
POINTS = 1_000_000


def best_of(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ensure_logdir() -> Path:
    if (DATA / "done").exists():
        return DATA
    from jupyter_tb import SummaryWriter

    rng = np.random.default_rng(0)
    for run in range(3):
        values = np.sin(np.arange(POINTS) / 20_000 + run) + rng.normal(0, 0.1, POINTS)
        with SummaryWriter(str(DATA / f"run{run}")) as w:
            for step, value in enumerate(values.tolist()):
                w.add_scalar("loss", value, step)
    (DATA / "done").write_text("ok")
    return DATA


def main() -> None:
    from jupyter_tb.compute.downsample import minmax_indices
    from jupyter_tb.compute.smoothing import smooth
    from jupyter_tb.widgets.live_source import open_source
    from jupyter_tb.widgets.views.scalars import Scalars
    from jupyter_tb.widgets.wire import message_nbytes

    values = np.random.default_rng(1).normal(size=POINTS).cumsum()
    steps = np.arange(POINTS, dtype=np.float64)
    print(f"smoothing 1M points (debiased EMA):  {best_of(lambda: smooth(values, 0.6)) * 1e3:7.1f} ms")
    print(
        f"min/max downsample 1M -> 1000 px:    {best_of(lambda: minmax_indices(steps, values, 1000)) * 1e3:7.1f} ms"
    )

    logdir = ensure_logdir()
    start = time.perf_counter()
    source = open_source(logdir)
    source.wait_loaded()
    print(f"read 3 runs x 1M scalars:            {time.perf_counter() - start:7.2f} s")
    sent = []

    class Measured(Scalars):
        def send(self, content, buffers=None):
            sent.append(message_nbytes(content, buffers or []))

    start = time.perf_counter()
    Measured(source)
    elapsed = time.perf_counter() - start
    print(
        f"scalars snapshot (3 x 1M points):    {elapsed * 1e3:7.1f} ms, {sum(sent) / 1024:.0f} KiB "
        f"in {len(sent)} messages (all points: {3 * POINTS * 24 / 2**20:.0f} MiB)"
    )
    source.close()


if __name__ == "__main__":
    main()
