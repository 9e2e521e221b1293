"""``add_embedding``: the files TensorBoard's projector reads.

Layout, as tensorboardX and torch write it::

    <logdir>/projector_config.pbtxt              one EmbeddingInfo per embedding, accumulated
    <logdir>/<step zero-padded to 5>/<tag>/tensors.tsv    N rows of D tab-separated floats
                                          /metadata.tsv   labels; a header row when several columns
                                          /sprite.png     label images tiled in a square grid

The config is written through the ``ProjectorConfig`` proto and ``text_format``, replaced
atomically so a reader never sees half a file. These files are small and rare, so they are
written on the caller's thread (as torch does), not through the event queue. A logdir given as
an fsspec URL (``s3://``...) gets the same files as whole objects (each written once; the
config object is replaced, which object stores do atomically).
"""

from __future__ import annotations

import math
import os

import numpy as np

from jupyter_tb._arrays import to_numpy
from jupyter_tb._proto import projector_config_pb2
from jupyter_tb.writing import object_store

CONFIG_NAME = "projector_config.pbtxt"


def _encode_tag(tag: str) -> str:
    # tags become one folder name: escape what would split or confuse the path
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _clean_cell(cell) -> str:
    # a tab or newline inside a label would shift every following column or row
    return str(cell).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_tensor_tsv(file, mat: np.ndarray) -> None:
    """``file``: a path or an open text file."""
    fmt = "%.17g" if mat.dtype == np.float64 else "%.9g"  # enough digits to round-trip
    np.savetxt(file, mat, fmt=fmt, delimiter="\t")


def write_metadata_tsv(file, metadata, header=None, num_points: int | None = None) -> None:
    """``file``: an open text file."""
    rows = list(metadata)
    if num_points is not None and len(rows) != num_points:
        raise ValueError(f"metadata has {len(rows)} rows but the embedding has {num_points} points")
    multi = header is not None or any(isinstance(r, (list, tuple, np.ndarray)) for r in rows)
    lines = []
    if multi:
        if header is None:
            raise ValueError("metadata with several columns needs metadata_header")
        width = len(header)
        lines.append("\t".join(_clean_cell(h) for h in header))
        for i, row in enumerate(rows):
            cells = list(row) if isinstance(row, (list, tuple, np.ndarray)) else [row]
            if len(cells) != width:
                raise ValueError(f"metadata row {i} has {len(cells)} columns, header has {width}")
            lines.append("\t".join(_clean_cell(c) for c in cells))
    else:
        lines.extend(_clean_cell(r) for r in rows)
    file.write("\n".join(lines) + "\n")


def write_sprite(file, label_img) -> tuple[int, int]:
    """NCHW (or NHW) label images -> one sprite PNG (``file``: a path or a binary file),
    ceil(sqrt(N)) a row; returns the (width, height) of one image."""
    from PIL import Image

    from jupyter_tb.writing.summary import make_grid, to_uint8

    images = to_numpy(label_img)
    if images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4 or images.shape[1] not in (1, 3, 4):
        raise ValueError(f"label_img must be NCHW with 1, 3 or 4 channels, got {images.shape}")
    n, _, height, width = images.shape
    side = math.ceil(math.sqrt(n))
    if side * height > 8192 or side * width > 8192:  # the projector's sprite size limit
        raise ValueError(f"{n} label images of {width}x{height} make a sprite larger than 8192x8192 pixels")
    grid = to_uint8(make_grid(images.transpose(0, 2, 3, 1), ncols=side))
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[grid.shape[2]]
    Image.fromarray(grid[..., 0] if grid.shape[2] == 1 else grid, mode).save(file, format="PNG")
    return width, height


class ProjectorConfigFile:
    """The logdir's projector config; each ``add`` writes one embedding's files and appends
    (or replaces, by tensor name) its ``EmbeddingInfo``."""

    def __init__(self, logdir: str, storage_options: dict | None = None) -> None:
        from google.protobuf import text_format

        self.logdir = logdir
        self._fs = None  # an fsspec filesystem when logdir is a URL
        if object_store.is_remote(logdir):
            self._fs, self._root = object_store.open_filesystem(logdir, storage_options)
        self.path = self._where(CONFIG_NAME)
        self.config = projector_config_pb2.ProjectorConfig()
        exists = self._fs.exists(self.path) if self._fs else os.path.exists(self.path)
        if exists:  # a resumed run keeps its earlier embeddings
            with self._open(CONFIG_NAME, "r") as f:
                text_format.Parse(f.read(), self.config)

    def _where(self, name: str) -> str:
        """The path of ``name`` (``/``-separated, relative to the logdir) for open()/fs.open()."""
        if self._fs is not None:
            return f"{self._root.rstrip('/')}/{name}"
        return os.path.join(self.logdir, *name.split("/"))

    def _open(self, name: str, mode: str):
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        if self._fs is not None:
            return self._fs.open(self._where(name), mode, **text)
        if "w" in mode:
            os.makedirs(os.path.dirname(self._where(name)), exist_ok=True)
        return open(self._where(name), mode, **text)

    def add(
        self, mat, metadata=None, label_img=None, global_step=None, tag: str = "default", metadata_header=None
    ) -> str:
        """Returns the folder written."""
        array = to_numpy(mat)
        if array.ndim != 2:
            raise ValueError(f"embedding {tag!r} must be 2-d (points, dims), got {array.shape}")
        if array.dtype.kind not in "fiub":
            raise TypeError(f"embedding {tag!r}: dtype {array.dtype} is not numeric")
        if array.dtype != np.float64:
            array = array.astype(np.float32)
        step = 0 if global_step is None else int(global_step)
        subdir = f"{step:05d}/{_encode_tag(tag)}"

        info = projector_config_pb2.EmbeddingInfo(
            tensor_name=f"{tag}:{step:05d}",
            tensor_path=f"{subdir}/tensors.tsv",
            tensor_shape=list(array.shape),
        )
        if metadata is not None:
            with self._open(f"{subdir}/metadata.tsv", "w") as f:
                write_metadata_tsv(f, metadata, metadata_header, array.shape[0])
            info.metadata_path = f"{subdir}/metadata.tsv"
        if label_img is not None:
            if len(label_img) != array.shape[0]:
                raise ValueError(
                    f"{len(label_img)} label images but the embedding has {array.shape[0]} points"
                )
            with self._open(f"{subdir}/sprite.png", "wb") as f:
                width, height = write_sprite(f, label_img)
            info.sprite.image_path = f"{subdir}/sprite.png"
            info.sprite.single_image_dim.extend([width, height])
        with self._open(f"{subdir}/tensors.tsv", "w") as f:
            write_tensor_tsv(f, array)

        kept = [e for e in self.config.embeddings if e.tensor_name != info.tensor_name]
        del self.config.embeddings[:]
        self.config.embeddings.extend(kept + [info])
        self._save()
        return self._where(subdir)

    def _save(self) -> None:
        from google.protobuf import text_format

        if self._fs is not None:  # one PUT replaces the object whole
            self._fs.pipe_file(self.path, text_format.MessageToString(self.config).encode("utf-8"))
            return
        temporary = self.path + f".tmp{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text_format.MessageToString(self.config))
        os.replace(temporary, self.path)
