"""Embeddings of a run: its ``projector_config.pbtxt`` (as ``add_embedding`` and TensorFlow's
projector write it) turned into :class:`~jupyter_tb.reading.series.Embedding` entries whose
files (tensor TSV, metadata TSV, sprite, bookmarks) are read only when asked.

Bookmarks are the JSON file TensorBoard's projector saves ("Download" in its bookmark panel)
and reads from ``bookmarks_path``: a list of states, each with a ``label``, the
``selectedProjection`` ("pca", "tsne", "umap" or "custom"), per-point ``projections``
(``{"tsne-0": x, "tsne-1": y, "tsne-2": z, ...}``), ``selectedPoints`` and the colour/label
options.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import numpy as np
from google.protobuf import text_format

from jupyter_tb._proto import projector_config_pb2
from jupyter_tb.reading.series import Embedding


def parse_projector_config(storage, run: str, path: str, report: Callable[[str], None]) -> list[Embedding]:
    """The embeddings the config at ``path`` (in ``storage``) declares for ``run``; file names
    in it are relative to its folder. An unreadable config is reported and gives none."""
    config = projector_config_pb2.ProjectorConfig()
    try:
        text_format.Parse(storage.read_all(path).decode("utf-8"), config)
    except (OSError, text_format.ParseError, UnicodeDecodeError) as error:
        report(f"{path}: unreadable projector config: {error}")
        return []
    base = storage.dirname(path)

    def resolve(name):
        if not name:
            return ""
        return name if os.path.isabs(name) or "://" in name else storage.join(base, name)

    return [
        Embedding(
            run=run,
            name=info.tensor_name or os.path.basename(info.tensor_path),
            declared_shape=tuple(info.tensor_shape),
            _read=storage.read_all,
            tensor_path=resolve(info.tensor_path),
            metadata_path=resolve(info.metadata_path),
            sprite_path=resolve(info.sprite.image_path),
            sprite_single_image_dim=tuple(info.sprite.single_image_dim),
            bookmarks_path=resolve(info.bookmarks_path),
        )
        for info in config.embeddings
    ]


_METHODS = {"pca": "pca", "tsne": "tsne", "umap": "umap"}


def _bookmark(state: dict, number: int) -> dict:
    method = _METHODS.get(str(state.get("selectedProjection", "")), "")
    points = state.get("projections")
    positions, dims = None, 2
    if method and isinstance(points, list) and points and all(isinstance(p, dict) for p in points):
        if method == "pca":  # the components shown, in TensorBoard's pcaComponentDimensions
            axes = [f"pca-{int(c)}" for c in (state.get("pcaComponentDimensions") or [0, 1, 2])[:3]]
        else:
            axes = [f"{method}-{c}" for c in range(3)]
        present = [a for a in axes if all(isinstance(p.get(a), (int, float)) for p in points)]
        if len(present) >= 2:
            dims = len(present)
            positions = np.zeros((len(points), 3), np.float32)
            for c, axis in enumerate(present):
                positions[:, c] = [p[axis] for p in points]
    selected = [int(i) for i in state.get("selectedPoints") or [] if isinstance(i, int)]
    return {
        "label": str(state.get("label") or f"bookmark {number}"),
        "method": method,
        "dims": dims,
        "positions": positions,
        "selected": selected,
        "color_by": str(state.get("selectedColorOptionName") or ""),
        "label_by": str(state.get("selectedLabelOption") or ""),
    }


def parse_bookmarks(raw: bytes) -> list[dict]:
    """TensorBoard projector bookmarks -> ``[{label, method, dims, positions (n, 3) float32 or
    None, selected, color_by, label_by}]``. Raises ValueError for a file that is not a list of
    states."""
    try:
        states = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"bookmarks are not JSON: {error}") from None
    if not isinstance(states, list) or not all(isinstance(s, dict) for s in states):
        raise ValueError("bookmarks must be a JSON list of projector states")
    return [_bookmark(state, k + 1) for k, state in enumerate(states)]
