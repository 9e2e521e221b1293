"""The board in a front end without our JupyterLab extension, as VS Code's notebooks, Colab
and a Lab whose admin disabled it show it: anywidget's own widget-view path only.

Real JupyterLab with the ``jupyter-tb`` lab extension disabled in its page config (what
``jupyter labextension disable jupyter-tb`` writes): the board must still draw and go live.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import board_dom as dom
from tests.support import fixture_logdirs as fx
from tests.support.browser_harness import JupyterServer, NotebookPage

EXTENSION = "jupyter-tb"
PLUGIN = "jupyter-tb:sidepanel"


@pytest.fixture(scope="module")
def lab_without_extension(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab-without-extension")
    page_config = home / "home" / "config" / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True)
    page_config.write_text(json.dumps({"disabledExtensions": {EXTENSION: True}}))
    root = home / "root"
    root.mkdir()
    server = JupyterServer("lab", root, home / "home")
    try:
        yield server
    finally:
        server.stop()


def test_board_draws_and_goes_live_without_the_lab_extension(
    browser_context, lab_without_extension, basic_logdir
):
    nb = NotebookPage(browser_context, lab_without_extension, "board-without-extension")
    try:
        nb.open(
            [
                "import shutil, tempfile, jupyter_tb\n"
                f"logdir = shutil.copytree({str(basic_logdir)!r}, tempfile.mkdtemp() + '/runs')\n"
                "board = jupyter_tb.board(logdir)\n"
                "board",
                "from jupyter_tb import SummaryWriter\n"
                "with SummaryWriter(logdir + '/train') as w:\n"
                f"    for step in range({fx.SCALAR_STEPS}, {fx.SCALAR_STEPS + 10}):\n"
                "        w.add_scalar('loss/total', 0.1, step)",
            ]
        )
        assert not nb.page.evaluate("(id) => window.jupyterapp.hasPlugin(id)", PLUGIN)  # really without it
        nb.run_cell(0)
        nb.wait_output(dom.DASHBOARD)
        dom.wait_ink(nb, nb.scoped(f"{dom.chart('loss/total')} {dom.attr('canvas')}"))
        full = len(fx.RUNS) * fx.SCALAR_STEPS
        dom.wait_points(nb, "loss/total", full)
        nb.run_cell(1)  # the kernel's own writer: the points reach the board
        dom.wait_points(nb, "loss/total", full + 10)
        nb.wait_idle()
        Path("/work/shots/marimo").mkdir(parents=True, exist_ok=True)
        nb.page.screenshot(path="/work/shots/marimo/lab-without-extension.png")
        nb.assert_no_page_errors()
    finally:
        nb.close()
