"""Fixtures every test may use: ``outbox`` (messages views send) and ``live_sources`` (readers
closed after the test), from :mod:`tests.support.widget_capture`; ``built_distributions``."""

import pytest

pytest_plugins = ["tests.support.widget_capture"]


@pytest.fixture(scope="session")
def built_distributions(tmp_path_factory):
    """sdist and wheel built once per session from a clean clone of HEAD, with no Node on PATH."""
    from tests.support.packaging import build_without_node

    return build_without_node(tmp_path_factory.mktemp("build"))
