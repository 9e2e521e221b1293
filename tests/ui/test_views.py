"""PR curves, text, audio and custom scalars tabs of one board in real JupyterLab.

One notebook (one kernel, one board from ``%tensorboard``) serves every test here; each test
opens its tab, checks the fixture's data reached the screen, and drives one interaction.
Graphs, hparams and the projector have their own files (test_graphs_hparams.py,
test_projector.py).
"""

from __future__ import annotations

import io
import re
import time
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from tests.support import board_dom as dom
from tests.support import fixture_logdirs as fx
from tests.support.card_downloads import SVG, download, png_ink, svg_colour, svg_lines, svg_paths, svg_texts
from tests.support.lab_theme import set_lab_theme


@pytest.fixture(scope="module")
def board(browser_context, lab_server, ui_home):
    logdir = fx.write_views(ui_home / "logdirs" / "views")
    with dom.board_page(browser_context, lab_server, "views-board", logdir) as nb:
        yield nb


@pytest.mark.ui
def test_pr_curves_render_and_pick_a_threshold(board):
    nb = board
    card = dom.open_tab(nb, "pr_curves").locator(dom.attr("pr-card", "pr/classifier"))
    card.wait_for()
    canvas = card.locator("canvas").first
    dom.wait_ink(nb, canvas)
    # one step slider per run, at the last step
    for run in fx.RUNS:
        assert card.locator(dom.attr("pr-step-value", run)).text_content().strip() == str(fx.PR_STEPS[-1])
    # click the train curve's point at threshold index 3: the pinned readout names it
    index = 3
    point = card.evaluate("(el, i) => el.jtbPrChart.locate('train', i)", index)
    box = canvas.bounding_box()
    nb.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    pinned = card.locator(dom.attr("pr-pinned")).locator(dom.attr("readout-row", "train"))
    pinned.wait_for()
    text = pinned.text_content()
    assert "threshold 0.3" in text and "precision" in text and "TP" in text
    # the train run's step slider back to step 0 redraws the curves
    before = canvas.evaluate(dom.CANVAS_INK_JS)["hash"]
    dom.set_range(card.locator(dom.attr("pr-step", "train")), 0)
    nb.page.wait_for_function(
        f"(c) => ({dom.CANVAS_INK_JS})(c).hash !== {before}", arg=canvas.element_handle()
    )
    assert card.locator(dom.attr("pr-step-value", "train")).text_content().strip() == "0"
    nb.screenshot("views-pr-curves")


@pytest.mark.ui
def test_text_renders_sanitised_markdown_and_steps(board):
    nb = board
    card = dom.open_tab(nb, "text").locator(dom.attr("text-card", fx.TEXT_TAG))
    card.wait_for()
    last = fx.TEXT_STEPS[-1]
    block = card.locator(dom.attr("text-step", str(last))).locator(dom.attr("text-run", "train"))
    block.locator("strong").wait_for()
    assert block.locator("strong").text_content() == f"bold {last}"
    assert block.locator("table td").first.text_content() == str(last)
    # the hostile HTML in the text did nothing
    assert card.locator("script").count() == 0
    assert card.locator("[onerror]").count() == 0
    nb.page.wait_for_timeout(300)
    assert nb.page.evaluate("() => window.__jtb_xss") is None
    assert nb.dialogs == []
    # every step listed, the first one too
    first = card.locator(dom.attr("text-step", str(fx.TEXT_STEPS[0]))).locator(dom.attr("text-run", "train"))
    assert first.locator("strong").text_content() == f"bold {fx.TEXT_STEPS[0]}"
    nb.screenshot("views-text")
    # raw toggle: the markdown source, literally
    nb.scoped(dom.attr("text-raw")).first.check()
    nb.page.wait_for_function(  # the step's entry is rebuilt: look it up afresh
        "([card, sel]) => { const el = card.querySelector(sel);"
        " return el && el.textContent.includes('**bold 0**') && !el.querySelector('strong'); }",
        arg=[card.element_handle(), f"{dom.attr('text-step', '0')} {dom.attr('text-run', 'train')}"],
    )
    assert fx.XSS_TEXT in first.text_content()


@pytest.mark.ui
def test_audio_player_per_run_follows_the_step_slider(board):
    nb = board
    card = dom.open_tab(nb, "audio").locator(dom.attr("audio-card", "sound/tone"))
    card.wait_for()
    player = card.locator(dom.attr("audio", "train"))
    steps = sorted(fx.AUDIO_SECONDS)

    def wait_clip(step):
        nb.page.wait_for_function(
            "([el, step, seconds]) => el.getAttribute('data-jtb-step') === String(step)"
            " && el.readyState >= 1 && Math.abs(el.duration - seconds) < 0.01",
            arg=[player.element_handle(), step, fx.AUDIO_SECONDS[step]],
        )

    wait_clip(steps[-1])
    assert card.locator(dom.attr("audio", "eval")).count() == 1
    dom.set_range(card.locator(dom.attr("step-slider")), 0)
    wait_clip(steps[0])
    nb.screenshot("views-audio")


@pytest.mark.ui
def test_custom_scalars_layout_and_smoothing(board):
    nb = board
    panel = dom.open_tab(nb, "custom_scalars")
    category = panel.locator(dom.attr("category", "Training"))
    category.wait_for()
    losses = category.locator(dom.attr("custom-chart", "losses"))
    band = category.locator(dom.attr("custom-chart", "accuracy band"))
    assert losses.get_attribute("data-jtb-chart-kind") == "multiline"
    assert band.get_attribute("data-jtb-chart-kind") == "margin"
    # multiline: loss/train and loss/eval of both runs; margin: acc/mid of both runs
    nb.page.wait_for_function(
        "([a, b]) => a.getAttribute('data-jtb-lines') === '4' && b.getAttribute('data-jtb-lines') === '2'",
        arg=[losses.element_handle(), band.element_handle()],
    )
    canvas = losses.locator("canvas").first
    dom.wait_ink(nb, canvas)
    nb.page.wait_for_timeout(300)  # let the last frame land before taking the reference
    before = dom.canvas_ink(canvas)
    dom.set_range(panel.locator(dom.attr("smoothing")).first, 0.95)
    assert panel.locator(dom.attr("smoothing-value")).first.text_content() == "0.950"
    nb.page.wait_for_function(
        f"(c) => ({dom.CANVAS_INK_JS})(c).hash !== {before['hash']}", arg=canvas.element_handle()
    )
    # hover: the margin chart's readout shows the band
    bcanvas = band.locator("canvas").first
    box = bcanvas.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    row = band.locator(dom.attr("readout-row")).first
    row.wait_for()
    assert (
        "Band" in band.locator(dom.attr("readout")).locator("thead").text_content()
        and "…" in row.text_content()
    )
    nb.screenshot("views-custom-scalars")


def run_colours(nb) -> dict[str, tuple[int, int, int]]:
    """Each run's colour as the run selector's swatch shows it."""
    out = {}
    for run in fx.RUNS:
        css = nb.scoped(dom.attr("run-color", run)).evaluate("(el) => getComputedStyle(el).backgroundColor")
        out[run] = tuple(int(v) for v in re.findall(r"\d+", css)[:3])
    return out


def check_card_downloads(nb, card, tag: str, stem: str, lines_per_run: int, shown=fx.RUNS):
    """PNG: decodes, inked in each shown run's colour; SVG: XML with the tag as text and
    ``lines_per_run`` curves in each shown run's colour (none for a hidden run)."""
    colours = run_colours(nb)
    name, png = download(nb, card, "png")
    assert name == f"{stem}.png"
    name, svg = download(nb, card, "svg")
    assert name == f"{stem}.svg"
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}image") is None  # vector, not an embedded bitmap
    width, height = float(root.get("width")), float(root.get("height"))
    assert Image.open(io.BytesIO(png)).size == (round(width), round(height))  # device pixel ratio 1
    texts = svg_texts(svg)
    assert tag in texts
    for run in fx.RUNS:
        if run in shown:
            assert png_ink(png, colours[run]) > 50, run
            assert len(svg_lines(svg, colours[run])) == lines_per_run, run
            assert any(run in t for t in texts), run  # the legend names it
        else:
            assert png_ink(png, colours[run]) == 0, run
            assert svg_lines(svg, colours[run]) == [], run
    return png, svg


@pytest.mark.ui
def test_chart_cards_download_as_png_and_svg(board):
    nb = board
    started = time.monotonic()
    # scalars: one smoothed line per run (and its faint raw line, drawn translucent)
    card = dom.open_tab(nb, "scalars").locator(dom.chart("loss/train"))
    dom.wait_ink(nb, card.locator("canvas").first)
    png, _ = check_card_downloads(nb, card, "loss/train", "loss_train", 1)
    corner = Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2))
    assert corner == (255, 255, 255)  # the light theme's card background
    # on JupyterLab Dark: the card's dark background, light title text, the runs' colours
    set_lab_theme(nb)
    try:
        png, svg = check_card_downloads(nb, card, "loss/train", "loss_train", 1)
        pixels = Image.open(io.BytesIO(png)).convert("RGB")
        background = card.evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert pixels.getpixel((2, 2)) == tuple(int(v) for v in re.findall(r"\d+", background)[:3])
        assert sum(pixels.getpixel((2, 2))) < 3 * 80
        title = next(t for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text == "loss/train")
        assert sum(svg_colour(title.get("fill"))) > 3 * 200  # light text (its alpha aside)
    finally:
        set_lab_theme(nb, dark=False)
    # a run unticked is left out of both files
    nb.scoped(dom.attr("run-toggle", "eval")).uncheck()
    check_card_downloads(nb, card, "loss/train", "loss_train", 1, shown=("train",))
    nb.scoped(dom.attr("run-toggle", "eval")).check()
    # PR curves: one curve per run
    card = dom.open_tab(nb, "pr_curves").locator(dom.attr("pr-card", "pr/classifier"))
    dom.wait_ink(nb, card.locator("canvas").first)
    check_card_downloads(nb, card, "pr/classifier", "pr_classifier", 1)
    # custom scalars (not a tag grid card): loss/train and loss/eval per run
    panel = dom.open_tab(nb, "custom_scalars")
    card = panel.locator(dom.attr("custom-chart", "losses"))
    dom.wait_ink(nb, card.locator("canvas").first)
    check_card_downloads(nb, card, "losses", "losses", 2)
    # distributions: one chart per run, its median a solid line; histograms: a ridge per step
    card = dom.open_tab(nb, "distributions").locator(dom.attr("distribution", "weights/dense"))
    card.locator("canvas").nth(len(fx.RUNS) - 1).wait_for()
    dom.wait_all_ink(nb, card.locator("canvas"), len(fx.RUNS))
    check_card_downloads(nb, card, "weights/dense", "weights_dense", 1)
    card = dom.open_tab(nb, "histograms").locator(dom.attr("histogram", "weights/dense"))
    card.locator("canvas").nth(len(fx.RUNS) - 1).wait_for()
    dom.wait_all_ink(nb, card.locator("canvas"), len(fx.RUNS))
    _, svg = download(nb, card, "svg")
    colours = run_colours(nb)
    for run in fx.RUNS:
        ridges = [p for p in svg_paths(svg, "fill", colours[run]) if p.get("fill-opacity")]  # not the swatch
        assert len(ridges) == len(fx.HIST_STEPS), run
        assert run in svg_texts(svg)  # the run's caption
    # cards with nothing drawn (text) have no download button
    text = dom.open_tab(nb, "text").locator(dom.attr("text-card", fx.TEXT_TAG))
    text.wait_for()
    assert not text.locator(dom.attr("download")).is_visible()
    print(f"downloads checked in {time.monotonic() - started:.1f} s")
