"""The board's face in real JupyterLab, on one board with eight tabs: the tab bar stays one row
at a medium width (the tabs scroll inside it, the selected one in view, arrow keys in order);
a step holding k audio clips shows k players; in the dark theme graph nodes are filled dark
and notes are readable. At JupyterLab's side-panel width (480 px): the projector's plot takes
the board's width with every point inside it, mesh axis labels sit inside the canvas and off
the cloud's middle, the hparams run column stays pinned while the table scrolls sideways.
What is measured is what the page shows (boxes, canvas pixels, computed colours)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support import board_dom as dom
from tests.support.graph_hparams_fixtures import graph_event, small_tf_graph, write_events
from tests.support.lab_theme import set_lab_theme
from tests.support.tf_images import tf_audio_event

RATE = 8000
CLIPS = 3


@pytest.fixture(scope="module")
def face_logdir(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter

    from jupyter_tb.format.tfrecord import encode_record
    from jupyter_tb.writing.summary import audio as audio_summary

    root = tmp_path_factory.mktemp("face")
    rng = np.random.default_rng(0)
    with SummaryWriter(
        str(root / "torch")
    ) as w:  # scalars, images, histograms (+ distributions), text, PR curves
        for step in range(3):
            w.add_scalar("loss", 1 / (step + 1), step)
            w.add_image("img", rng.random((3, 8, 8)), step)
            w.add_histogram("weights", rng.normal(size=100), step)
            w.add_text("note", f"step {step}", step)
            w.add_pr_curve("pr", rng.integers(0, 2, 50), rng.random(50), step)
    # TensorFlow's audio summary with max_outputs=3: one step, three clips, a label each
    t = np.arange(RATE // 4) / RATE
    clips = [
        (
            audio_summary(
                "a", (0.3 * np.sin(2 * np.pi * 220 * (k + 1) * t)).astype(np.float32), RATE
            ).audio.encoded_audio_string,
            f"clip {k}",
        )
        for k in range(CLIPS)
    ]
    (root / "tf").mkdir()
    (root / "tf" / "events.out.tfevents.1.host").write_bytes(
        encode_record(tf_audio_event("speech", clips, step=5).SerializeToString())
    )
    write_events(str(root / "tf"), [graph_event(small_tf_graph())])
    return root


# Relative luminance of the most frequent colour in a w x h box of a canvas around (x, y)
# (CSS pixels): the fill of the node there, not its label's text.
FILL_LUMINANCE_JS = """([canvas, x, y]) => {
    const dpr = canvas.width / canvas.clientWidth;
    const [w, h] = [Math.round(24 * dpr), Math.round(6 * dpr)];
    const data = canvas.getContext('2d').getImageData(Math.round(x * dpr - w / 2), Math.round(y * dpr - h / 2), w, h).data;
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
        const key = `${data[i]},${data[i + 1]},${data[i + 2]}`;
        counts.set(key, (counts.get(key) || 0) + 1);
    }
    const [rgb] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const [r, g, b] = rgb.split(',').map((v) => { v = Number(v) / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.mark.ui
def test_tab_bar_one_row_audio_clips_and_dark_graph(lab, face_logdir):
    nb = lab()
    try:
        board = dom.show_board(nb, face_logdir).first
        nb.wait_idle()
        board.evaluate("(el) => { el.style.width = '760px'; }")
        nb.page.wait_for_function("(el) => el.dataset.jtbSize === 'medium'", arg=board.element_handle())

        # -- the tab bar: one row, the tabs scrolling inside it
        bar = board.locator(dom.attr("tabs"))
        tabs = bar.locator("[data-jtb-tab]")
        kinds = tabs.evaluate_all("(els) => els.map((e) => e.getAttribute('data-jtb-tab'))")
        assert len(kinds) == 8, kinds
        box = bar.evaluate(
            "(el) => ({h: el.getBoundingClientRect().height, sw: el.scrollWidth, cw: el.clientWidth})"
        )
        tab_height = tabs.first.evaluate("(el) => el.getBoundingClientRect().height")
        assert box["h"] <= tab_height + 2, (box, tab_height)  # one row (it wrapped into two)
        assert box["sw"] > box["cw"], box  # ... and more tabs than fit: they scroll
        assert board.locator(dom.attr("tab-scroll", "forward")).is_visible()
        # arrow keys walk the tabs in their order; the selected one is always inside the bar
        board.locator(dom.tab(kinds[0])).click()
        for kind in [*kinds[1:], kinds[0]]:
            nb.page.keyboard.press("ArrowRight")
            nb.page.wait_for_function(
                "(el) => el.getAttribute('aria-selected') === 'true'",
                arg=board.locator(dom.tab(kind)).element_handle(),
            )
            inside = board.locator(dom.tab(kind)).evaluate(
                "(el) => { const a = el.getBoundingClientRect(), b = el.parentElement.getBoundingClientRect();"
                " return a.left >= b.left - 1 && a.right <= b.right + 1; }"
            )
            assert inside, kind

        # -- audio: every clip of the step, each with its label
        panel = dom.open_tab(nb, "audio")
        players = panel.locator(dom.attr("audio", "tf"))
        nb.page.wait_for_function(
            "(els) => els.length === 3 && els.every((a) => a.src.startsWith('blob:'))",
            arg=players.element_handles(),
        )
        assert players.evaluate_all("(els) => els.map((a) => a.dataset.jtbSample)") == ["0", "1", "2"]
        labels = panel.locator(dom.attr("audio-label", "tf")).all_text_contents()
        assert labels == [f"clip {k}" for k in range(CLIPS)]
        assert "step 5" in panel.locator(dom.attr("audio-meta", "tf")).text_content()

        # -- dark theme: graph nodes filled dark, notes readable
        graph = dom.open_tab(nb, "graphs").locator("[data-jtb-graph]").first
        nb.page.wait_for_function(
            "(el) => el.jtbGraph && Number(el.dataset.labels) > 0", arg=graph.element_handle()
        )

        def node_luminance(name):
            canvas = graph.locator("canvas").first
            at = graph.evaluate("(el, n) => el.jtbGraph.locate(n)", name)
            assert at is not None, name
            return nb.page.evaluate(FILL_LUMINANCE_JS, [canvas.element_handle(), at["x"], at["y"]])

        assert node_luminance("input") > 0.6  # light theme: a pale node
        set_lab_theme(nb)
        assert node_luminance("input") < 0.2  # dark theme: a dark node (was the light one)
        assert node_luminance("dense") < 0.2  # a collapsed scope too
        contrast = board.evaluate(
            f"(el) => {{ const n = document.createElement('div'); n.className = 'jtb-note'; n.textContent = 'x';"
            f" el.append(n); const r = ({dom.CONTRAST_JS})(n); n.remove(); return r; }}"
        )
        assert contrast >= 3, contrast  # was a fixed dark gold: ~2.3 on Lab Dark
        nb.screenshot("board-face-graphs-dark", board)
        nb.assert_no_page_errors()
    finally:
        set_lab_theme(nb, dark=False)


@pytest.fixture(scope="module")
def narrow_logdir(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("narrow")
    rng = np.random.default_rng(1)
    with SummaryWriter(str(root / "run")) as w:
        w.add_embedding(rng.normal(size=(120, 6)), metadata=[str(i % 4) for i in range(120)], tag="emb")
        w.add_mesh("cloud", vertices=rng.normal(size=(1, 150, 3)), global_step=0)
    for k in range(3):  # hparams sessions with long run names
        with SummaryWriter(str(root / f"session_with_a_long_name_{k}")) as w:
            w.add_hparams(
                {"learning_rate": 0.1 * (k + 1), "optimizer_name": "sgd", "batch_size": 32},
                {"metric/final_loss": 1.0 / (k + 1), "metric/final_accuracy": 0.5 + 0.1 * k},
                run_name=".",
            )
    return root


def _open_narrow(nb, board, kind):
    """Open tab `kind` at the board's full width (the tab bar is a menu when narrow), then 480 px."""
    board.evaluate("(el) => { el.style.width = ''; }")
    panel = dom.open_tab(nb, kind)
    board.evaluate("(el) => { el.style.width = '480px'; }")
    nb.page.wait_for_timeout(300)
    return panel


@pytest.mark.ui
def test_narrow_board_projector_mesh_hparams(lab, narrow_logdir):
    nb = lab()
    board = dom.show_board(nb, narrow_logdir).first
    nb.wait_idle()

    # -- projector: the side panel goes below, the plot keeps the board's width, the cloud fits it
    panel = _open_narrow(nb, board, "projector")
    plot = panel.locator("[data-jtb-projector-plot]").first
    nb.page.wait_for_function(
        "(el) => el.jtbScatter && Number(el.querySelector('[data-jtb-points]')?.dataset.jtbPoints) > 0",
        arg=plot.element_handle(),
    )
    widths = board.evaluate(
        "(el) => [el.clientWidth, el.querySelector('[data-jtb-projector-plot]').clientWidth]"
    )
    assert widths[1] >= 0.9 * widths[0], widths  # was ~half: the neighbours column kept its 230 px
    # every point inside the plot, also on a narrower (taller than wide) one: the view refits
    for width in (480, 320):
        board.evaluate("(el, w) => { el.style.width = `${w}px`; }", width)
        nb.page.wait_for_timeout(500)
        outside = plot.evaluate(
            """(el) => { const p = el.jtbScatter, w = el.clientWidth, h = el.clientHeight; let out = 0, n = 0;
                for (let i = 0; i < 120; i++) { const s = p.screenPosition(i); if (!s) continue; n++;
                  if (s[0] < 0 || s[0] > w || s[1] < 0 || s[1] > h) out++; }
                return [out, n, w, h]; }"""
        )
        assert outside[1] > 100 and outside[0] == 0, outside

    # -- mesh: every axis label inside its canvas, none over the middle of the cloud
    panel = _open_narrow(nb, board, "mesh")
    mesh = panel.locator("[data-jtb-mesh]").first
    nb.page.wait_for_function("(el) => (el.jtbMeshLabels || []).length >= 6", arg=mesh.element_handle())
    labels, size = mesh.evaluate("(el) => [el.jtbMeshLabels, [el.clientWidth, el.clientHeight]]")
    w, h = size
    for label in labels:
        assert w >= label["x"] + label["w"] / 2 and label["x"] - label["w"] / 2 >= 0, (label, size)
        assert h >= label["y"] + label["h"] / 2 and label["y"] - label["h"] / 2 >= 0, (label, size)
        # the middle fifth of the canvas (where the cloud's centre is drawn) holds no label
        assert abs(label["x"] - w / 2) > w / 10 or abs(label["y"] - h / 2) > h / 10, (label, size)
    assert {"x", "y", "z"} <= {label["text"] for label in labels}
    assert len(labels) == 9, labels  # every axis's minimum and maximum too (none lost at a shared corner)

    # -- hparams: the table scrolls inside its box, the run column stays where it was
    panel = _open_narrow(nb, board, "hparams")
    table = panel.locator("[data-jtb-hparams-table]").first
    nb.page.wait_for_function(
        "(el) => el.querySelectorAll('[data-jtb-session]').length === 3", arg=table.element_handle()
    )
    moved = table.evaluate(
        """(el) => { const box = el.parentElement, cell = el.querySelector('[data-jtb-session] td');
            const before = cell.getBoundingClientRect().left; box.scrollLeft = 400;
            return [box.scrollLeft, cell.getBoundingClientRect().left - before, box.scrollWidth > box.clientWidth,
                    document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1]; }"""
    )
    assert moved[2] and moved[0] > 0, moved  # the table is wider than the board: it scrolls in its box
    assert abs(moved[1]) <= 1, moved  # ... and the run column did not move with it
    assert moved[3], moved  # the page itself does not scroll sideways
    nb.screenshot("board-face-narrow-hparams", board)
    nb.assert_no_page_errors()
