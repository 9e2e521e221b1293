"""Real Jupyter servers and Chromium pages, shared by the UI tests and benchmarks/bench_browser.py.

``JupyterServer`` starts ``jupyter lab`` / ``jupyter notebook`` (from the running
interpreter's venv) on a free port with a token and an isolated temp home;
``launch_browser`` starts Debian's Chromium through Playwright; ``NotebookPage`` writes a
notebook, opens it, waits for its kernel, runs cells, waits for outputs scoped to the
notebook's widget, collects page errors and saves screenshots.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "ui" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Notebook 7.6.5 raises this on every page load; it is not ours and changes nothing.
KNOWN_PAGE_ERRORS = ("reading 'schema'",)
SERVER_START_TIMEOUT = 90.0

# Runs before any page script: timestamps (performance.now()) and sizes of every websocket
# frame the page receives, recorded before Jupyter's own handler sees the frame.
WEBSOCKET_PROBE = """
(() => {
  const Native = window.WebSocket;
  const probe = window.__jtbFrames = { count: 0, bytes: 0, last: 0, log: [] };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = typeof d === 'string' ? new TextEncoder().encode(d).length : (d.byteLength ?? d.size ?? 0);
        probe.count += 1; probe.bytes += n; probe.last = performance.now();
        probe.log.push([probe.last, n]);
      });
    }
  };
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jupyter_env(home: Path, import_source: bool = True, bin_dir: Path | None = None) -> dict:
    """Environment isolating the server from the user's Jupyter/IPython configuration.

    ``import_source``: kernels import the project from this checkout (else only what the
    server's venv installed); ``bin_dir``: PATH holds only this folder (no Node, no system tools)."""
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    settings = dirs["JUPYTERLAB_SETTINGS_DIR"]
    # Silence the "receive Jupyter news?" toast: it covers outputs in screenshots.
    notify = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notify.parent.mkdir(parents=True, exist_ok=True)
    notify.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Widget state goes into saved notebooks (the notebook-size benchmark reads it).
    widgets = settings / "@jupyter-widgets" / "jupyterlab-manager" / "plugin.jupyterlab-settings"
    widgets.parent.mkdir(parents=True, exist_ok=True)
    widgets.write_text(json.dumps({"saveState": True}))
    env = dict(os.environ)
    env.update({k: str(v) for k, v in dirs.items()})
    env["PYTHONUNBUFFERED"] = "1"
    if import_source:  # kernels import the project and tests' helpers, whatever the cwd
        repo = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH")) if p)
    else:
        env.pop("PYTHONPATH", None)
    if bin_dir is not None:
        env["PATH"] = str(bin_dir)
        env.pop("VIRTUAL_ENV", None)
    return env


class JupyterServer:
    """A running ``jupyter lab`` or ``jupyter notebook`` server on a free port."""

    def __init__(self, flavour: str, root: Path, home: Path, *, python: Path | None = None):
        """``python``: the interpreter of another venv to serve from, alone (its own packages,
        PATH = its bin folder); by default this one, importing the project from the checkout."""
        assert flavour in ("lab", "notebook")
        self.flavour = flavour
        self.root = root
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = home / f"{flavour}-server.log"
        app = "LabApp" if flavour == "lab" else "JupyterNotebookApp"
        interpreter = Path(python or sys.executable)
        exe = interpreter.parent / f"jupyter-{flavour}"
        cmd = (
            [str(exe)]
            if exe.exists()
            else [str(interpreter), "-m", {"lab": "jupyterlab", "notebook": "notebook"}[flavour]]
        )
        cmd += [
            "--no-browser",
            f"--port={self.port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.port_retries=0",
            "--allow-root",
            f"--ServerApp.root_dir={root}",
            f"--{app}.expose_app_in_browser=True",
            "--ServerApp.open_browser=False",
        ]
        home.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")
        # Own process group, so teardown can signal the server and its helpers at once.
        # Kernels get their own sessions from jupyter_client: stop() shuts them down first.
        self.proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=_jupyter_env(home, import_source=python is None, bin_dir=python and interpreter.parent),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(
            f"{self.url}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def _wait_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.flavour} server exited:\n{self.log_text()}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.flavour} server not ready in {SERVER_START_TIMEOUT}s:\n{self.log_text()}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def page_url(self, nb_path: str) -> str:
        if self.flavour == "lab":
            return f"{self.url}/lab/tree/{nb_path}?reset&token={self.token}"
        return f"{self.url}/notebooks/{nb_path}?token={self.token}"

    def shutdown_kernels(self):
        try:
            for k in self.api("kernels"):
                self.api(f"kernels/{k['id']}", method="DELETE")
        except Exception:
            pass

    def stop(self):
        if self.proc.poll() is None:
            self.shutdown_kernels()
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:  # whatever is left of the group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self._log.close()


def launch_browser(playwright, profile_dir: Path):
    """A Chromium context on a fresh profile; Debian's binary, never a downloaded one."""
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch_persistent_context(
        str(profile_dir),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000},
    )


class NotebookPage:
    """One browser tab on one notebook of a running server."""

    def __init__(self, context, server: JupyterServer, name: str):
        self.server = server
        self.name = name
        self.page = context.new_page()
        self.page.set_default_timeout(60_000)
        self.errors: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))

        def _dialog(d):
            self.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        self.page.on("dialog", _dialog)
        # Bytes over the page's websockets (kernel channels carry the comm messages).
        self.ws_received = 0
        self.ws_sent = 0
        self.page.on("websocket", self._watch_websocket)
        self.page.add_init_script(WEBSOCKET_PROBE)
        self.nb_path: str | None = None

    def _watch_websocket(self, ws):
        def size(payload) -> int:
            return len(payload.encode()) if isinstance(payload, str) else len(payload)

        def received(payload):
            self.ws_received += size(payload)

        def sent(payload):
            self.ws_sent += size(payload)

        ws.on("framereceived", received)
        ws.on("framesent", sent)

    # -- notebook files

    def write_notebook(self, cells: list[str], name: str | None = None) -> str:
        """Write a notebook of code cells into the server's root; returns its relative path."""
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        rel = f"{name or self.name}.ipynb"
        nbformat.write(nb, self.server.root / rel)
        return rel

    def open(self, cells: list[str] | None = None, name: str | None = None):
        """Open a notebook (writing it first if cells are given) and wait for its kernel."""
        rel = self.write_notebook(cells, name) if cells is not None else f"{name or self.name}.ipynb"
        self.nb_path = rel
        self.page.goto(self.server.page_url(rel))
        self.wait_kernel()
        return self

    def wait_kernel(self, timeout: float = 90.0):
        """Wait until the current notebook's session has a kernel that reports idle."""
        self.page.wait_for_function(
            """() => {
                const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const ctx = w && w.sessionContext;
                const k = ctx && ctx.session && ctx.session.kernel;
                return !!(ctx && ctx.isReady && k && k.status === 'idle' && w.content
                          && w.content.widgets && w.content.widgets.length);
            }""",
            timeout=timeout * 1000,
            polling=200,
        )

    @property
    def widget_id(self) -> str:
        return self.page.evaluate("() => window.jupyterapp.shell.currentWidget.id")

    def scoped(self, selector: str):
        """A locator for ``selector`` inside the open notebook's widget only."""
        return self.page.locator(f"[id='{self.widget_id}']").locator(selector)

    # -- execution

    # Commands are started, not awaited: their promises settle only when execution ends.
    def run_all(self):
        self.page.evaluate("() => { void window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    def run_cell(self, index: int):
        """Run cell ``index`` without waiting for it to finish."""
        self.page.evaluate(
            """(i) => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.activeCellIndex = i;
                nb.deselectAll();
                void window.jupyterapp.commands.execute('notebook:run-cell');
            }""",
            index,
        )

    # A cell counts as running until its execute request's future is done (Lab sets the
    # prompt number, and executionState back to idle, as soon as execution *starts*, and
    # keeps the future alive afterwards). The first poll tags the future; later polls read it.
    _CELL_RUNNING_JS = """(c) => {
        const f = c.model.type === 'code' && c.outputArea && c.outputArea.future;
        if (!f) return false;
        if (!('__jtbDone' in f)) {
            f.__jtbDone = false;
            const done = () => { f.__jtbDone = true; };
            f.done.then(done, done);
        }
        return !f.__jtbDone;
    }"""

    def cell_running(self, index: int) -> bool:
        return self.page.evaluate(
            f"""async (i) => {{
                const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
                ({self._CELL_RUNNING_JS})(cell);
                await new Promise((r) => setTimeout(r, 0));  // let a settled future report
                return ({self._CELL_RUNNING_JS})(cell);
            }}""",
            index,
        )

    def wait_idle(self, timeout: float = 120.0):
        """Wait until no cell is running and the kernel is idle."""
        self.page.wait_for_function(
            f"""() => {{
                const w = window.jupyterapp.shell.currentWidget;
                const k = w.sessionContext.session && w.sessionContext.session.kernel;
                return k && k.status === 'idle' && !w.content.widgets.some({self._CELL_RUNNING_JS});
            }}""",
            timeout=timeout * 1000,
            polling=200,
        )

    def cell_text(self, index: int) -> str:
        """Text of cell ``index``'s outputs (stream and text/plain)."""
        return self.page.evaluate(
            """(i) => {
                const c = window.jupyterapp.shell.currentWidget.content.widgets[i];
                return c.outputArea ? c.outputArea.node.innerText : '';
            }""",
            index,
        )

    def cell_error(self) -> str | None:
        """The first error output (traceback text) in the notebook, or None."""
        loc = self.scoped(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        if loc.count():
            return loc.first.inner_text()
        return None

    def wait_output(self, selector: str, timeout: float = 60.0, state: str = "visible"):
        """Wait for ``selector`` inside this notebook; on timeout, fail with what the cells printed."""
        loc = self.scoped(selector).first
        try:
            loc.wait_for(state=state, timeout=timeout * 1000)
        except Exception as exc:
            self.screenshot(f"{self.name}-timeout")
            raise AssertionError(
                f"{selector!r} did not appear in {timeout}s.\nstderr output: {self.cell_error()}\n"
                f"page errors: {self.errors}\nconsole: {self.console[-15:]}"
            ) from exc
        return loc

    # -- evidence

    def screenshot(self, name: str, locator=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        (locator or self.page).screenshot(path=str(path))
        return path

    def real_errors(self) -> list[str]:
        return [e for e in self.errors if not any(k in e for k in KNOWN_PAGE_ERRORS)]

    def assert_no_page_errors(self):
        errs = self.real_errors()
        assert not errs, f"page errors: {errs}"

    def save(self):
        self.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")

    def close(self):
        try:
            # Stop this notebook's kernel now: a session-long server would keep them all alive.
            self.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        except Exception:
            pass
        self.page.close()
