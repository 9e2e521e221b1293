"""PR curves, audio, custom scalars, mesh and video views in real JupyterLab: each renders a
fixture logdir (written by our writer and tensorboardX) and one interaction works.

Expected values come from the fixture; screenshots go to tests/ui/artifacts/.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from tests.support import board_dom as dom

N_THRESHOLDS = 21
RATE = 8000
LAYOUT = {
    "Losses": {
        "all losses": ["Multiline", [r"loss/.*"]],
        "bounded": ["Margin", ["acc/mean", "acc/low", "acc/high"]],
    },
    "Hidden": {"lr": ["Multiline", [r"^lr$"]]},
}


def set_range(locator, value) -> None:
    locator.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }",
        value,
    )


def _pr_data(step):
    rng = np.random.default_rng(step)
    labels = rng.integers(0, 2, 400).astype(bool)
    # later steps separate the classes better: the curve visibly moves with the step
    predictions = np.clip(labels * (0.15 * step) + rng.random(400) * (1 - 0.15 * step), 0, 1)
    return labels, predictions


def _clip(step):
    t = np.arange(RATE // 4) / RATE
    return (0.4 * np.sin(2 * np.pi * (330 + 110 * step) * t)).astype(np.float32)


@pytest.fixture(scope="module")
def misc_logdir(ui_home):
    from tensorboardX import SummaryWriter as TBXWriter

    import jupyter_tb

    root = ui_home / "logdirs" / "misc"
    for run in ("a", "b"):
        with jupyter_tb.SummaryWriter(str(root / run)) as w:
            for step in range(4):
                w.add_pr_curve("eval/pr", *_pr_data(step + (run == "b")), step, num_thresholds=N_THRESHOLDS)
            for step in (0, 1):
                w.add_audio("voice/sine", _clip(step), step, sample_rate=RATE)
            for step in range(30):
                w.add_scalar("loss/train", (1 if run == "a" else 2) * math.exp(-step / 10), step)
                w.add_scalar("loss/val", (1 if run == "a" else 2) * math.exp(-step / 12) + 0.1, step)
                w.add_scalar("acc/mean", 0.5 + 0.01 * step, step)
                w.add_scalar("acc/low", 0.45 + 0.005 * step, step)
                w.add_scalar("acc/high", 0.55 + 0.015 * step, step)
                w.add_scalar("lr", 0.1, step)
    rng = np.random.default_rng(3)
    theta = rng.random(2000) * 2 * np.pi
    phi = np.arccos(rng.random(2000) * 2 - 1)
    sphere = np.stack([np.sin(phi) * np.cos(theta), np.sin(phi) * np.sin(theta), np.cos(phi)], -1)
    colors = ((sphere + 1) * 127).astype(np.uint8)
    # one tensorboardX writer per folder: two opened in the same second share a file name
    with TBXWriter(str(root / "a")) as w:
        w.add_custom_scalars(LAYOUT)
        w.add_mesh("shapes/sphere", sphere[None].astype(np.float32), colors=colors[None], global_step=0)
    frames = np.zeros((1, 6, 3, 24, 24), dtype=np.uint8)
    for t in range(6):
        frames[0, t, 0, :, 4 * t : 4 * t + 4] = 255
    with jupyter_tb.SummaryWriter(str(root / "video")) as w:
        w.add_video("clips/moving", frames, 0, fps=4)
    return root


def _open(lab, logdir, cls: str, module: str, ready: str, extra: str = "print('PY:', w.selected_runs)"):
    nb = lab()
    nb.open(
        [
            f"from jupyter_tb.widgets.live_source import open_source\nfrom jupyter_tb.widgets.views.{module} import {cls}\n"
            f"src = open_source({str(logdir)!r}); src.wait_loaded(60)",
            f"w = {cls}(src); w",
            extra,
        ]
    )
    nb.run_cell(0)
    nb.wait_idle()
    nb.run_cell(1)
    nb.wait_output(ready)
    return nb


def test_pr_curves_step_slider_hover_and_pinned_threshold(lab, misc_logdir):
    nb = _open(
        lab,
        misc_logdir,
        "PrCurves",
        "pr_curves",
        "[data-jtb-pr-card] canvas",
        "print('PY:', w.selected_threshold)",
    )
    card = nb.scoped('[data-jtb-pr-card="eval/pr"]')
    canvas = card.locator("canvas")
    nb.page.wait_for_function("c => c.width > 0", arg=canvas.element_handle())
    # a slider per run, at the latest step
    for run in ("a", "b"):
        assert card.locator(dom.attr("pr-step-value", run)).text_content() == "3"
    before = canvas.evaluate(dom.CANVAS_INK_JS)
    assert before["ink"] > 500
    set_range(card.locator(dom.attr("pr-step", "a")), 0)
    assert card.locator(dom.attr("pr-step-value", "a")).text_content() == "0"
    nb.page.wait_for_timeout(200)  # the redraw happens on the next animation frame
    after = canvas.evaluate(dom.CANVAS_INK_JS)
    assert after["hash"] != before["hash"]
    # hover the 6th threshold of run b (step 3): the readout shows its values
    where = card.evaluate("(el) => el.jtbPrChart.locate('b', 5)")
    box = canvas.bounding_box()
    nb.page.mouse.move(box["x"] + where["x"], box["y"] + where["y"])
    row = card.locator('[data-jtb-readout] [data-jtb-readout-row="b"]')
    row.wait_for()
    text = row.text_content()
    assert "threshold 0.25" in text and "step 3" in text
    for word in ("precision", "recall", "TP", "FP", "TN", "FN"):
        assert word in text
    nb.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    card.locator('[data-jtb-pr-pinned] [data-jtb-readout-row="b"]').wait_for()
    nb.screenshot("misc-pr-curves", card)
    nb.page.wait_for_timeout(300)  # the comm update leaves before the next execute request
    nb.run_cell(2)
    nb.wait_idle()
    out = nb.cell_text(2)
    assert (
        "'run': 'b'" in out
        and "'tag': 'eval/pr'" in out
        and "'threshold': 0.25" in out
        and "'step': 3" in out
    )
    nb.assert_no_page_errors()


def test_audio_player_gets_a_playable_clip_and_follows_the_slider(lab, misc_logdir):
    nb = _open(lab, misc_logdir, "Audio", "audio", '[data-jtb-audio="a"][src^="blob:"]')
    card = nb.scoped('[data-jtb-audio-card="voice/sine"]')
    player = card.locator('[data-jtb-audio="a"]')
    assert player.get_attribute("data-jtb-step") == "1"
    duration = player.evaluate(
        """(el) => new Promise((resolve, reject) => {
            if (el.readyState >= 1) return resolve(el.duration);
            el.addEventListener('loadedmetadata', () => resolve(el.duration));
            el.addEventListener('error', () => reject(new Error('audio error ' + (el.error && el.error.code))));
            el.load();
        })"""
    )
    assert abs(duration - 0.25) < 0.01  # RATE / 4 frames at RATE Hz
    first = player.get_attribute("src")
    set_range(card.locator("[data-jtb-step-slider]"), 0)
    nb.page.wait_for_function("el => el.getAttribute('data-jtb-step') === '0'", arg=player.element_handle())
    assert player.get_attribute("src").startswith("blob:") and player.get_attribute("src") != first
    nb.screenshot("misc-audio", card)
    nb.assert_no_page_errors()


def test_custom_scalars_charts_show_matching_lines_and_follow_run_toggles(lab, misc_logdir):
    nb = _open(
        lab,
        misc_logdir,
        "CustomScalars",
        "custom_scalars",
        '[data-jtb-custom-chart="all losses"][data-jtb-lines="4"]',
    )
    view = nb.scoped('[data-jtb-view="custom_scalars"]')
    losses = view.locator('[data-jtb-custom-chart="all losses"]')
    margin = view.locator('[data-jtb-custom-chart="bounded"]')
    assert margin.get_attribute("data-jtb-lines") == "2"  # one value line (with band) per run
    assert view.locator('[data-jtb-category="Losses"]').get_attribute("open") is not None
    assert losses.locator("canvas").evaluate(dom.CANVAS_INK_JS)["ink"] > 500
    # the band is drawn: the margin chart holds translucent fill between the bounds
    assert margin.locator("canvas").evaluate(dom.CANVAS_INK_JS)["ink"] > 3000
    view.locator(dom.attr("run-toggle", "b")).uncheck()
    nb.page.wait_for_function("el => el.getAttribute('data-jtb-lines') === '2'", arg=losses.element_handle())
    nb.screenshot("misc-custom-scalars", view)
    # the untick reaches Python when the browser's debounced save lands: ask until it has
    for _ in range(20):
        nb.run_cell(2)
        nb.wait_idle()
        if "PY: ['a', 'video']" in nb.cell_text(2):
            break
        nb.page.wait_for_timeout(250)
    assert "PY: ['a', 'video']" in nb.cell_text(2)  # the run without scalars stays ticked
    nb.assert_no_page_errors()


def _png_ink(png: bytes) -> tuple[int, np.ndarray]:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(pixels - pixels[0, 0]).sum(-1) > 30).sum()), pixels


def test_mesh_renders_a_point_cloud_that_orbits(lab, misc_logdir):
    nb = _open(lab, misc_logdir, "Mesh", "mesh", '[data-jtb-mesh="a"] canvas')
    plot = nb.scoped('[data-jtb-mesh="a"]')
    nb.page.wait_for_function(
        "el => Number(el.firstElementChild.dataset.jtbDrawn || 0) > 0", arg=plot.element_handle()
    )
    assert plot.get_attribute("data-jtb-step") == "0"
    assert "2000 vertices" in nb.scoped('[data-jtb-mesh-card="shapes/sphere"]').text_content()
    ink, before = _png_ink(plot.screenshot())
    assert ink > 2000  # the sphere's points, coloured
    box = plot.bounding_box()
    nb.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    nb.page.mouse.down()
    nb.page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 40, steps=8)
    nb.page.mouse.up()
    nb.page.wait_for_timeout(500)
    _, after = _png_ink(plot.screenshot())
    assert np.abs(after - before).sum() > 0  # the camera moved
    nb.screenshot("misc-mesh", nb.scoped('[data-jtb-mesh-card="shapes/sphere"]'))
    nb.assert_no_page_errors()


def test_video_shows_as_an_animated_gif_in_the_images_view(lab, misc_logdir):
    nb = _open(lab, misc_logdir, "Images", "images", '[data-jtb-image="video"][src^="blob:"]')
    img = nb.scoped('[data-jtb-image="video"]')
    info = img.evaluate(
        """async (el) => {
            if (!el.complete) await new Promise((r) => el.addEventListener('load', r, { once: true }));
            const blob = await (await fetch(el.src)).blob();
            return { type: blob.type, width: el.naturalWidth, bytes: blob.size };
        }"""
    )
    assert info["type"] == "image/gif" and info["width"] == 24
    nb.screenshot("misc-video", nb.scoped('[data-jtb-image-card="clips/moving"]'))
    nb.assert_no_page_errors()
