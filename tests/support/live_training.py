"""A training loop in a notebook cell, timed from the kernel's write to the browser's draw.

Used by the live browser test and by benchmarks/bench_browser.py. The notebook writes with
our SummaryWriter in the same kernel and shows a board; the training cell blocks the
kernel's shell. Phase A writes ``timed`` points whose write times are recorded; phase B
keeps writing ``busy`` more, so a test can drive controls while the kernel is still busy.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support import board_dom as dom

LIVE_TAG = "live/x"

SETUP = """
import json, math, time, jupyter_tb
from jupyter_tb import SummaryWriter
LOGDIR = {logdir!r}
with SummaryWriter(LOGDIR + "/ref") as ref:
    for i in range({ref_points}):
        ref.add_scalar({tag!r}, 0.5, i)
w = SummaryWriter(LOGDIR + "/live")
w.add_scalar({tag!r}, 0.0, 0)
w.flush()
board = jupyter_tb.board(LOGDIR)
board
"""

# `written` pairs each timed write's wall time with the number of points the chart shows
# once that point is drawn (ref's points included).
TRAINING = """
written = []
for i in range(1, {timed} + {busy} + 1):
    t = time.time()
    w.add_scalar({tag!r}, math.sin(i / 3.0), i)
    if i <= {timed}:
        written.append((t, i + 1 + {ref_points}))
    time.sleep({period})
w.flush()
print("WRITTEN", json.dumps(written))
"""


class LiveTraining:
    """Cells: 0 setup + board, 1 the blocking training loop, 2 free for ``run_after``."""

    def __init__(self, nb, logdir: Path, *, ref_points: int, timed: int, busy: int, period: float = 0.2):
        self.nb = nb
        self.ref_points, self.timed = ref_points, timed
        fields = dict(tag=LIVE_TAG, ref_points=ref_points, timed=timed, busy=busy, period=period)
        self.cells = [SETUP.format(logdir=str(logdir), **fields), TRAINING.format(**fields), "pass"]

    def start(self) -> None:
        """Show the board, start watching its chart, then start the training cell (no wait)."""
        nb = self.nb
        nb.open(self.cells)
        nb.run_cell(0)
        nb.wait_output(dom.chart(LIVE_TAG))
        dom.wait_points(nb, LIVE_TAG, self.ref_points + 1)
        nb.wait_idle()
        nb.scoped(dom.chart(LIVE_TAG)).evaluate(dom.WATCH_POINTS_JS)
        nb.run_cell(1)

    def wait_timed_points(self, timeout: float = 30.0) -> None:
        dom.wait_points(self.nb, LIVE_TAG, self.ref_points + 1 + self.timed, timeout=timeout, at_least=True)

    def latencies(self) -> list[float]:
        """Seconds from each timed write to its draw (call after the training cell ended)."""
        written = json.loads(self.nb.cell_text(1).split("WRITTEN", 1)[1])
        drawn = self.nb.page.evaluate("() => window.__jtbPointsLog")
        return dom.drawn_latencies(written, drawn)

    def run_after(self, code: str) -> str:
        """Run ``code`` in the spare cell once the kernel is free; returns its output text."""
        nb = self.nb
        nb.wait_idle()
        nb.page.evaluate(
            "(code) => window.jupyterapp.shell.currentWidget.content.widgets[2].model.sharedModel.setSource(code)",
            code,
        )
        nb.run_cell(2)
        nb.wait_idle()
        return nb.cell_text(2)
