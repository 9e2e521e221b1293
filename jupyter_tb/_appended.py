"""In-process "a file just grew" notifications.

Our ``EventFileWriter`` calls :func:`notify_written` after each batch reaches the OS; live
watchers in the same kernel subscribe so they read the new bytes at once instead of waiting
for their next poll. Data still flows through the file, so there is one path for all writers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

_lock = threading.Lock()
_subscribers: list[Callable[[str], None]] = []


def subscribe(callback: Callable[[str], None]) -> Callable[[], None]:
    """Call ``callback(path)`` whenever a writer in this process appended to ``path``.

    Returns a function that unsubscribes. Callbacks run on the writer's worker thread and
    must only signal (set an Event), never do I/O.
    """
    with _lock:
        _subscribers.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _subscribers:
                _subscribers.remove(callback)

    return unsubscribe


def notify_written(path: str | os.PathLike) -> None:
    with _lock:
        callbacks = list(_subscribers)
    path = os.path.abspath(os.fspath(path))
    for callback in callbacks:
        try:
            callback(path)
        except Exception:  # a broken watcher must never break training
            pass
