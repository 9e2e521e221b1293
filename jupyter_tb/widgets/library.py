"""The one widget model per kernel that carries the heavy front-end bundle (static/lib.js).

Every view widget's own ``_esm`` is the tiny static/widget.js; it references this model
(``View._lib``) and waits until the library's ``initialize`` has published its renderers.
anywidget sends and saves a widget's whole ``_esm`` per instance, so keeping the heavy code
on a single shared model means it reaches the page, and the saved notebook, once.

Other anywidget hosts (js/src/widget.js holds the browser side of each point):

- marimo instantiates a model in the browser only when something displays it or asks for it
  with ``host.getWidget`` (which it implements): the library arrives that way, a dashboard's
  tabs are brought up by their ``_uid`` (= their model id), and a view's pushed snapshot,
  sent before its model ran, is asked for again with "hello" and, while the kernel is too
  busy to answer, sent again unasked (widgets/redelivery.py). It draws views inside a shadow
  root, so widget.js adopts the library's stylesheet there. It closes a cell's models when
  the cell runs again, so a closed library is replaced here. ``marimo run`` serves each page
  its own session in threads of one process: one library per session. A model opened outside
  a session's thread (a tab the dashboard adds from its reader thread) is sent nowhere by
  marimo: views remember their session and such a model is opened again there.
- A host without ``host.getWidget`` that never loads an undisplayed model: widget.js asks
  the view's own channel for the library ("library", answered with lib.js as one binary
  buffer by ``View``) and imports it from a Blob URL, once per page. Chosen over a
  self-contained ``_esm`` per view, which would carry 900 KB per view into every page and
  saved notebook; Blob imports work wherever anywidget does, which loads ``_esm`` that way.
"""

from __future__ import annotations

import contextlib
import pathlib
import sys
import threading
import weakref

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
# (weak reference to the marimo session, or None) and its library, by id of the session
_libraries: dict[int | None, tuple[weakref.ref | None, _Library]] = {}


_acting = threading.local()  # .session: the marimo session a reader or timer thread works for


def marimo_session():
    """The marimo session this code runs in or works for, if any: ``marimo run`` serves each
    page its own session, in threads of one process, and a model opened in one is unknown to
    the others."""
    context = sys.modules.get("marimo._runtime.context")  # only when marimo runs this
    get = getattr(context, "safe_get_context", None)
    try:
        session = get() if get else None
    except Exception:  # another marimo version: one library, as in Jupyter
        session = None
    return session if session is not None else getattr(_acting, "session", None)


@contextlib.contextmanager
def acting_for(session):
    """This thread works for ``session`` (a view's reader-thread flush): models it opens, a
    dashboard's new tabs, belong there (:func:`open_in_session`)."""
    before = getattr(_acting, "session", None)
    _acting.session = session
    try:
        yield
    finally:
        _acting.session = before


def open_in_session(widget, session) -> None:
    """marimo sends a model opened outside its sessions' threads nowhere: bind the comm to
    ``session`` and open the model again there (its ESM then travels as a data URL)."""
    comm = widget.comm
    if (
        session is None
        or getattr(comm, "kernel", None) != "marimo"
        or getattr(comm, "_stream", 0) is not None
    ):
        return
    from ipywidgets.widgets.widget import _remove_buffers

    comm._stream = session.stream
    state, buffer_paths, buffers = _remove_buffers(widget.get_state())
    comm._open(data={"state": state, "buffer_paths": buffer_paths, "method": "open"}, buffers=buffers)


def _usable(entry, session) -> bool:
    ref, lib = entry
    if ref is not None and ref() is not session:
        return False
    # marimo closes the models of a cell that runs again: its comm then says so
    return lib.comm is not None and not getattr(lib.comm, "_closed", False)


def library() -> _Library:
    """The library model of this kernel (or marimo session), created on first use and again
    if it was closed."""
    session = marimo_session()
    key = None if session is None else id(session)
    with _lock:
        for stale in [k for k, (ref, _) in _libraries.items() if ref is not None and ref() is None]:
            del _libraries[stale]
        entry = _libraries.get(key)
        if entry is None or not _usable(entry, session):
            entry = (None if session is None else weakref.ref(session), _Library())
            _libraries[key] = entry
        return entry[1]
