"""Graphs and HParams views in real JupyterLab: they render a fixture logdir, one real mouse
interaction each works and comes back to Python, hostile names stay text."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.support.card_downloads import download, svg_lines, svg_texts
from tests.support.graph_hparams_fixtures import graph_event, small_tf_graph, tf_style_graph, write_events
from tests.support.lab_theme import set_lab_theme

XSS = '<img src=x onerror="window.__jtbPwned=1">'


@pytest.fixture(scope="module")
def views_logdir(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("views")
    graph = small_tf_graph()
    graph.node[1].name = "dense/" + XSS  # a hostile node name
    graph.node[4].input[1] = "dense/" + XSS
    for node in graph.node:  # placement, for colour by device
        node.device = "/device:GPU:0" if node.name.startswith("dense") else "/device:CPU:0"
    write_events(str(root / "tf"), [graph_event(graph)])
    for lr, opt, acc in [(0.1, "adam", 0.9), (0.01, "sgd", 0.7), (0.001, XSS, 0.5)]:
        with SummaryWriter(str(root / f"lr={lr}")) as w:
            for step in range(20):
                w.add_scalar("train/loss", 1.0 / (step + 1) + lr, step)
            w.add_hparams({"lr": lr, "optimizer": opt}, {"hparam/accuracy": acc}, run_name="hp")
    return root


def _open_view(lab, logdir, function: str, ready: str):
    """A notebook showing ``jupyter_tb.<function>(logdir)``; cell 2 prints its selection."""
    nb = lab()
    nb.open(
        [
            "import jupyter_tb",
            f"w = jupyter_tb.{function}({str(logdir)!r}); w",
            "print('PY:', w.selected_node if hasattr(w, 'selected_node') else w.selected_sessions)",
        ]
    )
    nb.run_all()
    nb.wait_output(ready)
    return nb


def test_graph_renders_expands_and_selects(lab, views_logdir):
    nb = _open_view(lab, views_logdir, "graphs", "[data-jtb-graph] canvas")
    graph = nb.scoped("[data-jtb-graph]")
    nb.page.wait_for_function(
        "id => Number(document.getElementById(id).querySelector('[data-jtb-graph]').dataset.visible) > 0",
        arg=nb.widget_id,
    )
    collapsed = int(graph.get_attribute("data-visible"))
    assert collapsed == 5  # input, init, split and the scopes dense and loss

    def click_item(name):
        where = graph.evaluate("(el, n) => el.jtbGraph.locate(n)", name)
        assert where is not None, name
        box = graph.locator("canvas").bounding_box()
        nb.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])

    click_item("dense")  # a metanode: expands
    nb.page.wait_for_function(
        "([id, n]) => Number(document.getElementById(id).querySelector('[data-jtb-graph]').dataset.visible) > n",
        arg=[nb.widget_id, collapsed],
    )
    assert int(graph.get_attribute("data-visible")) == collapsed + 5  # dense's five ops
    click_item("dense/BiasAdd")  # an op: details as text
    details = nb.scoped("[data-jtb-graph-details]")
    nb.page.wait_for_function(
        "id => document.getElementById(id).querySelector('[data-jtb-graph-details]').firstChild"
        ".textContent === 'dense/BiasAdd'",
        arg=nb.widget_id,
    )
    text = details.text_content()
    assert "dense/BiasAdd" in text and "[?,3]" in text and "NHWC" in text
    # the hostile node name is shown as text in the details panel and runs nothing
    click_item("dense/" + XSS)
    nb.page.wait_for_function(
        "([id, n]) => document.getElementById(id).querySelector('[data-jtb-graph-details]').textContent.includes(n)",
        arg=[nb.widget_id, XSS],
    )
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    assert nb.scoped("[data-jtb-graph-details] img").count() == 0
    nb.screenshot("graphs-lab")
    # the selection came back to Python
    nb.run_cell(2)
    nb.wait_idle()
    assert f"PY: dense/{XSS}" in nb.cell_text(2)
    nb.assert_no_page_errors()


def test_hparams_table_sort_pick_and_brush(lab, views_logdir):
    nb = _open_view(lab, views_logdir, "hparams", "[data-jtb-hparams-table] tbody tr")
    table = nb.scoped("[data-jtb-hparams-table]")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    # sort by the metric, descending: best session first
    header = table.locator('[data-jtb-sort="hparam/accuracy"]')
    header.click()
    header.click()
    assert rows.first.get_attribute("data-jtb-session") == "lr=0.1/hp"
    assert rows.last.get_attribute("data-jtb-session") == "lr=0.001/hp"
    # the hostile category value is plain text in its cell
    assert table.get_by_text(XSS, exact=True).count() == 1
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    # brush the accuracy axis of the parallel coordinates (top half): 2 sessions stay
    canvas = nb.scoped("[data-jtb-parcoords] canvas")
    box = canvas.bounding_box()
    x = box["x"] + box["width"] - 60  # last axis: hparam/accuracy (right margin 60)
    nb.page.mouse.move(x, box["y"] + 30)
    nb.page.mouse.down()
    nb.page.mouse.move(x, box["y"] + box["height"] * 0.45, steps=5)
    nb.page.mouse.up()
    count = nb.scoped("[data-jtb-hparams-count]")
    assert count.text_content().startswith("2 of 3")
    # pick a session in the table: its scalars appear, the pick reaches Python
    table.locator('[data-jtb-session="lr=0.01/hp"]').click()
    nb.scoped('[data-jtb-session-chart="train/loss"]').wait_for()
    nb.screenshot("hparams-lab")
    nb.run_cell(2)
    nb.wait_idle()
    assert "PY: ['lr=0.01/hp']" in nb.cell_text(2)
    # scatter matrix: the point of lr=0.1 (largest lr, best accuracy) sits in the top-right
    # corner of the first cell (margins 96 left / 8 top, cells of 150 px, 6 px inset)
    nb.scoped("[data-jtb-scatter-matrix]").locator("xpath=..").locator("summary").click()
    matrix = nb.scoped("[data-jtb-scatter-matrix] canvas")
    box = matrix.bounding_box()
    nb.page.mouse.click(box["x"] + 96 + 150 - 6, box["y"] + 8 + 6)
    nb.page.wait_for_function(
        "id => document.getElementById(id).querySelector('[data-jtb-session=\"lr=0.1/hp\"]')"
        ".getAttribute('aria-selected') === 'true'",
        arg=nb.widget_id,
    )
    nb.screenshot("hparams-lab-scatter", matrix)
    nb.run_cell(2)
    nb.wait_idle()
    assert "PY: ['lr=0.1/hp']" in nb.cell_text(2)
    nb.assert_no_page_errors()


def test_dashboard_tabs_show_graphs_and_hparams(lab, views_logdir):
    nb = lab()
    nb.open(["import jupyter_tb", f"jupyter_tb.board({str(views_logdir)!r})"])
    nb.run_all()
    nb.wait_output('[data-jtb-tab="hparams"]')
    nb.scoped('[data-jtb-tab="hparams"]').click()
    nb.wait_output('[data-jtb-panel="hparams"] [data-jtb-hparams-table] tbody tr')
    rows = nb.scoped('[data-jtb-panel="hparams"] [data-jtb-hparams-table] tbody tr')
    assert rows.count() == 3
    nb.screenshot("dashboard-hparams-tab")
    # unticking a run in the dashboard's run selector hides its session, in the browser alone
    nb.scoped('[data-jtb-run-toggle="lr=0.001/hp"]').uncheck()
    nb.page.wait_for_function(
        "id => document.getElementById(id).querySelectorAll('[data-jtb-panel=\"hparams\"] tbody tr').length === 2",
        arg=nb.widget_id,
    )
    assert rows.evaluate_all("rs => rs.map((r) => r.dataset.jtbSession)") == ["lr=0.01/hp", "lr=0.1/hp"]
    # parallel coordinates use the run selector's colour of each session's run
    colours = json.loads(
        nb.scoped('[data-jtb-panel="hparams"] [data-jtb-parcoords]').get_attribute("data-jtb-colors")
    )
    for run, colour in colours.items():
        swatch = nb.scoped(f'[data-jtb-run="{run}"] .jtb-swatch')
        assert _css_colour(nb, swatch.evaluate("el => el.style.background")) == _css_colour(nb, colour)
    nb.scoped('[data-jtb-tab="graphs"]').click()
    nb.wait_output('[data-jtb-panel="graphs"] [data-jtb-graph] canvas')
    nb.page.wait_for_function(
        "id => Number(document.getElementById(id).querySelector('[data-jtb-panel=\"graphs\"] [data-jtb-graph]')"
        ".dataset.visible) === 5",
        arg=nb.widget_id,
    )
    nb.screenshot("dashboard-graphs-tab")
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    nb.assert_no_page_errors()


def test_both_views_render_in_notebook7(notebook7, views_logdir):
    nb = notebook7()
    nb.open(
        [
            "import jupyter_tb",
            f"jupyter_tb.graphs({str(views_logdir)!r})",
            f"jupyter_tb.hparams({str(views_logdir)!r})",
        ]
    )
    nb.run_all()
    nb.wait_output("[data-jtb-hparams-table] tbody tr")
    nb.wait_output("[data-jtb-graph] canvas")
    # one interaction each: a CSV download of the sessions, a node search
    rows = list(csv.DictReader(io.StringIO(_download(nb, '[data-jtb-hparams-download="csv"]'))))
    assert sorted(r["run"] for r in rows) == sorted(_sessions(views_logdir).index)
    nb.scoped("[data-jtb-graph-search]").fill("matmul")
    assert nb.scoped("[data-jtb-graph-matches]").text_content() == "1 found"
    nb.page.wait_for_function(
        "id => Number(document.getElementById(id).querySelector('[data-jtb-graph]').dataset.visible) === 5",
        arg=nb.widget_id,
    )
    assert nb.scoped("[data-jtb-hparams-table] tbody tr").count() == 3
    nb.screenshot("graphs-hparams-notebook7")
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    nb.assert_no_page_errors()


# -- issue 11: columns, filters, downloads, colours, session curves; graph search, shapes,
# colour, trace, legible "Expand all" ----------------------------------------------------------


@pytest.fixture(scope="module")
def big_graph_logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("biggraph")
    write_events(str(root / "model"), [graph_event(tf_style_graph(600))])
    return root


def _download(nb, selector):
    with nb.page.expect_download() as info:
        nb.scoped(selector).click()
    return open(info.value.path(), encoding="utf-8").read()


def _sessions(logdir):
    import jupyter_tb
    from jupyter_tb.compute.hparams_table import sessions_table

    return sessions_table(jupyter_tb.read(str(logdir))).to_pandas().set_index("run")


def _css_colour(nb, colour):
    """A CSS colour as the browser computes it ("rgb(r, g, b)")."""
    return nb.page.evaluate(
        "c => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);"
        " const v = getComputedStyle(d).color; d.remove(); return v; }",
        colour,
    )


def test_hparams_columns_filters_downloads_colours_and_curves(lab, views_logdir):
    nb = _open_view(lab, views_logdir, "hparams", "[data-jtb-hparams-table] tbody tr")
    expected = _sessions(views_logdir)
    # CSV of every session: the same runs and values as the sessions table in Python
    rows = list(csv.DictReader(io.StringIO(_download(nb, '[data-jtb-hparams-download="csv"]'))))
    assert sorted(r["run"] for r in rows) == sorted(expected.index)
    for r in rows:
        assert float(r["lr"]) == pytest.approx(expected.loc[r["run"], "lr"])
        assert float(r["hparam/accuracy"]) == pytest.approx(expected.loc[r["run"], "hparam/accuracy"])
        assert r["optimizer"] == expected.loc[r["run"], "optimizer"]  # the hostile one too, as text
    sessions = json.loads(_download(nb, '[data-jtb-hparams-download="json"]'))
    assert {s["run"]: s["metrics"]["hparam/accuracy"] for s in sessions} == pytest.approx(
        expected["hparam/accuracy"].to_dict()
    )
    latex = _download(nb, '[data-jtb-hparams-download="latex"]')
    assert latex.startswith("\\begin{tabular}") and latex.count("\\\\") == 4  # header + 3 rows
    # parallel coordinates draw each session in its run's colour (the table's swatch), all distinct
    colours = json.loads(nb.scoped("[data-jtb-parcoords]").get_attribute("data-jtb-colors"))
    for run, colour in colours.items():
        swatch = nb.scoped(f'[data-jtb-session="{run}"] .jtb-swatch')
        assert _css_colour(nb, swatch.evaluate("el => el.style.background")) == _css_colour(nb, colour)
    assert len(set(colours.values())) == 3
    # its SVG download: one polyline per session in the session's colour, the axes named
    box = nb.scoped("[data-jtb-parcoords]")
    name, svg = download(nb, box, "svg")
    assert name == "Parallel_coordinates.svg"
    for run, colour in colours.items():
        rgb = tuple(int(v) for v in re.findall(r"\d+", _css_colour(nb, colour))[:3])
        assert len(svg_lines(svg, rgb)) == 1, run
    assert {"lr", "optimizer", "hparam/accuracy"} <= {t.removesuffix(" (log)") for t in svg_texts(svg)}
    # hiding a column takes it out of the table and the downloads
    nb.scoped("[data-jtb-hparams-columns]").locator("xpath=..").locator("summary").click()
    nb.scoped('[data-jtb-hparams-column="optimizer"]').uncheck()
    assert nb.scoped('[data-jtb-sort="optimizer"]').count() == 0
    assert "optimizer" not in _download(nb, '[data-jtb-hparams-download="csv"]').splitlines()[0]
    # a min filter hides the sessions below it
    nb.scoped('[data-jtb-hparams-min="lr"]').fill("0.005")
    count = nb.scoped("[data-jtb-hparams-count]")
    assert count.text_content().startswith("2 of 3")
    shown = nb.scoped("[data-jtb-hparams-table] tbody tr").evaluate_all(
        "rs => rs.map((r) => r.dataset.jtbSession)"
    )
    assert sorted(shown) == ["lr=0.01/hp", "lr=0.1/hp"]
    nb.scoped('[data-jtb-hparams-max="hparam/accuracy"]').fill("0.8")
    assert count.text_content().startswith("1 of 3")
    nb.scoped('[data-jtb-hparams-max="hparam/accuracy"]').fill("")
    # the scatter matrix has tick values: the ends of the lr and accuracy axes
    nb.scoped("[data-jtb-scatter-matrix]").locator("xpath=..").locator("summary").click()
    ticks = nb.scoped("[data-jtb-scatter-matrix]").get_attribute("data-jtb-ticks").split("|")
    assert {"0.001", "0.1", "0.5", "0.9"} <= set(ticks), ticks
    # a session's curves over steps (20 steps of train/loss), its single final values as a table
    nb.scoped('[data-jtb-session="lr=0.01/hp"]').click()
    chart = nb.scoped('[data-jtb-session-chart="train/loss"]')
    chart.wait_for()
    assert chart.get_attribute("data-jtb-points") == "20"
    values = nb.scoped("[data-jtb-session-values]")
    assert "hparam/accuracy" in values.text_content() and "0.7" in values.text_content()
    assert nb.scoped('[data-jtb-session-chart="hparam/accuracy"]').count() == 0  # no one-point chart
    nb.screenshot("hparams-analysis-light")
    set_lab_theme(nb)
    nb.screenshot("hparams-analysis-dark")
    set_lab_theme(nb, dark=False)
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    nb.assert_no_page_errors()


def _graph(nb):
    return nb.scoped("[data-jtb-graph]")


def test_graph_search_shapes_colour_and_trace(lab, views_logdir):
    nb = _open_view(lab, views_logdir, "graphs", "[data-jtb-graph] canvas")
    graph = _graph(nb)
    api = lambda body, arg=None: graph.evaluate(f"(el, arg) => {body}", arg)  # noqa: E731
    # search finds the node, Enter reveals (expands dense), selects and zooms to it
    nb.scoped("[data-jtb-graph-search]").fill("biasadd")
    assert nb.scoped("[data-jtb-graph-matches]").text_content() == "1 found"
    nb.scoped("[data-jtb-graph-search]").press("Enter")
    assert api("el.jtbGraph.state().selected") == "dense/BiasAdd"
    assert api("el.jtbGraph.locate('dense/BiasAdd')") is not None
    assert api("el.jtbGraph.state().view.k") >= 1
    # tensor shapes from _output_shapes on the edges (split's second output feeds loss)
    labels = {(a, b): text for a, b, text in api("el.jtbGraph.edgeLabels()")}
    assert labels[("dense/MatMul", "dense/BiasAdd")] == "[?,3]"
    assert labels[("split", "loss")] == "[?,2]"
    # colour by device: a legend entry per device, ops filled with their device's colour
    nb.scoped("[data-jtb-graph-color]").select_option("device")
    legend = {
        e.get_attribute("data-jtb-graph-legend-entry"): e.locator("span").evaluate("s => s.style.background")
        for e in nb.scoped("[data-jtb-graph-legend-entry]").all()
    }
    assert set(legend) == {"/device:CPU:0", "/device:GPU:0"}
    assert api("el.jtbGraph.fillOf('dense/MatMul')") == api("el.jtbGraph.fillOf('dense/BiasAdd')")
    assert api("el.jtbGraph.fillOf('dense/MatMul')") != api("el.jtbGraph.fillOf('input')")
    nb.scoped("[data-jtb-graph-color]").select_option("structure")
    # trace inputs of dense/BiasAdd: its ancestry stays bright, what it does not need fades
    nb.scoped("[data-jtb-graph-trace]").check()
    traced = set(api("el.jtbGraph.traced()"))
    assert {"dense/BiasAdd", "dense/MatMul", "input", "dense/bias", "dense/" + XSS} <= traced
    assert "split" not in traced and "loss" not in traced
    nb.screenshot("graphs-analysis-light")
    set_lab_theme(nb)
    nb.screenshot("graphs-analysis-dark")
    set_lab_theme(nb, dark=False)
    nb.assert_no_page_errors()


def test_graph_expand_all_is_legible_at_fit_zoom(lab, big_graph_logdir):
    nb = _open_view(lab, big_graph_logdir, "graphs", "[data-jtb-graph] canvas")
    graph = _graph(nb)
    before = int(graph.get_attribute("data-visible"))
    nb.scoped(".jtb-graph-toolbar button:text-is('Expand all')").click()
    nb.page.wait_for_function(
        "([id, n]) => Number(document.getElementById(id).querySelector('[data-jtb-graph]').dataset.visible) > 4 * n",
        arg=[nb.widget_id, before],
        timeout=120000,
    )
    nb.page.wait_for_timeout(300)
    # Expand all shows the graph at a zoom where op names are readable, none under 8 px
    assert float(graph.get_attribute("data-zoom")) >= 8 / 11
    assert int(graph.get_attribute("data-labels")) > 0
    assert float(graph.get_attribute("data-min-label-px")) >= 8
    nb.screenshot("graphs-expand-all")
    # Fit shows all of it: names too small to read are left out (no smear) and a hint says so
    nb.scoped(".jtb-graph-toolbar button:text-is('Fit')").click()
    nb.page.wait_for_timeout(300)
    assert float(graph.get_attribute("data-zoom")) < 8 / 11
    labels = int(graph.get_attribute("data-labels"))
    assert labels == 0 or float(graph.get_attribute("data-min-label-px")) >= 8
    assert nb.scoped("[data-jtb-graph-hint]").is_visible() == (labels == 0)
    nb.screenshot("graphs-expand-all-fit")
    nb.assert_no_page_errors()
