"""Switching JupyterLab's theme from a browser test (light/dark screenshots of one page)."""

from __future__ import annotations


def set_lab_theme(nb, dark: bool = True) -> None:
    """Apply JupyterLab Dark (or Light) through Lab's own command and wait until it shows."""
    theme = "JupyterLab Dark" if dark else "JupyterLab Light"
    nb.page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
    nb.page.wait_for_function(
        "dark => document.body.dataset.jpThemeLight === (dark ? 'false' : 'true')", arg=dark, timeout=30_000
    )
    nb.page.wait_for_timeout(800)  # the views redraw their canvases in the new colours
