import numpy as np
import pytest
import torch

from jupyter_tb.compute import projections
from tests.support.modules import hide_module


def _anisotropic(n=600, d=20, seed=0):
    """Gaussian cloud whose variance falls along the feature axes, rotated at random."""
    rng = np.random.default_rng(seed)
    scales = np.linspace(5.0, 0.2, d)
    rotation = np.linalg.qr(rng.standard_normal((d, d)))[0]
    return ((rng.standard_normal((n, d)) * scales) @ rotation.T + 7.0).astype(np.float32)


def _clusters(n_per=60, d=16, k=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)) * 20
    x = np.vstack([c + rng.standard_normal((n_per, d)) for c in centres]).astype(np.float32)
    return x, np.repeat(np.arange(k), n_per)


def _reference_pca(x, k):
    centered = x.astype(np.float64) - x.mean(0)
    cov = centered.T @ centered / (len(x) - 1)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    return centered @ vectors[:, order[:k]], values[order[:k]] / values.sum()


def _same_up_to_sign(a, b, atol):
    for j in range(a.shape[1]):
        col = a[:, j] * np.sign(a[:, j] @ b[:, j])
        np.testing.assert_allclose(col, b[:, j], atol=atol)


def test_pca_matches_eigendecomposition_and_variance():
    x = _anisotropic()
    p = projections.pca(x, 3)
    ref, ratio = _reference_pca(x, 3)
    assert p.coords.dtype == np.float32 and p.coords.shape == (600, 3)
    _same_up_to_sign(p.coords, ref, atol=1e-3)
    np.testing.assert_allclose(p.variance, ratio, rtol=1e-4)
    assert p.variance[0] > p.variance[1] > p.variance[2]
    assert p.indices is None and p.method == "pca"


def test_pca_randomised_route_for_wide_data():
    # more features than the exact route takes: the randomised SVD must still find the
    # leading components of a spectrum that decays
    rng = np.random.default_rng(3)
    d = 1500
    scales = np.concatenate([[10.0, 6.0, 3.5], np.geomspace(1.0, 0.01, d - 3)])
    x = (rng.standard_normal((400, d)) * scales).astype(np.float32)
    p = projections.pca(x, 3)
    ref, ratio = _reference_pca(x, 3)
    _same_up_to_sign(p.coords, ref, atol=1e-2)
    np.testing.assert_allclose(p.variance, ratio, rtol=1e-3)


def test_pca_is_deterministic_with_fixed_signs():
    x = _anisotropic(d=1200, n=300)
    a, b = projections.pca(x, 3, seed=5), projections.pca(x.copy(), 3, seed=5)
    np.testing.assert_array_equal(a.coords, b.coords)
    # the sign convention: each axis' largest-magnitude loading is positive, so shifting
    # the data leaves the picture unchanged rather than mirrored
    c = projections.pca(x + 100.0, 3, seed=5)
    np.testing.assert_allclose(a.coords, c.coords, atol=1e-2)


def test_pca_two_dims_and_fewer_features_than_dims():
    x = _anisotropic(d=2)
    p2 = projections.pca(x, 2)
    assert p2.coords.shape == (600, 2)
    np.testing.assert_allclose(sum(p2.variance), 1.0, rtol=1e-5)
    p3 = projections.pca(x, 3)
    assert p3.coords.shape == (600, 3)
    assert np.all(p3.coords[:, 2] == 0)


def test_positions_fill_missing_rows_with_nan_and_flat_z():
    p = projections.Projection("tsne", np.ones((2, 2), np.float32), np.array([1, 3]))
    pos = p.positions(4)
    assert pos.shape == (4, 3) and pos.dtype == np.float32
    assert np.isnan(pos[[0, 2]]).all()
    np.testing.assert_array_equal(pos[[1, 3]], [[1, 1, 0], [1, 1, 0]])


def test_as_matrix_accepts_torch_pandas_lists():
    import pandas as pd

    t = torch.arange(12, dtype=torch.float64, requires_grad=True).reshape(4, 3)
    np.testing.assert_array_equal(projections.as_matrix(t), np.arange(12).reshape(4, 3))
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    np.testing.assert_array_equal(projections.as_matrix(df), [[1, 3], [2, 4]])
    assert projections.as_matrix([1, 2, 3]).shape == (3, 1)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((2, 2, 2)), "2-D"),
        (np.zeros((0, 4)), "empty"),
        (np.array([[1.0, np.nan], [0, 0]]), "NaN"),
        ([["a", "b"]], "numeric"),
    ],
)
def test_as_matrix_rejects_bad_input_clearly(bad, message):
    with pytest.raises(ValueError, match=message):
        projections.as_matrix(bad)


def test_bad_dims_and_method():
    with pytest.raises(ValueError, match="dims"):
        projections.pca(np.ones((5, 3)), 4)
    with pytest.raises(ValueError, match="unknown projection"):
        projections.project(np.ones((5, 3)), "lda")


def test_tsne_separates_clusters_deterministically():
    x, labels = _clusters()
    a = projections.tsne(x, 2, seed=1, max_iter=300)
    b = projections.tsne(x, 2, seed=1, max_iter=300)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.coords.shape == (180, 2) and a.note == "" and a.indices is None
    _assert_clusters_separate(a.coords, labels)


def _assert_clusters_separate(coords, labels):
    centroids = np.array([coords[labels == k].mean(0) for k in np.unique(labels)])
    nearest = np.argmin(((coords[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1)
    assert (nearest == labels).mean() > 0.98


def test_tsne_samples_above_cap_and_says_so():
    x, _labels = _clusters(n_per=100)
    p = projections.tsne(x, 3, max_points=120, seed=2, max_iter=250)
    assert p.coords.shape == (120, 3)
    assert len(np.unique(p.indices)) == 120 and np.all(np.diff(p.indices) > 0)
    assert "120 of 300 points" in p.note and "max_points" in p.note
    again = projections.tsne(x, 3, max_points=120, seed=2, max_iter=250)
    np.testing.assert_array_equal(p.indices, again.indices)
    pos = p.positions(300)
    assert np.isnan(pos).any(axis=1).sum() == 180


def test_tsne_tiny_input_shrinks_perplexity():
    p = projections.tsne(np.random.default_rng(0).standard_normal((10, 4)), 2, max_iter=250)
    assert p.params["perplexity"] == 3.0


def test_tsne_pre_reduces_wide_input():
    x, labels = _clusters(d=300)
    p = projections.tsne(x, 2, seed=0, max_iter=300)
    _assert_clusters_separate(p.coords, labels)


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    hide_module(monkeypatch, "sklearn")
    with pytest.raises(projections.MissingProjectionDependency, match=r"pip install scikit-learn"):
        projections.tsne(np.ones((10, 3)))
    status = projections.available_methods()
    assert status["pca"] == "" and "scikit-learn" in status["tsne"]


def test_missing_umap_names_the_extra(monkeypatch):
    hide_module(monkeypatch, "umap")
    with pytest.raises(projections.MissingProjectionDependency) as info:
        projections.umap(np.ones((10, 3)))
    assert "pip install umap-learn" in str(info.value)
    assert isinstance(info.value, ImportError)
    assert "umap-learn" in projections.available_methods()["umap"]


def test_umap_separates_clusters_deterministically():
    pytest.importorskip("umap")
    x, labels = _clusters(n_per=80)
    a = projections.umap(x, 2, seed=3)
    b = projections.umap(x, 2, seed=3)
    np.testing.assert_array_equal(a.coords, b.coords)
    _assert_clusters_separate(a.coords, labels)
    c = projections.umap(x, 3, seed=3, max_points=100)
    assert c.coords.shape == (100, 3) and "UMAP ran on a random sample of 100 of 240" in c.note


def _brute_neighbors(x, i, metric):
    x = x.astype(np.float64)
    if metric == "cosine":
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        d = 1 - unit @ unit[i]
    else:
        d = np.linalg.norm(x - x[i], axis=1)
    d[i] = np.inf
    order = np.argsort(d, kind="stable")
    return order, d[order]


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_nearest_neighbors_match_brute_force(metric):
    x = np.random.default_rng(4).standard_normal((500, 12)).astype(np.float32)
    idx, dist = projections.nearest_neighbors(x, 17, k=8, metric=metric)
    ref_idx, ref_dist = _brute_neighbors(x, 17, metric)
    np.testing.assert_array_equal(idx, ref_idx[:8])
    np.testing.assert_allclose(dist, ref_dist[:8], rtol=1e-5, atol=1e-6)
    assert 17 not in idx and np.all(np.diff(dist) >= 0)


def test_nearest_neighbors_edges():
    x = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    idx, dist = projections.nearest_neighbors(x, 0, k=10, metric="cosine")
    assert list(idx) == [1, 2, 3] and dist[0] == pytest.approx(0.0)
    assert dist[list(idx).index(3)] == pytest.approx(1.0)  # zero vector: no direction
    idx, _ = projections.nearest_neighbors(x, -1, k=1, metric="euclidean")
    assert list(idx) == [0]  # tie with row 2 broken by index
    with pytest.raises(IndexError):
        projections.nearest_neighbors(x, 4)
    with pytest.raises(ValueError, match="metric"):
        projections.nearest_neighbors(x, 0, metric="manhattan")


def fashion_like(n=100, classes=10, seed=0):
    """FashionMNIST-sized stand-ins: 28x28 class prototypes in [0, 1] with per-image contrast
    and pixel noise, classes interleaved as in a shuffled batch."""
    rng = np.random.default_rng(seed)
    prototypes = rng.random((classes, 784)).astype(np.float32)
    labels = np.arange(n) % classes
    x = prototypes[labels] * rng.uniform(0.6, 1.2, (n, 1)) + rng.normal(0, 0.35, (n, 784))
    return np.clip(x, 0, 1.5).astype(np.float32), labels


def knn_class_accuracy(coords, labels, k=5):
    """Leave-one-out k-nearest-neighbour class accuracy in an embedding."""
    d = np.square(coords[:, None, :] - coords[None, :, :]).sum(-1)
    np.fill_diagonal(d, np.inf)
    votes = labels[np.argsort(d, axis=1)[:, :k]]
    predicted = np.array([np.bincount(v, minlength=labels.max() + 1).argmax() for v in votes])
    return float((predicted == labels).mean())


def test_tsne_3d_separates_100_fashion_like_points_as_2d_does():
    # 3-D t-SNE with scikit-learn's early exaggeration (12) left these classes mixed (5-NN
    # accuracy 0.64-0.80 over data seeds 0-2) while 2-D separated them (1.0)
    x, labels = fashion_like()
    two, three = projections.tsne(x, 2), projections.tsne(x, 3)
    assert three.coords.shape == (100, 3) and three.params["early_exaggeration"] == 4
    assert knn_class_accuracy(two.coords, labels) >= 0.95
    assert knn_class_accuracy(three.coords, labels) >= 0.95


def test_spherize_centres_columns_and_normalises_rows():
    x = _anisotropic(n=200, d=6)
    s = projections.spherized(x)
    assert np.allclose(np.linalg.norm(s, axis=1), 1, atol=1e-5)
    assert not projections.spherized(np.ones((5, 3))).any()  # rows centred to zero stay zero
    centred = x - x.mean(0)
    np.testing.assert_allclose(s[10], centred[10] / np.linalg.norm(centred[10]), atol=1e-5)
    p = projections.pca(x, 3, spherize=True)
    assert p.params["spherize"] and not np.allclose(p.coords, projections.pca(x, 3).coords)
