"""Show a widget in JupyterLab's side panel, with an inline fallback everywhere else.

The kernel cannot ask the front-end a question and wait for the answer inside one cell
(replies arrive on the shell channel, which the running cell blocks), so there is no
handshake. Instead one output carries two mime types:

- ``application/vnd.jupyter-tb.sidepanel+json`` ``{model_id, title, anchor}``: the
  jupyter-tb JupyterLab extension ranks it first, opens a second view of the SAME widget
  model beside the notebook (so live updates from the reader thread keep flowing) and
  leaves a one-line note in the cell;
- ``application/vnd.jupyter.widget-view+json``: what every other front-end (Notebook 7's
  page, VS Code, Colab, Lab without the extension) renders instead. The first time in a
  kernel that view is the widget under a one-line explanation; after that, the widget alone.

The side panel is a main-area split beside the notebook by default (``anchor=
"split-right"``): a board needs the width of half a screen, which JupyterLab's right
sidebar seldom has; ``anchor="right"`` puts it in the right sidebar instead. Both stay
put while the notebook scrolls.
"""

from __future__ import annotations

import os
import threading

SIDEPANEL_MIME = "application/vnd.jupyter-tb.sidepanel+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
ANCHORS = ("split-right", "right")
DEFAULT_TITLE = "TensorBoard"
FALLBACK_NOTE = (
    "jupyter-tb: the side panel needs JupyterLab with the jupyter-tb extension "
    "(installed with the package); this front-end does not have it, so the board is shown here."
)

_explained = threading.Event()  # the fallback explanation is offered once per kernel


def sidepanel_bundle(widget, *, title: str | None = None, anchor: str = "split-right") -> dict:
    """The mime bundle asking the front-end to show ``widget`` in its side panel.

    ``widget`` is any ipywidgets/anywidget DOM widget; ``title`` (the panel's tab label)
    defaults to "TensorBoard: <logdir name>" for a board. Raises ``ValueError`` for an
    unknown ``anchor`` and ``TypeError`` for a non-widget, before anything is displayed.
    """
    if title is None:
        title = default_title(widget)
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {', '.join(ANCHORS)}; got {anchor!r}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    model_id = getattr(widget, "model_id", None)
    if not isinstance(model_id, str) or not model_id:
        raise TypeError(f"show_in_sidebar needs a widget with a live model; got {type(widget).__name__}")
    fallback = widget if _explained.is_set() else _explained_widget(widget)
    _explained.set()
    return {
        SIDEPANEL_MIME: {"model_id": model_id, "title": title, "anchor": anchor},
        WIDGET_VIEW_MIME: _widget_view(fallback),
        "text/plain": f"{title} (jupyter-tb board; shown in JupyterLab's side panel)",
    }


def show_in_sidebar(widget, *, title: str | None = None, anchor: str = "split-right") -> None:
    """Display ``widget`` in JupyterLab's side panel (inline, with a note, elsewhere)."""
    from IPython.display import display

    display(sidepanel_bundle(widget, title=title, anchor=anchor), raw=True)


def default_title(widget) -> str:
    """ "TensorBoard: runs" for a board reading .../runs; "TensorBoard" for anything else."""
    key = getattr(getattr(widget, "source", None), "key", None)
    if not isinstance(key, str) or not key:
        return DEFAULT_TITLE
    name = os.path.basename(key.rstrip("/\\")) or key
    return f"{DEFAULT_TITLE}: {name}"


def _widget_view(widget) -> dict:
    # Widget-view protocol 2.0, as ipywidgets 7 and 8 both write it. (Not taken from
    # the widget's _repr_mimebundle_, whose return shape differs between libraries.)
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}


def _explained_widget(widget):
    import html

    import ipywidgets

    # HTML rather than Label, which clips long text to one line; the note is our constant.
    note = ipywidgets.HTML(f"<em>{html.escape(FALLBACK_NOTE)}</em>")
    note.add_class("jtb-sidepanel-fallback-note")
    return ipywidgets.VBox([note, widget])
