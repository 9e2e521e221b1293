"""Run groups in real JupyterLab: grouping through the runs table's input, a group row that
expands and ticks its members, the band settings drawn on the chart, and a group whose line
and band follow a run writing in the same kernel (with the latency measured).

One notebook (one kernel, one board) serves the grouping tests; the live test has its own.
Selectors follow the data-jtb-* contract at the top of js/src/host.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.support import board_dom as dom
from tests.support.browser_harness import NotebookPage
from tests.support.card_downloads import download, png_ink, svg_lines, svg_paths, svg_texts

SEED = r"/seed=\d+"
OFFSETS = {1: 0.0, 2: 0.1, 3: 1.0}  # the seeds' spread: std and min-max bands differ
STEPS = 50
TAG = "loss"
START = 1_700_000_000.0  # the runs' first wall time


def loss(lr: float, seed: int, step: int) -> float:
    return (10.0 if lr == 0.1 else 2.0) + OFFSETS[seed] + np.sin(step / 6.0)


def final(lr: float, seed: int) -> float:
    return lr + seed / 8


def write_logdir(root: Path) -> Path:
    from jupyter_tb import SummaryWriter

    for lr in (0.1, 0.3):
        for seed in OFFSETS:
            with SummaryWriter(str(root / f"lr={lr}/seed={seed}")) as w:
                for step in range(STEPS):  # a step every 10 s, from one start: time axes line up
                    w.add_scalar(TAG, loss(lr, seed, step), step, walltime=START + 10 * step)
                w.add_hparams({"lr": lr, "seed": seed}, {"final": final(lr, seed)}, run_name=".")
    with SummaryWriter(str(root / "baseline")) as w:
        for step in range(STEPS):
            w.add_scalar(TAG, 6.0, step, walltime=START + 10 * step)
        w.add_custom_scalars({"groups": {"loss chart": ["Multiline", [f"^{TAG}$"]]}})
    return root


def python_value(nb: NotebookPage, expression: str):
    """``expression`` evaluated in the kernel (cell 1), as JSON."""
    nb.page.evaluate(
        "(code) => window.jupyterapp.shell.currentWidget.content.widgets[1].model.sharedModel.setSource(code)",
        f"import json; print('VALUE', json.dumps({expression}))",
    )
    nb.run_cell(1)
    nb.wait_idle()
    nb.page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[1].outputArea.node.innerText.includes('VALUE')"
    )
    return json.loads(nb.cell_text(1).split("VALUE", 1)[1].strip().splitlines()[0])


def wait_python(nb: NotebookPage, expression: str, predicate, tries: int = 10):
    """``expression``'s value once ``predicate`` holds (the browser saves its changes after a
    short debounce, so the kernel may see them a moment after the click)."""
    for _ in range(tries):
        value = python_value(nb, expression)
        if predicate(value):
            return value
        nb.page.wait_for_timeout(300)
    raise AssertionError(f"{expression} = {value!r}")


def ensure_grouped(nb: NotebookPage) -> None:
    """Group the runs by seed unless an earlier test did (a test may run alone)."""
    if nb.scoped(dom.attr("group", "lr=0.3")).count() == 0:
        nb.scoped(dom.attr("group-by")).fill(SEED)
        nb.scoped(dom.attr("group", "lr=0.3")).wait_for()


def grouped_in_tab(nb: NotebookPage, kind: str, selector: str):
    """``selector`` in the tab of ``kind`` once the runs are grouped."""
    ensure_grouped(nb)
    found = dom.open_tab(nb, kind).locator(selector)
    found.wait_for()
    return found


@pytest.fixture(scope="module")
def board(browser_context, lab_server, ui_home):
    logdir = write_logdir(ui_home / "logdirs" / "run-groups")
    nb = NotebookPage(browser_context, lab_server, "run-groups")
    try:
        nb.open([f"import jupyter_tb\nboard = jupyter_tb.board({str(logdir)!r}, smoothing=0)\nboard", "pass"])
        nb.run_cell(0)
        nb.wait_output(dom.DASHBOARD)
        nb.wait_idle()
        dom.wait_points(nb, TAG, 7 * STEPS)
        yield nb
        nb.assert_no_page_errors()
    finally:
        nb.close()


# pixels of the group's colour at the band's opacity (the canvas is transparent under the plot)
BAND_INK_JS = """([canvas, hex]) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3];
        if (a > 30 && a < 80 && Math.abs(data[i] - c[0]) < 12 && Math.abs(data[i + 1] - c[1]) < 12 && Math.abs(data[i + 2] - c[2]) < 12) ink += 1;
    }
    return ink;
}"""


def group_color(nb: NotebookPage, group: str) -> str:
    rgb = (
        nb.scoped(dom.attr("group", group))
        .locator(".jtb-swatch")
        .evaluate("(el) => getComputedStyle(el).backgroundColor")
    )
    return "#" + "".join(f"{int(v):02x}" for v in rgb[rgb.index("(") + 1 : -1].split(","))


def band_ink(nb: NotebookPage, group: str) -> int:
    canvas = nb.scoped(dom.chart(TAG)).locator(dom.attr("canvas")).element_handle()
    return nb.page.evaluate(BAND_INK_JS, [canvas, group_color(nb, group)])


@pytest.mark.ui
def test_group_by_input_groups_runs_and_draws_bands(board):
    nb = board
    card = nb.scoped(dom.chart(TAG))
    assert card.get_attribute("data-jtb-band") is None
    box = nb.scoped(dom.attr("group-by"))
    box.fill(SEED)
    # the browser groups at once (it knows the run names): one row per group with its count
    row = nb.scoped(dom.attr("group", "lr=0.1"))
    row.wait_for()
    assert "3 runs" in row.inner_text()
    assert nb.scoped(dom.attr("group", "baseline")).count() == 0  # left alone: a run row
    # the kernel's aggregates arrive: per group one line with a band, baseline as it was
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).getAttribute('data-jtb-band') === 'std'",
        arg=[nb.widget_id, dom.chart(TAG)],
    )
    dom.wait_points(nb, TAG, 3 * STEPS)
    wait_python(nb, "[board.group_by, board.view('scalars').group_by]", lambda v: v == [SEED, SEED])
    nb.page.wait_for_function(
        f"([c, hex]) => ({BAND_INK_JS})([c, hex]) > 300",
        arg=[card.locator(dom.attr("canvas")).element_handle(), group_color(nb, "lr=0.1")],
    )
    nb.screenshot("run-groups-lab")


@pytest.mark.ui
def test_a_group_chart_downloads_with_its_lines_and_bands(board):
    """The SVG of a grouped chart: per group one line and one band in the group's colour,
    the legend naming it; the PNG has the group's colour."""
    nb = board
    card = grouped_in_tab(nb, "scalars", dom.chart(TAG))
    nb.page.wait_for_function("(el) => el.getAttribute('data-jtb-band') === 'std'", arg=card.element_handle())
    _, png = download(nb, card, "png")
    _, svg = download(nb, card, "svg")
    texts = svg_texts(svg)
    for group in ("lr=0.1", "lr=0.3"):
        hex_colour = group_color(nb, group)
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert len(svg_lines(svg, rgb)) == 1, group
        bands = [p for p in svg_paths(svg, "fill", rgb) if p.get("fill-opacity") == "0.2"]
        assert len(bands) == 1, group
        assert group in texts, group
        assert png_ink(png, rgb) > 50, group


@pytest.mark.ui
def test_group_row_expands_and_ticks_its_members(board):
    nb = board
    members = [f"lr=0.1/seed={s}" for s in OFFSETS]
    row = nb.scoped(dom.attr("group", "lr=0.1"))
    member_rows = [nb.scoped(dom.attr("run", run)) for run in members]
    assert not any(r.is_visible() for r in member_rows)
    row.locator(dom.attr("group-expand")).click()
    for r in member_rows:
        r.wait_for(state="visible")
    row.locator(dom.attr("group-toggle")).uncheck()
    for run in members:
        assert not nb.scoped(dom.attr("run-toggle", run)).is_checked()
    dom.wait_points(nb, TAG, 2 * STEPS)  # the group's line is gone with its members
    wait_python(nb, "board.deselected_runs", lambda deselected: set(members) <= set(deselected))
    nb.scoped(dom.attr("run-toggle", members[0])).check()  # one member back: the group is drawn
    assert row.locator(dom.attr("group-toggle")).evaluate("(el) => el.indeterminate")
    dom.wait_points(nb, TAG, 3 * STEPS)
    row.locator(dom.attr("group-toggle")).check()
    row.locator(dom.attr("group-expand")).click()
    for r in member_rows:
        r.wait_for(state="hidden")


@pytest.mark.ui
def test_band_settings_change_the_band(board):
    nb = board
    ensure_grouped(nb)
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).hasAttribute('data-jtb-band')",
        arg=[nb.widget_id, dom.chart(TAG)],
    )
    nb.page.wait_for_timeout(300)
    std_ink = band_ink(nb, "lr=0.3")
    assert std_ink > 300
    nb.scoped(dom.attr("settings-toggle")).click()
    nb.scoped(dom.attr("group-band")).select_option("minmax")
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).getAttribute('data-jtb-band') === 'minmax'",
        arg=[nb.widget_id, dom.chart(TAG)],
    )
    nb.page.wait_for_timeout(300)
    minmax_ink = band_ink(nb, "lr=0.3")
    # offsets 0, 0.1, 1.0: the min-max band (width 1.0) is narrower than mean ± std (1.08)
    assert 300 < minmax_ink < std_ink
    wait_python(nb, "board.settings['group_band']", lambda band: band == "minmax")
    nb.scoped(dom.attr("group-members")).check()  # members faintly behind their group
    dom.wait_points(nb, TAG, 3 * STEPS + 6 * STEPS)
    nb.screenshot("run-groups-minmax-members-lab")
    nb.scoped(dom.attr("group-members")).uncheck()
    nb.scoped(dom.attr("group-band")).select_option("std")
    # on the time axes a group sits at its members' mean times: still one line with a band
    for axis in ("relative", "wall"):
        nb.scoped(dom.attr("x-axis")).select_option(axis)
        dom.wait_points(nb, TAG, 3 * STEPS)
        nb.page.wait_for_function(
            f"([c, hex]) => ({BAND_INK_JS})([c, hex]) > 300",
            arg=[
                nb.scoped(dom.chart(TAG)).locator(dom.attr("canvas")).element_handle(),
                group_color(nb, "lr=0.3"),
            ],
        )
        assert nb.scoped(dom.chart(TAG)).get_attribute("data-jtb-band") == "std"
    nb.screenshot("run-groups-wall-axis-lab")
    nb.scoped(dom.attr("x-axis")).select_option("step")
    nb.scoped(dom.attr("settings-toggle")).click()


@pytest.mark.ui
def test_hparams_table_has_a_row_per_group(board):
    nb = board
    row = grouped_in_tab(nb, "hparams", dom.attr("session-group", "lr=0.3"))
    finals = np.array([final(0.3, seed) for seed in OFFSETS])
    text = row.inner_text()
    assert "3 runs" in text and f"± {finals.std(ddof=1):.4g}"[:6] in text and "(n=3)" in text
    assert nb.scoped(dom.attr("session", "lr=0.3/seed=2")).count() == 1  # sessions stay listed
    nb.screenshot("run-groups-hparams-lab")
    dom.open_tab(nb, "scalars")


@pytest.mark.ui
def test_custom_scalars_chart_draws_group_bands(board):
    nb = board
    chart = grouped_in_tab(nb, "custom_scalars", dom.attr("custom-chart", "loss chart"))
    nb.page.wait_for_function(
        "(el) => el.getAttribute('data-jtb-band') === 'std' && el.getAttribute('data-jtb-lines') === '3'",
        arg=chart.element_handle(),
    )  # two groups and the baseline
    dom.open_tab(nb, "scalars")


LIVE_SETUP = """
import json, math, time, jupyter_tb
from jupyter_tb import SummaryWriter
LOGDIR = {logdir!r}
with SummaryWriter(LOGDIR + "/a") as done:
    done.add_scalar("live/x", 0.0, 0)
w = SummaryWriter(LOGDIR + "/b")
w.add_scalar("live/x", 1.0, 0)
w.flush()
board = jupyter_tb.board(LOGDIR, group_by=lambda run: "ab")  # a callable: grouped in the kernel
board
"""

# a group of "a" (one point) and "b" (writing): the group's aggregate has i + 1 steps once
# b wrote step i
LIVE_TRAINING = """
written = []
for i in range(1, {timed} + 1):
    t = time.time()
    w.add_scalar("live/x", math.sin(i / 3.0), i)
    written.append((t, i + 1))
    time.sleep(0.2)
w.flush()
print("WRITTEN", json.dumps(written))
"""


@pytest.mark.ui
def test_live_group_follows_its_writing_member(browser_context, lab_server, ui_home):
    logdir = ui_home / "logdirs" / "run-groups-live"
    nb = NotebookPage(browser_context, lab_server, "run-groups-live")
    try:
        nb.open([LIVE_SETUP.format(logdir=str(logdir)), LIVE_TRAINING.format(timed=25)])
        nb.run_cell(0)
        nb.wait_output(dom.chart("live/x"))
        nb.scoped(dom.attr("group", "ab")).wait_for()  # the kernel's grouping (a callable)
        dom.wait_points(nb, "live/x", 1)  # the group's line: one step so far
        nb.wait_idle()
        nb.scoped(dom.chart("live/x")).evaluate(dom.WATCH_POINTS_JS)
        nb.run_cell(1)
        dom.wait_points(nb, "live/x", 26, timeout=30)
        nb.wait_idle()
        written = json.loads(nb.cell_text(1).split("WRITTEN", 1)[1])
        latencies = dom.drawn_latencies(written, nb.page.evaluate("() => window.__jtbPointsLog"))
        assert len(latencies) >= 20
        median, worst = dom.percentile(latencies, 50), max(latencies)
        print(
            f"group live latency: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms over {len(latencies)}"
        )
        assert median < 1.0
        card = nb.scoped(dom.chart("live/x"))
        assert card.get_attribute("data-jtb-band") == "std"
        nb.screenshot("run-groups-live-lab")
        nb.assert_no_page_errors()
    finally:
        nb.close()
