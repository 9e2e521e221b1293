"""The board's static picture, drawn in the kernel: run colours as the browser allocates them
(js/src/lib/colors.js run by node is the oracle), the charts in those colours, the latest
images, and a summary naming runs, tags and last values."""

from __future__ import annotations

import base64
import io
import json
import pathlib
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from jupyter_tb.widgets.dashboard import Dashboard
from jupyter_tb.widgets.static_picture import picture_bundle, run_color_allocator
from tests.support import fixture_logdirs
from tests.support.widget_capture import make_view

pytestmark = pytest.mark.usefixtures("live_sources")
COLORS_JS = pathlib.Path(__file__).resolve().parents[2] / "js" / "src" / "lib" / "colors.js"


def browser_colors(runs: list[str], claimed: dict[str, str] | None = None) -> list[str]:
    """What colors.js's allocator gives ``runs`` (in order, after ``claimed``), run by node."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = (
        f"import({json.dumps(COLORS_JS.as_uri())}).then((m) => {{ const c = m.createRunColors();"
        f" for (const [r, x] of Object.entries({json.dumps(claimed or {})})) c.claim(r, x);"
        f" console.log(JSON.stringify({json.dumps(runs)}.map((r) => c(r)))); }})"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_run_colours_are_the_browsers():
    runs = [f"run{i}" for i in range(30)] + ["lr=0.1/é", "a/b/c", "🙂 emoji", ""]
    allocate = run_color_allocator()
    assert [allocate(r) for r in runs] == browser_colors(runs)
    claimed = {"run3": "#0077bb", "x": "#123456"}
    allocate = run_color_allocator(claimed)
    assert [allocate(r) for r in runs] == browser_colors(runs, claimed)


def _pixels(bundle) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))).convert("RGB"))


def count_color(pixels: np.ndarray, color: str) -> int:
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return int(np.all(pixels == rgb, axis=-1).sum())


def test_picture_draws_each_run_in_its_colour_and_the_latest_images(tmp_path):
    logdir = fixture_logdirs.write_basic(tmp_path / "logs")
    board = make_view(Dashboard, logdir)
    bundle = picture_bundle(board)
    pixels = _pixels(bundle)
    runs = sorted(fixture_logdirs.RUNS)
    for run, color in zip(runs, browser_colors(runs), strict=True):
        assert count_color(pixels, color) > 200, run  # two charts of lines plus a legend swatch
    # the latest image of each run is pasted: the fixture's last step (20) off the band is
    # (0, 255, 20/30 * 255) in a 32x32 picture
    last = max(fixture_logdirs.IMAGE_STEPS)
    background = [0, 255, round(last / 30 * 255)]
    assert int(np.all(np.abs(pixels.astype(int) - background) <= 1, axis=-1).sum()) > len(runs) * 32 * 20
    text = bundle["text/plain"]
    assert all(run in text for run in runs)
    last = board.logdir.scalars("train", "loss/total")
    assert f"train {last.values[-1]:.4g} @ {last.steps[-1]}" in text
    assert "images 1" in text and "histograms 1" in text


def test_unticked_runs_leave_the_picture(tmp_path):
    logdir = fixture_logdirs.write_basic(tmp_path / "logs")
    board = make_view(Dashboard, logdir)
    runs = sorted(fixture_logdirs.RUNS)
    colors = dict(zip(runs, browser_colors(runs), strict=True))
    board.deselected_runs = ["eval"]
    pixels = _pixels(picture_bundle(board))
    assert count_color(pixels, colors["eval"]) == 0 and count_color(pixels, colors["train"]) > 200
