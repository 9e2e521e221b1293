"""The embedding projector in real JupyterLab: a tensorboardX add_embedding logdir renders as
a WebGL point cloud coloured by a metadata column; search, click-for-neighbours, hover
thumbnails and the lasso work, and the lasso selection reaches Python as ``selected``.

Expected values come from the fixture and from jupyter_tb.compute.projections run in this process.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from jupyter_tb.compute import projections
from tests.support.lab_theme import set_lab_theme

N_PER_CLUSTER = 100
CLUSTERS = 3
XSS_LABEL = "<img src=x onerror=window.__jtb_xss=9;alert(9)>"
COLOURS = np.array([[1, 0, 0], [0, 0.6, 0], [0, 0, 1]], np.float32)  # sprite tint per cluster

VIEW = '[data-jtb-view="projector"]'
PLOT = "[data-jtb-projector-plot]"


def _vectors():
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((CLUSTERS, 16)).astype(np.float32) * 8
    return np.vstack([c + rng.standard_normal((N_PER_CLUSTER, 16)).astype(np.float32) for c in centres])


def _names():
    names = [f"pt{i}" for i in range(CLUSTERS * N_PER_CLUSTER)]
    names[5] = XSS_LABEL
    return names


@pytest.fixture(scope="module")
def embedding_logdir(ui_home):
    from tensorboardX import SummaryWriter

    logdir = ui_home / "logdirs" / "projector"
    x = _vectors()
    rows = [[name, f"c{i // N_PER_CLUSTER}"] for i, name in enumerate(_names())]
    images = np.stack(
        [np.ones((3, 8, 8), np.float32) * COLOURS[i // N_PER_CLUSTER, :, None, None] for i in range(len(x))]
    )
    writer = SummaryWriter(str(logdir))
    writer.add_embedding(
        x, metadata=rows, metadata_header=["name", "cluster"], label_img=images, tag="points"
    )
    writer.close()
    return logdir


def _plot_js(nb, body: str, arg=None):
    """Run ``body`` with ``plot`` (the scatter API on the plot element) inside the page."""
    return nb.page.evaluate(
        f"""([id, arg]) => {{ const box = document.getElementById(id).querySelector('{PLOT}');
        const plot = box.jtbScatter; {body} }}""",
        [nb.widget_id, arg],
    )


def _page_point(nb, index: int):
    """Page coordinates of point ``index`` on the canvas."""
    return _plot_js(
        nb,
        """const p = plot.screenPosition(arg); const r = plot.canvas.getBoundingClientRect();
        return p && [r.left + p[0], r.top + p[1]];""",
        index,
    )


def _distinct_colours(png: bytes) -> int:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    saturated = pixels[(pixels.max(1) - pixels.min(1)) > 60]  # coloured points, not grey UI
    return len({tuple(p // 32) for p in saturated})


def _isolated_point(nb, n: int, radius: float = 12) -> int:
    """A point with no other point within ``radius`` px on screen, so a click or hover hits it."""
    return _plot_js(
        nb,
        """const pts = [];
        for (let i = 0; i < arg.n; i++) pts.push(plot.screenPosition(i));
        for (let i = 0; i < arg.n; i++) { if (!pts[i]) continue; let alone = true;
          for (let j = 0; j < arg.n && alone; j++) if (j !== i && pts[j] &&
            Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]) < arg.radius) alone = false;
          if (alone) return i; }
        return -1;""",
        {"n": n, "radius": radius},
    )


@pytest.mark.ui
def test_projector_renders_and_interacts_in_lab(lab, embedding_logdir):
    x = _vectors()
    n = len(x)
    nb = lab()
    nb.open(
        [
            "import jupyter_tb",
            f"p = jupyter_tb.projector({str(embedding_logdir)!r}, color_by='cluster', label_by='name', dims=2); p",
            "print('SELECTED', len(p.selected), sorted(p.selected)[:5])",
            "import time\ntime.sleep(25)",
        ]
    )
    nb.run_cell(0)
    nb.run_cell(1)
    nb.wait_output(VIEW, timeout=90)
    nb.page.wait_for_function(
        "([id, n]) => { const r = document.getElementById(id).querySelector('[data-jtb-points]');"
        " return r && Number(r.dataset.jtbPoints) === n && Number(r.dataset.jtbDrawn) > 0; }",
        arg=[nb.widget_id, n],
        timeout=60_000,
    )
    view = nb.scoped(VIEW)
    plot = nb.scoped(PLOT)
    nb.page.wait_for_timeout(300)
    shot = nb.screenshot("projector-lab-2d", plot)
    assert _distinct_colours(shot.read_bytes()) >= CLUSTERS  # one colour per cluster drawn
    legend = [t.strip() for t in view.locator("[data-jtb-legend-entry]").all_inner_texts()]
    assert legend == ["c0", "c1", "c2"]
    variance = view.locator("[data-jtb-projector-variance]").inner_text()
    expected = projections.pca(x, 3).variance
    assert f"{100 * expected[0]:.1f}%" in variance

    # regex search over the label column highlights its matches
    view.locator("[data-jtb-projector-search]").fill("^pt1[0-9]$")
    want = sum(bool(re.search("^pt1[0-9]$", name)) for name in _names())
    nb.page.wait_for_function(
        "([id, t]) => document.getElementById(id).querySelector('[data-jtb-projector-matches]').textContent === t",
        arg=[nb.widget_id, f"{want} matches"],
    )
    view.locator("[data-jtb-projector-search]").fill("")

    # click a point: its nearest neighbours (cosine, in the original 16-D space) are listed
    target = _isolated_point(nb, n)
    assert target >= 0
    px, py = _page_point(nb, target)
    nb.page.mouse.click(px, py)
    rows = view.locator("[data-jtb-neighbor]")
    rows.first.wait_for(timeout=10_000)
    indices, distances = projections.nearest_neighbors(x, target, 10, "cosine")
    shown = [int(r.get_attribute("data-jtb-neighbor")) for r in rows.all()]
    assert shown == indices.tolist()
    first_distance = float(rows.first.locator(".jtb-count").inner_text())
    assert first_distance == pytest.approx(distances[0], abs=1e-3)

    # hover shows the label as text and the point's sprite thumbnail
    hover = 5 if _page_point(nb, 5) else target
    hx, hy = _page_point(nb, hover)
    nb.page.mouse.move(hx + 40, hy + 40)
    nb.page.mouse.move(hx, hy)
    tooltip = view.locator("[data-jtb-projector-tooltip]")
    tooltip.wait_for(state="visible", timeout=10_000)
    index = int(tooltip.get_attribute("data-jtb-index"))
    assert _names()[index] in tooltip.inner_text()
    thumb_rgb = nb.page.evaluate(
        "(id) => { const c = document.getElementById(id).querySelector('[data-jtb-projector-thumb]');"
        " const d = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data; return [d[0], d[1], d[2]]; }",
        nb.widget_id,
    )
    expected_rgb = np.round(COLOURS[index // N_PER_CLUSTER] * 255)
    np.testing.assert_allclose(thumb_rgb, expected_rgb, atol=2)
    assert nb.page.evaluate("() => window.__jtb_xss") is None  # the <img onerror> label stayed text
    nb.screenshot("projector-lab-hover", view)

    # lasso a region: the selection reaches Python as p.selected
    view.locator("[data-jtb-projector-lasso]").click()
    box = plot.locator("canvas[data-jtb-scatter-canvas]").bounding_box()
    polygon = [(0.05, 0.05), (0.55, 0.05), (0.55, 0.95), (0.05, 0.95)]
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in polygon]
    nb.page.mouse.move(*points[0])
    nb.page.mouse.down()
    for point in points[1:] + points[:1]:
        nb.page.mouse.move(*point, steps=4)
    nb.page.mouse.up()
    local = [(p[0] - box["x"], p[1] - box["y"]) for p in points]
    expected_selection = _plot_js(nb, "return plot.selectInside(arg);", [c for p in local for c in p])
    assert 0 < len(expected_selection) < n
    view.locator("[data-jtb-projector-selected]").wait_for(timeout=10_000)
    assert view.locator("[data-jtb-projector-selected]").inner_text() == f"{len(expected_selection)} selected"
    nb.page.wait_for_timeout(500)  # the trait sync reaches the kernel
    nb.run_cell(2)
    nb.wait_idle()
    text = nb.cell_text(2)
    assert f"SELECTED {len(expected_selection)} {sorted(expected_selection)[:5]}" in text
    nb.screenshot("projector-lab-lasso", view)

    # 3-D: the same points, drawn with the perspective camera (PCA: no kernel round trip)
    view.locator("[data-jtb-projector-dims]").select_option("3")
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).dataset.jtbProjection === 'pca:3'",
        arg=[nb.widget_id, PLOT],
    )
    nb.page.wait_for_timeout(300)
    nb.screenshot("projector-lab-3d", plot)
    assert _plot_js(nb, "return plot.stats.points;") == n

    # t-SNE from the method select: computed by the kernel on a worker thread, then drawn
    view.locator("[data-jtb-projector-dims]").select_option("2")
    view.locator("[data-jtb-projector-method]").select_option("tsne")
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).dataset.jtbProjection === 'tsne:2'",
        arg=[nb.widget_id, PLOT],
        timeout=180_000,
    )
    nb.page.wait_for_timeout(300)
    nb.screenshot("projector-lab-tsne", view)
    assert _plot_js(nb, "return plot.stats.points;") == n
    assert _distinct_colours(nb.screenshot("projector-lab-tsne-plot", plot).read_bytes()) >= CLUSTERS

    # while a cell blocks the kernel: back to PCA (held by the browser), search, and click for
    # neighbours (computed in the browser from the vectors it holds) all still work
    nb.run_cell(3)
    nb.page.wait_for_function(
        "(id) => { const k = document.getElementById(id) && window.jupyterapp.shell.currentWidget"
        ".sessionContext.session.kernel; return k && k.status === 'busy'; }",
        arg=nb.widget_id,
    )
    view.locator("[data-jtb-projector-method]").select_option("pca")
    nb.page.wait_for_function(
        "([id, sel]) => document.getElementById(id).querySelector(sel).dataset.jtbProjection === 'pca:2'",
        arg=[nb.widget_id, PLOT],
        timeout=10_000,
    )
    view.locator("[data-jtb-projector-search]").fill("^pt2[0-9]$")
    nb.page.wait_for_function(
        "([id, t]) => document.getElementById(id).querySelector('[data-jtb-projector-matches]').textContent === t",
        arg=[nb.widget_id, "10 matches"],
        timeout=10_000,
    )
    other = next(
        i
        for i in range(n)
        if i // N_PER_CLUSTER != target // N_PER_CLUSTER
        and _plot_js(nb, "return plot.pick(...plot.screenPosition(arg)) === arg;", i)
    )
    ox, oy = _page_point(nb, other)
    nb.page.mouse.click(ox, oy)
    want = projections.nearest_neighbors(x, other, 10, "cosine")[0].tolist()
    nb.page.wait_for_function(
        "([id, first]) => { const r = document.getElementById(id).querySelector('[data-jtb-neighbor]');"
        " return r && Number(r.dataset.jtbNeighbor) === first; }",
        arg=[nb.widget_id, want[0]],
        timeout=10_000,
    )
    assert [int(r.get_attribute("data-jtb-neighbor")) for r in rows.all()] == want
    assert nb.cell_running(3)  # all of the above happened while the kernel was busy
    nb.screenshot("projector-lab-busy-kernel", view)
    nb.wait_idle(timeout=60)
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_projector_tab_of_the_board_and_array_widget_in_notebook7(notebook7, embedding_logdir):
    n = CLUSTERS * N_PER_CLUSTER
    nb = notebook7()
    nb.open(
        [
            "import jupyter_tb, numpy as np, pandas as pd",
            f"board = jupyter_tb.board({str(embedding_logdir)!r}); board",
            "rng = np.random.default_rng(0)\n"
            "v = jupyter_tb.projector(rng.standard_normal((3000, 8)),"
            " metadata=pd.DataFrame({'k': [i % 4 for i in range(3000)]}), color_by='k', dims=2); v",
        ]
    )
    nb.run_all()
    nb.wait_output('[data-jtb-view="dashboard"]', timeout=90)
    nb.scoped('[data-jtb-tab="projector"]').click()
    panel = nb.scoped('[data-jtb-panel="projector"]')
    panel.locator(VIEW).wait_for(timeout=60_000)
    counts = lambda want: nb.page.wait_for_function(  # noqa: E731
        "([id, want]) => [...document.getElementById(id).querySelectorAll('[data-jtb-points]')]"
        ".map((e) => Number(e.dataset.jtbPoints)).sort((a, b) => a - b).join() === want",
        arg=[nb.widget_id, want],
        timeout=60_000,
    )
    counts(",".join(str(c) for c in sorted([n, 3000])))  # the board's tab and the array widget
    plot = panel.locator(PLOT)
    panel.locator("[data-jtb-projector-sprites]").uncheck()  # round points, not the thumbnails
    nb.page.wait_for_timeout(300)
    assert _distinct_colours(nb.screenshot("projector-notebook7-plain", plot).read_bytes()) == 1
    panel.locator("[data-jtb-projector-color]").select_option("cluster")  # colour by a column
    panel.locator("[data-jtb-legend-entry]").first.wait_for(timeout=10_000)
    nb.page.wait_for_timeout(300)
    assert _distinct_colours(nb.screenshot("projector-notebook7-board-tab", panel).read_bytes()) >= CLUSTERS
    arrays = nb.scoped(VIEW).last
    legend = [t.strip() for t in arrays.locator("[data-jtb-legend-entry]").all_inner_texts()]
    assert legend == ["0", "1", "2", "3"]
    nb.screenshot("projector-notebook7-array", arrays)
    # t-SNE of the 3,000-point array runs in a child process: progress shows, Cancel stops it
    arrays.locator("[data-jtb-projector-method]").select_option("tsne")
    arrays.locator("[data-jtb-projector-cancel]").wait_for(state="visible", timeout=60_000)
    arrays.locator("[data-jtb-projector-progress]").wait_for(state="visible")
    arrays.locator("[data-jtb-projector-cancel]").click()
    nb.page.wait_for_function(
        "(id) => [...document.getElementById(id).querySelectorAll('[data-jtb-projector-status]')]"
        ".some((e) => e.textContent.includes('t-SNE cancelled'))",
        arg=nb.widget_id,
        timeout=30_000,
    )
    assert arrays.locator("[data-jtb-projector-method]").input_value() == "pca"
    assert nb.cell_error() is None
    nb.assert_no_page_errors()


# -- issue 11: thumbnails as points, tooltip, bookmarks, spherize, 3-D t-SNE with progress,
# cancel ------------------------------------------------------------------------------------

FASHION_CLASSES = 10


def _sprite_colour(k):
    return np.array([25 * k, 255 - 25 * k, 200], np.float32) / 255


@pytest.fixture(scope="module")
def fashion_logdir(ui_home):
    """100 FashionMNIST-like points (784-D, 10 classes), one solid-colour 28x28 thumbnail per
    class, and a TensorBoard bookmarks file (bookmarks_path) holding a t-SNE view."""
    from tensorboardX import SummaryWriter

    from tests.compute.test_projections import fashion_like

    x, labels = fashion_like()
    logdir = ui_home / "logdirs" / "fashion"
    images = np.stack([np.ones((3, 28, 28), np.float32) * _sprite_colour(k)[:, None, None] for k in labels])
    writer = SummaryWriter(str(logdir))
    writer.add_embedding(x, metadata=[f"class {k}" for k in labels], label_img=images, tag="fashion")
    writer.close()
    config = logdir / "projector_config.pbtxt"
    text = config.read_text()
    folder = re.search(r'tensor_path: "([^"]+)/tensors.tsv"', text).group(1)
    bookmarks = [
        {
            "label": "saved view",
            "selectedProjection": "tsne",
            "projections": [{"tsne-0": float(i % 10), "tsne-1": float(i // 10)} for i in range(len(x))],
            "selectedPoints": [3, 4, 5],
        }
    ]
    (logdir / folder / "bookmarks.json").write_text(json.dumps(bookmarks))
    config.write_text(
        text.replace("embeddings {", f'embeddings {{\n  bookmarks_path: "{folder}/bookmarks.json"', 1)
    )
    return logdir, x, labels


def _wait_projection(nb, shown: str, timeout: float = 30_000) -> None:
    """Until the plot draws ``shown`` ("<method>:<dims>" or "bookmark:<label>")."""
    nb.page.wait_for_function(
        "([id, sel, want]) => document.getElementById(id).querySelector(sel).dataset.jtbProjection === want",
        arg=[nb.widget_id, PLOT, shown],
        timeout=timeout,
    )


def _pixel(nb, page_xy):
    png = nb.page.screenshot(clip={"x": page_xy[0] - 1, "y": page_xy[1] - 1, "width": 3, "height": 3})
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))[1, 1].astype(int)


@pytest.mark.ui
def test_projector_thumbnails_tooltip_bookmarks_spherize_and_3d_tsne(lab, fashion_logdir):
    logdir, _, labels = fashion_logdir
    nb = lab()
    nb.open(
        [
            "import jupyter_tb",
            f"p = jupyter_tb.projector({str(logdir)!r}, dims=2); p",
            "import numpy as np\n"
            "from tests.compute.test_projections import knn_class_accuracy\n"
            "t = p._cache[next(k for k in p._cache if k[1:3] == ('tsne', 3))]\n"
            "print('KNN', knn_class_accuracy(t.coords, np.arange(100) % 10), p.selected, p.spherize)",
        ]
    )
    nb.run_cell(0)
    nb.run_cell(1)
    nb.wait_output(VIEW, timeout=90)
    nb.page.wait_for_function(
        "id => { const r = document.getElementById(id).querySelector('[data-jtb-points]');"
        " return r && r.dataset.jtbPoints === '100' && r.dataset.jtbSprites === '1'; }",
        arg=nb.widget_id,
        timeout=60_000,
    )
    view = nb.scoped(VIEW)
    nb.page.wait_for_timeout(500)
    # every point is drawn as its own thumbnail: the pixel at a point is its sprite's colour
    i = _isolated_point(nb, 100, radius=24)  # no other thumbnail (33 px here) overlaps its centre
    assert i >= 0
    np.testing.assert_allclose(
        _pixel(nb, _page_point(nb, i)), np.round(_sprite_colour(labels[i]) * 255), atol=12
    )
    nb.screenshot("projector-thumbnails-light", view)
    view.locator("[data-jtb-projector-sprites]").uncheck()
    nb.page.wait_for_timeout(300)
    assert np.abs(_pixel(nb, _page_point(nb, i)) - np.round(_sprite_colour(labels[i]) * 255)).max() > 40
    view.locator("[data-jtb-projector-sprites]").check()

    # the hover tooltip goes away when the view rotates and when the projection changes
    tooltip = view.locator("[data-jtb-projector-tooltip]")
    view.locator("[data-jtb-projector-dims]").select_option("3")
    _wait_projection(nb, "pca:3")
    for change in ("plot.rotateBy(0.6); return 1;", None):
        nb.page.wait_for_timeout(300)
        i = _isolated_point(nb, 100)
        px, py = _page_point(nb, i)
        nb.page.mouse.move(px + 30, py + 30)
        nb.page.mouse.move(px, py)
        tooltip.wait_for(state="visible", timeout=10_000)
        if change:
            _plot_js(nb, change)
        else:
            view.locator("[data-jtb-projector-dims]").select_option("2")
        tooltip.wait_for(state="hidden", timeout=5_000)

    # bookmarks_path: the saved view is listed; choosing it restores its positions and selection
    mark = view.locator('[data-jtb-bookmark="saved view"]')
    mark.click()
    _wait_projection(nb, "bookmark:saved view")
    xs = [_page_point(nb, i)[0] for i in range(10)]  # tsne-0 = i for the first ten points
    assert xs == sorted(xs) and xs[0] < xs[-1]
    assert view.locator("[data-jtb-projector-selected]").inner_text() == "3 selected"

    # spherize: the kernel projects the centred, unit-length rows
    before = _page_point(nb, 0)
    view.locator("[data-jtb-projector-spherize]").check()
    _wait_projection(nb, "pca:2", 30_000)
    nb.page.wait_for_timeout(300)
    assert _page_point(nb, 0) != before
    view.locator("[data-jtb-projector-spherize]").uncheck()

    # 3-D t-SNE with progress; its embedding separates the 10 classes (kNN in the kernel)
    view.locator("[data-jtb-projector-dims]").select_option("3")
    view.locator("[data-jtb-projector-method]").select_option("tsne")
    nb.page.wait_for_function(
        "id => { const p = document.getElementById(id).querySelector('[data-jtb-projector-progress]');"
        " return p.style.display !== 'none' && p.hasAttribute('value') && p.value > 0; }",
        arg=nb.widget_id,
        timeout=120_000,
    )
    _wait_projection(nb, "tsne:3", 240_000)
    assert not view.locator("[data-jtb-projector-cancel]").is_visible()
    nb.run_cell(2)
    nb.wait_idle()
    found = re.search(r"KNN ([0-9.]+) \[3, 4, 5\] False", nb.cell_text(2))
    assert found and float(found.group(1)) >= 0.95, nb.cell_text(2)
    nb.page.wait_for_timeout(300)
    nb.screenshot("projector-tsne3d-light", view)
    set_lab_theme(nb)
    nb.screenshot("projector-tsne3d-dark", view)
    set_lab_theme(nb, dark=False)
    nb.assert_no_page_errors()
