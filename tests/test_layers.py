"""The package's layers import only the layers before them in the data flow (README, Layout):
a new import that reaches downstream, or back up, fails here instead of in a review."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "jupyter_tb"
SHARED = {"_proto", "_arrays", "_appended"}  # private helpers any layer may use
MAY_IMPORT = {
    "format": set(),
    "reading": {"format"},
    "writing": {"format"},
    "compute": {"reading"},  # reading's typed results (e.g. hparams sessions), never its internals' state
    "widgets": {
        "reading",
        "compute",
        "writing",
    },  # writing: the projector's sprite sheet, as add_embedding writes it
}


def _imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):  # a late import by name is still an import
            names = [
                arg.value
                for arg in node.args[:1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            ]
        else:
            continue
        layers |= {name.split(".")[1] for name in names if name.startswith("jupyter_tb.")}
    return layers


def test_each_layer_imports_only_the_layers_before_it():
    wrong = []
    for layer, allowed in MAY_IMPORT.items():
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            extra = _imported_layers(path) - allowed - SHARED - {layer}
            if extra:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {sorted(extra)}")
    assert not wrong, "\n".join(wrong)


def test_every_subpackage_is_a_known_layer():
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - SHARED
    assert packages == set(MAY_IMPORT), packages
