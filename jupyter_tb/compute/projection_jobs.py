"""t-SNE and UMAP in a child process: the kernel stays free, progress is read, cancel is a kill.

scikit-learn's t-SNE and umap-learn offer no progress callback and cannot be stopped from
another thread, and they hold the GIL for long stretches. So :func:`run_projection` writes
the matrix to a temporary ``.npy`` file, starts ``python -m jupyter_tb.compute.projection_jobs``
on it, turns the lines the method prints when ``verbose`` (t-SNE: "Iteration 350: ...",
UMAP: its phases and "120/500" epochs) into :class:`Progress` reports, and reads the result
back. ``cancel`` (a ``threading.Event``) kills the child at once.

Runs in the caller's thread (the projector view calls it from a worker thread).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jupyter_tb.compute.projections import LABELS, MissingProjectionDependency, Projection, project

_TSNE_ITERATION = re.compile(rb"Iteration (\d+)")
_EPOCHS = re.compile(rb"(\d+)/(\d+)")
_RESULT = b"JTB-RESULT "


class ProjectionCancelled(Exception):
    """The job was cancelled before it finished."""


@dataclass(frozen=True)
class Progress:
    fraction: float | None  # 0..1 when the method says how far it is, None in a phase
    text: str


def parse_progress(method: str, line: bytes, max_iter: int) -> Progress | None:
    """One line (or tqdm frame) of the method's verbose output -> a progress report."""
    label = LABELS[method]
    if method == "tsne":
        found = _TSNE_ITERATION.search(line)
        if found:
            done = int(found.group(1))
            return Progress(min(1.0, done / max_iter), f"{label}: iteration {done:,} of {max_iter:,}")
        if b"nearest neighbors" in line or b"conditional probabilities" in line:
            return Progress(0.0, f"{label}: finding neighbours")
        return None
    found = _EPOCHS.search(line)
    if found and b"epoch" in line.lower():
        done, total = int(found.group(1)), int(found.group(2))
        return Progress(done / max(total, 1), f"{label}: epoch {done:,} of {total:,}")
    for needle, text in (
        (b"Nearest Neighbor", "finding neighbours"),
        (b"Construct embedding", "initialising"),
    ):
        if needle in line:
            return Progress(0.0, f"{label}: {text}")
    return None


def _frames(stream):
    """Lines of a byte stream, split at \\n and at tqdm's \\r."""
    pending = b""
    while chunk := stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096):
        pending += chunk
        *whole, pending = re.split(rb"[\r\n]", pending)
        yield from (w for w in whole if w.strip())
    if pending.strip():
        yield pending


def _child_env() -> dict:
    """The child imports this very jupyter_tb (a checkout on PYTHONPATH included)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_projection(
    matrix: np.ndarray,
    method: str,
    dims: int,
    options: dict | None = None,
    *,
    on_progress: Callable[[Progress], None] = lambda progress: None,
    cancel: threading.Event | None = None,
) -> Projection:
    """``projections.project(matrix, method, dims, **options)`` in a child process."""
    options = dict(options or {})
    cancel = cancel or threading.Event()
    max_iter = int(options.get("max_iter", 1000))
    with tempfile.TemporaryDirectory(prefix="jupyter_tb-projection-") as folder:
        source, target = Path(folder, "matrix.npy"), Path(folder, "result.npz")
        np.save(source, np.ascontiguousarray(matrix, dtype=np.float32))
        request = json.dumps({"method": method, "dims": dims, "options": options})
        child = subprocess.Popen(
            [sys.executable, "-m", "jupyter_tb.compute.projection_jobs", str(source), str(target), request],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_child_env(),
        )
        # a watcher kills the child as soon as cancel is set (the reader below may be waiting)
        finished = threading.Event()

        def watch():
            while not finished.is_set():
                if cancel.wait(0.1):
                    child.kill()
                    return

        threading.Thread(target=watch, name="jupyter_tb-projection-cancel", daemon=True).start()
        tail, result = [], None
        try:
            for line in _frames(child.stdout):
                if line.startswith(_RESULT):
                    result = json.loads(line[len(_RESULT) :])
                    continue
                tail = (tail + [line])[-20:]
                progress = parse_progress(method, line, max_iter)
                if progress is not None:
                    on_progress(progress)
            code = child.wait()
        finally:
            finished.set()
            if child.poll() is None:
                child.kill()
                child.wait()
        if cancel.is_set():
            raise ProjectionCancelled(f"{LABELS[method]} cancelled")
        if result is not None and "missing" in result:
            raise MissingProjectionDependency(result["missing"])
        if code != 0 or result is None:
            lines = [t.decode("utf-8", "replace") for t in tail]
            error = next((t for t in reversed(lines) if "Error" in t), lines[-1] if lines else f"exit {code}")
            raise RuntimeError(f"{LABELS[method]} failed: {error}")
        arrays = np.load(target)
        indices = arrays["indices"] if result["sampled"] else None
        return Projection(method, arrays["coords"], indices, note=result["note"], params=result["params"])


def _main(source: str, target: str, request: str) -> int:
    spec = json.loads(request)
    try:
        projection = project(np.load(source), spec["method"], spec["dims"], **spec["options"], verbose=True)
    except ImportError as error:  # MissingProjectionDependency's message says what to install
        print((_RESULT + json.dumps({"missing": str(error)}).encode()).decode(), flush=True)
        return 2
    sampled = projection.indices is not None
    np.savez(target, coords=projection.coords, indices=projection.indices if sampled else np.zeros(0))
    summary = {"note": projection.note, "params": projection.params, "sampled": sampled}
    print((_RESULT + json.dumps(summary).encode()).decode(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:4]))
