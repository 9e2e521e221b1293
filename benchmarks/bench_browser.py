"""Board figures measured in a real JupyterLab 4 + Debian Chromium.

    /work/venv/bin/python benchmarks/bench_browser.py [--points 1000000] [--live-points 60]

Prints:
- first paint of 3 runs x N points on one tag: time from the last websocket frame the page
  received before the chart was drawn ("after the data arrives"; target <= 1 s), time from
  running the cell, and bytes the page received over the kernel websocket for it;
- live latency p50/p95 from ``writer.add_scalar`` (our SummaryWriter, same kernel, while the
  cell blocks) to the point drawn, measured with in-page clocks (target p95 <= 0.5 s);
- size of a saved notebook (widget state saved by JupyterLab) with 1 vs 5 board outputs
  (target: 5 boards <= 1 MB bigger than 1);
- with ``--board``: a board of 100 tags x 10 runs x 10k points: first paint of the cards on
  screen after the last data frame (target <= 2 s), and frame times while scrolling through
  its cards (cards off screen are drawn when they scroll in).

The million-point logdir is written once into benchmarks/data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.support import board_dom as dom
from tests.support.browser_harness import JupyterServer, NotebookPage, launch_browser
from tests.support.live_training import LiveTraining

REPO = Path(__file__).resolve().parents[1]

DATA = REPO / "benchmarks" / "data"
TAG = "loss"
LIB_BYTES = (REPO / "jupyter_tb" / "static" / "lib.js").stat().st_size


def write_million_point_logdir(root: Path, runs: int, points: int) -> Path:
    """``runs`` runs with ``points`` scalar events each on one tag; written once and reused."""
    from jupyter_tb._proto import event_pb2
    from jupyter_tb.format.tfrecord import encode_record

    logdir = root / f"scalars_{runs}x{points}"
    done = logdir / ".complete"
    if done.exists():
        return logdir
    rng = np.random.default_rng(0)
    for r in range(runs):
        run_dir = logdir / f"run{r}"
        run_dir.mkdir(parents=True, exist_ok=True)
        values = np.cumsum(rng.normal(size=points)) / np.sqrt(points) + r
        event = event_pb2.Event()
        value = event.summary.value.add()
        value.tag = TAG
        with open(run_dir / "events.out.tfevents.1700000000.bench.1.0", "wb") as f:
            header = event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2")
            f.write(encode_record(header.SerializeToString()))
            chunk = []
            for i in range(points):
                event.step = i
                event.wall_time = 1.7e9 + i * 0.01
                value.simple_value = float(values[i])
                chunk.append(encode_record(event.SerializeToString()))
                if len(chunk) == 100_000:
                    f.write(b"".join(chunk))
                    chunk.clear()
            f.write(b"".join(chunk))
    done.write_text("ok")
    return logdir


# Installed on the notebook before the board exists: every redraw of any chart, with the
# page's clock and the number of points drawn.
WATCH_DRAWS_JS = """(root) => {
    const log = window.__jtbDraws = [];
    new MutationObserver((records) => {
        const now = performance.now();
        for (const r of records) {
            if (r.target.matches('[data-jtb-chart]'))
                log.push([now, r.target.getAttribute('data-jtb-chart'), Number(r.target.getAttribute('data-jtb-points'))]);
        }
    }).observe(root, { attributes: true, attributeFilter: ['data-jtb-drawn'], subtree: true });
}"""


def write_big_board_logdir(root: Path, tags: int, runs: int, points: int) -> Path:
    """``runs`` runs logging ``tags`` tags (10 groups) for ``points`` steps each, written once."""
    from jupyter_tb import SummaryWriter

    logdir = root / f"board_{tags}x{runs}x{points}"
    done = logdir / ".complete"
    if done.exists():
        return logdir
    rng = np.random.default_rng(0)
    names = [f"group{i % 10}/metric{i // 10}" for i in range(tags)]
    steps = np.arange(points)
    for r in range(runs):
        values = [(np.sin(steps / 700 + r + i) + rng.normal(0, 0.1, points)).tolist() for i in range(tags)]
        with SummaryWriter(str(logdir / f"run{r}")) as w:
            for s in range(points):
                for name, series in zip(names, values):
                    w.add_scalar(name, series[s], s, walltime=1.7e9 + s * 0.5)
    done.write_text("ok")
    return logdir


# Scrolls the notebook through the board one step per animation frame; returns the frame
# intervals (ms). Cards scrolled into view are drawn inside these frames.
SCROLL_FRAMES_JS = """async ([id, frames, stride]) => {
    const scroller = document.getElementById(id).querySelector('.jp-WindowedPanel-outer');
    const out = [];
    let last = performance.now();
    for (let i = 0; i < frames; i++) {
        scroller.scrollTop += stride;
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        out.push(now - last);
        last = now;
    }
    return out;
}"""


def start_board(nb: NotebookPage, logdir: Path) -> tuple[float, int]:
    """Open a notebook showing a board on ``logdir`` (the renderer library, one per kernel, goes
    first so the bytes counted are the data's), with every chart draw logged; returns the page
    time the board's cell started and the bytes received until then."""
    nb.open(
        [
            "%load_ext jupyter_tb\nfrom jupyter_tb.widgets.library import library\nlibrary()",
            f"%tensorboard --logdir {logdir}",
        ]
    )
    nb.run_cell(0)
    nb.wait_idle()
    nb.page.evaluate(f"(id) => ({WATCH_DRAWS_JS})(document.getElementById(id))", nb.widget_id)
    received_before = nb.ws_received
    start = nb.page.evaluate("() => performance.now()")
    nb.run_cell(1)
    return start, received_before


def wait_loaded(nb: NotebookPage, timeout: float = 600) -> None:
    """Until the board's progress line stops saying "loading" and the kernel is idle."""
    nb.page.wait_for_function(
        "(id) => { const p = document.getElementById(id).querySelector('[data-jtb-progress]');"
        " return p && p.textContent && !/loading/.test(p.textContent); }",
        arg=nb.widget_id,
        timeout=timeout * 1000,
    )
    nb.wait_idle(timeout=timeout)


def big_board(context, server: JupyterServer, logdir: Path) -> dict:
    """First paint of a big board's visible cards after its data arrived; frames while scrolling."""
    nb = NotebookPage(context, server, "bench-big-board")
    try:
        start, received_before = start_board(nb, logdir)
        nb.wait_output(dom.DASHBOARD, timeout=600)
        print("board shown", flush=True)
        wait_loaded(nb, timeout=900)
        print("board loaded; waiting for the frames to stop", flush=True)
        # no frame for 3 s: everything arrived
        nb.page.wait_for_function(
            "() => performance.now() - window.__jtbFrames.last > 3000", timeout=300_000, polling=500
        )
        last_data = nb.page.evaluate("() => window.__jtbFrames.last")
        draws = nb.page.evaluate("() => window.__jtbDraws")
        painted = max(t for t, _, _ in draws)
        drawn_cards = len({tag for _, tag, _ in draws})
        nb.screenshot("bench-big-board")
        frames = nb.page.evaluate(SCROLL_FRAMES_JS, [nb.widget_id, 240, 40])
        return {
            "after_data_s": max(painted - last_data, 0.0) / 1000,
            "from_run_s": (painted - start) / 1000,
            "data_s": (last_data - start) / 1000,
            "bytes": nb.ws_received - received_before,
            "cards_drawn_before_scroll": drawn_cards,
            "frame_p50_ms": dom.percentile(frames, 50),
            "frame_p95_ms": dom.percentile(frames, 95),
            "frame_max_ms": max(frames),
        }
    finally:
        nb.close()


def write_small_logdir(logdir: Path) -> Path:
    """Two runs with scalars, images and histograms (the UI tests' fixture)."""
    from tests.support import fixture_logdirs

    return fixture_logdirs.write_basic(logdir)


def first_paint(context, server: JupyterServer, logdir: Path) -> dict:
    """Open a board on ``logdir``; time its first complete draw of TAG against the frames."""
    nb = NotebookPage(context, server, "bench-first-paint")
    try:
        start, received_before = start_board(nb, logdir)
        nb.wait_output(dom.chart(TAG), timeout=600)
        wait_loaded(nb)
        nb.page.wait_for_timeout(1500)  # let trailing updates land
        draws = [d for d in nb.page.evaluate("() => window.__jtbDraws") if d[1] == TAG]
        final_points = draws[-1][2]
        painted = next(t for t, _, n in draws if n == final_points)
        frames = nb.page.evaluate("() => window.__jtbFrames.log")
        last_data = max((t for t, _ in frames if start <= t <= painted), default=start)
        nb.screenshot("bench-first-paint")
        return {
            "after_data_s": (painted - last_data) / 1000,
            "from_run_s": (painted - start) / 1000,
            "bytes": nb.ws_received - received_before,
            "points_drawn": final_points,
        }
    finally:
        nb.close()


def live_latency(context, server: JupyterServer, home: Path, points: int) -> tuple[float, float]:
    nb = NotebookPage(context, server, "bench-live")
    try:
        live = LiveTraining(nb, home / "live-logdir", ref_points=0, timed=points, busy=0, period=0.1)
        live.start()
        nb.wait_idle(timeout=points * 0.1 + 120)
        latencies = live.latencies()
        if len(latencies) != points:
            print(f"(only {len(latencies)} of {points} points were seen drawn)")
        return dom.percentile(latencies, 50), dom.percentile(latencies, 95)
    finally:
        nb.close()


def saved_notebook_size(context, server: JupyterServer, logdir: Path, boards: int) -> tuple[int, int]:
    """Bytes of the notebook saved by JupyterLab (widget state on) with ``boards`` board outputs;
    also returns how many widget models the saved state holds."""
    name = f"bench-{boards}-boards"
    nb = NotebookPage(context, server, name)
    try:
        nb.open(["%load_ext jupyter_tb"] + [f"%tensorboard --logdir {logdir}"] * boards)
        nb.run_all()
        nb.wait_idle()
        nb.page.wait_for_function(
            f"([id, n]) => document.getElementById(id).querySelectorAll({json.dumps(dom.DASHBOARD)}).length === n",
            arg=[nb.widget_id, boards],
        )
        nb.page.wait_for_timeout(1000)
        nb.page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.context.save(); }")
        path = server.root / f"{name}.ipynb"
        saved = json.loads(path.read_text())
        state = saved["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        return path.stat().st_size, len(state.get("state", {}))
    finally:
        nb.close()


def print_live_latency(context, server, home: Path, points: int) -> None:
    p50, p95 = live_latency(context, server, home, points)
    print(
        f"live latency, add_scalar in the same kernel -> point drawn, {points} points "
        f"at 10/s while the cell blocks: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
        f"(target p95 <= 500 ms)"
    )


def in_lab(measure) -> None:
    """``measure(context, server, home)`` with a fresh JupyterLab and Chromium, torn down after."""
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="jtb-bench-"))
    (home / "root").mkdir()
    server = JupyterServer("lab", home / "root", home / "lab-home")
    try:
        with sync_playwright() as pw:
            context = launch_browser(pw, home / "profile")
            try:
                measure(context, server, home)
            finally:
                context.close()
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def measure_one_tag(args, logdir: Path):
    def measure(context, server, home):
        fp = first_paint(context, server, logdir)
        print(
            f"first paint, {args.runs} runs x {args.points:,} points on one tag: "
            f"{fp['after_data_s']:.3f} s after the data arrived (target <= 1 s), "
            f"{fp['from_run_s']:.2f} s from running the cell; "
            f"{fp['bytes']:,} bytes received over the websocket for the board "
            f"(the renderer library, {LIB_BYTES:,} bytes, is sent once per kernel before); "
            f"{fp['points_drawn']:,} points drawn"
        )
        print_live_latency(context, server, home, args.live_points)
        small = write_small_logdir(home / "small-logdir")
        one, one_models = saved_notebook_size(context, server, small, 1)
        five, five_models = saved_notebook_size(context, server, small, 5)
        print(
            f"saved notebook with widget state: 1 board {one:,} bytes ({one_models} models), "
            f"5 boards {five:,} bytes ({five_models} models); "
            f"5 - 1 = {five - one:,} bytes (target <= 1,000,000)"
        )

    return measure


def measure_big_board(args, logdir: Path):
    def measure(context, server, home):
        b = big_board(context, server, logdir)
        print(
            f"board of 100 tags x 10 runs x {args.board_points:,} points: cards on screen painted "
            f"{b['after_data_s']:.3f} s after the last data frame (target <= 2 s); data took "
            f"{b['data_s']:.1f} s from running the cell ({b['bytes']:,} bytes); "
            f"{b['cards_drawn_before_scroll']} cards drawn before scrolling"
        )
        print(
            f"scrolling through it: frame time p50 {b['frame_p50_ms']:.1f} ms, "
            f"p95 {b['frame_p95_ms']:.1f} ms, max {b['frame_max_ms']:.1f} ms"
        )
        print_live_latency(context, server, home, args.live_points)

    return measure


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--live-points", type=int, default=60)
    ap.add_argument("--board", action="store_true", help="the 100 tags x 10 runs x 10k points board instead")
    ap.add_argument("--board-points", type=int, default=10_000, help="--board: points per series")
    args = ap.parse_args()

    t = time.perf_counter()
    if args.board:
        logdir = write_big_board_logdir(DATA, 100, 10, args.board_points)
    else:
        logdir = write_million_point_logdir(DATA, args.runs, args.points)
    print(f"logdir {logdir} ready in {time.perf_counter() - t:.1f} s")
    in_lab((measure_big_board if args.board else measure_one_tag)(args, logdir))


if __name__ == "__main__":
    main()
