"""One module per dashboard tab; each calls :func:`~jupyter_tb.widgets.base.register_view`.

:func:`discover` imports every module of this package, so a new tab only has to exist here.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings

_discovered = False


def discover() -> None:
    """Import every view module of this package once (each registers its view)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception as error:  # one broken view must not take the board down
            warnings.warn(f"jupyter_tb: view module {info.name!r} failed to import: {error}", stacklevel=2)
