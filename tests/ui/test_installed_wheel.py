"""The wheel, installed into a fresh venv with no Node on PATH and no checkout on sys.path,
renders the board in real JupyterLab: the bundles it carries are all the page needs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import board_dom as dom
from tests.support.browser_harness import JupyterServer, NotebookPage

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def wheel_venv(built_distributions, tmp_path_factory):
    venv = tmp_path_factory.mktemp("wheel-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            str(built_distributions.wheel),
            "jupyterlab>=4",
            "ipykernel",
        ],
        check=True,
        timeout=900,
    )
    return python


def test_installed_wheel_renders_the_board_without_node(wheel_venv, browser_context, basic_logdir, ui_home):
    root = ui_home / "wheel-root"
    root.mkdir()
    server = JupyterServer("lab", root, ui_home / "wheel-home", python=wheel_venv)
    nb = NotebookPage(browser_context, server, "installed-wheel")
    try:
        where = "import jupyter_tb, shutil; print('FROM', jupyter_tb.__file__, 'NODE', shutil.which('node'))"
        nb.open([where, *dom.board_cells(basic_logdir)])
        nb.run_all()
        nb.wait_output(dom.DASHBOARD)
        card = nb.scoped(dom.DASHBOARD).locator(dom.chart("loss/total"))
        dom.wait_ink(nb, card.locator(dom.attr("canvas")))
        printed = nb.cell_text(0)
        assert f"FROM {wheel_venv.parent.parent}" in printed, printed  # the wheel, not the checkout
        assert "NODE None" in printed, printed
        nb.screenshot("installed-wheel-board")
        nb.assert_no_page_errors()
    finally:
        nb.close()
        server.stop()
