"""Embedding projector view: ``add_embedding`` files of a logdir, or any array from Python.

``jupyter_tb.projector(logdir_or_array, metadata=df, images=None, **traits)``.

Wire protocol (kernel -> browser; arrays are binary buffers, never JSON float lists):

- ``reset`` ``{embeddings: [{key, label, n, d}], methods: {name: "" | why unavailable}}``;
  ``catalog`` has the same fields when embeddings appear later (live logdir).
- ``data`` ``{key, n, d, columns, vectors, sprite}`` once per embedding the browser shows:
  ``columns`` are metadata columns ``{name, values: [distinct strings], codes: uint16|uint32
  per point, numbers: float32 per point or null}``; ``vectors`` the original (n, d) float32
  matrix when it is at most ``VECTOR_LIMIT`` floats (nearest neighbours are then computed in
  the browser), else null; ``sprite`` ``{png: bytes, width, height}`` (one thumbnail's size;
  thumbnails tile the sheet row by row) or null.
  ``bookmarks`` lists the embedding's saved states (``bookmarks_path`` of its config):
  ``{label, method, dims, positions: float32 (n, 3) or null, selected, color_by, label_by}``.
- ``projection`` ``{key, method, dims, spherize, positions: float32 (n, 3) with NaN rows for
  points a sampled method left out, variance, note}``. PCA is always sent in 3-D; its 2-D
  view is the first two columns, so the 2-D/3-D toggle of PCA never needs the kernel.
- ``status`` ``{key, method, dims, spherize, busy, text, fraction, cancelled}`` while a
  projection is computed: t-SNE and UMAP run in a child process
  (:mod:`jupyter_tb.compute.projection_jobs`) whose progress lines become these messages, so
  neither the kernel nor the watcher waits; ``error`` ``{error}`` when it fails (the message
  gives the pip command when t-SNE/UMAP are missing).

Browser -> kernel: the traits ``method``/``dims``/``embedding``/``spherize`` (the kernel
computes what is not cached), ``selected`` (lasso selection, two-way) and ``focused`` (clicked
point); the requests ``neighbors`` (when the vectors were too large to send) and ``cancel``
(stops the running t-SNE/UMAP job).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import traitlets

from jupyter_tb.compute import projection_jobs, projections
from jupyter_tb.reading.protocol import Reader
from jupyter_tb.widgets.base import View, register_view

VECTOR_LIMIT = 4_000_000  # floats (16 MB): above this, neighbours are computed in the kernel
ARRAY_KEY = "array"


@dataclass(frozen=True)
class Dataset:
    """One embedding the view can show; its parts are loaded on first use."""

    key: str
    label: str
    n: int
    d: int
    matrix: Callable[[], np.ndarray]
    metadata: Callable[[], tuple[list[str] | None, list[list[str]]]]
    sprite: Callable[[], tuple[bytes, int, int] | None]
    bookmarks: Callable[[], list[dict]] = list


# -- metadata -----------------------------------------------------------------------------------


def metadata_table(metadata) -> tuple[list[str] | None, list[list[str]]]:
    """(header, rows of strings) from a DataFrame, Series, dict of columns or a list of labels
    (one label per point, or one row of cells per point with no header)."""
    if metadata is None:
        return None, []
    if hasattr(metadata, "columns") and hasattr(metadata, "itertuples"):  # DataFrame
        header = [str(c) for c in metadata.columns]
        rows = [[str(v) for v in row] for row in metadata.itertuples(index=False, name=None)]
        return header, rows
    if isinstance(metadata, dict):
        header = [str(k) for k in metadata]
        columns = [list(v) for v in metadata.values()]
        lengths = {len(c) for c in columns}
        if len(lengths) > 1:
            raise ValueError(f"metadata columns differ in length: {sorted(lengths)}")
        return header, [[str(v) for v in row] for row in zip(*columns)]
    if hasattr(metadata, "tolist"):  # Series / ndarray
        metadata = metadata.tolist()
    rows = list(metadata)
    if rows and isinstance(rows[0], (list, tuple)):
        return None, [[str(v) for v in row] for row in rows]
    return None, [[str(v)] for v in rows]


def _natural_key(text: str) -> list:
    """Sort key reading digit runs as numbers: "c2" before "c10", "-1.5" before "2"."""
    try:
        return [(0, float(text), "")]
    except ValueError:
        return [(1, int(part), "") if part.isdigit() else (2, 0, part) for part in re.split(r"(\d+)", text)]


def _naturally_ordered(values: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values in natural order (legends read c0, c1, c2 ... c10), codes remapped."""
    order = sorted(range(len(values)), key=lambda k: _natural_key(values[k]))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return values[order], rank[codes]


def encode_columns(header, rows, n: int) -> tuple[list[dict], str]:
    """Wire form of metadata columns for ``n`` points, and a note when they do not fit."""
    if not rows:
        return [], ""
    note = ""
    if len(rows) != n:
        note = f"metadata has {len(rows):,} rows but the embedding has {n:,} points"
        rows = rows[:n] + [[""]] * max(0, n - len(rows))
    width = len(header) if header else max(len(r) for r in rows)
    names = (
        list(header) if header else (["label"] if width == 1 else [f"column {i + 1}" for i in range(width)])
    )
    columns = []
    for j, name in enumerate(names):
        cells = np.array([row[j] if j < len(row) else "" for row in rows], dtype=object).astype(str)
        values, codes = np.unique(cells, return_inverse=True)
        values, codes = _naturally_ordered(values, codes)
        try:
            numbers = cells.astype(np.float64).astype(np.float32)
        except ValueError:
            numbers = None
        codes = codes.astype(np.uint16 if len(values) < 65536 else np.uint32)
        columns.append({"name": name, "values": values.tolist(), "codes": codes, "numbers": numbers})
    return columns, note


# -- sources of datasets ----------------------------------------------------------------------------


def _sprite_png(image, size) -> tuple[bytes, int, int] | None:
    if image is None:
        return None
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    width, height = (list(size) + [0, 0])[:2] if size else (0, 0)
    return out.getvalue(), int(width), int(height)


def logdir_datasets(logdir: Reader) -> list[Dataset]:
    out = []
    for embedding in logdir.embeddings():
        label = embedding.name if embedding.run == "." else f"{embedding.run}/{embedding.name}"
        shape = tuple(embedding.shape) + (0, 0)

        def sprite(e=embedding):
            found = e.sprite()
            return None if found is None else _sprite_png(*found)

        out.append(
            Dataset(
                key=f"{embedding.run}\u0000{embedding.name}",
                label=label,
                n=int(shape[0]),
                d=int(shape[1]),
                matrix=embedding.tensor,
                metadata=embedding.metadata,
                sprite=sprite,
                bookmarks=embedding.bookmarks,
            )
        )
    return out


def array_dataset(data, metadata=None, images=None, label: str = "array") -> Dataset:
    matrix = projections.as_matrix(data)
    header, rows = metadata_table(metadata)
    sprite = None
    if images is not None:
        from jupyter_tb.writing.embedding_files import write_sprite

        if len(images) != matrix.shape[0]:
            raise ValueError(f"{len(images)} images but the embedding has {matrix.shape[0]} points")
        buffer = io.BytesIO()
        width, height = write_sprite(buffer, images)  # same sheet add_embedding writes
        sprite = (buffer.getvalue(), width, height)
    return Dataset(
        ARRAY_KEY,
        label,
        matrix.shape[0],
        matrix.shape[1],
        lambda: matrix,
        lambda: (header, rows),
        lambda: sprite,
    )


# -- the view -----------------------------------------------------------------------------------------


@register_view(title="Projector", order=60)
class Projector(View):
    """Embeddings as a 2-D/3-D point cloud. ``jupyter_tb.projector(logdir_or_array, ...)``."""

    _kind = traitlets.Unicode("projector").tag(sync=True)
    kinds = ("projector",)

    embedding = traitlets.Unicode("", help="label of the embedding shown ('' = the first)").tag(sync=True)
    method = traitlets.Enum(projections.METHODS, "pca").tag(sync=True)
    dims = traitlets.Int(3, help="2 or 3").tag(sync=True)
    color_by = traitlets.Unicode("", help="metadata column colouring the points").tag(sync=True)
    label_by = traitlets.Unicode("", help="metadata column labelling points (and searched)").tag(sync=True)
    search = traitlets.Unicode("", help="regex over the label column; matches are highlighted").tag(sync=True)
    metric = traitlets.Enum(projections.METRICS, "cosine").tag(sync=True)
    neighbors = traitlets.Int(10, help="how many nearest neighbours a clicked point lists").tag(sync=True)
    spherize = traitlets.Bool(False, help="centre columns and scale rows to unit length first").tag(sync=True)
    selected = traitlets.List(traitlets.Int(), help="indices picked with the lasso (two-way)").tag(sync=True)
    focused = traitlets.Int(-1, help="index of the clicked point, -1 for none (two-way)").tag(sync=True)

    @traitlets.validate("dims")
    def _check_dims(self, proposal):
        if proposal["value"] not in (2, 3):
            raise traitlets.TraitError(f"dims must be 2 or 3, got {proposal['value']!r}")
        return proposal["value"]

    def __init__(
        self,
        source=None,
        *,
        dataset: Dataset | None = None,
        projection_options: dict | None = None,
        **traits: Any,
    ) -> None:
        self._fixed = dataset  # an array passed from Python (no logdir)
        self._options = dict(projection_options or {})
        super().__init__(source, **traits)

    def setup(self) -> None:
        self._datasets: dict[str, Dataset] = {}
        self._matrices: dict[str, np.ndarray] = {}
        self._cache: dict[tuple, projections.Projection] = {}
        self._work_lock = threading.Lock()  # one projection at a time: they are CPU-bound
        self._catalog: tuple = ()
        self._sent: set[tuple] = set()  # projections the browser holds
        self._jobs: dict[tuple, threading.Event] = {}  # projections being computed -> cancel
        self.observe(self._wanted_changed, names=["method", "dims", "embedding", "spherize"])

    # -- datasets ---------------------------------------------------------------------------
    def _refresh_datasets(self) -> list[Dataset]:
        if self._fixed is not None:
            found = [self._fixed]
        elif self.source is not None:
            found = logdir_datasets(self.logdir)
        else:
            found = []
        self._datasets = {d.label: d for d in found}
        return found

    def current(self) -> Dataset | None:
        if not self._datasets:
            return None
        return self._datasets.get(self.embedding) or next(iter(self._datasets.values()))

    def matrix(self, dataset: Dataset) -> np.ndarray:
        if dataset.key not in self._matrices:
            self._matrices[dataset.key] = projections.as_matrix(dataset.matrix())
        return self._matrices[dataset.key]

    def _catalog_message(self, kind: str) -> dict:
        datasets = self._refresh_datasets()
        entries = [{"key": d.key, "label": d.label, "n": d.n, "d": d.d} for d in datasets]
        self._catalog = tuple((d.key, d.n, d.d) for d in datasets)
        return {"type": kind, "embeddings": entries, "methods": projections.available_methods()}

    # -- snapshot and deltas ----------------------------------------------------------------
    def snapshot(self) -> list[dict]:
        self._sent.clear()
        messages = [self._catalog_message("reset")]
        dataset = self.current()
        if dataset is not None:
            messages.append(self._data_message(dataset))
            messages.extend(self._projection_or_job(dataset))
        return messages

    def updates(self, changes: set) -> list[dict]:
        if not any(kind == "projector" for _run, kind, _tag in changes):
            return []
        before = self._catalog
        message = self._catalog_message("catalog")
        if self._catalog == before:
            return []
        # files were replaced: forget what came from them
        self._matrices.clear()
        self._cache.clear()
        self._sent.clear()
        messages = [message]
        dataset = self.current()
        if dataset is not None:
            messages.append(self._data_message(dataset))
            messages.extend(self._projection_or_job(dataset))
        return messages

    def _data_message(self, dataset: Dataset) -> dict:
        message: dict = {"type": "data", "key": dataset.key, "label": dataset.label}
        try:
            matrix = self.matrix(dataset)
        except Exception as error:
            return {"type": "error", "error": f"{dataset.label}: tensor unreadable: {error}"}
        n, d = matrix.shape
        notes = []
        try:
            columns, note = encode_columns(*dataset.metadata(), n)
            if note:
                notes.append(note)
        except Exception as error:  # the points are still worth showing
            columns = []
            notes.append(f"metadata unreadable: {error}")
        try:
            sprite = dataset.sprite()
        except Exception as error:
            sprite = None
            notes.append(f"sprite unreadable: {error}")
        try:
            bookmarks = [b for b in dataset.bookmarks() if b["positions"] is None or len(b["positions"]) == n]
        except Exception as error:
            bookmarks = []
            notes.append(f"bookmarks unreadable: {error}")
        message.update(
            n=n,
            d=d,
            columns=columns,
            vectors=matrix if matrix.size <= VECTOR_LIMIT else None,
            sprite=None if sprite is None else {"png": sprite[0], "width": sprite[1], "height": sprite[2]},
            bookmarks=bookmarks,
            note="; ".join(notes),
        )
        return message

    # -- projections --------------------------------------------------------------------------
    def _cache_key(self, dataset: Dataset, method: str, dims: int, spherize: bool | None = None) -> tuple:
        spherize = self.spherize if spherize is None else spherize
        return (dataset.key, method, 3 if method == "pca" else dims, bool(spherize))

    def _projection_message(self, dataset: Dataset, projection: projections.Projection) -> dict:
        spherize = bool(projection.params.get("spherize", False))
        self._sent.add(self._cache_key(dataset, projection.method, projection.dims, spherize))
        return {
            "type": "projection",
            "key": dataset.key,
            "method": projection.method,
            "dims": projection.dims,
            "spherize": spherize,
            "positions": projection.positions(self.matrix(dataset).shape[0]),
            "variance": list(projection.variance),
            "note": projection.note,
        }

    def _computed(self, dataset: Dataset, method: str, dims: int, job=None) -> projections.Projection:
        """Caller holds ``_work_lock``. ``job`` (progress callback, cancel event): run t-SNE /
        UMAP in a child process that reports progress and can be killed."""
        key = self._cache_key(dataset, method, dims)
        if key not in self._cache:
            options = dict(self._options.get(method, {}), spherize=key[3])
            if job is None or method == "pca":
                result = projections.project(self.matrix(dataset), method, key[2], **options)
            else:
                missing = projections.available_methods()[method]
                if missing:  # say so here rather than from a child process
                    raise projections.MissingProjectionDependency(missing)
                on_progress, cancel = job
                result = projection_jobs.run_projection(
                    self.matrix(dataset), method, key[2], options, on_progress=on_progress, cancel=cancel
                )
            self._cache[key] = result
        return self._cache[key]

    def projection(self, method: str | None = None, dims: int | None = None) -> projections.Projection:
        """The projection of the shown embedding (cached; computed here when not, blocking)."""
        dataset = self.current()
        if dataset is None:
            raise LookupError("no embedding to project")
        with self._work_lock:
            return self._computed(dataset, method or self.method, dims or self.dims)

    def _projection_or_job(self, dataset: Dataset) -> list[dict]:
        """The projection now when cached or quick (PCA with no other job running), else a
        job on a worker thread: a minute of t-SNE must not hold the kernel or the watcher."""
        method, dims = self.method, self.dims
        key = self._cache_key(dataset, method, dims)
        if key in self._sent:
            return []  # the browser has it (PCA's 2-D view is its 3-D one)
        cached = self._cache.get(key)
        if cached is None and method == "pca" and self._work_lock.acquire(blocking=False):
            try:
                cached = self._computed(dataset, method, dims)
            except Exception as error:
                return [self._error_message(error)]
            finally:
                self._work_lock.release()
        if cached is not None:
            return [self._projection_message(dataset, cached)]
        busy = self._status(key, True, f"computing {projections.LABELS[method]} ({key[2]}-D)…")
        if key in self._jobs:
            return [busy]
        self._jobs[key] = threading.Event()
        threading.Thread(
            target=self._compute, args=(dataset, method, dims), name="jupyter_tb-projection", daemon=True
        ).start()
        return [busy]

    def _compute(self, dataset: Dataset, method: str, dims: int) -> None:
        key = self._cache_key(dataset, method, dims)
        cancel = self._jobs[key]

        def progress(report: projection_jobs.Progress) -> None:
            self.post(self._status(key, True, report.text, report.fraction))

        try:
            with self._work_lock:
                shown = self.current()
                stale = (
                    cancel.is_set() or shown is None or self._cache_key(shown, self.method, self.dims) != key
                )
                if stale:  # the user moved on (or cancelled) while this job waited
                    self.post(self._status(key, False, "", cancelled=cancel.is_set()))
                    return
                result = self._computed(dataset, method, dims, job=(progress, cancel))
        except projection_jobs.ProjectionCancelled as error:
            self.post(self._status(key, False, str(error), cancelled=True))
            return
        except projections.MissingProjectionDependency as error:
            self.post(self._status(key, False, ""))
            self.post({"type": "error", "error": str(error)})
            return
        except Exception as error:
            self.post(self._status(key, False, ""))
            self.post(self._error_message(error))
            return
        finally:
            self._jobs.pop(key, None)
        with self._lock:
            self.post(self._projection_message(dataset, result))
            self.post(self._status(key, False, result.note))

    @staticmethod
    def _status(key: tuple, busy: bool, text: str, fraction=None, cancelled: bool = False) -> dict:
        """Progress of the projection ``key``; the browser shows it only while that
        projection is the one wanted."""
        return {
            "type": "status",
            "key": key[0],
            "method": key[1],
            "dims": key[2],
            "spherize": key[3],
            "busy": busy,
            "text": text,
            "fraction": fraction,
            "cancelled": cancelled,
        }

    def cancel(self) -> int:
        """Stop every t-SNE / UMAP job of this view; returns how many were running."""
        events = list(self._jobs.values())
        for event in events:
            event.set()
        return len(events)

    def close(self) -> None:
        self.cancel()
        super().close()

    def _wanted_changed(self, change) -> None:
        with self._lock:
            dataset = self.current()
            if dataset is None:
                return
            if change["name"] == "embedding":
                self.post(self._data_message(dataset))
            for message in self._projection_or_job(dataset):
                self.post(message)

    # -- requests and helpers for Python users --------------------------------------------------
    def request_cancel(self) -> dict:
        return {"cancelled": self.cancel()}

    def request_neighbors(
        self, index: int, k: int = 10, metric: str = "cosine", key: str | None = None
    ) -> dict:
        dataset = next((d for d in self._datasets.values() if d.key == key), None) or self.current()
        indices, distances = projections.nearest_neighbors(self.matrix(dataset), int(index), int(k), metric)
        return {
            "index": int(index),
            "metric": metric,
            "indices": indices.astype(np.int32),
            "distances": distances.astype(np.float32),
        }

    def nearest(self, index: int, k: int | None = None, metric: str | None = None):
        """(indices, distances) of the points nearest to ``index`` in the original space."""
        dataset = self.current()
        if dataset is None:
            raise LookupError("no embedding loaded")
        return projections.nearest_neighbors(
            self.matrix(dataset), index, k or self.neighbors, metric or self.metric
        )
