"""The board in real JupyterLab 4 / Notebook 7: views render, live updates, interaction while
the kernel is busy, hostile names stay text.

Every assertion compares what the page shows (data-jtb-* attributes, canvas pixels, text)
with what the fixture logdir holds; see board_dom.py for the selectors.
"""

from __future__ import annotations

import json

import pytest

import board_dom as dom
import fixture_logdirs as fx


def board_cells(logdir) -> list[str]:
    return ["import jupyter_tb", f"board = jupyter_tb.board({str(logdir)!r}); board"]


def set_range(locator, value) -> None:
    """Move a range input the way a drag does: new value, then an input event."""
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }",
        value,
    )


def canvas_ink(locator) -> dict:
    return locator.evaluate(dom.CANVAS_INK_JS)


def open_tab(nb, kind: str):
    nb.scoped(dom.tab(kind)).click()
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).getAttribute('aria-selected') === 'true'",
        arg=[nb.widget_id, dom.tab(kind)],
    )
    return nb.scoped(dom.panel(kind))


def wait_points(nb, tag: str, expected: int, timeout: float = 60.0):
    nb.page.wait_for_function(
        "([id, sel, n]) => { const c = document.getElementById(id).querySelector(sel);"
        " return c && Number(c.getAttribute('data-jtb-points')) === n; }",
        arg=[nb.widget_id, dom.chart(tag), expected],
        timeout=timeout * 1000,
    )


@pytest.mark.ui
def test_magic_renders_scalars_and_images_in_lab(lab, basic_logdir):
    nb = lab()
    nb.open(board_cells(basic_logdir))
    nb.run_all()
    nb.wait_output(dom.DASHBOARD)
    board = nb.scoped(dom.DASHBOARD)

    # run selector: both runs listed and ticked
    for run in fx.RUNS:
        assert board.locator(dom.attr("run-toggle", run)).is_checked()
    # scalars: one card per tag, in sections by first segment, every point of both runs drawn
    for tag in ("loss/total", "metrics/accuracy"):
        wait_points(nb, tag, len(fx.RUNS) * fx.SCALAR_STEPS)
        card = board.locator(dom.chart(tag))
        assert card.locator(".jtb-card-title").text_content() == tag
        assert canvas_ink(card.locator(dom.attr("canvas")))["ink"] > 500
    assert board.locator(dom.attr("section", "loss")).locator(dom.chart("loss/total")).count() == 1
    assert board.locator(dom.attr("section", "metrics")).locator(dom.chart("metrics/accuracy")).count() == 1
    nb.screenshot("board-lab-scalars")

    # hover readout names runs and values
    canvas = board.locator(dom.chart("loss/total")).locator(dom.attr("canvas"))
    box = canvas.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    readout = board.locator(dom.chart("loss/total")).locator(dom.attr("readout-row", "train"))
    readout.wait_for()
    assert "step" in readout.text_content() and "value" in readout.text_content()

    # images: one <img> per run showing the last step; the step slider moves it back
    images = open_tab(nb, "images")
    card = images.locator(dom.attr("image-card", "samples/band"))
    card.wait_for()
    img = card.locator(dom.attr("image", "train"))
    nb.page.wait_for_function(
        "(el) => el.complete && el.naturalWidth === 32", arg=img.element_handle()
    )
    assert img.get_attribute("data-jtb-step") == str(fx.IMAGE_STEPS[-1])
    slider = card.locator(dom.attr("step-slider"))
    set_range(slider, 0)
    nb.page.wait_for_function(
        f"(el) => el.getAttribute('data-jtb-step') === '{fx.IMAGE_STEPS[0]}' && el.complete && el.naturalWidth === 32",
        arg=img.element_handle(),
    )
    nb.screenshot("board-lab-images")

    # histograms: a chart per run with ink; switching offset -> overlay redraws it
    hist = open_tab(nb, "histograms").locator(dom.attr("histogram", "weights/w1"))
    hist.wait_for()
    canvases = hist.locator(dom.attr("canvas"))
    nb.page.wait_for_function(
        "(els) => els.length === 2 && els.every((c) => c.width > 0)", arg=canvases.element_handles()
    )
    assert sorted(hist.locator(dom.attr("run-chart")).evaluate_all(
        "(els) => els.map((e) => e.getAttribute('data-jtb-run-chart'))")) == sorted(fx.RUNS)
    offset = canvas_ink(canvases.first)
    assert offset["ink"] > 500
    nb.screenshot("board-lab-histograms")
    open_tab(nb, "histograms").locator(dom.attr("histogram-mode")).select_option("overlay")
    nb.page.wait_for_function(
        f"(c) => ({dom.CANVAS_INK_JS})(c).hash !== {offset['hash']}", arg=canvases.first.element_handle()
    )

    # distributions: percentile bands drawn per run
    dist = open_tab(nb, "distributions").locator(dom.attr("distribution", "weights/w1"))
    dist.wait_for()
    bands = dist.locator(dom.attr("canvas"))
    nb.page.wait_for_function(
        f"(els) => els.length === 2 && els.every((c) => ({dom.CANVAS_INK_JS})(c).ink > 500)",
        arg=bands.element_handles(),
    )
    nb.screenshot("board-lab-distributions")
    assert nb.cell_error() is None
    nb.assert_no_page_errors()
