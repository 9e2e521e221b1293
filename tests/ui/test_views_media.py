"""Images, PR curves, text, histograms and mesh views, in real JupyterLab and Notebook 7.

One board per front end (a module-scoped notebook running ``%tensorboard`` on one fixture
logdir) serves every test; each test opens its tab and checks what the issue asked of it
against the logged data: thumbnails ~320 px, every image of a step, zoom at natural size with
the pixel value under the cursor, one step for all cards, two steps side by side; PR curves
without the (0, 0) segment, a hover readout anywhere, operating-point counts equal to numpy's;
every text step listed and a diff; histogram ticks; mesh faces, colours, axes and steps.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from tests.support import board_dom as dom
from tests.support.card_downloads import SVG, download, svg_texts
from tests.support.tf_images import add_tf_images

N_THRESHOLDS = 21
TEXT_STEPS = list(range(6))
TF_WALL = 1_700_000_000.5
SAMPLES = 3


def tf_image(step: int, sample: int) -> np.ndarray:
    """A 20x30 picture whose pixel (x=2, y=1) is a colour unique to (step, sample)."""
    img = np.full((20, 30, 3), 40, dtype=np.uint8)
    img[:, : 5 + 5 * sample] = (200, 60 + 40 * sample, 20 * step)
    img[1, 2] = (10 * sample + 1, 100 + step, 250)
    return img


def pr_data(run: str):
    """Labels and predictions kept off the thresholds (multiples of 0.05), so numpy's
    ``prediction >= threshold`` counts are exactly the logged ones."""
    rng = np.random.default_rng(1 if run == "a" else 2)
    labels = rng.integers(0, 2, 500).astype(bool)
    scores = np.clip(rng.integers(0, 100, 500) + labels * rng.integers(0, 60, 500), 0, 99)
    return labels, (scores + 0.5) / 100


def text_of(run: str, step: int) -> str:
    return (
        f"run {run} step {step}: the **loss** is {round(1 / (step + 1), 3)} and rising"
        if step % 2
        else f"run {run} step {step}: the **loss** is {round(1 / (step + 1), 3)}"
    )


def tetrahedron(step: int):
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32) * (1 + step)
    faces = np.array([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]], dtype=np.int32)
    colors = np.array([[230, 30, 30], [30, 200, 30], [30, 60, 230], [230, 200, 30]], dtype=np.uint8)
    return vertices[None], colors[None], faces[None]


def write_logdir(root):
    from tensorboardX import SummaryWriter as TBXWriter

    import jupyter_tb

    with TBXWriter(str(root / "tf")) as w:
        for step in (0, 1):
            images = [tf_image(step, k) for k in range(SAMPLES)]
            add_tf_images(w, "batch/inputs", images, step, walltime=TF_WALL + step)
    for run, size in (("a", (24, 24)), ("b", (16, 40))):
        with jupyter_tb.SummaryWriter(str(root / run)) as w:
            frames = np.zeros((1, 4, 3, *size), dtype=np.uint8)
            for t in range(4):
                frames[0, t, 1, :, 4 * t : 4 * t + 4] = 255
            w.add_video("clips/moving", frames, 0, fps=4)
            w.add_pr_curve("eval/pr", *pr_data(run), 0, num_thresholds=N_THRESHOLDS)
            for step in TEXT_STEPS:
                w.add_text("notes/log", text_of(run, step), step)
            rng = np.random.default_rng(5)
            for step in range(4):  # values in 0.05..0.95: the range that showed only "0.5"
                w.add_histogram("hist/probs", rng.uniform(0.05, 0.95, 1000) ** (1 + step * 0.3), step)
            w.add_scalar("loss", 1.0, 0)
    with TBXWriter(str(root / "a")) as w:
        for step in (0, 1):
            v, c, f = tetrahedron(step)
            w.add_mesh("shapes/tetra", v, colors=c, faces=f, global_step=step)
    return root


@pytest.fixture(scope="module")
def media_logdir(ui_home):
    return write_logdir(ui_home / "logdirs" / "media")


@pytest.fixture(scope="module", params=["lab", "notebook"])
def board(request, browser_context, ui_home, media_logdir):
    server = request.getfixturevalue(f"{request.param}_server")
    with dom.board_page(browser_context, server, f"media-{request.param}", media_logdir) as nb:
        yield nb


def shot(nb, name, locator=None):
    nb.screenshot(f"media-{nb.server.flavour}-{name}", locator)


# ----------------------------------------------------------------------------------- images


def _decoded(img) -> np.ndarray:
    data = img.evaluate(
        """async (el) => {
            if (!el.complete || !el.naturalWidth) await new Promise((r) => el.addEventListener('load', r, { once: true }));
            const buf = await (await fetch(el.src)).arrayBuffer();
            return Array.from(new Uint8Array(buf));
        }"""
    )
    return np.asarray(Image.open(io.BytesIO(bytes(data))).convert("RGB"))


def test_images_thumbnails_every_sample_wall_time_and_zoom(board):
    nb = board
    panel = dom.open_tab(nb, "images")
    card = panel.locator(dom.attr("image-card", "batch/inputs"))
    imgs = card.locator(dom.attr("image", "tf"))
    card.locator(f"{dom.attr('image', 'tf')}[data-jtb-sample='{SAMPLES - 1}'][src^='blob:']").wait_for()
    assert imgs.count() == SAMPLES  # every image of the step, not only the first
    for k in range(SAMPLES):
        img = imgs.nth(k)
        assert img.get_attribute("data-jtb-step") == "1"
        np.testing.assert_array_equal(_decoded(img), tf_image(1, k))
        width = img.evaluate("(el) => el.getBoundingClientRect().width")
        assert 300 <= width <= 330, width  # ~320 px thumbnails (TensorBoard's size), not 30 px
    meta = card.locator(dom.attr("image-meta", "tf"))
    assert float(meta.get_attribute("data-jtb-wall")) == pytest.approx(TF_WALL + 1)
    expected = nb.page.evaluate("(s) => new Date(s * 1000).toLocaleString()", TF_WALL + 1)
    assert expected in meta.text_content()
    # videos of one card: one size, whatever their natural sizes (24x24 and 40x16)
    videos = panel.locator(dom.attr("image-card", "clips/moving")).locator("img.jtb-image")
    nb.page.wait_for_function(
        "(els) => els.length === 2 && els.every((e) => e.naturalWidth)", arg=videos.element_handles()
    )
    widths = [videos.nth(i).evaluate("(el) => el.getBoundingClientRect().width") for i in range(2)]
    assert widths[0] == widths[1] and widths[0] >= 300
    shot(nb, "images", card)

    # click: the enlarged view at natural size; at 8x the pixel under the cursor is read
    imgs.nth(1).click()
    zoom = nb.page.locator(dom.attr("image-zoom"))
    zoom.wait_for()
    big = zoom.locator("img")
    nb.page.wait_for_function(
        "(el) => el.naturalWidth && el.style.width === el.naturalWidth + 'px'", arg=big.element_handle()
    )
    assert big.evaluate("(el) => [el.naturalWidth, el.naturalHeight]") == [30, 20]
    assert zoom.get_attribute("data-jtb-scale") == "1"
    zoom.locator(dom.attr("zoom-scale")).select_option("8")
    nb.page.wait_for_function("(el) => el.style.width === '240px'", arg=big.element_handle())
    box = big.bounding_box()
    nb.page.mouse.move(box["x"] + 2.5 * 8, box["y"] + 1.5 * 8)
    readout = zoom.locator(dom.attr("pixel"))
    r, g, b = tf_image(1, 1)[1, 2]
    nb.page.wait_for_function("(el) => el.textContent.length > 0", arg=readout.element_handle())
    assert readout.text_content() == f"x 2, y 1 · RGBA {r} {g} {b} 255"
    shot(nb, "image-zoom", zoom)
    nb.page.keyboard.press("Escape")
    zoom.wait_for(state="detached")


def test_image_card_downloads_hold_its_images(board):
    """The card's PNG shows each image at its on-screen size, pixelated like the screen (each
    sample's unique pixel is a block of its exact colour); the SVG embeds every image."""
    nb = board
    card = dom.open_tab(nb, "images").locator(dom.attr("image-card", "batch/inputs"))
    imgs = card.locator(dom.attr("image", "tf"))
    card.locator(f"{dom.attr('image', 'tf')}[data-jtb-sample='{SAMPLES - 1}'][src^='blob:']").wait_for()
    nb.page.wait_for_function(
        "(els) => els.every((e) => e.complete && e.naturalWidth)", arg=imgs.element_handles()
    )
    name, png = download(nb, card, "png")
    assert name == "batch_inputs.png"
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    for k in range(imgs.count()):
        step, sample = (int(imgs.nth(k).get_attribute(a)) for a in ("data-jtb-step", "data-jtb-sample"))
        unique = tf_image(step, sample)[1, 2]
        assert (np.abs(pixels - unique).sum(axis=2) == 0).sum() >= 25, (step, sample)  # a ~10x10 block
    name, svg = download(nb, card, "svg")
    assert name == "batch_inputs.svg"
    root = ET.fromstring(svg)
    hrefs = [i.get("{http://www.w3.org/1999/xlink}href", "") for i in root.iter(f"{SVG}image")]
    assert len(hrefs) >= imgs.count() and all(h.startswith("data:image/png;base64,") for h in hrefs)
    assert "batch/inputs" in svg_texts(svg)


def test_images_one_step_for_every_card_and_side_by_side(board):
    nb = board
    panel = dom.open_tab(nb, "images")
    card = panel.locator(dom.attr("image-card", "batch/inputs"))
    card.locator(f"{dom.attr('image', 'tf')}[data-jtb-step='1']").first.wait_for()
    panel.locator(dom.attr("image-shared-step")).check()
    shared = panel.locator(dom.attr("image-shared-slider"))
    assert shared.is_visible()
    card.locator(dom.attr("step-slider")).wait_for(state="hidden")  # on the next frame
    dom.set_range(shared, 0)  # steps 0 and 1: index 0 is step 0, on every card
    nb.page.wait_for_function(
        "(els) => els.length === 3 && els.every((e) => e.getAttribute('data-jtb-step') === '0')",
        arg=card.locator(dom.attr("image", "tf")).element_handles(),
    )
    np.testing.assert_array_equal(_decoded(card.locator(dom.attr("image", "tf")).nth(2)), tf_image(0, 2))
    panel.locator(dom.attr("image-shared-step")).uncheck()
    # compare: one run, so A is its latest step and B the step before
    card.locator(dom.attr("image-compare")).click()
    pane = card.locator(dom.attr("compare-pane"))
    a = pane.locator(dom.attr("compare-image", "a"))
    b = pane.locator(dom.attr("compare-image", "b"))
    nb.page.wait_for_function(
        "([a, b]) => a.length === 3 && b.length === 3 && a[0].getAttribute('data-jtb-step') === '1'"
        " && b[0].getAttribute('data-jtb-step') === '0' && a.concat(b).every((e) => e.naturalWidth)",
        arg=[a.element_handles(), b.element_handles()],
    )
    np.testing.assert_array_equal(_decoded(b.nth(0)), tf_image(0, 0))
    np.testing.assert_array_equal(_decoded(a.nth(0)), tf_image(1, 0))
    boxes = [a.nth(0).bounding_box(), b.nth(0).bounding_box()]
    assert boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] * 0.9  # side by side
    shot(nb, "images-compare", card)
    card.locator(dom.attr("image-compare")).click()
    # brightness and card width are board settings: the thumbnails follow them
    settings = dom.settings_panel(nb)
    dom.set_range(settings.locator(dom.attr("brightness")), 1.5)
    dom.set_range(settings.locator(dom.attr("card-width")), 520)
    first = card.locator(dom.attr("image", "tf")).first
    nb.page.wait_for_function(
        "(el) => el.style.filter.includes('brightness(1.5)') && Math.abs(el.getBoundingClientRect().width - 480) < 2",
        arg=first.element_handle(),
    )
    panel.locator(dom.attr("image-reset")).click()
    dom.set_range(settings.locator(dom.attr("card-width")), 360)
    nb.page.wait_for_function("(el) => el.style.filter.includes('brightness(1)')", arg=first.element_handle())
    dom.close_settings(nb)


# ----------------------------------------------------------------------------------- PR curves


def _numpy_counts(run: str, threshold: float) -> dict:
    labels, predictions = pr_data(run)
    passed = predictions >= threshold
    return {
        "tp": int((passed & labels).sum()),
        "fp": int((passed & ~labels).sum()),
        "tn": int((~passed & ~labels).sum()),
        "fn": int((~passed & labels).sum()),
    }


def _op_row(card, run) -> dict:
    row = card.locator(dom.attr("pr-op-row", run))
    return {
        f: row.locator(dom.attr("pr-op-field", f)).text_content()
        for f in ("threshold", "precision", "recall", "tp", "fp", "tn", "fn")
    }


def test_pr_curves_no_origin_segment_hover_anywhere_and_operating_points(board):
    nb = board
    card = dom.open_tab(nb, "pr_curves").locator(dom.attr("pr-card", "eval/pr"))
    canvas = card.locator("canvas").first
    dom.wait_ink(nb, canvas)
    paths = card.evaluate("(el) => el.jtbPrChart.drawn()")
    assert sorted(p["name"] for p in paths) == ["a", "b"]
    for path in paths:
        assert len(path["points"]) == N_THRESHOLDS - 1  # the nothing-passes row is not drawn
        assert all(not (x == 0 and y == 0) for x, y in path["points"])
    # hover: 20 positions spread over the plot all get a readout
    box = canvas.bounding_box()
    hits = 0
    for i in range(20):
        fx, fy = 0.15 + 0.7 * (i % 5) / 4, 0.1 + 0.7 * (i // 5) / 3
        nb.page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        nb.page.wait_for_timeout(30)
        hits += card.locator(f"{dom.attr('readout')} {dom.attr('readout-row')}").count() == 1
    assert hits == 20
    nb.page.mouse.move(box["x"] - 20, box["y"] - 20)
    # operating point by threshold: numpy's counts at prediction >= 0.5
    card.locator(dom.attr("pr-op-target")).fill("0.5")
    for run in ("a", "b"):
        row = _op_row(card, run)
        assert float(row["threshold"]) == 0.5
        assert {k: int(float(row[k])) for k in ("tp", "fp", "tn", "fn")} == _numpy_counts(run, 0.5)
    # by precision target: the highest recall among thresholds reaching it, checked in numpy
    card.locator(dom.attr("pr-op-by")).select_option("precision")
    card.locator(dom.attr("pr-op-target")).fill("0.8")
    for run in ("a", "b"):
        best = None
        for t in np.arange(N_THRESHOLDS) / (N_THRESHOLDS - 1):
            c = _numpy_counts(run, t)
            if c["tp"] + c["fp"] and c["tp"] / (c["tp"] + c["fp"]) >= 0.8:
                recall = c["tp"] / (c["tp"] + c["fn"])
                if best is None or recall > best[0]:
                    best = (recall, t, c)
        row = _op_row(card, run)
        assert float(row["threshold"]) == pytest.approx(best[1])
        assert {k: int(float(row[k])) for k in ("tp", "fp", "tn", "fn")} == best[2]
        assert float(row["precision"]) >= 0.8
    shot(nb, "pr-curves", card)


# ----------------------------------------------------------------------------------- text


def test_text_lists_every_step_newest_first_and_diffs_two(board):
    nb = board
    card = dom.open_tab(nb, "text").locator(dom.attr("text-card", "notes/log/text_summary"))
    entries = card.locator(dom.attr("text-step"))
    card.locator(dom.attr("text-step", "0")).wait_for()
    steps = [e.get_attribute("data-jtb-text-step") for e in entries.element_handles()]
    assert steps == [str(s) for s in reversed(TEXT_STEPS)]
    assert card.locator(dom.attr("step-slider")).count() == 0
    for step in TEXT_STEPS:
        entry = card.locator(dom.attr("text-step", str(step)))
        for run in ("a", "b"):
            block = entry.locator(dom.attr("text-run", run))
            assert block.locator("strong").text_content() == "loss"
            assert f"run {run} step {step}:" in block.text_content()
    # diff: run a step 0 against run b step 3
    card.locator(dom.attr("text-compare")).click()
    picks = [card.locator(dom.attr("text-diff-pick", side)) for side in "ab"]
    picks[0].select_option(label="a · step 0")
    picks[1].select_option(label="b · step 3")
    diff = card.locator(dom.attr("text-diff"))
    nb.page.wait_for_function("(el) => el.textContent.includes('rising')", arg=diff.element_handle())
    removed = [e.strip() for e in diff.locator("del").all_text_contents()]
    added = [e.strip() for e in diff.locator("ins").all_text_contents()]
    assert "a" in removed and "b" in added
    assert any("0:" in r for r in removed) and any("3:" in a for a in added)
    assert any("rising" in a for a in added)
    shot(nb, "text", card)
    card.locator(dom.attr("text-compare")).click()


# ----------------------------------------------------------------------------------- histograms


@pytest.mark.parametrize("kind", ["histograms", "distributions"])
def test_histogram_and_distribution_ticks_on_every_chart(board, kind):
    nb = board
    panel = dom.open_tab(nb, kind)
    plots = panel.locator("[data-jtb-x-ticks]")
    panel.locator("[data-jtb-run-chart='b'] [data-jtb-x-ticks]").wait_for()
    nb.page.wait_for_function(
        "(els) => els.every((e) => e.getAttribute('data-jtb-x-ticks').split(' ').length >= 2)",
        arg=plots.element_handles(),
    )
    for tick_text in [p.get_attribute("data-jtb-x-ticks") for p in plots.element_handles()]:
        ticks = [float(t) for t in tick_text.split()]
        assert len(ticks) >= 2 and len(set(ticks)) == len(ticks), tick_text
    if kind == "histograms":
        canvas = panel.locator("[data-jtb-run-chart='a'] canvas")
        before = dom.wait_ink(nb, canvas)["hash"]
        mode = dom.settings_panel(nb).locator(dom.attr("histogram-mode"))
        mode.select_option("overlay")
        nb.page.wait_for_function(
            f"(c) => ({dom.CANVAS_INK_JS})(c).hash !== {before}", arg=canvas.element_handle()
        )
        mode.select_option("offset")
        dom.close_settings(nb)
    shot(nb, kind, panel)


# ----------------------------------------------------------------------------------- mesh


def _png(locator) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB")).astype(int)


def test_mesh_draws_faces_in_vertex_colours_with_axes_and_steps(board):
    nb = board
    panel = dom.open_tab(nb, "mesh")
    plot = panel.locator(dom.attr("mesh", "a"))
    nb.page.wait_for_function(
        "el => el.getAttribute('data-jtb-step') === '1' && Number(el.firstElementChild.dataset.jtbDrawn || 0) > 0",
        arg=plot.element_handle(),
    )
    assert plot.get_attribute("data-jtb-mesh-mode") == "faces"
    assert plot.get_attribute("data-jtb-faces") == "4"
    nb.page.wait_for_timeout(300)
    pixels = _png(plot)
    background = pixels[2, 2]
    ink = (np.abs(pixels - background).sum(-1) > 60).mean()
    assert ink > 0.05, ink  # filled triangles, not four dots
    # the logged vertex colours reach the faces: the front face blends the yellow, green and
    # blue corners (the red one is at the back)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    yellows = ((r > 150) & (g > 150) & (b < 110)).sum()
    blues = ((b > r + 60) & (b > g + 20)).sum()
    greens = ((g > r + 60) & (g > b + 60)).sum()
    assert min(yellows, blues, greens) > 30, (yellows, blues, greens)
    overlay = plot.locator("canvas.jtb-mesh-overlay")
    assert dom.canvas_ink(overlay)["ink"] > 30  # axis names and ranges
    shot(nb, "mesh", plot)
    # the step selector: step 0, a smaller tetrahedron
    dom.set_range(panel.locator(dom.attr("mesh-card", "shapes/tetra")).locator(dom.attr("step-slider")), 0)
    nb.page.wait_for_function("el => el.getAttribute('data-jtb-step') === '0'", arg=plot.element_handle())
    assert "step 0" in panel.locator(dom.attr("mesh-card", "shapes/tetra")).text_content()


# ----------------------------------------------------------------------------------- dark theme


def _contrast(nb, locator) -> float:
    """WCAG contrast ratio of an element's text colour against the card background."""
    return locator.evaluate(
        """(el) => {
            const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
            let bgEl = el; let bg = getComputedStyle(bgEl).backgroundColor;
            while (bgEl && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bgEl = bgEl.parentElement; bg = bgEl ? getComputedStyle(bgEl).backgroundColor : 'rgb(255,255,255)'; }
            const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(bg));
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }"""
    )


def test_dark_theme_keeps_every_view_readable(board):
    nb = board
    if nb.server.flavour != "lab":
        pytest.skip("the theme switch is driven through JupyterLab's command")
    nb.page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
    )
    try:
        nb.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
        checks = {
            "images": [".jtb-card-title", dom.attr("image-meta", "tf")],
            "pr_curves": [dom.attr("pr-op-row", "a") + " td"],
            "text": [dom.attr("text-run", "a") + " .jtb-markdown"],
            "mesh": [".jtb-card-title"],
        }
        for kind, selectors in checks.items():
            panel = dom.open_tab(nb, kind)
            for selector in selectors:
                target = panel.locator(selector).first
                target.wait_for()
                assert _contrast(nb, target) >= 4.5, (kind, selector)
            shot(nb, f"dark-{kind}", panel)
        # canvas text takes the theme's colour: the PR chart's axis labels are light on dark
        canvas = dom.open_tab(nb, "pr_curves").locator("canvas").first
        nb.page.wait_for_timeout(400)
        pixels = _png(canvas)
        assert pixels.mean() < 100  # a dark chart background
        assert (pixels.sum(-1) > 450).sum() > 30  # light tick labels
    finally:
        nb.page.evaluate(
            "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})"
        )
