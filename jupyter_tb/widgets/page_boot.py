"""The tiny output after each board's output that draws the board on an nbconvert page.

``jupyter nbconvert --to html`` of a notebook saved with its widget state (and nbviewer) makes a
page that draws widgets with @jupyter-widgets/html-manager and anywidget loaded from a CDN: opened
offline it draws nothing. The page does hold the whole widget state, with the renderer library
(the ``_Library`` model's ``_esm``) and each board's saved record (``_replay``). This output is a
``text/html`` ``<script>`` (static/page_boot.js, ~1.6 KB, built from js/src/page_boot.js) that
mounts those records there when the widget renderer cannot; everywhere else it does nothing
(JupyterLab, Notebook 7 and VS Code keep no widget-state element in the page; GitHub strips
scripts). It is a separate output because a front end shows one mimetype per output, and the
board's own output must keep the widget view and the static picture.
"""

from __future__ import annotations

import functools

from jupyter_tb.widgets.export import inline_script
from jupyter_tb.widgets.library import static_file

MIMETYPE = "text/html"


@functools.cache
def boot_html() -> str:
    script = static_file("page_boot.js").read_text(encoding="utf-8")
    return f'<script type="module" data-jtb-page-boot>{inline_script(script)}</script>'


def display_boot() -> None:
    """Display the bootstrap output (call right after a board's own output); nothing when the
    bundle was not built (the board itself still shows)."""
    from IPython.display import display

    try:
        html = boot_html()
    except RuntimeError:
        return
    display({MIMETYPE: html}, raw=True, metadata={"jupyter-tb": {"page_boot": True}})
