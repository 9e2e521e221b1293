"""anywidget views of a logdir. See :mod:`jupyter_tb.widgets.base` for the plug-in API.

Every module of this package is imported by :func:`discover`, so a view module only has to
exist and call :func:`~jupyter_tb.widgets.base.register_view` to appear as a dashboard tab.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings

_discovered = False

# framework modules: they register nothing
_NOT_VIEWS = {"base", "library", "payload", "source", "dashboard"}


def discover() -> None:
    """Import every view module of this package once (each registers its view)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_VIEWS:
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception as error:  # one broken view must not take the board down
            warnings.warn(f"jupyter_tb: view module {info.name!r} failed to import: {error}")
