"""The one widget model per kernel that carries the heavy front-end bundle (static/lib.js).

Every view widget's own ``_esm`` is the tiny static/widget.js; it references this model
(``View._lib``) and waits until the library's ``initialize`` has published its renderers.
anywidget sends and saves a widget's whole ``_esm`` per instance, so keeping the heavy code
on a single shared model means it reaches the page, and the saved notebook, once.
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
        if _library is None or _library.comm is None:
            _library = _Library()
        return _library
