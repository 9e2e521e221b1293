"""A notebook executed by nbclient (no browser, like papermill or CI) saves the board's
output with a static picture that is current when its cells finished: a run written by a
later cell is in the board's picture and summary."""

from __future__ import annotations

import base64
import io
import os
import pathlib

import numpy as np
import pytest
from PIL import Image

from jupyter_tb.widgets.page_boot import boot_html
from tests.widgets.test_static_picture import browser_colors, count_color

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
ROOT = pathlib.Path(__file__).resolve().parents[2]

CELLS = [
    "import time, jupyter_tb\n"
    "from jupyter_tb import SummaryWriter\n"
    "with SummaryWriter('runs/early') as w:\n"
    "    for s in range(50): w.add_scalar('loss', 1 / (s + 1), s)",
    "board = jupyter_tb.board('runs', reload_interval=0.2)\nboard",
    "with SummaryWriter('runs/late') as w:\n"
    "    for s in range(50): w.add_scalar('loss', 2 - s / 50, s)\n"
    "deadline = time.time() + 30\n"
    "while 'late' not in board.logdir.runs and time.time() < deadline: time.sleep(0.1)\n"
    "time.sleep(0.5)",
]


def test_executed_notebook_keeps_a_current_picture(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    saved = nbformat.read(path, as_version=4)
    outputs = [o for o in saved.cells[1].outputs if "image/png" in o.get("data", {})]
    assert len(outputs) == 1
    # right after it, the bootstrap that draws the saved board on an nbconvert page
    following = saved.cells[1].outputs[saved.cells[1].outputs.index(outputs[0]) + 1]
    assert following["data"] == {"text/html": boot_html()}
    data = outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "late" in data["text/plain"] and "early" in data["text/plain"]
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGB"))
    for run, color in zip(["early", "late"], browser_colors(["early", "late"]), strict=True):
        assert count_color(pixels, color) > 100, run


def test_views_a_browser_shows_are_redrawn_off_the_cells_end(tmp_path, monkeypatch, live_sources):
    """The end of a cell does not wait for a shown board's picture: the redraw runs on the
    refresher thread, requests made while it runs coalesce into one more redraw."""
    import threading
    import time
    import weakref

    from jupyter_tb import SummaryWriter
    from jupyter_tb.widgets import picture_output
    from jupyter_tb.widgets.views.scalars import Scalars
    from tests.support.widget_capture import make_view

    with SummaryWriter(str(tmp_path / "a")) as w:
        w.add_scalar("loss", 1.0, 0)
    view = make_view(Scalars, tmp_path)
    view._rendered_by_browser = True
    shown = weakref.WeakValueDictionary({"jupyter-tb-test": view})  # views of other tests left out
    monkeypatch.setattr(picture_output, "_displayed", shown)
    redraws, release = [], threading.Event()

    def slow_refresh(display_id, shown):
        redraws.append((display_id, threading.current_thread().name))
        release.wait(5)
        return 1

    monkeypatch.setattr(picture_output, "_refresh", slow_refresh)
    started = time.monotonic()
    assert picture_output.refresh_pictures() == 0  # nothing redrawn on the cell's thread
    while not redraws and time.monotonic() - started < 5:  # the refresher took it
        time.sleep(0.01)
    for _ in range(3):  # more cells finish while the first redraw runs
        picture_output.refresh_pictures()
    assert time.monotonic() - started < 2.0  # the redraw itself would block until released
    release.set()
    assert picture_output._refresher.idle(10)
    assert redraws[0] == ("jupyter-tb-test", "jupyter_tb-pictures")
    assert len(redraws) == 2  # the three requests during the first redraw made one more
