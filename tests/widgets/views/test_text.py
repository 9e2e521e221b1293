"""Text view: what reaches the browser for text logged by tensorboardX and torch (no browser)."""

import numpy as np
import pytest
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb.widgets.views.text import MAX_TEXT_CHARS, Text, text_value
from tests.support.widget_capture import make_view

XSS = "<img src=x onerror=alert(1)> **bold** <script>alert(2)</script>"


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "a")) as w:
        w.add_text("notes", "| k | v |\n|---|---|\n| lr | 0.1 |", 0)
        w.add_text("notes", XSS, 5)
    return tmp_path


def make(logdir, **traits):
    return make_view(Text, logdir, reload_interval=0.1, **traits)


def test_snapshot_holds_every_step_as_logged(logdir, outbox, live_sources):
    w = make(logdir)
    reset = outbox.of(w)[0]
    assert reset["type"] == "reset" and reset["runs"] == ["a"]
    (tag,) = reset["tags"]["a"]  # tensorboardX appends "/text_summary", like torch
    assert tag.startswith("notes")
    (entries,) = outbox.of(w, "entries")
    assert entries["replace"] is True
    np.testing.assert_array_equal(entries["steps"], [0, 5])
    # the strings travel verbatim: sanitising is the browser's job, at render time
    assert entries["values"] == ["| k | v |\n|---|---|\n| lr | 0.1 |", XSS]


def test_live_appends_only_new_steps(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    # a second file in the same run (tensorboardX names files by the second: keep them apart)
    with TBXWriter(str(logdir / "a"), filename_suffix=".more") as writer:
        writer.add_text("notes", "third", 9)
    (delta,) = outbox.wait_for(w, lambda m: m.get("type") == "entries", timeout=15)
    assert delta["replace"] is False
    assert list(delta["steps"]) == [9] and delta["values"] == ["third"]


def test_table_shaped_text_and_oversized_strings():
    table = np.array([[b"a", b"b"], [b"c", "\u00e9".encode()]], dtype=object)
    assert text_value(table) == {"rows": [["a", "b"], ["c", "\u00e9"]]}
    assert text_value(np.array([b"x", b"y"], dtype=object)) == {"rows": [["x"], ["y"]]}
    long = "z" * (MAX_TEXT_CHARS + 10)
    clipped = text_value(long)
    assert clipped.startswith("z" * MAX_TEXT_CHARS) and "10 more characters" in clipped
