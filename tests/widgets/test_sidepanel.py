"""What the kernel sends to ask for a side panel, and that the lab extension is installed.

The browser half (the panel opens, shows the same live model, and the fallbacks) is in
tests/ui/test_sidepanel_browser.py.
"""

import json
import subprocess
import sys
import threading
from pathlib import Path

import ipywidgets
import pytest
from IPython import get_ipython
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_tb.widgets import sidepanel
from jupyter_tb.widgets.sidepanel import SIDEPANEL_MIME, WIDGET_VIEW_MIME, show_in_sidebar, sidepanel_bundle

ROOT = Path(__file__).resolve().parents[2]


def shell():
    """IPython's test shell; started once per session, shared with tests/test_magic.py."""
    return start_ipython() or get_ipython()


@pytest.fixture(autouse=True)
def fresh_kernel_state(monkeypatch):
    """Each test starts as a fresh kernel would: the fallback note not yet shown."""
    monkeypatch.setattr(sidepanel, "_explained", threading.Event())


def test_bundle_names_the_widget_model_and_falls_back_to_it_inline():
    slider = ipywidgets.IntSlider(3)
    bundle = sidepanel_bundle(slider, title="runs <i>x</i>", anchor="right")

    assert bundle[SIDEPANEL_MIME] == {
        "model_id": slider.model_id,
        "title": "runs <i>x</i>",
        "anchor": "right",
    }
    assert json.loads(json.dumps(bundle)) == bundle  # plain JSON on the wire
    # First time in a kernel, the inline fallback is the widget under an explanation...
    first = bundle[WIDGET_VIEW_MIME]
    assert first["version_major"] == 2 and first["model_id"] != slider.model_id
    # ...after that, the widget itself (the explanation is given once).
    again = sidepanel_bundle(slider)[WIDGET_VIEW_MIME]
    assert again == {"version_major": 2, "version_minor": 0, "model_id": slider.model_id}
    assert again == slider._repr_mimebundle_()[WIDGET_VIEW_MIME]  # what ipywidgets itself sends
    assert sidepanel_bundle(slider)[SIDEPANEL_MIME]["anchor"] == "split-right"


def test_works_for_anywidget_models_too():
    import anywidget
    import traitlets

    class Tiny(anywidget.AnyWidget):
        _esm = "export default { render() {} };"
        value = traitlets.Int(0).tag(sync=True)

    tiny = Tiny()
    sidepanel_bundle(tiny)  # the first call's fallback is the explained wrapper
    bundle = sidepanel_bundle(tiny, title="t")
    assert bundle[SIDEPANEL_MIME]["model_id"] == tiny.model_id
    assert bundle[WIDGET_VIEW_MIME] == {"version_major": 2, "version_minor": 0, "model_id": tiny.model_id}


def test_first_fallback_explains_why_in_text():
    slider = ipywidgets.IntSlider()
    wrapper_id = sidepanel_bundle(slider)[WIDGET_VIEW_MIME]["model_id"]
    wrapper = ipywidgets.widgets.widget._instances[wrapper_id]
    note, shown = wrapper.children
    assert shown is slider
    assert "side panel needs JupyterLab" in note.value
    assert "<script" not in note.value


def test_show_in_sidebar_displays_one_output_with_both_mime_types():
    shell()
    slider = ipywidgets.IntSlider()
    with capture_output() as captured:
        show_in_sidebar(slider, title="board")
    [output] = captured.outputs
    assert output.data[SIDEPANEL_MIME]["model_id"] == slider.model_id
    assert WIDGET_VIEW_MIME in output.data
    assert "board" in output.data["text/plain"]


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((ipywidgets.IntSlider(),), ValueError, "anchor must be one of split-right, right"),
        ((object(),), TypeError, "needs a widget with a live model"),
    ],
)
def test_bad_requests_fail_before_anything_is_shown(args, error, match):
    kwargs = {"anchor": "left"} if error is ValueError else {}
    with pytest.raises(error, match=match):
        sidepanel_bundle(*args, **kwargs)
    with pytest.raises(TypeError, match="title must be a str"):
        sidepanel_bundle(ipywidgets.IntSlider(), title=3)
    assert not sidepanel._explained.is_set()  # the one explanation is not used up


def test_closed_widget_is_refused():
    slider = ipywidgets.IntSlider()
    slider.close()
    with pytest.raises(TypeError, match="live model"):
        sidepanel_bundle(slider)


def test_lab_extension_is_built_and_installed_where_jupyterlab_finds_it():
    built = json.loads((ROOT / "jupyter_tb" / "labextension" / "package.json").read_text())
    assert built["name"] == "jupyter-tb"
    assert built["jupyterlab"]["_build"]["extension"] == "./extension"
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [ln for ln in (listing.stdout + listing.stderr).splitlines() if "jupyter-tb" in ln]
    assert lines and "enabled" in lines[0] and "OK" in lines[0], listing.stdout + listing.stderr


def test_magic_side_flag_sends_the_boards_model_to_the_side_panel(tmp_path):
    from tensorboardX import SummaryWriter as TBXWriter

    from jupyter_tb import magic
    from jupyter_tb.widgets.dashboard import Dashboard
    from jupyter_tb.widgets.live_source import close_source

    with TBXWriter(str(tmp_path / "runs" / "a")) as w:
        w.add_scalar("loss", 1.0, 0)
    logdir = tmp_path / "runs"
    assert magic.parse(f"--logdir {logdir} --side")["side"] == "split-right"
    assert magic.parse(f"--logdir {logdir} --side right")["side"] == "right"
    assert magic.parse(f"--logdir {logdir}")["side"] is None
    with pytest.raises(ValueError, match="invalid choice: 'left'"):
        magic.parse(f"--logdir {logdir} --side left")

    ip = shell()
    ip.run_line_magic("load_ext", "jupyter_tb")
    try:
        with capture_output() as captured:
            ip.run_line_magic("tensorboard", f"--logdir {logdir} --side right")
        [output] = captured.outputs
        request = output.data[SIDEPANEL_MIME]
        board = ipywidgets.widgets.widget._instances[request["model_id"]]
        assert isinstance(board, Dashboard)
        assert request == {"model_id": board.model_id, "title": "TensorBoard: runs", "anchor": "right"}
    finally:
        close_source(logdir)
        ip.run_line_magic("unload_ext", "jupyter_tb")
