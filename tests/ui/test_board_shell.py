"""The board's shell in real JupyterLab and Notebook 7: runs table (colours you can change,
later runs ticked, both kept across a reload), the settings panel (kept across a reload,
seen by Python), tab order, narrow containers without sideways scrolling, the dark theme.

What is compared is what the page shows: computed colours of swatches against the pixels of
the chart lines, layout boxes, the --jp-* colours the canvases were drawn with.
"""

from __future__ import annotations

import json

import pytest

from tests.support import board_dom as dom

# A logdir with images and histograms only at first; the cell after it adds scalars and a
# run "late", so the Scalars tab and the run arrive after the board opened.
SETUP = """
import json, tempfile
import numpy as np
import jupyter_tb
logdir = tempfile.mkdtemp() + "/runs"
rng = np.random.default_rng(0)
for run in ("a", "b", "c"):
    with jupyter_tb.SummaryWriter(f"{logdir}/{run}") as w:
        w.add_image("img", rng.random((3, 8, 8)), 0)
        w.add_histogram("h", rng.normal(size=100), 0)
board = jupyter_tb.board(logdir, reload_interval=0.2)
board
"""
LATER = """
for k, run in enumerate(("a", "b", "c", "late")):
    with jupyter_tb.SummaryWriter(f"{logdir}/{run}") as w:
        for step in range(40):
            w.add_scalar("loss", (k + 1) * (1 - step / 50), step)
"""
STATE = (
    "print('STATE', json.dumps([board.selected_runs, board.deselected_runs, board.run_colors,"
    " board.settings, board.view('scalars').smoothing]))"
)
TAB_ORDER = ["scalars", "images", "histograms", "distributions"]  # TensorBoard's plugin order
NEW_COLOR = "#a05a2c"

# "#rrggbb" of a computed CSS colour ("rgb(r, g, b)")
RGB_HEX_JS = """(css) => '#' + css.match(/\\d+/g).slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join('')"""

# Pixels of a canvas exactly of colour "#rrggbb" (the opaque middle of a drawn line).
COLOR_PIXELS_JS = """([canvas, hex]) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
    return n;
}"""

# Anything in `root` that sticks out sideways or scrolls sideways.
OVERFLOW_JS = """(root) => {
    const box = root.getBoundingClientRect();
    const out = [];
    for (const el of [root, ...root.querySelectorAll('*')]) {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        const name = el.tagName + '.' + el.className + ' ' + (el.getAttribute('data-jtb-chart') || '');
        if (r.left < box.left - 1 || r.right > box.right + 1) out.push(`${name} sticks out ${r.left}..${r.right}`);
        const x = getComputedStyle(el).overflowX;
        if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1) out.push(`${name} scrolls sideways`);
    }
    const doc = document.scrollingElement;
    if (doc.scrollWidth > doc.clientWidth + 1) out.push('the page scrolls sideways');
    return { width: box.width, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, out };
}"""


def state(nb, cell: int) -> list:
    nb.run_cell(cell)
    nb.wait_idle()
    return json.loads(nb.cell_text(cell).split("STATE", 1)[1])


def tab_order(board) -> list[str]:
    return (
        board.locator(dom.attr("tabs"))
        .locator("[data-jtb-tab]")
        .evaluate_all("(els) => els.map((e) => e.getAttribute('data-jtb-tab'))")
    )


def swatch_hex(nb, board, run: str) -> str:
    css = board.locator(dom.attr("run-color", run)).evaluate("(el) => getComputedStyle(el).backgroundColor")
    return nb.page.evaluate(RGB_HEX_JS, css)


def wait_color_pixels(nb, canvas, color: str, minimum: int = 20) -> None:
    nb.page.wait_for_function(
        f"([c, hex, n]) => ({COLOR_PIXELS_JS})([c, hex]) >= n",
        arg=[canvas.element_handle(), color, minimum],
        timeout=15_000,
    )


def open_board(nb, *more_cells: str):
    nb.open([SETUP, LATER, STATE, *more_cells])
    nb.run_cell(0)
    nb.wait_output(dom.DASHBOARD)
    nb.wait_idle()
    return nb.scoped(dom.DASHBOARD).first


def reload(nb):
    nb.save()
    nb.page.wait_for_timeout(1000)
    nb.page.reload()
    nb.wait_kernel()
    nb.wait_output(dom.DASHBOARD)
    return nb.scoped(dom.DASHBOARD).first


@pytest.mark.ui
def test_runs_colours_settings_and_tabs_survive_a_reload(lab):
    nb = lab()
    board = open_board(nb, "board.selected_runs = ['a', 'late']")
    board.locator(dom.tab("images")).wait_for()
    nb.run_cell(1)  # scalars and the run "late" arrive while the board is open
    nb.wait_idle()
    board.locator(dom.attr("run-toggle", "late")).wait_for()
    board.locator(dom.tab("scalars")).wait_for()
    assert tab_order(board) == TAB_ORDER  # not the order the data arrived in
    assert board.locator(dom.attr("run-toggle", "late")).is_checked()  # a later run starts ticked

    # one colour per run: the swatch is the colour of the run's line on the chart
    dom.open_tab(nb, "scalars")
    dom.wait_points(nb, "loss", 4 * 40)
    canvas = board.locator(dom.chart("loss")).locator(dom.attr("canvas"))
    colors = {run: swatch_hex(nb, board, run) for run in ("a", "b", "c", "late")}
    assert len(set(colors.values())) == 4, colors
    for color in colors.values():
        wait_color_pixels(nb, canvas, color)

    # recolour "a" from the keyboard: the swatch opens the popover, Escape returns
    swatch = board.locator(dom.attr("run-color", "a"))
    swatch.focus()
    nb.page.keyboard.press("Enter")
    popover = board.locator(dom.attr("color-popover"))
    popover.wait_for()
    assert nb.page.evaluate("() => document.activeElement.hasAttribute('data-jtb-color-choice')")
    nb.page.keyboard.press("Escape")
    popover.wait_for(state="hidden")
    assert nb.page.evaluate("() => document.activeElement.getAttribute('data-jtb-run-color')") == "a"
    swatch.click()
    popover.locator(dom.attr("color-input")).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }", NEW_COLOR
    )
    nb.page.keyboard.press("Escape")
    assert swatch_hex(nb, board, "a") == NEW_COLOR
    wait_color_pixels(nb, canvas, NEW_COLOR)
    board.locator(dom.attr("run-toggle", "b")).uncheck()

    # the settings panel: a gear opens it, its smoothing reaches Python
    board.locator(dom.attr("settings-toggle")).click()
    panel = board.locator(dom.attr("settings"))
    assert panel.is_visible()
    before = dom.canvas_ink(canvas)["hash"]
    dom.set_range(panel.locator(dom.attr("smoothing")), 0.9)
    assert panel.locator(dom.attr("smoothing-value")).text_content() == "0.900"
    nb.page.wait_for_function(  # the chart redraws with the panel's smoothing
        f"([c, h]) => ({dom.CANVAS_INK_JS})(c).hash !== h", arg=[canvas.element_handle(), before]
    )
    nb.page.wait_for_timeout(500)  # the debounced save
    selected, deselected, run_colors, settings, smoothing = state(nb, 2)
    assert selected == ["a", "c", "late"] and deselected == ["b"]
    assert run_colors["a"] == NEW_COLOR and run_colors["c"] == colors["c"]
    assert settings["smoothing"] == pytest.approx(0.9) and smoothing == pytest.approx(0.9)
    nb.screenshot("board-shell-lab-before-reload")
    nb.run_cell(3)  # Python picks the runs: the browser follows
    nb.page.wait_for_function(
        "(el) => !el.checked", arg=board.locator(dom.attr("run-toggle", "c")).element_handle(), timeout=10_000
    )
    assert board.locator(dom.attr("run-toggle", "a")).is_checked()
    nb.wait_idle()

    board = reload(nb)
    board.locator(dom.attr("run-toggle", "late")).wait_for()
    assert tab_order(board) == TAB_ORDER
    assert board.locator(dom.attr("run-toggle", "late")).is_checked()
    assert not board.locator(dom.attr("run-toggle", "b")).is_checked()
    assert not board.locator(dom.attr("run-toggle", "c")).is_checked()
    assert {run: swatch_hex(nb, board, run) for run in colors} == {**colors, "a": NEW_COLOR}
    smoothing = board.locator(dom.attr("settings")).locator(dom.attr("smoothing"))
    assert float(smoothing.input_value()) == pytest.approx(0.9)

    # keyboard: one tab stop in the tab bar, arrows move between tabs
    active = board.locator(dom.attr("tabs")).locator("[aria-selected='true']")
    shown = active.get_attribute("data-jtb-tab")
    active.focus()
    nb.page.keyboard.press("ArrowRight")
    following = TAB_ORDER[(TAB_ORDER.index(shown) + 1) % len(TAB_ORDER)]
    assert board.locator(dom.tab(following)).get_attribute("aria-selected") == "true"
    assert nb.page.evaluate("() => document.activeElement.getAttribute('data-jtb-tab')") == following
    assert nb.cell_error() is None
    nb.assert_no_page_errors()


SIDEBAR = """
board.show_in_sidebar()
"""


@pytest.mark.ui
def test_narrow_containers_fold_and_never_scroll_sideways(lab):
    nb = lab()
    nb.page.set_viewport_size({"width": 1290, "height": 900})
    try:
        nb.open([SETUP, LATER, STATE, SIDEBAR])
        for cell in (0, 1, 3):
            nb.run_cell(cell)
            nb.wait_idle()
        side = nb.page.locator(".jp-tb-SidePanel").locator(dom.DASHBOARD)
        side.locator(dom.attr("tab-select")).select_option("scalars")  # it showed Images, the first tab
        side.locator(dom.chart("loss")).wait_for()
        width = side.evaluate("(el) => el.getBoundingClientRect().width")
        assert 430 <= width <= 520, width  # JupyterLab's side panel, ~480 px
        assert side.get_attribute("data-jtb-size") == "narrow"
        nb.page.wait_for_timeout(500)
        report = side.evaluate(OVERFLOW_JS)
        assert report["out"] == [] and report["scrollWidth"] <= report["clientWidth"], report
        # tabs fold into a drop-down, the runs table behind a button
        assert not side.locator(dom.attr("tabs")).is_visible()
        side.locator(dom.attr("tab-select")).select_option("images")
        side.locator(dom.panel("images")).wait_for()
        assert not side.locator(dom.attr("runs")).is_visible()
        side.locator(dom.attr("runs-toggle")).click()
        assert side.locator(dom.attr("run-toggle", "late")).is_visible()
        side.locator(dom.attr("settings-toggle")).click()
        assert side.locator(dom.attr("settings")).is_visible()
        assert side.evaluate(OVERFLOW_JS)["out"] == []
        nb.screenshot("board-shell-lab-480")
        side.locator(dom.attr("settings-toggle")).click()
        side.locator(dom.attr("tab-select")).select_option("scalars")

        # the inline board in a 400 px container
        inline = nb.scoped(dom.DASHBOARD).first
        inline.evaluate("(el) => { el.parentElement.style.width = '400px'; }")
        inline.locator(dom.chart("loss")).wait_for()
        nb.page.wait_for_timeout(500)
        report = inline.evaluate(OVERFLOW_JS)
        assert report["width"] <= 400 and report["out"] == [], report

        # the dark theme: text readable, canvases drawn in light colours redrawn in its own
        side.locator(dom.attr("tab-select")).select_option("histograms")
        hist = side.locator(dom.attr("histogram", "h")).locator(dom.attr("canvas")).first
        dom.wait_ink(nb, hist)
        nb.page.evaluate(
            "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
        )
        nb.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
        nb.page.wait_for_timeout(2000)
        for target in (side.locator(".jtb-card-title").first, side.locator(dom.attr("tab-select"))):
            assert target.evaluate(dom.CONTRAST_JS) >= 4.5
        assert side.locator(dom.attr("progress")).evaluate(dom.CONTRAST_JS) >= 3  # secondary text
        grid = side.evaluate("(el) => getComputedStyle(el).getPropertyValue('--jp-border-color2').trim()")
        grid_hex = nb.page.evaluate(
            RGB_HEX_JS,
            nb.page.evaluate(
                "(c) => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);"
                " const s = getComputedStyle(d).color; d.remove(); return s; }",
                grid,
            ),
        )
        assert grid_hex != "#e0e0e0"  # the light theme's
        wait_color_pixels(nb, hist, grid_hex)
        nb.screenshot("board-shell-lab-480-dark")
        nb.assert_no_page_errors()
    finally:
        nb.page.evaluate(
            "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})"
        )


# A view shown alone: its settings panel writes the view's own traits.
STANDALONE = "hist = jupyter_tb.histograms(logdir)\nhist"
HIST_MODE = "print('MODE', hist.mode)"


@pytest.mark.ui
def test_notebook7_runs_colours_settings_and_400px(notebook7):
    nb = notebook7()
    board = open_board(nb, STANDALONE, HIST_MODE)
    nb.run_cell(1)
    nb.wait_idle()
    board.locator(dom.tab("scalars")).wait_for()
    assert tab_order(board) == TAB_ORDER
    dom.open_tab(nb, "scalars")
    dom.wait_points(nb, "loss", 4 * 40)
    canvas = board.locator(dom.chart("loss")).locator(dom.attr("canvas"))
    wait_color_pixels(nb, canvas, swatch_hex(nb, board, "late"))
    board.locator(dom.attr("run-color", "c")).click()
    board.locator(dom.attr("color-popover")).locator(dom.attr("color-input")).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }", NEW_COLOR
    )
    wait_color_pixels(nb, canvas, NEW_COLOR)
    board.locator(dom.attr("settings-toggle")).click()
    board.locator(dom.attr("settings")).locator(dom.attr("x-axis")).select_option("relative")
    nb.page.wait_for_timeout(500)
    settings = state(nb, 2)[3]
    assert settings["x_axis"] == "relative"

    board.evaluate("(el) => { el.parentElement.style.width = '400px'; }")
    nb.page.wait_for_timeout(500)
    report = board.evaluate(OVERFLOW_JS)
    assert report["width"] <= 400 and report["out"] == [], report
    # the open settings panel lies over the board, all of it inside the board (not cut off)
    assert board.evaluate(
        "(el) => el.querySelector('[data-jtb-settings]').getBoundingClientRect().bottom"
        " <= el.getBoundingClientRect().bottom + 1"
    )
    nb.screenshot("board-shell-nb7-400")

    # a view alone has the shell too: runs table, its settings, written to its own traits
    nb.run_cell(3)
    alone = nb.scoped(".jp-Cell").nth(3).locator(dom.attr("view", "histograms"))
    alone.locator(dom.attr("run-toggle", "late")).wait_for()
    alone.locator(dom.attr("settings-toggle")).click()
    alone.locator(dom.attr("settings")).locator(dom.attr("histogram-mode")).select_option("overlay")
    nb.page.wait_for_timeout(500)
    nb.run_cell(4)
    nb.wait_idle()
    assert "MODE overlay" in nb.cell_text(4)

    board = reload(nb)
    board.locator(dom.attr("run-color", "c")).wait_for()
    assert swatch_hex(nb, board, "c") == NEW_COLOR
    assert board.locator(dom.attr("settings")).locator(dom.attr("x-axis")).input_value() == "relative"
    nb.assert_no_page_errors()
