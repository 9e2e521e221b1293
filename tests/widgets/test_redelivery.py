"""Snapshots sent again on hosts that drop early messages (marimo): the schedule and its end."""

from __future__ import annotations

import threading
import time

from jupyter_tb.widgets import redelivery
from jupyter_tb.widgets.redelivery import Redelivery, drops_early_messages


class _Comm:
    def __init__(self, kernel):
        self.kernel = kernel


def test_only_marimo_comms_drop_early_messages():
    assert drops_early_messages(_Comm("marimo"))
    assert not drops_early_messages(_Comm(object()))  # ipykernel's comm holds its kernel
    assert not drops_early_messages(None)


def test_resends_follow_the_schedule_then_stop(monkeypatch):
    monkeypatch.setattr(redelivery, "RESEND_AT", (0.02, 0.04, 0.08))
    sent = []
    done = threading.Event()
    r = Redelivery(lambda: (sent.append(time.monotonic()), len(sent) == 3 and done.set()))
    start = time.monotonic()
    r.arm()
    r.arm()  # a schedule runs already: not a second one
    assert done.wait(2)
    time.sleep(0.1)
    assert len(sent) == 3
    assert sent[2] - start >= 0.08


def test_the_browser_speaking_stops_the_resends(monkeypatch):
    monkeypatch.setattr(redelivery, "RESEND_AT", (0.05, 0.1))
    sent = []
    r = Redelivery(lambda: sent.append(1))
    r.arm()
    r.heard()
    r.arm()  # later snapshots are not resent either: the model listens
    time.sleep(0.2)
    assert sent == []
