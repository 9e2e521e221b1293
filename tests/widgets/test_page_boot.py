"""The bootstrap output beside each board (jupyter_tb/widgets/page_boot.py): one inline module
script, the built static/page_boot.js, that nothing in it can close early; and a board's display
emits it right after the board's own output (widget view + picture)."""

from __future__ import annotations

import re

from jupyter_tb.widgets.library import static_file
from jupyter_tb.widgets.page_boot import boot_html


def test_the_bootstrap_is_one_small_inline_module_script():
    text = boot_html()
    assert text.startswith('<script type="module" data-jtb-page-boot>') and text.endswith("</script>")
    body = text[text.index(">") + 1 : -len("</script>")]
    assert not re.search(r"</script|<!--", body, re.IGNORECASE)
    assert len(static_file("page_boot.js").read_bytes()) < 4096  # it rides along every board
    # inert outside a page with saved widget state; imports nothing but the state's library
    assert "application/vnd.jupyter.widget-state+json" in body and "createObjectURL" in body


def test_a_displayed_board_emits_the_bootstrap_after_its_output(tmp_path, monkeypatch):
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    import jupyter_tb
    import jupyter_tb.api
    from jupyter_tb import SummaryWriter

    with SummaryWriter(str(tmp_path / "a")) as w:
        w.add_scalar("loss", 1.0, 0)
    shell = start_ipython() or get_ipython()  # None when another module started it
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, metadata=None, **kw: shown.append(data))
    board = jupyter_tb.board(str(tmp_path))
    try:
        board._ipython_display_()
    finally:
        board.close()
        jupyter_tb.api.close(str(tmp_path))
    assert "application/vnd.jupyter.widget-view+json" in shown[0]
    assert shown[1] == {"text/html": boot_html()}
