"""Making an installed package look absent, to test the message users get without it."""

from __future__ import annotations

import sys


def hide_module(monkeypatch, name: str) -> None:
    """Make the package ``name`` look uninstalled: Python's import system treats a None entry
    in sys.modules as "not importable" (ModuleNotFoundError) and find_spec finds nothing."""
    for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        monkeypatch.setitem(sys.modules, loaded, None)
    monkeypatch.setitem(sys.modules, name, None)
