"""Fixtures every test may use: ``outbox`` (messages views send) and ``live_sources`` (readers
closed after the test), from :mod:`tests.support.widget_capture`."""

pytest_plugins = ["tests.support.widget_capture"]
