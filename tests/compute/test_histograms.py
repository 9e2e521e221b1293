"""Histogram arithmetic checked against TensorBoard's own compressor (the reference
implementation of the distribution basis points), on tensorboardX histograms and by hand."""

import numpy as np
import pytest
from tensorboard.plugins.distribution import compressor

import jupyter_tb
from jupyter_tb.compute.histograms import BASIS_POINTS, common_edges, percentiles, rebin
from tests.support.reader_fixtures import write_normal_histograms


def test_percentiles_match_tensorboard_compressor(tmp_path):
    write_normal_histograms(str(tmp_path))
    series = jupyter_tb.read(str(tmp_path)).histograms("run", "w/layer1")
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


def test_common_edges_span_every_bucket_edge_as_tensorboards_dashboard():
    # TensorBoard's histogram dashboard bins from the lowest left edge to the highest right
    # edge of all steps, empty buckets included, infinite edges aside
    a = np.array([[-5.0, 0.0, 0.0], [0.0, 1.0, 2.0]])
    b = np.array([[2.0, 3.0, 1.0], [3.0, 9.0, 0.0], [9.0, np.inf, 0.0]])
    np.testing.assert_allclose(common_edges([a, b], 2), [-5.0, 2.0, 9.0])
    # a legacy histogram's backwards empty first bucket [min, limit_0]: the limit is lowest
    torch_like = np.array([[-3.9, -4.2, 0.0], [-4.2, -3.8, 1.0], [-3.8, 3.1, 9.0]])
    np.testing.assert_allclose(common_edges([torch_like], 1), [-4.2, 3.1])
    np.testing.assert_allclose(common_edges([np.array([[2.0, 2.0, 5.0]])], 1), [2 / 1.1 - 1, 2 * 1.1 + 1])
    np.testing.assert_allclose(common_edges([], 2), [0.0, 0.5, 1.0])
