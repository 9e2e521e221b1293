"""Embeddings of a run: its ``projector_config.pbtxt`` (as ``add_embedding`` and TensorFlow's
projector write it) turned into :class:`~jupyter_tb.reading.series.Embedding` entries whose
files (tensor TSV, metadata TSV, sprite) are read only when asked.
"""

from __future__ import annotations

import os
from collections.abc import Callable

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
        )
        for info in config.embeddings
    ]
