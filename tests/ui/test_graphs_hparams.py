"""Graphs and HParams views in real JupyterLab: they render a fixture logdir, one real mouse
interaction each works and comes back to Python, hostile names stay text."""

from __future__ import annotations

import pytest

from tests.support.graph_hparams_fixtures import graph_event, small_tf_graph, write_events

XSS = '<img src=x onerror="window.__jtbPwned=1">'


@pytest.fixture(scope="module")
def views_logdir(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("views")
    graph = small_tf_graph()
    graph.node[1].name = "dense/" + XSS  # a hostile node name
    graph.node[4].input[1] = "dense/" + XSS
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
    # corner of the first cell (margins 70 left / 8 top, cells of 150 px, 6 px inset)
    nb.scoped("[data-jtb-scatter-matrix]").locator("xpath=..").locator("summary").click()
    matrix = nb.scoped("[data-jtb-scatter-matrix] canvas")
    box = matrix.bounding_box()
    nb.page.mouse.click(box["x"] + 70 + 150 - 6, box["y"] + 8 + 6)
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
    nb.page.wait_for_function(
        "id => Number(document.getElementById(id).querySelector('[data-jtb-graph]').dataset.visible) === 5",
        arg=nb.widget_id,
    )
    assert nb.scoped("[data-jtb-hparams-table] tbody tr").count() == 3
    nb.screenshot("graphs-hparams-notebook7")
    assert nb.page.evaluate("() => window.__jtbPwned") is None
    nb.assert_no_page_errors()
