"""The one widget model per kernel that carries the heavy front-end bundle (static/lib.js).

Every view widget's own ``_esm`` is the tiny static/widget.js; it references this model
(``View._lib``) and waits until the library's ``initialize`` has published its renderers.
anywidget sends and saves a widget's whole ``_esm`` per instance, so keeping the heavy code
on a single shared model means it reaches the page, and the saved notebook, once.

Other anywidget hosts (js/src/widget.js holds the browser side of each point):

- marimo instantiates a model in the browser only when something displays it or asks for it
  with ``host.getWidget`` (which it implements): the library arrives that way, a dashboard's
  tabs are brought up by their ``_uid`` (= their model id), and a view's pushed snapshot,
  sent before its model ran, is asked for again with "hello". It draws views inside a shadow
  root, so widget.js adopts the library's stylesheet there. It closes a cell's models when
  the cell runs again, so a closed library is replaced here.
- A host without ``host.getWidget`` that never loads an undisplayed model: widget.js asks
  the view's own channel for the library ("library", answered with lib.js as one binary
  buffer by ``View``) and imports it from a Blob URL, once per page. Chosen over a
  self-contained ``_esm`` per view, which would carry 900 KB per view into every page and
  saved notebook; Blob imports work wherever anywidget does, which loads ``_esm`` that way.
"""

from __future__ import annotations

import pathlib
import threading

import anywidget

STATIC = pathlib.Path(__file__).resolve().parent.parent / "static"


def static_file(name: str) -> pathlib.Path:
    path = STATIC / name
    if not path.exists():
        raise RuntimeError(
            f"{path} is missing: the front-end bundle was not built. "
            "Run `cd js && npm install && npm run build` (pip install builds it too)."
        )
    return path


class _Library(anywidget.AnyWidget):
    """Never displayed: exists so its ESM (the renderer library) loads once per page."""

    _esm = static_file("lib.js")


_lock = threading.Lock()
_library: _Library | None = None


def library() -> _Library:
    """The kernel's library model, created on first use (and again if it was closed)."""
    global _library
    with _lock:
        # marimo closes the models of a cell that runs again: its comm then says so
        if _library is None or _library.comm is None or getattr(_library.comm, "_closed", False):
            _library = _Library()
        return _library
