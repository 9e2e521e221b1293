"""A renderer piece alone on a static page: bundle a few lines of JS that import it from
``js/src`` with the project's esbuild, and launch Debian's Chromium to load it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.browser_harness import CHROMIUM, CHROMIUM_ARGS

JS = Path(__file__).resolve().parents[1] / "js"
# WebGL through SwiftShader when there is no GPU (the projector draws with WebGL)
WEBGL_ARGS = [*CHROMIUM_ARGS, "--enable-unsafe-swiftshader"]


def bundle(entry_source: str, out: Path, *, minify: bool = False) -> None:
    """Bundle ``entry_source`` (an ES module importing from ./src/...) into an IIFE at ``out``."""
    command = [str(JS / "node_modules/.bin/esbuild"), "--bundle", "--format=iife", f"--outfile={out}"]
    command += ["--sourcefile=harness.js", "--log-level=warning", *(["--minify"] if minify else [])]
    subprocess.run(command, input=entry_source.encode(), cwd=JS, check=True)


def launch(playwright, webgl: bool = False):
    """Debian's Chromium, headless, never a downloaded one."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=WEBGL_ARGS if webgl else CHROMIUM_ARGS)


def harness_page(folder: Path, entry_source: str, width: int = 1400) -> str:
    """``entry_source`` bundled beside an index.html (a ``#root`` div ``width`` px wide) that
    loads it; returns the page's file URI."""
    bundle(entry_source, folder / "harness.js")
    (folder / "index.html").write_text(
        f'<!doctype html><meta charset="utf-8"><body style="margin:0;width:{width}px">'
        '<div id="root"></div><script src="harness.js"></script>'
    )
    return (folder / "index.html").as_uri()


def open_page(browser, url: str, width: int = 1400, height: int = 800):
    """A page of ``browser`` at ``url`` and the list its uncaught errors are appended to."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors
