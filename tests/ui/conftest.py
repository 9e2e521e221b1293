"""pytest fixtures for the browser tests: session-scoped servers and browser, per-test pages.

Servers and the browser are shared across the session (starting Lab costs seconds on a
2-core box); each test gets fresh pages and its own notebook files. Everything started
here is torn down at session end, on failure too. The machinery is in tests/support/browser_harness.py.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support import fixture_logdirs
from tests.support.browser_harness import CHROMIUM, JupyterServer, NotebookPage, launch_browser


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a ui test; skip them all only when there is no browser."""
    here = Path(__file__).parent
    skip = None
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.ui)
            if skip is not None:
                item.add_marker(skip)


# --------------------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def ui_home():
    home = Path(tempfile.mkdtemp(prefix="jtb-ui-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


def _server_fixture(flavour: str, home: Path):
    root = home / f"{flavour}-root"
    root.mkdir()
    server = JupyterServer(flavour, root, home / f"{flavour}-home")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_server(ui_home):
    yield from _server_fixture("lab", ui_home)


@pytest.fixture(scope="session")
def notebook_server(ui_home):
    yield from _server_fixture("notebook", ui_home)


# --------------------------------------------------------------------------- logdirs


@pytest.fixture(scope="session")
def basic_logdir(ui_home):
    return fixture_logdirs.write_basic(ui_home / "logdirs" / "basic")


@pytest.fixture(scope="session")
def xss_logdir(ui_home):
    return fixture_logdirs.write_xss(ui_home / "logdirs" / "xss")


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser_context(ui_home):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = launch_browser(pw, ui_home / "chromium-profile")
        try:
            yield context
        finally:
            context.close()


def _page_factory(browser_context, server, request):
    pages = []

    def make(name: str | None = None) -> NotebookPage:
        base = name or request.node.name.replace("[", "-").replace("]", "")
        p = NotebookPage(browser_context, server, base)
        pages.append(p)
        return p

    yield make
    for p in pages:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            try:
                p.screenshot(f"{p.name}-failed")
            except Exception:
                pass
        p.close()


@pytest.fixture
def lab(browser_context, lab_server, request):
    """Factory: ``lab()`` -> NotebookPage on the shared JupyterLab server."""
    yield from _page_factory(browser_context, lab_server, request)


@pytest.fixture
def notebook7(browser_context, notebook_server, request):
    """Factory: ``notebook7()`` -> NotebookPage on the shared Notebook 7 server."""
    yield from _page_factory(browser_context, notebook_server, request)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
