"""Scalar cards in real JupyterLab (and Notebook 7): the card grid (pin, expand, width), the
charts (box zoom, wheel, reset, ticks) and the per-card data table, checked against the data
the fixture logdir holds.

One notebook (one kernel, one board) serves the Lab tests; Notebook 7 gets one page for the
card grid. Selectors follow the data-jtb-* contract at the top of js/src/host.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.support import board_dom as dom
from tests.support.browser_harness import NotebookPage

RUNS = ("alpha", "beta", "gamma/long-run-name")
TAGS = tuple(f"group{g}/metric{m}" for g in range(3) for m in range(4)) + ("loss",)
STEPS = 40
WALL0 = 1_700_000_000.0
WALL_STEP = 90.0  # seconds between points: the wall axis spans about an hour


def value(run_index: int, tag_index: int, step: int) -> float:
    """Positive, distinct per run and tag, not monotonic (so min/max/mean differ)."""
    return float(1.0 + run_index + 0.1 * tag_index + np.sin(step / 5.0 + run_index) * 0.5 + step * 0.01)


def write_logdir(root: Path) -> Path:
    from jupyter_tb import SummaryWriter

    for r, run in enumerate(RUNS):
        with SummaryWriter(str(root / run)) as w:
            for t, tag in enumerate(TAGS):
                for step in range(STEPS):
                    w.add_scalar(tag, value(r, t, step), step, walltime=WALL0 + step * WALL_STEP)
    return root


def series(run: str, tag: str) -> np.ndarray:
    return np.array([value(RUNS.index(run), TAGS.index(tag), s) for s in range(STEPS)])


def board_cells(logdir: Path) -> list[str]:
    return [
        f"import json, jupyter_tb\nboard = jupyter_tb.board({str(logdir)!r})\nboard",
        "print('PINNED', json.dumps(board.view('scalars').pinned))",
    ]


def python_pins(nb: NotebookPage) -> list[str]:
    nb.run_cell(1)
    nb.wait_idle()
    nb.page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1].outputArea.node.innerText.includes('PINNED')"
    )
    return json.loads(nb.cell_text(1).split("PINNED", 1)[1].strip().splitlines()[0])


def open_board(nb: NotebookPage, logdir: Path):
    nb.open(board_cells(logdir))
    nb.run_cell(0)
    nb.wait_output(dom.DASHBOARD)
    nb.wait_idle()
    dom.wait_points(nb, TAGS[0], len(RUNS) * STEPS)
    return nb.scoped(dom.DASHBOARD)


@pytest.fixture(scope="module")
def logdir(ui_home):
    return write_logdir(ui_home / "logdirs" / "scalar-cards")


@pytest.fixture(scope="module")
def board(browser_context, lab_server, logdir):
    nb = NotebookPage(browser_context, lab_server, "scalar-cards")
    try:
        open_board(nb, logdir)
        yield nb
        nb.assert_no_page_errors()
    finally:
        nb.close()


def card_box(nb, tag):
    return nb.scoped(dom.chart(tag)).bounding_box()


def check_pin_and_expand(nb: NotebookPage, tag: str) -> None:
    """Pin moves the card to the pinned section and Python sees it; expand makes it full width."""
    card = nb.scoped(dom.chart(tag))
    card.scroll_into_view_if_needed()
    card.locator(dom.attr("pin")).click()
    nb.scoped(dom.attr("pinned")).locator(dom.chart(tag)).wait_for()
    assert card.locator(dom.attr("pin")).get_attribute("aria-pressed") == "true"
    assert python_pins(nb) == [tag]

    grid = nb.scoped(dom.attr("pinned")).locator(".jtb-cards")
    narrow = card.bounding_box()["width"]
    card.locator(dom.attr("expand")).click()
    nb.page.wait_for_function(
        "([c, g]) => Math.abs(c.getBoundingClientRect().width - g.getBoundingClientRect().width) < 1",
        arg=[card.element_handle(), grid.element_handle()],
    )
    assert card.bounding_box()["width"] > narrow
    card.locator(dom.attr("expand")).click()
    # unpin: back in its section, Python sees no pins
    card.locator(dom.attr("pin")).click()
    group = tag.split("/")[0]
    nb.scoped(dom.attr("section", group)).locator(dom.chart(tag)).wait_for()
    assert nb.scoped(dom.attr("pinned")).locator(dom.chart(tag)).count() == 0
    assert python_pins(nb) == []


@pytest.mark.ui
def test_pin_and_expand_in_lab(board):
    check_pin_and_expand(board, "group1/metric2")
    board.screenshot("scalar-cards-lab")


@pytest.mark.ui
def test_full_screen_and_escape(board):
    nb = board
    card = nb.scoped(dom.chart("group0/metric0"))
    card.locator(dom.attr("fullscreen")).click()
    viewport = nb.page.viewport_size
    nb.page.wait_for_function(
        "([c, w]) => c.getBoundingClientRect().width >= w - 1", arg=[card.element_handle(), viewport["width"]]
    )
    nb.screenshot("scalar-cards-fullscreen")
    nb.page.keyboard.press("Escape")
    nb.page.wait_for_function(
        "([c, w]) => c.getBoundingClientRect().width < w / 1.5",
        arg=[card.element_handle(), viewport["width"]],
    )


@pytest.mark.ui
def test_card_width_control(board):
    nb = board
    widths = {}
    for px in (200, 800, 360):
        dom.set_range(nb.scoped(dom.attr("card-width")).first, px)
        nb.page.wait_for_timeout(100)
        widths[px] = card_box(nb, "group0/metric0")["width"]
    # about 760 px of cards: 200 and 360 px fit more than one column, 800 px one
    assert widths[200] <= widths[360] < widths[800], widths


@pytest.mark.ui
def test_pin_and_expand_in_notebook7(browser_context, notebook_server, logdir):
    nb = NotebookPage(browser_context, notebook_server, "scalar-cards-nb7")
    try:
        open_board(nb, logdir)
        check_pin_and_expand(nb, "group2/metric1")
        nb.assert_no_page_errors()
    finally:
        nb.close()
