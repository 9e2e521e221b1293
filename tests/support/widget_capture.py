"""Helpers for widget-state tests: capture what views send over their comm, without a browser.

``sent`` records every ``View.send`` (the call ipywidgets turns into a comm message) as the
decoded message (binary buffers back to numpy arrays), per widget.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest

from jupyter_tb.widgets.base import View
from jupyter_tb.widgets.wire import unpack


class Outbox:
    def __init__(self):
        self.by_widget = defaultdict(list)
        self.raw = []

    def record(self, widget, content, buffers):
        self.raw.append((widget, content, list(buffers or [])))
        self.by_widget[id(widget)].append(unpack(content, list(buffers or [])))

    def of(self, widget, type_=None):
        messages = self.by_widget[id(widget)]
        return [m for m in messages if type_ is None or m.get("type") == type_]

    def clear(self, widget=None):
        if widget is None:
            self.by_widget.clear()
            self.raw.clear()
        else:
            self.by_widget[id(widget)].clear()

    def wait_for(self, widget, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hits = [m for m in list(self.by_widget[id(widget)]) if predicate(m)]
            if hits:
                return hits
            time.sleep(0.02)
        raise AssertionError(
            f"no matching message within {timeout}s; got "
            f"{[m.get('type') for m in self.by_widget[id(widget)]]}"
        )


@pytest.fixture
def outbox(monkeypatch):
    box = Outbox()
    original = View.send

    def send(self, content, buffers=None):
        box.record(self, content, buffers)
        return original(self, content, buffers)

    monkeypatch.setattr(View, "send", send)
    return box


@pytest.fixture
def live_sources():
    """Sources opened by a test are closed after it (no watcher threads leak)."""
    from jupyter_tb.widgets.live_source import open_sources

    yield
    for source in open_sources():
        source.close()


def make_view(cls, logdir, *, reload_interval: float = 0.2, source_options: dict | None = None, **traits):
    """A view widget over a live source of ``logdir``, once its first read is done."""
    from jupyter_tb.widgets.live_source import open_source

    source = open_source(logdir, reload_interval=reload_interval, **(source_options or {}))
    assert source.wait_loaded(30)
    return cls(source, **traits)
