"""Boards that travel (issue 13): the file `jupyter-tb export` writes, opened from file:// in
Chromium with every network request blocked, draws every tab of the demo logdir from the data
inside it, and what runs in the browser still works (the smoothing slider redraws)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from tests.support import board_dom as dom
from tests.support.card_downloads import SVG, download, svg_texts


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from jupyter_tb.cli import main
    from jupyter_tb.demo import write_demo_logdir

    root = tmp_path_factory.mktemp("travel")
    write_demo_logdir(str(root / "demo_runs"))
    out = root / "board.html"
    assert main(["export", str(root / "demo_runs"), "-o", str(out)]) == 0
    return out


def open_offline(browser_context, path):
    """A page on ``path`` opened from file:// with every other request aborted; returns
    (page, aborted request URLs, page errors)."""
    page = browser_context.new_page()
    requests, errors = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_selector(dom.DASHBOARD, timeout=30_000)
    return page, requests, errors


@pytest.fixture(scope="module")
def offline_page(browser_context, exported):
    page, requests, errors = open_offline(browser_context, exported)
    yield page, requests, errors
    page.close()


def _ink(png: bytes) -> int:
    """Pixels of a screenshot that are not the page's white background."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return int((pixels < 235).sum())


TABS = (
    "scalars", "images", "audio", "histograms", "distributions", "pr_curves", "text", "hparams",
    "custom_scalars", "graphs", "projector", "mesh",
)  # fmt: skip
DRAWN_BY_CANVAS = {
    "scalars",
    "histograms",
    "distributions",
    "pr_curves",
    "hparams",
    "custom_scalars",
    "graphs",
}


def test_every_tab_draws_offline(offline_page):
    page, requests, errors = offline_page
    tabs = page.eval_on_selector_all(dom.attr("tab"), "els => els.map((e) => e.dataset.jtbTab)")
    assert set(tabs) == set(TABS)
    for kind in tabs:
        page.click(dom.tab(kind))
        panel = page.locator(dom.panel(kind))
        panel.wait_for(state="visible")
        if kind in DRAWN_BY_CANVAS:  # every 2-D canvas shown gets ink
            page.wait_for_function(
                f"(p) => {{ const cs = [...p.querySelectorAll('canvas')].filter((c) => c.width && c.offsetParent);"
                f" return cs.length > 0 && cs.some((c) => ({dom.CANVAS_INK_JS})(c).ink > 200); }}",
                arg=panel.element_handle(),
                timeout=20_000,
            )
        if kind == "images":
            page.wait_for_function(
                "(p) => { const im = [...p.querySelectorAll('img')];"
                " return im.length > 0 && im.every((i) => i.complete && i.naturalWidth > 0); }",
                arg=panel.element_handle(),
            )
        if kind == "audio":  # players built once the clip's bytes are there
            panel.locator("audio").first.wait_for(state="attached", timeout=20_000)
        if kind in ("projector", "mesh"):  # WebGL: judged from the screen
            page.wait_for_timeout(800)
            assert _ink(panel.locator("canvas:visible").first.screenshot()) > 500, kind
        assert panel.locator(f"{dom.attr('error')}:visible").count() == 0, kind
        panel.screenshot(path=str(dom_artifact(f"travel_offline_{kind}.png")))
    assert requests == [] and errors == []


def assert_smoothing_redraws(page, tag: str) -> None:
    """The chart of ``tag`` has ink, and setting the smoothing slider to 0 redraws it."""
    page.click(dom.tab("scalars"))
    canvas = page.locator(f"{dom.chart(tag)} {dom.attr('canvas')}")
    before = dom.wait_ink(_Page(page), canvas)
    dom.set_range(dom.settings_panel(_Page(page)).locator(dom.attr("smoothing")), 0.0)
    page.wait_for_function(
        f"([c, h]) => ({dom.CANVAS_INK_JS})(c).hash !== h", arg=[canvas.element_handle(), before["hash"]]
    )


def test_smoothing_redraws_offline(offline_page):
    assert_smoothing_redraws(offline_page[0], "train/loss")


def test_a_request_fails_with_a_note_not_a_hang(offline_page):
    """The CSV button asks the kernel for the full series: offline it says so."""
    page, requests, _ = offline_page
    page.click(dom.tab("scalars"))
    with page.expect_console_message(lambda m: "offline copy" in m.text, timeout=5_000):
        page.locator(f"{dom.chart('train/loss')} {dom.attr('csv')}").click()
    assert requests == []


def test_a_card_downloads_png_and_svg_offline(offline_page):
    """Card downloads are drawn in the browser: the exported file makes them with no kernel."""
    page, requests, errors = offline_page
    page.click(dom.tab("scalars"))
    card = page.locator(dom.chart("train/loss"))
    dom.wait_ink(_Page(page), card.locator(dom.attr("canvas")))
    name, png = download(_Page(page), card, "png")
    assert name == "train_loss.png" and Image.open(io.BytesIO(png)).size[0] > 100
    name, svg = download(_Page(page), card, "svg")
    assert name == "train_loss.svg" and "train/loss" in svg_texts(svg)
    assert len(list(ET.fromstring(svg).iter(f"{SVG}path"))) > 5
    assert requests == [] and errors == []


class _Page:
    """What board_dom's helpers need of a NotebookPage: the page and scoped locators."""

    def __init__(self, page):
        self.page = page

    def scoped(self, selector: str):
        return self.page.locator(selector)


def dom_artifact(name: str):
    from tests.support.browser_harness import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


# -- a saved notebook reopened without its kernel ------------------------------------------------

SAVED_CELLS = [
    "import jupyter_tb\n"
    "from jupyter_tb import SummaryWriter\n"
    "for run in ('a', 'b'):\n"
    "    with SummaryWriter(f'saved_runs/{run}') as w:\n"
    "        for s in range(200): w.add_scalar('loss', (1 if run == 'a' else 2) / (s + 1) + (s % 7) * 0.01, s)\n"
    "board = jupyter_tb.board('saved_runs')\n"
    "board",
]


def _stop_kernel_of(nb) -> None:
    for session in nb.server.api("sessions"):
        if session["path"].endswith(nb.nb_path):
            nb.server.api(f"kernels/{session['kernel']['id']}", method="DELETE")


@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_saved_board_draws_without_its_kernel(front_end, request):
    nb = request.getfixturevalue(front_end)()
    nb.open(SAVED_CELLS)
    nb.run_all()
    nb.wait_output(dom.DASHBOARD)
    nb.wait_idle()
    canvas = nb.scoped(f"{dom.chart('loss')} {dom.attr('canvas')}")
    dom.wait_ink(nb, canvas)
    nb.page.wait_for_timeout(1500)  # the record is set after the cell finished
    # the bootstrap output after the board's is inert here and takes no room worth noticing
    boot = nb.scoped(f"script{dom.attr('page-boot')}")
    assert boot.count() == 1
    height = boot.evaluate("(s) => s.closest('.jp-OutputArea-child').getBoundingClientRect().height")
    assert height <= 2, height
    assert nb.scoped(dom.attr("page-board")).count() == 0
    nb.save()
    nb.page.wait_for_timeout(1000)
    saved = (nb.server.root / nb.nb_path).read_text()
    assert '"_replay"' in saved
    if front_end == "lab":
        _nbconvert_page_draws_offline(nb.server.root / nb.nb_path, request)
    _stop_kernel_of(nb)
    nb.page.reload()
    nb.wait_kernel()  # the front end starts a fresh kernel that knows nothing of the board
    nb.wait_output(dom.DASHBOARD)
    canvas = nb.scoped(f"{dom.chart('loss')} {dom.attr('canvas')}")
    before = dom.wait_ink(nb, canvas, timeout=30)
    dom.set_range(dom.settings_panel(nb).locator(dom.attr("smoothing")), 0.0)
    nb.page.wait_for_function(
        f"([c, h]) => ({dom.CANVAS_INK_JS})(c).hash !== h", arg=[canvas.element_handle(), before["hash"]]
    )
    nb.screenshot(f"travel_saved_board_{front_end}")


def _nbconvert_page_draws_offline(notebook, request) -> None:
    """`jupyter nbconvert --to html` of the saved notebook, opened from file:// with the network
    blocked: nbconvert's own widget renderer (from a CDN) cannot load, the board's bootstrap
    output draws it from the saved widget state, and the smoothing slider redraws it."""
    out = notebook.parent / "nbconvert-html"
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out), str(notebook)],
        check=True,
        capture_output=True,
    )
    html_path = out / notebook.with_suffix(".html").name
    text = html_path.read_text()
    assert "data-jtb-page-boot" in text and "application/vnd.jupyter.widget-state+json" in text
    page, requests, errors = open_offline(request.getfixturevalue("browser_context"), html_path)
    try:
        assert page.locator(dom.attr("page-board")).count() == 1
        assert_smoothing_redraws(page, "loss")
        page.screenshot(path=str(dom_artifact("travel_nbconvert_offline.png")))
        assert errors == []
        # the only requests are nbconvert's own CDN scripts (RequireJS, MathJax, html-manager)
        assert requests and all(url in text for url in requests), requests
    finally:
        page.close()


# -- the static picture of a rendered board stays current ---------------------------------------

PICTURE_CELLS = [
    "import time, jupyter_tb\n"
    "from jupyter_tb import SummaryWriter\n"
    "with SummaryWriter('picture_runs/early') as w:\n"
    "    for s in range(50): w.add_scalar('loss', 1 / (s + 1), s)\n"
    "board = jupyter_tb.board('picture_runs', reload_interval=0.2)\n"
    "board",
    "with SummaryWriter('picture_runs/late') as w:\n"
    "    for s in range(50): w.add_scalar('loss', 2 - s / 50, s)\n"
    "deadline = time.time() + 30\n"
    "while 'late' not in board.logdir.runs and time.time() < deadline: time.sleep(0.1)",
]


def test_a_rendered_boards_picture_is_current_when_saved(lab):
    """After a later cell adds a run to a board shown in JupyterLab, the saved notebook's picture
    of the board has it; the live board was not rebuilt by the update (its DOM was adopted)."""
    nb = lab()
    nb.open(PICTURE_CELLS)
    nb.run_cell(0)
    nb.wait_output(dom.DASHBOARD)
    nb.wait_idle()
    nb.page.wait_for_timeout(500)  # the kernel hears "rendered" once idle
    nb.scoped(dom.DASHBOARD).evaluate("(el) => { el.__jtbMark = true; }")
    nb.run_cell(1)
    nb.wait_idle()
    nb.page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.get(0)"
        ".data['text/plain'].includes('late')",
        timeout=20_000,
    )
    nb.page.wait_for_timeout(500)  # the output re-rendered in place
    boards = nb.scoped(dom.DASHBOARD)
    assert boards.count() == 1 and boards.evaluate("(el) => el.__jtbMark === true")
    dom.wait_ink(nb, nb.scoped(f"{dom.chart('loss')} {dom.attr('canvas')}"))
    nb.save()
    nb.page.wait_for_timeout(1000)
    saved = json.loads((nb.server.root / nb.nb_path).read_text())
    (output,) = [o for o in saved["cells"][0]["outputs"] if "image/png" in o.get("data", {})]
    assert "late" in "".join(output["data"]["text/plain"])
    nb.assert_no_page_errors()
