"""``jupyter_tb.board(...)`` in marimo (another anywidget host), in a real ``marimo run`` app
and Debian's Chromium.

marimo differs from Jupyter where our loader leans on the host (jupyter_tb/widgets/library.py):
it instantiates a model only when it is displayed or fetched with ``host.getWidget``, draws
each widget in a shadow root, and has its own light/dark theme. The notebook shows the board
twice, as a cell's last expression and through ``mo.ui.anywidget`` (marimo's documented
wrapper); ``?train=1`` runs a training loop in a later cell; ``?library=kernel`` unhooks the board from the library model, as a host without
``host.getWidget`` would leave it, so the loader must fetch the library from the kernel.
"""

from __future__ import annotations

import pytest

from tests.support import board_dom as dom
from tests.support import fixture_logdirs as fx
from tests.support.marimo_server import MarimoServer

pytest.importorskip("marimo")

NOTEBOOK = """
import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo
    import jupyter_tb

    board = jupyter_tb.board(LOGDIR)
    if mo.query_params().get("library") == "kernel":
        for view in [board, *board.views.values()]:
            view._lib = None
    board
    return board, mo


@app.cell
def _(board, mo):
    mo.ui.anywidget(board)
    return


@app.cell
def _(board, mo):
    if mo.query_params().get("train") == "1":  # a training loop keeps the kernel busy
        import os, time
        from jupyter_tb import SummaryWriter

        with SummaryWriter(LOGDIR + "/busy") as writer:
            for step in range(600):
                if os.path.exists(LOGDIR + "/stop"):
                    break
                writer.add_scalar("loss/total", 0.5, step)
                writer.flush()
                time.sleep(0.1)
    return


if __name__ == "__main__":
    app.run()
"""

SHOTS = "/work/shots/marimo"
LOSS = f"{dom.chart('loss/total')} {dom.attr('canvas')}"


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory):
    home = tmp_path_factory.mktemp("marimo")
    logdir = fx.write_basic(home / "logs")
    notebook = home / "board_app.py"
    notebook.write_text(NOTEBOOK.replace("LOGDIR", repr(str(logdir))))
    server = MarimoServer(notebook, home / "home")
    try:
        yield server, logdir
    finally:
        server.stop()


@pytest.fixture
def open_app(browser_context, marimo_app):
    """``open_app(query)`` -> (page, the boards' locator); pages closed afterwards, and they
    must have raised no errors by then."""
    server, _ = marimo_app
    pages = []

    def open_(query: str = ""):
        page = browser_context.new_page()
        page.set_default_timeout(45_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        pages.append((page, errors))
        page.goto(f"{server.url}/{query}")
        boards = page.locator(dom.DASHBOARD)  # Playwright's CSS locators reach into shadow roots
        boards.first.wait_for()
        return page, boards

    yield open_
    for page, errors in pages:
        page.close()
        assert errors == []


def wait_ink(page, canvas, minimum: int = 500) -> dict:
    page.wait_for_function(
        f"([c, n]) => ({dom.CANVAS_INK_JS})(c).ink >= n", arg=[canvas.element_handle(), minimum]
    )
    return canvas.evaluate(dom.CANVAS_INK_JS)


def shown_points(board) -> int:
    return int(board.locator(dom.chart("loss/total")).get_attribute("data-jtb-points") or 0)


def screenshot(page, name: str) -> None:
    from pathlib import Path

    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png")


def test_board_draws_switches_tabs_and_goes_live_in_marimo(open_app, marimo_app):
    _, logdir = marimo_app
    page, boards = open_app()
    first, wrapped = boards.nth(0), boards.nth(1)  # last expression, and mo.ui.anywidget(board)
    wrapped.wait_for()
    assert boards.count() == 2
    wait_ink(page, first.locator(LOSS).first)
    # the library's stylesheet reached the shadow root: the tab strip is laid out as a row
    assert first.locator(dom.attr("tabs")).evaluate("(el) => getComputedStyle(el).display") == "flex"
    assert shown_points(first) == len(fx.RUNS) * fx.SCALAR_STEPS
    screenshot(page, "marimo-light")

    # a point written now reaches both views of the board (the kernel's reader thread pushes it)
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(logdir / "train")) as writer:
        writer.add_scalar("loss/total", 3.0, fx.SCALAR_STEPS)
    wrapped.locator(LOSS).first.scroll_into_view_if_needed()
    for board in (first, wrapped):
        page.wait_for_function(
            "([c, n]) => Number(c.getAttribute('data-jtb-points')) === n",
            arg=[board.locator(dom.chart("loss/total")).element_handle(), len(fx.RUNS) * fx.SCALAR_STEPS + 1],
        )

    # a kind of data the board had no tab for: the tab's model, opened by the reader thread,
    # must reach the page (jupyter_tb/widgets/library.py: open_in_session)
    with SummaryWriter(str(logdir / "eval")) as writer:
        writer.add_text("notes/late", "arrived after the board", 0)
    first.locator(dom.tab("text")).click()
    first.locator(dom.panel("text")).get_by_text("arrived after the board").first.wait_for(timeout=20_000)

    # another tab: a child model marimo had not instantiated, brought up by its uid
    first.scroll_into_view_if_needed()
    first.locator(dom.tab("histograms")).click()
    panel = first.locator(dom.panel("histograms"))
    panel.wait_for()
    histogram = panel.locator("canvas").first
    light = wait_ink(page, histogram)

    page.emulate_media(color_scheme="dark")  # marimo's "system" theme follows it
    page.wait_for_function("() => document.body.classList.contains('dark-theme')")
    background = first.evaluate("(el) => getComputedStyle(el).getPropertyValue('--jp-layout-color1').trim()")
    assert background == "#212121"
    page.wait_for_function(  # redrawn in the dark colours
        f"([c, h]) => ({dom.CANVAS_INK_JS})(c).hash !== h", arg=[histogram.element_handle(), light["hash"]]
    )
    page.wait_for_timeout(1300)  # lib/theme.js redraws again up to 1.2 s after a switch
    screenshot(page, "marimo-dark")


def test_the_library_comes_from_the_kernel_when_the_host_cannot_bring_it(open_app):
    page, boards = open_app("?library=kernel")
    wait_ink(page, boards.first.locator(LOSS).first)
    assert page.evaluate("() => !!globalThis[Symbol.for('jupyter_tb.lib.fromKernel')]")


def test_the_board_fills_and_goes_live_while_a_later_cell_trains(open_app, marimo_app):
    """The board's first snapshot reached its model before marimo ran the view's code and
    was dropped; the browser's "hello" waits for the busy kernel. The resent snapshot
    (jupyter_tb/widgets/redelivery.py) must fill it, and the loop's points follow."""
    _, logdir = marimo_app
    try:
        page, boards = open_app("?train=1")
        chart = boards.first.locator(dom.chart("loss/total"))
        chart.wait_for(timeout=20_000)
        start = int(chart.get_attribute("data-jtb-points") or 0)
        assert start >= len(fx.RUNS) * fx.SCALAR_STEPS
        page.wait_for_function(
            "([c, n]) => Number(c.getAttribute('data-jtb-points')) >= n",
            arg=[chart.element_handle(), start + 5],
            timeout=20_000,
        )
    finally:
        (logdir / "stop").touch()  # the loop ends; the kernel was busy until now
