"""View-plugin API: how a view (a dashboard tab, also usable alone) is built.

A view is a Python class (this module) plus a JS module (``js/src/views/<kind>.js``, API at
the top of ``js/src/views/index.js``). Both sides share one wire protocol over the widget's
comm; nothing but small knobs lives in synced traits, so saved notebooks stay small.

Python side
-----------
::

    from jupyter_tb.widgets.base import View, register_view

    @register_view(title="PR curves", order=40)
    class PrCurves(View):
        _kind = traitlets.Unicode("pr_curves").tag(sync=True)   # names the JS module
        kinds = ("pr_curves",)          # Logdir kinds this view shows (tab appears when present)

        def snapshot(self) -> list[dict]:
            # Full state for a browser that knows nothing. First message must have
            # type "reset". Called on creation and when a reloaded page says "hello".
            return [{"type": "reset", ...}, {"type": "curves", "data": np_array, ...}]

        def updates(self, changes: set[tuple[str, str, str]]) -> list[dict]:
            # Deltas for changed (run, kind, tag); runs on the watcher thread, throttled to
            # at most one call per `update_interval` seconds. Send only what is new.
            return [...]

        def request_curve(self, run: str, tag: str, step: int) -> dict:
            # JS `ctx.request("curve", {run, tag, step})` lands here (when the kernel is idle)
            # and the returned dict is the reply (numpy arrays allowed anywhere in it).
            return {"values": array}

- Most views show per-(run, tag) series of one kind: subclass :class:`TaggedView` instead
  and implement only ``series_messages(run, tag)`` (everything for a (run, tag) missing from
  ``self.sent``, else only what is new); it builds the reset/catalog/delta flow above.
- Messages are dicts; any numpy array (or bytes) anywhere inside becomes a binary buffer
  (:mod:`jupyter_tb.widgets.wire`) and arrives in JS as a typed array. Never put float
  lists into JSON.
- ``self.logdir`` is the reader (the :class:`~jupyter_tb.reading.protocol.Reader` protocol:
  use nothing else of it), shared by every view of the same logdir in the kernel;
  ``self.post(message)`` sends one message at any time from any thread.
- Public traits are knobs users set and read (``runs``, ``tags``, ``selected_runs`` ...);
  ``selected_runs`` / ``deselected_runs`` and ``run_colors`` are two-way: the browser writes
  them back when the user toggles or recolours runs and when runs appear.
- ``register_view`` makes the class a dashboard tab: the dashboard creates one instance when
  the logdir has data of one of ``kinds`` (or when ``has_data(logdir)`` says so). Put the
  module in ``jupyter_tb/widgets/``: every module there is imported by
  :func:`jupyter_tb.widgets.discover`.
- Helpers: ``run_names()`` / ``tags_of(run, kind)`` (after the ``runs``/``tags`` filters),
  ``catalog_message()`` / ``catalog_update()`` (runs and tags, sent again only on change),
  ``kept(n, kind)`` (indices honouring ``--samples_per_plugin``).
- Constructor: ``YourView(source, runs="regex", tags="regex", **traits)`` where ``source`` is
  a :class:`~jupyter_tb.widgets.live_source.LiveSource` (``open_source(logdir)``); the board
  helpers in :mod:`jupyter_tb.board` build it from a logdir path.
"""

from __future__ import annotations

import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import anywidget
import traitlets

from jupyter_tb.reading.protocol import Reader
from jupyter_tb.widgets.library import (
    _Library,
    acting_for,
    library,
    marimo_session,
    open_in_session,
    static_file,
)
from jupyter_tb.widgets.redelivery import Redelivery, drops_early_messages
from jupyter_tb.widgets.wire import pack

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _widget_ref(value, _widget) -> str | None:
    """anywidget's wire form of a widget reference (``host.getWidget`` resolves it)."""
    return None if value is None else f"anywidget:{value.model_id}"


def compile_filter(pattern: str | None, what: str) -> re.Pattern | None:
    """A user's regex (``runs=``, ``tags=``) or a clear error naming the option."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{what}={pattern!r} is not a valid regular expression: {error}") from None


class View(anywidget.AnyWidget):
    """Base of every jupyter-tb view widget (see the module docstring)."""

    _esm = static_file("widget.js")
    _kind = traitlets.Unicode("").tag(sync=True)
    _lib = traitlets.Instance(_Library, allow_none=True).tag(sync=True, to_json=_widget_ref)
    _uid = traitlets.Unicode("").tag(sync=True)
    # the board's last data for a saved notebook opened without a kernel (widgets/replay_record.py)
    _replay = traitlets.Unicode("").tag(sync=True)

    runs = traitlets.Unicode("", help="regex: only runs matching it are listed").tag(sync=True)
    tags = traitlets.Unicode("", help="regex: only tags matching it are shown").tag(sync=True)
    selected_runs = traitlets.List(traitlets.Unicode(), help="runs ticked in the run selector (two-way)").tag(
        sync=True
    )
    deselected_runs = traitlets.List(
        traitlets.Unicode(),
        help="runs the user unticked (two-way); any other run, one that appears later too, starts ticked",
    ).tag(sync=True)
    run_colors = traitlets.Dict(
        value_trait=traitlets.Unicode(),
        help='{run: "#rrggbb"}: each run\'s colour (two-way; the browser records the colours it '
        "gives, setting one here recolours the run in every view)",
    ).tag(sync=True)
    height = traitlets.Int(0, help="pixels; 0 = natural height").tag(sync=True)
    pinned = traitlets.List(
        traitlets.Unicode(), help="tags of the cards pinned to the top, in pin order (two-way)"
    ).tag(sync=True)

    kinds: ClassVar[tuple[str, ...]] = ()
    update_interval: ClassVar[float] = 0.2

    def __init__(self, source=None, **kwargs: Any) -> None:
        for name in ("runs", "tags"):
            compile_filter(kwargs.get(name), name)
        # _uid doubles as the comm's model id: hosts that only instantiate displayed models
        # (marimo) let the dashboard's loader bring a tab's model up by it (js/src/widget.js)
        uid = uuid.uuid4().hex
        self._session = marimo_session()  # the marimo session this view lives in, if any
        super().__init__(_lib=library(), _uid=uid, model_id=uid, **kwargs)
        open_in_session(self, self._session)  # a tab added from a reader thread, in marimo
        self.source = source
        self._lock = threading.RLock()
        self._dirty: set = set()
        self._timer: threading.Timer | None = None
        self._last_flush = 0.0
        self._unsubscribe: Callable[[], None] | None = None
        self.errors: list[str] = []
        self.on_msg(self._on_browser_message)
        self._redelivery = (
            Redelivery(lambda: self._send_snapshot(batched=True)) if drops_early_messages(self.comm) else None
        )
        self.setup()
        if source is not None:
            self._unsubscribe = source.subscribe(self._on_changes)
        self._send_snapshot()
        self._started = True

    @traitlets.validate("run_colors")
    def _valid_colors(self, proposal) -> dict:
        bad = {run: color for run, color in proposal["value"].items() if not _HEX_COLOR.fullmatch(color)}
        if bad:
            raise traitlets.TraitError(f'run_colors must map runs to "#rrggbb" colours; got {bad!r}')
        return proposal["value"]

    @traitlets.observe("runs", "tags")
    def _filters_changed(self, change) -> None:
        compile_filter(change["new"], change["name"])
        if getattr(self, "_started", False):
            self._send_snapshot()  # another set of runs/tags: start the browser over

    # -- to override ---------------------------------------------------------------------
    def setup(self) -> None:
        """Per-instance state, before the first snapshot."""

    def snapshot(self) -> list[dict]:
        return [{"type": "reset"}]

    def updates(self, changes: set) -> list[dict]:
        return []

    # -- helpers for subclasses --------------------------------------------------------------
    @property
    def logdir(self) -> Reader:
        return self.source.logdir

    def run_names(self) -> list[str]:
        """Runs of the logdir that pass the ``runs`` regex."""
        pattern = compile_filter(self.runs, "runs")
        names = list(self.logdir.runs)
        return [r for r in names if pattern is None or pattern.search(r)]

    def tag_matches(self, tag: str) -> bool:
        pattern = compile_filter(self.tags, "tags")
        return pattern is None or bool(pattern.search(tag))

    def tags_of(self, run: str, kind: str) -> list[str]:
        return [t for t in self.logdir.tags(run).get(kind, []) if self.tag_matches(t)]

    def kept(self, n: int, kind: str) -> list[int]:
        """Indices of ``n`` kept items to show for ``kind`` under ``--samples_per_plugin``:
        evenly spread, the latest always included."""
        limit = (getattr(self.source, "samples_per_plugin", None) or {}).get(kind)
        if not limit or n <= limit:
            return list(range(n))
        if limit == 1:
            return [n - 1]
        return sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})

    def catalog_message(self, type_: str = "reset", kind: str | None = None) -> dict:
        """``{type, runs, tags: {run: [tag, ...]}}`` for ``kind`` (default ``kinds[0]``),
        remembered so :meth:`catalog_update` only sends it again when it changed."""
        kind = kind or self.kinds[0]
        runs = self.run_names()
        tags = {run: self.tags_of(run, kind) for run in runs}
        self._last_catalog = (runs, tags)
        return {"type": type_, "runs": runs, "tags": tags}

    def catalog_update(self, kind: str | None = None) -> tuple[list[dict], dict]:
        """(``[catalog message]`` if runs/tags changed since the last one else ``[]``,
        the current ``{run: [tag, ...]}``)."""
        before = getattr(self, "_last_catalog", None)
        message = self.catalog_message("catalog", kind)
        changed = before != self._last_catalog
        return ([message] if changed else []), message["tags"]

    @staticmethod
    def keys_to_send(tags: dict, changes: set, kind: str, known) -> list[tuple[str, str]]:
        """(run, tag) pairs of ``kind`` that changed or are not yet in ``known``."""
        wanted = {(run, tag) for run, run_tags in tags.items() for tag in run_tags}
        changed = {(run, tag) for run, k, tag in changes if k == kind}
        return sorted(wanted & (changed | (wanted - set(known))))

    def post(self, message: dict) -> None:
        """Send one message (numpy arrays become binary buffers). Safe from any thread."""
        if self.comm is None:  # closed
            return
        content, buffers = pack(message)
        self.send(content, buffers)

    # -- machinery ---------------------------------------------------------------------------
    def _send_snapshot(self, batched: bool = False) -> list[dict]:
        """Send a snapshot (and return its messages: an exported board records them).
        ``batched``: as one "batch" message the browser applies at once (a snapshot sent
        again replaces what is shown with no empty frame in between)."""
        with acting_for(self._session), self._lock:
            self._dirty.clear()
            try:
                messages = self.snapshot()
            except Exception as error:
                messages = [{"type": "reset"}, self._error_message(error)]
            # posted under the lock so no update can overtake the snapshot it continues
            for message in [{"type": "batch", "messages": messages}] if batched else messages:
                self.post(message)
        if self._redelivery is not None:
            self._redelivery.arm()
        return messages

    def _error_message(self, error: BaseException) -> dict:
        text = f"{type(error).__name__}: {error}"
        self.errors.append(text)
        traceback.print_exc()
        return {"type": "error", "error": text}

    def _on_changes(self, changes: set) -> None:
        """Watcher thread: remember what changed; flush now or after the throttle gap."""
        with self._lock:
            self._dirty |= set(changes)
            if self._timer is not None:
                return
            wait = self._last_flush + self.update_interval - time.monotonic()
            if wait > 0:
                self._timer = threading.Timer(wait, self._flush)
                self._timer.daemon = True
                self._timer.start()
                return
        self._flush()

    def _flush(self) -> None:
        with acting_for(self._session), self._lock:
            self._timer = None
            dirty, self._dirty = self._dirty, set()
            self._last_flush = time.monotonic()
            if not dirty or self.comm is None:
                return
            try:
                messages = self.updates(dirty)
            except Exception as error:
                messages = [self._error_message(error)]
            for message in messages:
                self.post(message)

    def _on_browser_message(self, _widget, content: dict, buffers: list) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if self._redelivery is not None:  # the browser listens: no more resending
            self._redelivery.heard()
        if kind == "hello":
            self._send_snapshot()
        elif kind == "request":
            self._answer(content, buffers)
        elif kind == "rendered":  # a browser shows this view: its picture is redrawn in the background
            self._rendered_by_browser = True
        elif kind == "library":  # a host that never loaded the _Library model (js/src/widget.js)
            self.send({"type": "library"}, [static_file("lib.js").read_bytes()])

    def _answer(self, content: dict, buffers: list) -> None:
        op = str(content.get("op", ""))
        handler = getattr(self, f"request_{op}", None) if op.isidentifier() else None
        reply: dict = {"type": "reply", "id": content.get("id")}
        if handler is None:
            reply["error"] = f"unknown request {op!r}"
        else:
            try:
                with self._lock:
                    reply["data"] = handler(**dict(content.get("args") or {}))
            except Exception as error:
                reply["error"] = f"{type(error).__name__}: {error}"
        self.post(reply)

    def _ipython_display_(self) -> None:
        """Displayed with a static picture beside the widget view, for places without widgets
        (kept current when cells finish: jupyter_tb/widgets/picture_output.py)."""
        from jupyter_tb.widgets.picture_output import display_view

        data, metadata = super()._repr_mimebundle_()
        display_view(self, data, metadata)

    def figure(self, tag: str):
        """A plotly Figure of what this view's card of ``tag`` shows (scalars views; needs
        plotly): see jupyter_tb/widgets/figure.py."""
        from jupyter_tb.widgets.figure import figure

        return figure(self, tag)

    def export_html(self, path, **options: Any) -> int:
        """Write this board (or view) as one self-contained offline HTML file: the renderer
        and the data inside, no server, no network (see jupyter_tb/widgets/export.py)."""
        from jupyter_tb.widgets.export import export_html

        return export_html(self, path, **options)

    def close(self) -> None:
        unsubscribe = getattr(self, "_unsubscribe", None)  # None too if __init__ failed
        if unsubscribe is not None:
            unsubscribe()
            self._unsubscribe = None
        redelivery = getattr(self, "_redelivery", None)
        if redelivery is not None:
            redelivery.heard()
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()
            self._timer = None
        super().close()


class TaggedView(View):
    """A view of per-(run, tag) series of one Logdir kind (``kinds[0]``).

    Subclasses implement :meth:`series_messages` and record what the browser holds in
    ``self.sent`` (keyed by ``(run, tag)``); the snapshot ("reset" with runs and tags, then
    every series) and the live deltas (catalog when it changed, then changed or new series)
    are built here.
    """

    def setup(self) -> None:
        self.sent: dict[tuple[str, str], Any] = {}

    def series_messages(self, run: str, tag: str) -> list[dict]:
        """Messages bringing the browser's copy of (run, tag) up to date: everything when
        ``(run, tag)`` is not in ``self.sent``, else only what is new."""
        raise NotImplementedError

    def reset_fields(self) -> dict:
        """Extra fields for the "reset" message."""
        return {}

    def forget(self) -> None:
        """Drop per-browser bookkeeping before a snapshot."""
        self.sent.clear()

    def snapshot(self) -> list[dict]:
        self.forget()
        reset = self.catalog_message("reset")
        reset.update(self.reset_fields())
        messages = [reset]
        for run, tags in reset["tags"].items():
            for tag in tags:
                messages.extend(self.series_messages(run, tag))
        return messages

    def updates(self, changes: set) -> list[dict]:
        messages, tags = self.catalog_update()
        for run, tag in self.keys_to_send(tags, changes, self.kinds[0], self.sent):
            messages.extend(self.series_messages(run, tag))
        return messages


# -- registry of dashboard tabs ----------------------------------------------------------------


@dataclass(frozen=True)
class ViewInfo:
    kind: str  # the view's _kind (JS module name)
    cls: type
    title: str
    order: int
    has_data: Callable[[Reader], bool]


_views: dict[str, ViewInfo] = {}


def _kinds_present(view_cls: type) -> Callable[[Reader], bool]:
    def has_data(logdir: Reader) -> bool:
        for run in logdir.runs:
            tags = logdir.tags(run)
            if any(tags.get(kind) for kind in view_cls.kinds):
                return True
        return False

    return has_data


def register_view(title: str, order: int = 100, has_data: Callable[[Reader], bool] | None = None):
    """Class decorator: make a :class:`View` subclass a dashboard tab (see module doc)."""

    def decorate(cls: type) -> type:
        kind = cls._kind.default_value
        if not kind:
            raise ValueError(f"{cls.__name__} must set a default for _kind")
        _views[kind] = ViewInfo(kind, cls, title, order, has_data or _kinds_present(cls))
        return cls

    return decorate


def registered_views() -> list[ViewInfo]:
    """Tabs in display order (imports every view module first)."""
    from jupyter_tb.widgets.views import discover

    discover()
    return sorted(_views.values(), key=lambda info: (info.order, info.kind))


__all__ = ["TaggedView", "View", "ViewInfo", "compile_filter", "register_view", "registered_views"]
