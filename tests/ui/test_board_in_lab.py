"""The board in real JupyterLab 4 / Notebook 7: views render, live updates, interaction while
the kernel is busy, hostile names stay text.

Every assertion compares what the page shows (data-jtb-* attributes, canvas pixels, text)
with what the fixture logdir holds; see board_dom.py for the selectors.
"""

from __future__ import annotations

import json

import pytest

from tests.support import board_dom as dom
from tests.support import fixture_logdirs as fx
from tests.support.live_training import LIVE_TAG, LiveTraining


@pytest.mark.ui
def test_magic_renders_scalars_and_images_in_lab(lab, basic_logdir):
    nb = lab()
    board = dom.show_board(nb, basic_logdir)

    # run selector: both runs listed and ticked
    for run in fx.RUNS:
        assert board.locator(dom.attr("run-toggle", run)).is_checked()
    # scalars: one card per tag, in sections by first segment, every point of both runs drawn
    for tag in ("loss/total", "metrics/accuracy"):
        dom.wait_points(nb, tag, len(fx.RUNS) * fx.SCALAR_STEPS)
        card = board.locator(dom.chart(tag))
        assert card.locator(".jtb-card-title").text_content() == tag
        dom.wait_ink(nb, card.locator(dom.attr("canvas")))
    assert board.locator(dom.attr("section", "loss")).locator(dom.chart("loss/total")).count() == 1
    assert board.locator(dom.attr("section", "metrics")).locator(dom.chart("metrics/accuracy")).count() == 1
    nb.screenshot("board-lab-scalars")

    # hover readout names runs and values
    canvas = board.locator(dom.chart("loss/total")).locator(dom.attr("canvas"))
    box = canvas.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    readout = board.locator(dom.chart("loss/total")).locator(dom.attr("readout-row", "train"))
    readout.wait_for()
    header = (
        board.locator(dom.chart("loss/total")).locator(dom.attr("readout")).locator("thead").text_content()
    )
    assert "train" in readout.text_content() and "Step" in header and "Value" in header

    # images: one <img> per run showing the last step; the step slider moves it back
    images = dom.open_tab(nb, "images")
    card = images.locator(dom.attr("image-card", "samples/band"))
    card.wait_for()
    img = card.locator(dom.attr("image", "train"))
    nb.page.wait_for_function("(el) => el.complete && el.naturalWidth === 32", arg=img.element_handle())
    assert img.get_attribute("data-jtb-step") == str(fx.IMAGE_STEPS[-1])
    slider = card.locator(dom.attr("step-slider"))
    dom.set_range(slider, 0)
    nb.page.wait_for_function(
        f"(el) => el.getAttribute('data-jtb-step') === '{fx.IMAGE_STEPS[0]}' && el.complete && el.naturalWidth === 32",
        arg=img.element_handle(),
    )
    nb.screenshot("board-lab-images")

    # histograms: a chart per run with ink; switching offset -> overlay redraws it
    hist = dom.open_tab(nb, "histograms").locator(dom.attr("histogram", "weights/w1"))
    hist.wait_for()
    canvases = hist.locator(dom.attr("canvas"))
    # drawing happens on animation frames: wait for ink rather than sample it once
    dom.wait_all_ink(nb, canvases, 2)
    assert sorted(
        hist.locator(dom.attr("run-chart")).evaluate_all(
            "(els) => els.map((e) => e.getAttribute('data-jtb-run-chart'))"
        )
    ) == sorted(fx.RUNS)
    nb.page.wait_for_timeout(300)  # let the last frame land before taking the reference
    offset = dom.canvas_ink(canvases.first)
    nb.screenshot("board-lab-histograms")
    dom.open_tab(nb, "histograms")
    dom.settings_panel(nb).locator(dom.attr("histogram-mode")).select_option("overlay")
    nb.page.wait_for_function(
        f"(c) => ({dom.CANVAS_INK_JS})(c).hash !== {offset['hash']}", arg=canvases.first.element_handle()
    )

    # distributions: percentile bands drawn per run
    dist = dom.open_tab(nb, "distributions").locator(dom.attr("distribution", "weights/w1"))
    dist.wait_for()
    bands = dist.locator(dom.attr("canvas"))
    dom.wait_all_ink(nb, bands, 2)
    nb.screenshot("board-lab-distributions")
    assert nb.cell_error() is None
    nb.assert_no_page_errors()


SUBSCRIBERS = (
    "from jupyter_tb.widgets.live_source import open_sources\n"
    "print('SUBS', sum(len(s._subscribers) for s in open_sources()))"
)


def _subscribers(nb) -> int:
    nb.run_cell(2)
    nb.wait_idle()
    return int(nb.cell_text(2).split("SUBS", 1)[1].split()[0])


@pytest.mark.ui
def test_rerunning_the_magic_cell_replaces_its_board(lab, basic_logdir):
    """Lab sends the cell's id with each run: the board the cell showed before is closed, so
    re-running a cell does not leave hidden boards taking updates in the kernel."""
    nb = lab()
    nb.open(dom.board_cells(basic_logdir) + [SUBSCRIBERS])
    nb.run_all()
    nb.wait_output(dom.DASHBOARD)
    nb.wait_idle()
    first = _subscribers(nb)
    assert first > 0
    for _ in range(2):
        nb.run_cell(1)
        nb.wait_idle()
        nb.wait_output(dom.DASHBOARD)
    assert _subscribers(nb) == first
    assert nb.cell_error() is None


REF_POINTS = 20
TIMED = 25
BUSY = 40


@pytest.mark.ui
def test_live_updates_and_controls_while_cell_blocks(lab, ui_home):
    nb = lab()
    live = LiveTraining(nb, ui_home / "logdirs" / "live", ref_points=REF_POINTS, timed=TIMED, busy=BUSY)
    live.start()
    # phase A: every timed point reaches the chart while the cell runs
    live.wait_timed_points()
    assert nb.cell_running(1)
    card = nb.scoped(dom.chart(LIVE_TAG))

    # phase B: controls work in the browser alone while the kernel is blocked
    canvas = card.locator(dom.attr("canvas"))
    before = dom.canvas_ink(canvas)
    response = nb.scoped(dom.attr("smoothing")).first.evaluate(
        """async (el, card) => {
            const drawn = Number(card.getAttribute('data-jtb-drawn'));
            const t0 = performance.now();
            el.value = '0.95';
            el.dispatchEvent(new Event('input', { bubbles: true }));
            while (Number(card.getAttribute('data-jtb-drawn')) === drawn) await new Promise(requestAnimationFrame);
            await new Promise(requestAnimationFrame);
            return performance.now() - t0;
        }""",
        card.element_handle(),
    )
    assert nb.scoped(dom.attr("smoothing-value")).first.text_content() == "0.950"
    assert dom.canvas_ink(canvas)["hash"] != before["hash"]
    points_before = int(card.get_attribute("data-jtb-points"))
    nb.scoped(dom.attr("run-toggle", "ref")).uncheck()
    nb.page.wait_for_function(
        "([el, n]) => Number(el.getAttribute('data-jtb-points')) <= n - 15",
        arg=[card.element_handle(), points_before],
        timeout=5000,
    )
    assert nb.cell_running(1), "the cell ended before the controls were exercised; raise BUSY"
    nb.screenshot("board-lab-live-busy")

    nb.wait_idle(timeout=60)
    # hidden ref: the chart holds exactly the live run's points, none lost
    dom.wait_points(nb, LIVE_TAG, 1 + TIMED + BUSY, timeout=10)
    latencies = live.latencies()
    assert len(latencies) == TIMED
    p50, p95 = dom.percentile(latencies, 50), dom.percentile(latencies, 95)
    print(
        f"live latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; smoothing redraw {response:.1f} ms"
    )
    assert p95 <= 1.0, f"live latency p95 {p95:.3f} s"
    assert response < 500

    # what the user did while the kernel was busy reached Python once it was free
    state = live.run_after(
        "print('STATE', json.dumps([board.selected_runs, board.view('scalars').smoothing]))"
    )
    selected, smoothing = json.loads(state.split("STATE", 1)[1])
    assert selected == ["live"]
    assert smoothing == pytest.approx(0.95)
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_hostile_run_and_tag_names_stay_text(lab, xss_logdir):
    nb = lab()
    board = dom.show_board(nb, xss_logdir)
    for tag in (fx.XSS_TAG, fx.XSS_SCRIPT_TAG):
        dom.wait_points(nb, tag, 10)

    # the names are there, literally, as text
    for tag in (fx.XSS_TAG, fx.XSS_SCRIPT_TAG):
        assert board.locator(dom.chart(tag)).locator(".jtb-card-title").text_content() == tag
    assert board.locator(dom.attr("run", fx.XSS_RUN)).text_content().strip() == fx.XSS_RUN
    script_group = fx.XSS_SCRIPT_TAG.split("/")[0]
    assert script_group in board.locator(dom.attr("section", script_group)).locator("summary").text_content()
    assert nb.page.get_by_text(fx.XSS_TAG, exact=True).first.is_visible()
    # hover readout names the run as text too
    canvas = board.locator(dom.chart(fx.XSS_TAG)).locator(dom.attr("canvas"))
    box = canvas.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    row = board.locator(dom.chart(fx.XSS_TAG)).locator(dom.attr("readout-row", fx.XSS_RUN))
    row.wait_for()
    assert fx.XSS_RUN in row.text_content()
    nb.screenshot("board-lab-xss")

    # ...and nothing ran: no element was made from them, no handler fired
    assert board.locator("img, script, iframe").count() == 0
    nb.page.wait_for_timeout(500)  # an onerror would have fired by now
    assert nb.page.evaluate("() => window.__jtb_xss") is None
    assert nb.dialogs == []
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_magic_renders_in_notebook7(notebook7, basic_logdir):
    nb = notebook7()
    dom.show_board(nb, basic_logdir)
    for tag in ("loss/total", "metrics/accuracy"):
        dom.wait_points(nb, tag, len(fx.RUNS) * fx.SCALAR_STEPS)
        dom.wait_ink(nb, nb.scoped(dom.chart(tag)).locator(dom.attr("canvas")))
    tabs = (
        nb.scoped(dom.attr("tabs"))
        .locator("[data-jtb-tab]")
        .evaluate_all("(els) => els.map((e) => e.getAttribute('data-jtb-tab'))")
    )
    assert set(tabs) >= {"scalars", "images", "histograms", "distributions"}
    img = dom.open_tab(nb, "images").locator(dom.attr("image", "eval"))
    nb.page.wait_for_function("(el) => el.complete && el.naturalWidth === 32", arg=img.element_handle())
    nb.screenshot("board-notebook7-images")
    dom.open_tab(nb, "scalars")
    nb.screenshot("board-notebook7-scalars")
    assert nb.cell_error() is None
    nb.assert_no_page_errors()
