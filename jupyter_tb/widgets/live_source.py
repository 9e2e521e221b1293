"""A live logdir shared by all views of one kernel: one reader and one watcher thread.

``open_source(logdir)`` returns the same :class:`LiveSource` for the same logdir (and reload
interval) every time, so showing a board again never starts a second reader. Views
subscribe to be told which ``(run, kind, tag)`` changed; callbacks run on the watcher thread,
which is why live updates reach the browser while a cell blocks the kernel's shell.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

Change = tuple  # (run, kind, tag)


class LiveSource:
    """``.logdir`` is the reader (``jupyter_tb.read``); ``subscribe`` for changes."""

    def __init__(self, logdir, reload_interval: float = 1.0, samples_per_plugin=None):
        from jupyter_tb.reading.logdir import Logdir
        from jupyter_tb.reading.watcher import LogdirWatcher

        self.key = source_key(logdir)
        self.reload_interval = float(reload_interval)
        self.samples_per_plugin = dict(samples_per_plugin or {})
        # a logdir that does not exist yet is waited for (training usually starts after the
        # board); anything else wrong with it (not a folder, no access) raises at once
        self.logdir = Logdir(logdir, missing_ok=True)
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[set], None]] = []
        self.closed = False
        self._start_lock = threading.Lock()  # close() never interleaves with the watcher's start
        self.loaded = threading.Event()
        self._watcher = LogdirWatcher(
            self.logdir, reload_interval=self.reload_interval, on_change=self._dispatch
        )
        # The first full read runs in the background so a large logdir shows progress
        # (``logdir.progress``) instead of blocking the cell; the watcher takes over after it.
        threading.Thread(target=self._first_load, name="jupyter_tb-load", daemon=True).start()

    def _first_load(self) -> None:
        try:
            changes = self.logdir.reload()
        except Exception as error:
            self.logdir.errors.append(f"first read failed: {type(error).__name__}: {error}")
            changes = set()
        finally:
            self.loaded.set()
        if changes:
            self._dispatch(changes)
        with self._start_lock:
            if not self.closed:
                self._watcher.start()

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Block until the first full read is done (tests, scripts)."""
        return self.loaded.wait(timeout)

    def subscribe(self, callback: Callable[[set], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def has_subscribers(self) -> bool:
        with self._lock:
            return bool(self._subscribers)

    def _dispatch(self, changes: Iterable[Change]) -> None:
        changes = set(changes)
        with self._lock:
            callbacks = list(self._subscribers)
        for callback in callbacks:
            try:
                callback(changes)
            except Exception:  # a broken view must not stop the watcher
                import traceback

                traceback.print_exc()

    def _dispatch_closed(self) -> None:
        with self._lock:
            self._subscribers.clear()

    def close(self) -> None:
        """Stop the watcher thread; views showing this logdir stop updating."""
        with self._start_lock:
            if self.closed:
                return
            self.closed = True
        self._watcher.stop()
        self._dispatch_closed()
        with _registry_lock:
            if _registry.get(self.key) is self:
                del _registry[self.key]


def source_key(logdir) -> str:
    text = os.fspath(logdir)
    if "://" in text:
        return text.rstrip("/")
    return os.path.realpath(os.path.expanduser(text))


_registry_lock = threading.Lock()
_registry: dict[str, LiveSource] = {}


def open_source(logdir, reload_interval: float = 1.0, samples_per_plugin=None) -> LiveSource:
    """The kernel's live source for ``logdir``, created on first use and then reused."""
    key = source_key(logdir)
    with _registry_lock:
        source = _registry.get(key)
        if source is not None and not source.closed:
            if reload_interval != source.reload_interval:
                source.reload_interval = float(reload_interval)
                source._watcher.reload_interval = float(reload_interval)
            return source
        source = LiveSource(logdir, reload_interval, samples_per_plugin)
        _registry[key] = source
        return source


def close_source(logdir) -> bool:
    """Stop the reader of ``logdir`` if one runs; True when one was stopped."""
    with _registry_lock:
        source = _registry.get(source_key(logdir))
    if source is None:
        return False
    source.close()
    return True


def open_sources() -> list[LiveSource]:
    with _registry_lock:
        return list(_registry.values())


# -- several logdirs under names (TensorBoard's --logdir_spec) -----------------------------------


class SpecSource:
    """Live source over several named logdirs (each its own shared :class:`LiveSource`)."""

    def __init__(self, spec: dict, reload_interval: float = 1.0, samples_per_plugin=None):
        from jupyter_tb.reading.spec_logdir import SpecLogdir

        if not spec:
            raise ValueError("logdir_spec is empty")
        for name in spec:
            if not name or "/" in name:
                raise ValueError(f"logdir_spec name {name!r} must be non-empty and contain no '/'")
        self.sources = {
            name: open_source(path, reload_interval, samples_per_plugin) for name, path in spec.items()
        }
        self.logdir = SpecLogdir({n: s.logdir for n, s in self.sources.items()})
        self.loaded = _AllSet([s.loaded for s in self.sources.values()])
        self.closed = False

    def subscribe(self, callback):
        from jupyter_tb.reading.spec_logdir import spec_run_name

        unsubscribers = []
        for name, source in self.sources.items():

            def renamed(changes, name=name):
                callback({(spec_run_name(name, run), kind, tag) for run, kind, tag in changes})

            unsubscribers.append(source.subscribe(renamed))
        return lambda: [u() for u in unsubscribers]

    def wait_loaded(self, timeout: float | None = None) -> bool:
        return self.loaded.wait(timeout)

    def close(self) -> None:
        self.closed = True
        for source in self.sources.values():
            source.close()


class _AllSet:
    """``is_set()``/``wait()`` over several threading.Events."""

    def __init__(self, events):
        self._events = events

    def is_set(self) -> bool:
        return all(e.is_set() for e in self._events)

    def wait(self, timeout: float | None = None) -> bool:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        for event in self._events:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not event.wait(left):
                return False
        return True


def open_spec_source(spec: dict, reload_interval: float = 1.0, samples_per_plugin=None) -> SpecSource:
    return SpecSource(spec, reload_interval, samples_per_plugin)
