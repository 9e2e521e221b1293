"""A daemon thread that keeps a :class:`~jupyter_tb.reading.logdir.Logdir` current.

It calls ``ld.reload()`` every ``reload_interval`` seconds, and at once when a writer in this
process reports an append under the logdir (:mod:`jupyter_tb._appended`), so views of a training
loop running in the same kernel update without waiting for the next poll.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable

from jupyter_tb import _appended


class LogdirWatcher:
    def __init__(
        self,
        logdir,
        reload_interval: float = 1.0,
        on_change: Callable[[set], None] | None = None,
        min_interval: float = 0.1,
    ):
        self.logdir = logdir
        self.reload_interval = reload_interval
        # a writer flushing hundreds of times a second must not turn into as many reloads
        self.min_interval = min_interval
        self.on_change = on_change
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe = None
        root = getattr(logdir, "path", "")
        self._root = os.path.abspath(root) + os.sep if root and "://" not in root else None

    def start(self) -> LogdirWatcher:
        if self._thread is None:
            self._unsubscribe = _appended.subscribe(self._notified)
            self._thread = threading.Thread(target=self._loop, name="jupyter_tb-watcher", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _notified(self, path: str) -> None:
        # runs on a writer's thread: only signal
        if self._root is not None and path.startswith(self._root):
            self._wake.set()

    def _loop(self) -> None:
        last = 0.0
        while not self._stopping.is_set():
            self._wake.wait(self.reload_interval)
            self._stopping.wait(max(0.0, last + self.min_interval - time.monotonic()))
            self._wake.clear()
            if self._stopping.is_set():
                break
            last = time.monotonic()
            try:
                changes = self.logdir.reload()
            except FileNotFoundError as error:  # logdir removed: keep what was read, say so once
                self._note(f"watcher: {error}")
                continue
            except Exception:  # a bad poll must not kill the thread; say what happened
                self._note("watcher: reload failed:\n" + traceback.format_exc(limit=5))
                continue
            if changes and self.on_change is not None:
                try:
                    self.on_change(changes)
                except Exception:
                    self._note("watcher: on_change callback failed:\n" + traceback.format_exc(limit=5))

    def _note(self, message: str) -> None:
        errors = getattr(self.logdir, "errors", None)
        if errors is not None and (not errors or errors[-1] != message):
            errors.append(message)
