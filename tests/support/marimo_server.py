"""A real ``marimo run`` server for the browser tests (tests/ui/test_marimo.py).

``MarimoServer(notebook, home)`` serves one marimo notebook (.py) as an app on a free port of
127.0.0.1, without a token, its kernel importing this checkout first (PYTHONPATH) and marimo's
configuration, caches and state in ``home`` (the theme follows the browser's colour scheme,
so a test can switch light/dark with Playwright's ``emulate_media``). ``marimo run`` gives
every page its own session: each page load runs the notebook afresh in a new kernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.browser_harness import free_port

START_TIMEOUT = 60.0
CONFIG = '[display]\ntheme = "system"\n'


class MarimoServer:
    def __init__(self, notebook: Path, home: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home.mkdir(parents=True, exist_ok=True)
        xdg = {
            name: home / name.lower()
            for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")
        }
        for folder in xdg.values():
            folder.mkdir(exist_ok=True)
        (xdg["XDG_CONFIG_HOME"] / "marimo").mkdir(exist_ok=True)
        (xdg["XDG_CONFIG_HOME"] / "marimo" / "marimo.toml").write_text(CONFIG)
        repo = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, **{k: str(v) for k, v in xdg.items()}, PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)
        marimo = Path(sys.executable).parent / "marimo"
        cmd = [str(marimo)] if marimo.exists() else [sys.executable, "-m", "marimo"]
        cmd += ["run", "--headless", "--no-token", "--host", "127.0.0.1", "-p", str(self.port), str(notebook)]
        self.log_path = home / "marimo-server.log"
        self._log = open(self.log_path, "wb")
        # own process group: stop() ends the server and the kernels it started at once
        self.proc = subprocess.Popen(
            cmd,
            cwd=notebook.parent,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):  # URLError and refused connections are OSErrors
                urllib.request.urlopen(f"{self.url}/health", timeout=2).close()
                return
            time.sleep(0.25)
        self.stop()
        log = self.log_path.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"marimo did not start in {START_TIMEOUT}s:\n{log}")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:  # whatever is left of the group (kernels)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self._log.close()
