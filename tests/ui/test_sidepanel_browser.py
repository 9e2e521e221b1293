"""The side panel in a real JupyterLab (and its inline fallback in Notebook 7).

(Named *_browser so its module name differs from tests/test_sidepanel.py: pytest's default
import mode needs unique basenames across folders without __init__.py.)

The widget is a tiny anywidget whose view prints its ``value`` trait: the mechanism is
model-agnostic, and a board is just a bigger model. What is checked is what a user sees:
the panel opens beside the notebook, shows the SAME model (kernel-side changes made while
a cell is still running reach it), stays put while the notebook scrolls, and goes away
when the widget is closed in Python.
"""

import pytest

from tests.support import board_dom as dom
from tests.support import fixture_logdirs as fx

LIVE_WIDGET = '''
import anywidget, traitlets
from jupyter_tb.widgets.sidepanel import show_in_sidebar

class Live(anywidget.AnyWidget):
    _esm = """
    export default {
      render({ model, el }) {
        const d = document.createElement("div");
        d.className = "tb-live-value";
        const show = () => { d.textContent = `value ${model.get("value")}`; };
        model.on("change:value", show);
        show();
        el.appendChild(d);
        return () => model.off("change:value", show);
      }
    };
    """
    value = traitlets.Int(0).tag(sync=True)

w = Live()
show_in_sidebar(w, title="Live <b>board</b>")
'''

# Changes from the kernel while this cell is still running, like the reader thread's.
COUNT_WHILE_BUSY = """
import time
for i in range(1, 6):
    w.value = i
    time.sleep(0.3)
time.sleep(1)
"""

FILLER = "print('\\n'.join(map(str, range(60))))"

PANEL = ".jp-tb-SidePanel"


def panel_box(nb):
    return nb.page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return [r.x, r.y, r.width, r.height]; }""",
        PANEL,
    )


@pytest.mark.ui
def test_side_panel_shows_live_view_of_same_model(lab):
    nb = lab()
    nb.open([LIVE_WIDGET, COUNT_WHILE_BUSY, *[FILLER] * 6, "w.close()"])
    nb.run_cell(0)

    panel = nb.page.locator(PANEL)
    panel.wait_for(state="visible")
    assert panel.locator(".tb-live-value").inner_text() == "value 0"
    # The panel sits beside the notebook (a main-area split), not inside it.
    assert nb.scoped(PANEL).count() == 0
    note = nb.wait_output(".jp-tb-SideNote")
    assert "is shown in the side panel" in note.inner_text()
    # The title is user text: shown literally, never parsed as markup.
    assert "Live <b>board</b>" in note.inner_text()
    tab_label = nb.page.locator(".lm-TabBar-tab", has_text="Live <b>board</b>")
    assert tab_label.count() == 1
    # The kernel still rendered no inline board in Lab: only the note.
    assert nb.scoped(".tb-live-value").count() == 0

    # Live: values set while the cell still runs (kernel busy) reach the panel's view.
    nb.page.evaluate(
        """(sel) => {
            window.__tbSeen = [];
            const ctx = window.jupyterapp.shell.currentWidget.sessionContext;
            const el = document.querySelector(sel + ' .tb-live-value');
            new MutationObserver(() => window.__tbSeen.push(
                [el.textContent, ctx.session.kernel.status === 'busy']))
              .observe(el, { childList: true, characterData: true, subtree: true });
        }""",
        PANEL,
    )
    nb.run_cell(1)
    nb.page.wait_for_function(
        "(sel) => document.querySelector(sel + ' .tb-live-value').textContent === 'value 5'",
        arg=PANEL,
    )
    seen = nb.page.evaluate("() => window.__tbSeen")
    values = [int(text.split()[1]) for text, _ in seen]
    assert values == sorted(values) and values[-1] == 5, seen
    assert len({v for (text, busy), v in zip(seen, values) if busy}) >= 3, seen
    nb.wait_idle()

    # Stays visible while the notebook scrolls.
    for i in range(2, 8):
        nb.run_cell(i)
    nb.wait_idle()
    before = panel_box(nb)
    scrolled = nb.page.evaluate(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content.node;
                   const s = nb.querySelector('.jp-WindowedPanel-outer') || nb;
                   // halfway: the very bottom is JupyterLab's empty scroll-past-end space
                   s.scrollTop = (s.scrollHeight - s.clientHeight) / 2; return s.scrollTop; }"""
    )
    assert scrolled > 500
    nb.page.wait_for_timeout(500)  # let the windowed notebook draw the cells now in view
    assert panel_box(nb) == before
    assert panel.is_visible()
    nb.screenshot("sidepanel-lab")

    # Closed by the user, the panel comes back from the note's button, still live.
    nb.page.locator(".lm-TabBar-tab", has_text="Live <b>board</b>").locator(".lm-TabBar-tabCloseIcon").click()
    panel.wait_for(state="detached")
    nb.scoped(".jp-tb-SideNote-show").click()
    panel.wait_for(state="visible")
    assert panel.locator(".tb-live-value").inner_text() == "value 5"

    # Closing the widget in Python closes its panel.
    nb.run_cell(8)
    panel.wait_for(state="detached")
    nb.wait_idle()
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_notebook7_shows_board_inline_with_reason(notebook7):
    nb = notebook7()
    nb.open([LIVE_WIDGET, COUNT_WHILE_BUSY])
    nb.run_cell(0)
    value = nb.wait_output(".tb-live-value")
    assert value.inner_text() == "value 0"
    assert "side panel needs JupyterLab" in nb.cell_text(0)
    nb.run_cell(1)
    nb.page.wait_for_function(
        "(id) => document.getElementById(id).querySelector('.tb-live-value').textContent === 'value 5'",
        arg=nb.widget_id,
    )
    nb.screenshot("sidepanel-notebook7-inline")
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_lab_without_the_extension_falls_back_inline_and_explains_once(lab):
    """What VS Code, Colab or a Lab without the extension do: render the widget-view
    alternative of the same output. Simulated in real Lab by unregistering our renderer
    from this notebook's rendermime registry."""
    nb = lab()
    nb.open([LIVE_WIDGET, "show_in_sidebar(w, title='again')"])
    nb.page.evaluate(
        "(mime) => window.jupyterapp.shell.currentWidget.content.rendermime.removeMimeType(mime)",
        "application/vnd.jupyter-tb.sidepanel+json",
    )
    nb.run_cell(0)
    nb.wait_output(".tb-live-value")
    nb.run_cell(1)
    nb.wait_idle()
    nb.page.wait_for_function(
        "(id) => document.getElementById(id).querySelectorAll('.tb-live-value').length === 2",
        arg=nb.widget_id,
    )
    assert "side panel needs JupyterLab" in nb.cell_text(0)
    assert "side panel needs JupyterLab" not in nb.cell_text(1)  # explained once
    assert nb.page.locator(PANEL).count() == 0
    nb.assert_no_page_errors()


def board_in_sidebar_cells(logdir) -> list[str]:
    return [
        "import shutil, tempfile, jupyter_tb\n"
        f"logdir = shutil.copytree({str(logdir)!r}, tempfile.mkdtemp() + '/runs')\n"
        "board = jupyter_tb.board(logdir)\n"
        "board.show_in_sidebar()",
        # The same kernel's writer appends to a run while the board shows in the panel.
        "from jupyter_tb.writing.summary_writer import SummaryWriter\n"
        "w = SummaryWriter(logdir + '/train')\n"
        f"for step in range({fx.SCALAR_STEPS}, {fx.SCALAR_STEPS + 10}):\n"
        "    w.add_scalar('loss/total', 0.1, step)\n"
        "w.flush()",
        "board.close()",
    ]


def panel_points(nb, tag: str, expected: int):
    nb.page.wait_for_function(
        "([panel, sel, n]) => { const c = document.querySelector(panel + ' ' + sel);"
        " return c && Number(c.getAttribute('data-jtb-points')) === n; }",
        arg=[PANEL, dom.chart(tag), expected],
    )


@pytest.mark.ui
def test_board_in_side_panel_is_live(lab, basic_logdir):
    nb = lab()
    nb.open(board_in_sidebar_cells(basic_logdir))
    nb.run_cell(0)
    board = nb.page.locator(PANEL).locator(dom.DASHBOARD)
    board.wait_for(state="visible")
    assert nb.page.locator(".lm-TabBar-tab", has_text="TensorBoard: runs").count() == 1
    full = len(fx.RUNS) * fx.SCALAR_STEPS
    panel_points(nb, "loss/total", full)
    for run in fx.RUNS:
        assert board.locator(dom.attr("run-toggle", run)).is_checked()

    nb.run_cell(1)  # new points reach the panel's view of the same model
    panel_points(nb, "loss/total", full + 10)
    nb.wait_idle()
    nb.screenshot("sidepanel-lab-board")

    nb.run_cell(2)
    nb.page.locator(PANEL).wait_for(state="detached")
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_right_sidebar_anchor_and_kernel_restart_closes_panels(lab):
    nb = lab()
    nb.open([LIVE_WIDGET, "show_in_sidebar(w, title='In the sidebar', anchor='right')"])
    nb.run_all()
    panels = nb.page.locator(PANEL)
    in_sidebar = nb.page.locator("#jp-right-stack").locator(PANEL)
    in_sidebar.wait_for(state="visible")
    assert in_sidebar.locator(".tb-live-value").inner_text() == "value 0"
    assert panels.count() == 2  # the split-right one of cell 0, and this one
    nb.wait_idle()
    nb.screenshot("sidepanel-lab-right-sidebar")
    nb.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    nb.page.wait_for_function("(sel) => !document.querySelector(sel)", arg=PANEL)
    nb.wait_kernel()  # the models died with the kernel: no stale boards remain
    nb.assert_no_page_errors()


@pytest.mark.ui
def test_magic_side_flag_opens_the_board_beside_the_notebook(lab, basic_logdir):
    nb = lab()
    nb.open(
        [
            f"import shutil, tempfile\nlogdir = shutil.copytree({str(basic_logdir)!r}, tempfile.mkdtemp() + '/runs')",
            "%load_ext jupyter_tb\n%tensorboard --logdir $logdir --side",
        ]
    )
    nb.run_all()
    nb.page.locator(PANEL).locator(dom.DASHBOARD).wait_for(state="visible")
    panel_points(nb, "loss/total", len(fx.RUNS) * fx.SCALAR_STEPS)
    assert "is shown in the side panel" in nb.wait_output(".jp-tb-SideNote").inner_text()
    nb.assert_no_page_errors()
