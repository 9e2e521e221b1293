"""Low-dimensional projections of embedding matrices for the projector view.

- ``pca`` is plain numpy: an exact eigendecomposition of the covariance when the feature
  count is modest, a seeded randomised SVD (Halko, Martinsson & Tropp 2011) when it is not.
- ``tsne`` (scikit-learn, installed with the ``demo`` and ``projector`` extras) and ``umap``
  (umap-learn, ~210 MB with numba, so only in the ``projector`` extra): when the package is
  missing they raise :class:`MissingProjectionDependency`, whose message gives the exact pip
  command. Both run on a seeded random sample when the input is larger than ``max_points``,
  and say so in :attr:`Projection.note`. ``verbose=True`` makes them print their progress
  (what :mod:`jupyter_tb.compute.projection_jobs` reads from its worker process).
- ``spherize`` is TensorBoard's option of that name: centre every column, then scale every
  row to unit length, before projecting.
- ``nearest_neighbors`` ranks rows by cosine or euclidean distance to one row.

Every function is deterministic for a given ``seed``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from jupyter_tb._arrays import to_numpy

METHODS = ("pca", "tsne", "umap")
LABELS = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
METRICS = ("cosine", "euclidean")
# The exact command for each optional package (the message shown when it is missing).
PIP_COMMANDS = {"scikit-learn": "pip install scikit-learn", "umap-learn": "pip install umap-learn"}

# Beyond this many features the covariance route (d x d) costs more than a randomised SVD.
_EXACT_PCA_MAX_FEATURES = 1024
# t-SNE and UMAP see at most this many input features: a PCA pre-reduction removes noise
# and makes their neighbour searches far cheaper, the usual practice for both.
_PRE_REDUCE_FEATURES = 50
# t-SNE on 5,000 points takes ~45 s on two busy cores; UMAP scales better.
DEFAULT_MAX_POINTS = {"tsne": 5_000, "umap": 20_000}
# Below this many points t-SNE's early exaggeration is 4 instead of scikit-learn's 12. With 12,
# 3-D t-SNE of 100 points in 10 classes kept them mixed (5-NN class accuracy 0.64-0.80 over
# three data seeds, 2-D: 1.0); with 4 it separates them (1.0, 2-D unchanged). At 1,000 points
# both reach 1.0 and 12 is much faster in 3-D (Barnes-Hut trees stay compact).
_SMALL_TSNE = 1000
_SMALL_TSNE_EXAGGERATION = 4.0


class MissingProjectionDependency(ImportError):
    """An optional projection library is not installed."""


@dataclass(frozen=True)
class Projection:
    """Coordinates of a projection.

    ``coords`` has one row per entry of ``indices`` (rows of the input matrix that were
    projected; ``None`` means every row, in order) and ``dims`` columns, float32.
    ``variance`` holds the fraction of total variance each PCA component explains.
    """

    method: str
    coords: np.ndarray
    indices: np.ndarray | None = None
    variance: tuple[float, ...] = ()
    note: str = ""
    params: dict = field(default_factory=dict)

    @property
    def dims(self) -> int:
        return int(self.coords.shape[1])

    def positions(self, n_points: int) -> np.ndarray:
        """(n_points, 3) float32 with NaN rows for points the projection did not cover;
        a 2-D projection gets z = 0."""
        out = np.full((n_points, 3), np.nan, dtype=np.float32)
        rows = slice(None) if self.indices is None else self.indices
        out[rows, : self.dims] = self.coords
        if self.dims < 3:
            out[rows, self.dims :] = 0.0
        return out


def as_matrix(data) -> np.ndarray:
    """A 2-D float32 array from numpy, torch (any device, with grad), pandas or lists."""
    try:
        matrix = np.asarray(to_numpy(data), dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"embedding must be numeric: {exc}") from None
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2:
        raise ValueError(f"embedding must be 2-D (points x features), got shape {matrix.shape}")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"embedding is empty: shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        bad = int((~np.isfinite(matrix)).any(axis=1).sum())
        raise ValueError(f"embedding has NaN or infinite values in {bad} row(s)")
    return matrix


def _sign_fixed(components: np.ndarray) -> np.ndarray:
    """Flip each component (a column) so its largest-magnitude loading is positive:
    eigenvectors are defined up to sign, and a stable picture needs one choice."""
    pivots = np.argmax(np.abs(components), axis=0)
    signs = np.sign(components[pivots, np.arange(components.shape[1])])
    signs[signs == 0] = 1.0
    return components * signs


def _top_components(centered: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k principal axes (d x k) and their variances, largest first."""
    n, d = centered.shape
    if d <= _EXACT_PCA_MAX_FEATURES:
        # covariance in float64: 100k x 128 costs ~1.6 GFLOP, exact and stable
        cov = centered.T.astype(np.float64) @ centered.astype(np.float64) / max(n - 1, 1)
        variances, vectors = np.linalg.eigh(cov)
        order = np.argsort(variances)[::-1][:k]
        return vectors[:, order], variances[order]
    # randomised range finder with a few power iterations, then an exact small SVD
    rng = np.random.default_rng(seed)
    width = min(d, 2 * k + 20)  # oversampling: accuracy on flat spectra
    q = np.linalg.qr(centered @ rng.standard_normal((d, width)).astype(np.float32))[0]
    for _ in range(6):
        q = np.linalg.qr(centered.T @ q)[0]
        q = np.linalg.qr(centered @ q)[0]
    _, singular, vt = np.linalg.svd(q.T @ centered, full_matrices=False)
    return vt[:k].T.astype(np.float64), (singular[:k].astype(np.float64) ** 2) / max(n - 1, 1)


def pca(data, dims: int = 3, *, seed: int = 0, spherize: bool = False) -> Projection:
    """Project onto the top ``dims`` principal components (fewer if the data has fewer)."""
    matrix = spherized(data) if spherize else as_matrix(data)
    _check_dims(dims)
    centered = matrix - matrix.mean(axis=0, dtype=np.float64).astype(np.float32)
    total = float(np.square(centered, dtype=np.float64).sum() / max(matrix.shape[0] - 1, 1))
    k = min(dims, matrix.shape[1], matrix.shape[0])
    axes, variances = _top_components(centered, k, seed)
    axes = _sign_fixed(axes)
    coords = (centered @ axes.astype(np.float32)).astype(np.float32)
    if k < dims:  # e.g. 2 features asked for 3-D: keep the requested shape, flat extra axes
        coords = np.hstack([coords, np.zeros((coords.shape[0], dims - k), np.float32)])
    explained = tuple(float(v / total) if total > 0 else 0.0 for v in variances)
    return Projection(
        "pca", coords, None, explained, params={"dims": dims, "seed": seed, "spherize": spherize}
    )


def _check_dims(dims: int) -> None:
    if dims not in (2, 3):
        raise ValueError(f"dims must be 2 or 3, got {dims!r}")


def _sample(n: int, max_points: int | None, seed: int) -> np.ndarray | None:
    """Sorted row indices of a seeded random sample, or None when every row fits."""
    if max_points is None or n <= max_points:
        return None
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    return np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))


def spherized(data) -> np.ndarray:
    """TensorBoard's "spherize": every column centred, then every row scaled to unit length
    (rows that are all zero after centring stay zero)."""
    matrix = as_matrix(data)
    centered = matrix - matrix.mean(axis=0, dtype=np.float64).astype(np.float32)
    norms = np.linalg.norm(centered, axis=1, keepdims=True)
    return np.divide(centered, norms, out=np.zeros_like(centered), where=norms > 0)


def _prepared(data, method: str, dims: int, max_points: int | None, seed: int, spherize: bool = False):
    """Check, sample and PCA-pre-reduce the input of an iterative method; returns the
    matrix to fit, the sampled indices (or None) and a note for the user."""
    _check_dims(dims)
    label = LABELS[method]
    matrix = spherized(data) if spherize else as_matrix(data)
    n = matrix.shape[0]
    indices = _sample(n, max_points, seed)
    note = ""
    if indices is not None:
        note = (
            f"{label} ran on a random sample of {len(indices):,} of {n:,} points "
            f"(seed {seed}); pass max_points=None to use all of them (slower)."
        )
        matrix = matrix[indices]
    if matrix.shape[1] > _PRE_REDUCE_FEATURES and matrix.shape[0] > _PRE_REDUCE_FEATURES:
        centered = matrix - matrix.mean(axis=0)
        axes, _ = _top_components(centered, _PRE_REDUCE_FEATURES, seed)
        matrix = (centered @ _sign_fixed(axes).astype(np.float32)).astype(np.float32)
    if matrix.shape[0] < 4:
        raise ValueError(f"{label} needs at least 4 points, got {matrix.shape[0]}")
    return matrix, indices, note


def _missing_message(method_label: str, package: str) -> str:
    return (
        f"{method_label} needs the {package} package, which is not installed: "
        f"{PIP_COMMANDS[package]} (then pick {method_label} again). PCA works without it."
    )


def _import_optional(module: str, method_label: str, package: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingProjectionDependency(_missing_message(method_label, package)) from None


def tsne(
    data,
    dims: int = 2,
    *,
    perplexity: float = 30.0,
    seed: int = 0,
    max_points: int | None = DEFAULT_MAX_POINTS["tsne"],
    max_iter: int = 1000,
    early_exaggeration: float | None = None,
    spherize: bool = False,
    verbose: bool = False,
) -> Projection:
    """Barnes-Hut t-SNE from scikit-learn (``pip install scikit-learn``). ``early_exaggeration``
    None picks 4 below ``_SMALL_TSNE`` points, else scikit-learn's 12."""
    manifold = _import_optional("sklearn.manifold", "t-SNE", "scikit-learn")
    matrix, indices, note = _prepared(data, "tsne", dims, max_points, seed, spherize)
    n = matrix.shape[0]
    # perplexity must stay below the point count; shrink it for tiny inputs
    used_perplexity = float(min(perplexity, (n - 1) / 3))
    if early_exaggeration is None:
        early_exaggeration = _SMALL_TSNE_EXAGGERATION if n < _SMALL_TSNE else 12.0
    model = manifold.TSNE(
        n_components=dims,
        perplexity=used_perplexity,
        early_exaggeration=early_exaggeration,
        init="pca",
        learning_rate="auto",
        max_iter=max_iter,
        random_state=seed,
        verbose=2 if verbose else 0,  # a line every 50 iterations: the job's progress
    )
    coords = model.fit_transform(matrix).astype(np.float32)
    params = {
        "dims": dims,
        "seed": seed,
        "perplexity": used_perplexity,
        "early_exaggeration": early_exaggeration,
        "max_iter": max_iter,
        "max_points": max_points,
        "spherize": spherize,
    }
    return Projection("tsne", coords, indices, note=note, params=params)


def umap(
    data,
    dims: int = 2,
    *,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    seed: int = 0,
    max_points: int | None = DEFAULT_MAX_POINTS["umap"],
    spherize: bool = False,
    verbose: bool = False,
) -> Projection:
    """UMAP from umap-learn (``pip install umap-learn``)."""
    umap_module = _import_optional("umap", "UMAP", "umap-learn")
    matrix, indices, note = _prepared(data, "umap", dims, max_points, seed, spherize)
    n = matrix.shape[0]
    used_neighbors = int(min(n_neighbors, n - 1))
    model = umap_module.UMAP(
        n_components=dims,
        n_neighbors=used_neighbors,
        min_dist=min_dist,
        random_state=seed,  # also makes it single-threaded, which is what makes it repeatable
        init="spectral" if n > dims + 1 else "random",
        verbose=verbose,  # phases, then "i/N" epochs from tqdm on stdout
        tqdm_kwds={"file": sys.stdout, "ascii": True, "mininterval": 0.25},
    )
    with warnings.catch_warnings():  # "n_jobs overridden by random_state": intended
        warnings.filterwarnings("ignore", message=".*n_jobs value.*", category=UserWarning)
        coords = np.asarray(model.fit_transform(matrix), dtype=np.float32)
    params = {
        "dims": dims,
        "seed": seed,
        "n_neighbors": used_neighbors,
        "min_dist": min_dist,
        "max_points": max_points,
        "spherize": spherize,
    }
    return Projection("umap", coords, indices, note=note, params=params)


def project(data, method: str = "pca", dims: int = 3, **options) -> Projection:
    """Dispatch to :func:`pca`, :func:`tsne` or :func:`umap` by name."""
    functions = {"pca": pca, "tsne": tsne, "umap": umap}
    if method not in functions:
        raise ValueError(f"unknown projection {method!r}; choose one of {', '.join(METHODS)}")
    return functions[method](data, dims, **options)


def available_methods() -> dict[str, str]:
    """Method -> "" when its package is installed, else the message saying what to install.
    Looks packages up without importing them (umap-learn's import alone takes seconds)."""
    status = {"pca": ""}
    for method, module, label, package in (
        ("tsne", "sklearn", "t-SNE", "scikit-learn"),
        ("umap", "umap", "UMAP", "umap-learn"),
    ):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        status[method] = "" if found else _missing_message(label, package)
    return status


def nearest_neighbors(data, index: int, k: int = 10, metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows nearest to row ``index`` (itself excluded): (indices, distances),
    nearest first. Cosine distance is 1 - cosine similarity; a zero row is at distance 1
    from everything."""
    matrix = as_matrix(data)
    n = matrix.shape[0]
    if not -n <= index < n:
        raise IndexError(f"point {index} out of range for {n} points")
    index %= n
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    query = matrix[index].astype(np.float64)
    if metric == "cosine":
        norms = np.linalg.norm(matrix, axis=1).astype(np.float64)
        dots = matrix @ query.astype(np.float32)
        denom = norms * np.linalg.norm(query)
        with np.errstate(invalid="ignore", divide="ignore"):
            distances = 1.0 - np.where(denom > 0, dots / denom, 0.0)
    else:
        distances = np.sqrt(np.square(matrix - query.astype(np.float32), dtype=np.float64).sum(1))
    distances[index] = np.inf
    k = max(0, min(k, n - 1))
    nearest = np.argpartition(distances, k)[:k]
    nearest = nearest[np.lexsort((nearest, distances[nearest]))]  # ties by index
    return nearest.astype(np.int64), distances[nearest]
