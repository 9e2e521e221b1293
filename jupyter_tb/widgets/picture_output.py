"""The static picture in a view's output, kept current when cells finish.

A view is displayed (``display(board)``, the ``%tensorboard`` magic, a board as a cell's last
expression) as ``display_data`` with a display id: the widget view beside ``image/png`` and
``text/plain`` from :mod:`jupyter_tb.widgets.static_picture`. Front ends with widgets show
the board; GitHub, nbviewer, plain ``nbconvert`` and nbclient/papermill outputs keep the
picture. After every cell (IPython's ``post_run_cell``) the picture of each displayed view
whose data changed is redrawn and sent with ``update_display``, so a notebook saves the board
as it was when its last cell finished: executed by nbclient/papermill (before the cell's end
returns), and in a browser too (moments later, on a background thread; there JupyterLab re-renders the output in place; the renderer library moves the live board's
DOM into the new view instead of rebuilding it: ``render`` in js/src/lib.js). The compact
record of :mod:`jupyter_tb.widgets.replay_record` goes into the ``_replay`` trait, which the
browser's saved widget state carries.
"""

from __future__ import annotations

import threading
import weakref

# seconds the end of a cell waits for a displayed board's first read (only while no browser
# has rendered it: nbclient/papermill), so the saved picture has the data
LOAD_WAIT = 10.0

_displayed: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # display id -> view
_fingerprints: dict[str, tuple] = {}  # display id -> fingerprint of the picture shown
_replayed: dict[str, tuple] = {}  # display id -> (fingerprint, budget) of the replay record saved
_hook_lock = threading.Lock()
_hooked_shell = None


def _fingerprint(view) -> tuple:
    """Changes when what the picture shows may have changed."""
    logdir = view.logdir
    return (
        tuple(logdir.progress),
        tuple(logdir.runs),
        tuple(sorted((view.run_colors or {}).items())),
        tuple(view.deselected_runs),
        repr(getattr(view, "settings", None) or getattr(view, "smoothing", None)),
    )


def picture(view) -> dict[str, str]:
    """The picture bundle of ``view`` (empty for views without a logdir, or when drawing fails:
    the widget still shows)."""
    if getattr(view, "source", None) is None:
        return {}
    from jupyter_tb.widgets.static_picture import picture_bundle

    try:
        return picture_bundle(view, title=_title(view))
    except Exception as error:  # a picture is a bonus: never lose the widget over it
        return {"text/plain": f"jupyter-tb: no static picture ({type(error).__name__}: {error})"}


def _title(view) -> str:
    key = getattr(view.source, "key", None)
    name = f"jupyter-tb {type(view).__name__}"  # "jupyter-tb Dashboard: runs"
    return f"{name}: {key}" if isinstance(key, str) else name


def bundle(view, widget_data: dict) -> dict:
    """The widget's mimebundle data with the picture beside the widget view (of what is read
    so far: the display never waits, a browser shows the load's progress)."""
    data = dict(widget_data)
    data.update(picture(view))
    return data


def display_view(view, widget_data: dict, metadata: dict) -> None:
    """Display ``view`` with its picture under a display id (updated after cells finish)."""
    from IPython.display import display

    display_id = f"jupyter-tb-{view._uid}"
    data = bundle(view, widget_data)
    display(data, raw=True, metadata=metadata, display_id=display_id)
    if getattr(view, "source", None) is not None:
        from jupyter_tb.widgets.page_boot import display_boot

        display_boot()  # draws the saved board on an nbconvert page (inert elsewhere)
        _displayed[display_id] = view
        _fingerprints[display_id] = _fingerprint(view)
        _hook()


def _hook() -> None:
    global _hooked_shell
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    with _hook_lock:
        if shell is None or shell is _hooked_shell:
            return
        shell.events.register("post_run_cell", refresh_pictures)
        _hooked_shell = shell


def refresh_pictures(*_args) -> int:
    """After a cell: redraw the pictures (and saved records) of displayed views whose data
    changed; returns how many were redrawn here. A view no browser has rendered (nbclient,
    papermill) is redrawn before the cell's end returns, since its output is saved as the
    kernel goes idle; views a browser shows are redrawn on the background refresher, so the
    end of a cell never waits for them (1-2 s on a logdir of millions of points)."""
    updated = 0
    for display_id, view in list(_displayed.items()):
        if view.comm is None:  # closed
            _displayed.pop(display_id, None)
            continue
        if getattr(view, "_rendered_by_browser", False):
            _refresher.request(display_id)
            continue
        view.source.wait_loaded(LOAD_WAIT)
        updated += _refresh(display_id, view)
    return updated


def _refresh(display_id: str, view) -> int:
    """Redraw one view's picture and saved record if its data changed; 1 if the picture was."""
    from IPython.display import update_display

    fingerprint = _fingerprint(view)
    if (fingerprint, _budget(view)) != _replayed.get(display_id):
        _replayed[display_id] = (fingerprint, _budget(view))
        _save_replay(view)
    if fingerprint == _fingerprints.get(display_id):
        return 0
    _fingerprints[display_id] = fingerprint
    widget_data, metadata = _widget_bundle(view)
    update_display(bundle(view, widget_data), raw=True, metadata=metadata, display_id=display_id)
    return 1


class _Refresher:
    """One daemon thread redrawing the pictures of views a browser shows, requests coalesced
    (a burst of cells while one redraw runs gives one more redraw, not one each)."""

    def __init__(self) -> None:
        self._wanted: set[str] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self.busy = False  # a redraw is running (tests wait on it)

    def request(self, display_id: str) -> None:
        with self._wake:
            self._wanted.add(display_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="jupyter_tb-pictures", daemon=True)
                self._thread.start()
            self._wake.notify()

    def idle(self, timeout: float) -> bool:
        """Wait until nothing is wanted or running (for tests); True if it got there."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._wanted and not self.busy, timeout)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._wanted)
                wanted, self._wanted = self._wanted, set()
                self.busy = True
            try:
                for display_id in sorted(wanted):
                    view = _displayed.get(display_id)
                    if view is not None and view.comm is not None:
                        try:
                            _refresh(display_id, view)
                        except Exception as error:  # a picture is a bonus: keep the thread alive
                            view.errors.append(f"picture: {type(error).__name__}: {error}")
            finally:
                with self._wake:
                    self.busy = False
                    self._wake.notify_all()


_refresher = _Refresher()


def _budget(view) -> int:
    """Bytes the saved record may hold: the board's ``saved_bytes`` (views alone: the default)."""
    from jupyter_tb.widgets.replay_record import REPLAY_BYTES

    return getattr(view, "saved_bytes", REPLAY_BYTES)


def _save_replay(view) -> None:
    """Put the board's compact record in its ``_replay`` trait (saved with the notebook's
    widget state; empty when its budget is 0)."""
    from jupyter_tb.widgets.replay_record import replay_json

    budget = _budget(view)
    try:
        view._replay = replay_json(view, budget) if budget > 0 else ""
    except Exception as error:  # the live board is unaffected; only the saved copy is older
        view.errors.append(f"replay record: {type(error).__name__}: {error}")


def _widget_bundle(view) -> tuple[dict, dict]:
    """anywidget's own (data, metadata) for the view (no picture)."""
    from anywidget import AnyWidget

    result = AnyWidget._repr_mimebundle_(view)
    return result if isinstance(result, tuple) else (result, {})
