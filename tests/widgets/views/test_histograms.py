"""Histograms and distributions computed from a tensorboardX logdir, checked against
TensorBoard's own compressor (the reference implementation of the basis points)."""

import numpy as np
import pytest
from tensorboard.plugins.distribution import compressor
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb.widgets.live_source import open_source
from jupyter_tb.widgets.views.histograms import (
    BASIS_POINTS,
    BINS,
    Distributions,
    Histograms,
    percentiles,
    rebin,
)
from tests.support.widget_capture import make_view


@pytest.fixture
def logdir(tmp_path):
    rng = np.random.default_rng(0)
    with TBXWriter(str(tmp_path / "run")) as w:
        for step in (0, 10, 20):
            w.add_histogram("w/layer1", rng.normal(step / 10, 1.0, 3000), step)
    return tmp_path


def make(cls, logdir, **traits):
    return make_view(cls, logdir, **traits)


def test_percentiles_match_tensorboard_compressor(logdir, live_sources):
    source = open_source(logdir)
    source.wait_loaded(30)
    series = source.logdir.histograms("run", "w/layer1")
    for i in range(len(series)):
        buckets = series[i]
        ours = percentiles(buckets)
        # TensorBoard's compressor takes cumulative-able buckets [left, right, count]
        pairs = compressor.compress_histogram(buckets.tolist(), BASIS_POINTS.astype(int).tolist())
        theirs = [value for _bp, value in pairs]
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
        assert ours[0] <= ours[4] <= ours[-1]


def test_percentiles_with_empty_buckets_match_tensorboard():
    buckets = np.array(
        [[-2.0, -1.0, 0.0], [-1.0, 0.0, 4.0], [0.0, 1.0, 0.0], [1.0, 2.0, 4.0], [2.0, 3.0, 0.0]]
    )
    theirs = [
        v for _bp, v in compressor.compress_histogram(buckets.tolist(), BASIS_POINTS.astype(int).tolist())
    ]
    np.testing.assert_allclose(percentiles(buckets), theirs, rtol=1e-12)


def test_rebin_preserves_counts():
    buckets = np.array([[0.0, 1.0, 10.0], [1.0, 3.0, 20.0], [3.0, 3.5, 5.0]])
    counts = rebin(buckets, np.linspace(0.0, 4.0, 9))
    assert counts.sum() == pytest.approx(35.0)
    assert counts[0] == pytest.approx(5.0) and counts[2] == pytest.approx(5.0)


def test_histogram_messages(logdir, outbox, live_sources):
    w = make(Histograms, logdir)
    m = outbox.of(w, "histogram")[0]
    assert m["run"] == "run" and m["tag"] == "w/layer1" and not m["append"]
    np.testing.assert_array_equal(m["steps"], [0, 10, 20])
    assert m["counts"].shape == (3, BINS) and m["edges"].shape == (BINS + 1,)
    np.testing.assert_allclose(m["counts"].sum(axis=1), 3000, rtol=1e-4)
    # the mean moves right with the step, as written
    centers = (m["edges"][1:] + m["edges"][:-1]) / 2
    means = (m["counts"] * centers).sum(axis=1) / m["counts"].sum(axis=1)
    assert means[0] < means[1] < means[2]
    assert w.mode == "offset"


def test_distribution_messages_and_live_append(logdir, outbox, live_sources):
    w = make(Distributions, logdir)
    m = outbox.of(w, "distribution")[0]
    assert m["percentiles"].shape == (3, 9)
    assert np.all(np.diff(m["percentiles"], axis=1) >= 0)
    assert abs(m["percentiles"][2, 4] - 2.0) < 0.1  # median of N(2, 1)
    outbox.clear(w)
    with TBXWriter(str(logdir / "run"), filename_suffix=".more") as writer:
        writer.add_histogram("w/layer1", np.random.default_rng(1).normal(3, 1, 3000), 30)
    appended = outbox.wait_for(w, lambda m: m["type"] == "distribution")[-1]
    assert appended["append"] and list(appended["steps"]) == [30]
