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
        set_setting(nb, "card-width", px)
        widths[px] = card_box(nb, "group0/metric0")["width"]
    # about 760 px of cards: 200 and 360 px fit more than one column, 800 px one
    assert widths[200] <= widths[360] < widths[800], widths


@pytest.mark.ui
def test_pin_expand_and_data_table_in_notebook7(browser_context, notebook_server, logdir):
    nb = NotebookPage(browser_context, notebook_server, "scalar-cards-nb7")
    try:
        open_board(nb, logdir)
        check_pin_and_expand(nb, "group2/metric1")
        click_a_step(nb)
        nb.assert_no_page_errors()
    finally:
        nb.close()


# --------------------------------------------------------------------------- charts

TAG = "group0/metric1"
VIEW_JS = "(el) => { const v = el.jtbCard.chart.view; return [v.x0, v.x1, v.y0, v.y1, v.left, v.right, v.top, v.bottom]; }"


def chart_view(nb, tag=TAG) -> dict:
    card = nb.scoped(dom.chart(tag))
    x0, x1, y0, y1, left, right, top, bottom = card.evaluate(VIEW_JS)
    box = card.locator(dom.attr("canvas")).bounding_box()
    return {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "left": box["x"] + left, "right": box["x"] + right,
            "top": box["y"] + top, "bottom": box["y"] + bottom}  # fmt: skip


def page_point(view, fx: float, fy: float) -> tuple[float, float]:
    """Page coordinates of the point at fractions (fx, fy) of the plot area."""
    return view["left"] + fx * (view["right"] - view["left"]), view["top"] + fy * (
        view["bottom"] - view["top"]
    )


def x_at(view, px: float) -> float:
    return view["x0"] + (px - view["left"]) / (view["right"] - view["left"]) * (view["x1"] - view["x0"])


def shown_card(nb, tag=TAG):
    """The card of ``tag`` scrolled into view, drawn, and its chart's view."""
    card = nb.scoped(dom.chart(tag))
    card.scroll_into_view_if_needed()
    dom.wait_ink(nb, card.locator(dom.attr("canvas")))
    return card, chart_view(nb, tag)


def wait_view_change(nb, before: dict, tag=TAG) -> dict:
    nb.page.wait_for_function(
        f"([el, x0]) => ({VIEW_JS})(el)[0] !== x0",
        arg=[nb.scoped(dom.chart(tag)).element_handle(), before["x0"]],
    )
    return chart_view(nb, tag)


def scroller(nb):
    """The notebook's scrolling element (Lab 4 windowed notebook)."""
    return nb.scoped(".jp-WindowedPanel-outer").first


def set_setting(nb, hook: str, value) -> None:
    """Set a settings-panel control (hidden until opened) as a user's change would, then wait
    for the kernel's echo of the board's settings (a change made before it lands is undone by
    it: the settings store saves debounced; left to lib/settings.js's owner)."""
    nb.scoped(dom.attr(hook)).first.evaluate(
        "(el, v) => { if (el.type === 'checkbox') el.checked = v; else el.value = String(v);"
        " el.dispatchEvent(new Event(el.tagName === 'SELECT' || el.type === 'checkbox' ? 'change' : 'input',"
        " { bubbles: true })); }",
        value,
    )
    nb.page.wait_for_timeout(800)


@pytest.mark.ui
def test_box_zoom_wheel_and_double_click_reset(board):
    nb = board
    card, full = shown_card(nb)
    # drag a box: both ranges shrink to (about) the box
    (ax, ay), (bx, by) = page_point(full, 0.2, 0.2), page_point(full, 0.6, 0.7)
    nb.page.mouse.move(ax, ay)
    nb.page.mouse.down()
    nb.page.mouse.move((ax + bx) / 2, (ay + by) / 2, steps=3)
    nb.page.mouse.move(bx, by, steps=3)
    nb.page.mouse.up()
    zoomed = wait_view_change(nb, full)
    span_x, span_y = full["x1"] - full["x0"], full["y1"] - full["y0"]
    assert zoomed["x1"] - zoomed["x0"] == pytest.approx(0.4 * span_x, rel=0.03)
    assert zoomed["y1"] - zoomed["y0"] == pytest.approx(0.5 * span_y, rel=0.03)
    assert zoomed["x0"] == pytest.approx(full["x0"] + 0.2 * span_x, abs=0.02 * span_x)
    assert zoomed["y1"] == pytest.approx(full["y1"] - 0.2 * span_y, abs=0.02 * span_y)

    # the plain wheel scrolls the page and leaves the chart alone
    top = scroller(nb).evaluate("(el) => el.scrollTop")
    cx, cy = page_point(zoomed, 0.5, 0.5)
    nb.page.mouse.move(cx, cy)
    nb.page.mouse.wheel(0, 200)
    nb.page.wait_for_function("([el, t]) => el.scrollTop !== t", arg=[scroller(nb).element_handle(), top])
    assert chart_view(nb)["x0"] == zoomed["x0"]
    scroller(nb).evaluate("(el, t) => { el.scrollTop = t; }", top)
    nb.page.wait_for_timeout(100)

    # Ctrl + wheel zooms in around the pointer, on both axes
    zoomed = chart_view(nb)
    cx, cy = page_point(zoomed, 0.5, 0.5)
    nb.page.mouse.move(cx, cy)
    nb.page.keyboard.down("Control")
    nb.page.mouse.wheel(0, -200)
    nb.page.keyboard.up("Control")
    wheeled = wait_view_change(nb, zoomed)
    assert wheeled["x1"] - wheeled["x0"] < zoomed["x1"] - zoomed["x0"]
    assert wheeled["y1"] - wheeled["y0"] < zoomed["y1"] - zoomed["y0"]
    assert (wheeled["x0"] + wheeled["x1"]) / 2 == pytest.approx((zoomed["x0"] + zoomed["x1"]) / 2, rel=0.02)
    nb.screenshot("scalar-cards-zoomed", card)

    # double-click: back to the full extent
    cx, cy = page_point(wheeled, 0.5, 0.5)
    nb.page.mouse.dblclick(cx, cy)
    reset = wait_view_change(nb, wheeled)
    for key in ("x0", "x1", "y0", "y1"):
        assert reset[key] == pytest.approx(full[key])


def table_rows(nb, tag=TAG) -> dict[str, dict[str, str]]:
    """{run: {column header: cell text}} of a card's data table, in row order."""
    return (
        nb.scoped(dom.chart(tag))
        .locator(dom.attr("data-table"))
        .evaluate(
            """(table) => {
            const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.replace(/[▴▾]/g, '').trim());
            return Object.fromEntries([...table.querySelectorAll('[data-jtb-data-row]')].map((tr) =>
                [tr.getAttribute('data-jtb-data-row'),
                 Object.fromEntries([...tr.cells].map((td, i) => [heads[i], td.innerText.trim()]))]));
        }"""
        )
    )


def click_a_step(nb: NotebookPage):
    """Click the middle of the chart of TAG; check its data table against the data: every run
    named in visible text, value, smoothed, step, wall and relative time. Returns (card,
    table, view, step)."""
    from datetime import datetime

    from jupyter_tb.compute.smoothing import smooth

    card, view = shown_card(nb)
    px, py = page_point(view, 0.55, 0.5)
    nb.page.mouse.click(px, py)
    table = card.locator(dom.attr("data-table"))
    table.locator(dom.attr("data-row")).nth(len(RUNS) - 1).wait_for()
    rows = table_rows(nb)
    assert sorted(rows) == sorted(RUNS)
    step = round(x_at(view, px))
    for run, row in rows.items():
        name = table.locator(dom.attr("data-row", run)).locator(".jtb-row-name")
        assert name.inner_text() == run and name.bounding_box()["width"] > 20
        values = series(run, TAG)
        assert int(row["Step"]) == step
        assert float(row["Value"]) == pytest.approx(values[step], rel=1e-5)
        assert float(row["Smoothed"]) == pytest.approx(smooth(values, 0.6)[step], rel=1e-5)
        wall = datetime.fromtimestamp(WALL0 + step * WALL_STEP)
        assert row["Wall time"] == wall.strftime("%Y-%m-%d %H:%M:%S")
        minutes, seconds = divmod(int(step * WALL_STEP), 60)
        assert row["Relative"] == " ".join(f"{n}{unit}" for n, unit in ((minutes, "m"), (seconds, "s")) if n)
    return card, table, view, step


@pytest.mark.ui
def test_data_table_at_a_clicked_step_names_runs_and_matches_the_data(board):
    from jupyter_tb.compute.smoothing import smooth

    nb = board
    card, table, view, step = click_a_step(nb)
    nb.screenshot("scalar-cards-table", card)

    # sort order: the tooltip_sort setting, then a click on the Run header
    set_setting(nb, "tooltip-sort", "descending")
    smoothed = {run: smooth(series(run, TAG), 0.6)[step] for run in RUNS}
    assert list(table_rows(nb)) == sorted(RUNS, key=lambda r: -smoothed[r])
    set_setting(nb, "tooltip-sort", "ascending")
    assert list(table_rows(nb)) == sorted(RUNS, key=lambda r: smoothed[r])
    table.locator(dom.attr("sort", "name")).click()
    assert list(table_rows(nb)) == sorted(RUNS)
    # the hover readout floats over the chart: hovering does not move what is below it
    below = card.locator(dom.attr("data-table")).bounding_box()["y"]
    nb.page.mouse.move(*page_point(view, 0.3, 0.4))
    readout = card.locator(dom.attr("readout"))
    readout.locator(dom.attr("readout-row", RUNS[2])).wait_for()
    assert readout.locator(dom.attr("readout-row", RUNS[2])).locator(".jtb-row-name").inner_text() == RUNS[2]
    assert card.locator(dom.attr("data-table")).bounding_box()["y"] == below
    set_setting(nb, "tooltip-sort", "default")


@pytest.mark.ui
def test_range_selection_stats_match_numpy(board):
    nb = board
    card, view = shown_card(nb)
    (ax, ay), (bx, _) = page_point(view, 0.25, 0.5), page_point(view, 0.7, 0.5)
    nb.page.keyboard.down("Shift")
    nb.page.mouse.move(ax, ay)
    nb.page.mouse.down()
    nb.page.mouse.move(bx, ay, steps=4)
    nb.page.mouse.up()
    nb.page.keyboard.up("Shift")
    table = card.locator(dom.attr("data-table"))
    nb.page.wait_for_function(
        "(t) => t.querySelector('[data-jtb-sort=\"mean\"]')", arg=table.element_handle()
    )
    x0, x1 = card.evaluate("(el) => el.jtbCard.range")
    assert chart_view(nb)["x0"] == view["x0"]  # a range selection is not a zoom
    rows = table_rows(nb)
    assert sorted(rows) == sorted(RUNS)
    steps = np.arange(STEPS)
    inside = (steps >= x0) & (steps <= x1)
    for run, row in rows.items():
        values = series(run, TAG)[inside]
        assert float(row["Min"]) == pytest.approx(values.min(), rel=1e-5)
        assert float(row["Max"]) == pytest.approx(values.max(), rel=1e-5)
        assert float(row["Mean"]) == pytest.approx(values.mean(), rel=1e-5)
        assert float(row["Change"]) == pytest.approx(values[-1] - values[0], rel=1e-4, abs=1e-6)
        assert int(row["From step"]) == steps[inside][0] and int(row["To step"]) == steps[inside][-1]
    nb.screenshot("scalar-cards-range", card)


@pytest.mark.ui
def test_wall_time_and_log_axis_ticks(board):
    nb = board
    card = nb.scoped(dom.chart(TAG))
    card.scroll_into_view_if_needed()
    labels = "(el) => el.jtbCard.chart.view.labels"
    try:
        set_setting(nb, "x-axis", "wall")
        nb.page.wait_for_function(
            f"(el) => ({labels})(el).x.some((t) => t.includes(':'))", arg=card.element_handle()
        )
        x = card.evaluate(labels)["x"]
        assert len(x) >= 3 and len(set(x)) == len(x), x
        # an hour of data at 90 s per step: ticks on round minutes
        assert all(t.endswith(("0", "5")) and len(t) == 5 for t in x), x
        set_setting(nb, "x-axis", "relative")
        nb.page.wait_for_function(
            f"(el) => ({labels})(el).x.some((t) => t.endsWith('m'))", arg=card.element_handle()
        )
        x = card.evaluate(labels)["x"]
        assert len(set(x)) == len(x) and x[0] == "0s", x
        set_setting(nb, "log-y", True)
        y = card.evaluate(labels)["y"]
        assert len(y) >= 2 and all(len(t) <= 4 for t in y), y
        nb.screenshot("scalar-cards-wall-log", card)
    finally:
        set_setting(nb, "x-axis", "step")
        set_setting(nb, "log-y", False)
