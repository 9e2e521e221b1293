"""A view's snapshot sent again, a few times, on hosts that drop messages sent early (marimo).

marimo runs a widget's front-end code only once the widget is displayed (or fetched), and
drops the custom messages its model received before: the snapshot a view pushes when it is
created never arrives. The browser then asks for it ("hello"), but browser messages wait
until the kernel is idle, and with a training cell running after the board's cell (Run all,
or every page load of ``marimo run``) that is when training ends. So there a view sends its
snapshot again at growing intervals, until the browser says anything or the schedule ends
(then "hello" still answers when the kernel is idle, as after a page reload in Jupyter).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

RESEND_AT = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)  # seconds after the first snapshot


def drops_early_messages(comm) -> bool:
    """True for marimo's comm (Jupyter's widget managers run every model's code when it is
    created, so nothing is dropped there)."""
    return getattr(comm, "kernel", None) == "marimo"


class Redelivery:
    """``arm()`` after each snapshot, ``heard()`` on any browser message; ``resend()`` is
    called on a timer thread."""

    def __init__(self, resend: Callable[[], object]):
        self._resend = resend
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._step = 0
        self._heard = False

    def arm(self) -> None:
        with self._lock:
            if self._heard or self._timer is not None:  # listening, or already scheduled
                return
            self._step = 0
            self._schedule()

    def heard(self) -> None:
        with self._lock:
            self._heard = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _schedule(self) -> None:
        if self._step >= len(RESEND_AT):
            self._timer = None
            return
        delay = RESEND_AT[self._step] - (RESEND_AT[self._step - 1] if self._step else 0.0)
        self._timer = threading.Timer(delay, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._heard:
                return
            self._step += 1
            self._schedule()  # before resending: the snapshot's arm() sees a schedule running
        self._resend()
