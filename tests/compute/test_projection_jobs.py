"""t-SNE / UMAP in a child process: progress lines become reports, cancel kills the child,
the result is the same projection the in-process function gives."""

import threading
import time

import numpy as np
import pytest

from jupyter_tb.compute import projection_jobs, projections
from tests.compute.test_projections import _clusters


def test_tsne_in_a_child_reports_progress_and_matches_in_process():
    x, _ = _clusters(n_per=40)
    reports = []
    job = projection_jobs.run_projection(x, "tsne", 2, {"max_iter": 300}, on_progress=reports.append)
    here = projections.tsne(x, 2, max_iter=300)
    np.testing.assert_allclose(job.coords, here.coords, rtol=1e-4, atol=1e-3)
    assert job.params == here.params and job.indices is None
    fractions = [r.fraction for r in reports if r.fraction]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) >= 5
    assert reports[-1].text == "t-SNE: iteration 300 of 300"


def test_sampled_job_keeps_its_indices_and_note():
    x, _ = _clusters(n_per=40)
    job = projection_jobs.run_projection(x, "tsne", 3, {"max_iter": 250, "max_points": 60})
    assert job.coords.shape == (60, 3) and len(job.indices) == 60 and "60 of 120" in job.note


def test_cancel_kills_the_child_at_once():
    x = np.random.default_rng(0).random((4000, 50)).astype(np.float32)
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    t0 = time.perf_counter()
    with pytest.raises(projection_jobs.ProjectionCancelled):
        projection_jobs.run_projection(x, "tsne", 3, cancel=cancel)
    assert time.perf_counter() - t0 < 10  # the full run takes minutes here


def test_a_failing_child_says_why():
    with pytest.raises(RuntimeError, match=r"t-SNE failed: .*dims must be 2 or 3"):
        projection_jobs.run_projection(np.ones((10, 3), np.float32), "tsne", 4)


@pytest.mark.parametrize(
    ("method", "line", "fraction", "text"),
    [
        (
            "tsne",
            b"[t-SNE] Iteration 350: error = 1.2, gradient norm = 0.01",
            0.35,
            "t-SNE: iteration 350 of 1,000",
        ),
        ("tsne", b"[t-SNE] Computing 91 nearest neighbors...", 0.0, "t-SNE: finding neighbours"),
        ("umap", b"Epochs completed:  24%| 2  120/500 [00:02]", 0.24, "UMAP: epoch 120 of 500"),
        ("umap", b"Wed Nov 25 14:53:38 2026 Finding Nearest Neighbors", 0.0, "UMAP: finding neighbours"),
    ],
)
def test_progress_lines(method, line, fraction, text):
    report = projection_jobs.parse_progress(method, line, 1000)
    assert report == projection_jobs.Progress(fraction, text)
    assert projection_jobs.parse_progress(method, b"unrelated", 1000) is None
