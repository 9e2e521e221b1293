"""jupyter-tb: TensorBoard's views live in the notebook cell.

Public entry points (imported lazily so ``import jupyter_tb`` stays cheap and a missing
optional dependency only fails the feature that needs it):

- ``SummaryWriter``: tensorboardX / torch.utils.tensorboard compatible writer.
- ``read(logdir)`` -> ``Logdir``: read any tfevents logdir (local path or fsspec URL).
- ``board(logdir, **options)`` and per-kind widgets (``scalars``, ``images``, ...).
- ``%load_ext jupyter_tb`` registers the ``%tensorboard`` magic.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:  # written once, in js/labextension/package.json (see pyproject.toml [tool.hatch.version])
    __version__ = version("jupyter-tb")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

# public name -> module that defines it
_EXPORTS = {
    "SummaryWriter": "jupyter_tb.writing.summary_writer",
    "read": "jupyter_tb.analysis",
    "Logdir": "jupyter_tb.analysis",
    "board": "jupyter_tb.api",
    "scalars": "jupyter_tb.api",
    "images": "jupyter_tb.api",
    "histograms": "jupyter_tb.api",
    "distributions": "jupyter_tb.api",
    "pr_curves": "jupyter_tb.api",
    "text": "jupyter_tb.api",
    "audio": "jupyter_tb.api",
    "hparams": "jupyter_tb.api",
    "custom_scalars": "jupyter_tb.api",
    "graphs": "jupyter_tb.api",
    "profile": "jupyter_tb.api",
    "mesh": "jupyter_tb.api",
    "projector": "jupyter_tb.api",
    "watch": "jupyter_tb.api",
    "close": "jupyter_tb.api",
    "close_all": "jupyter_tb.api",
}

__all__ = sorted(_EXPORTS) + ["load_ipython_extension", "unload_ipython_extension"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jupyter_tb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython) -> None:
    """``%load_ext jupyter_tb``: registers ``%tensorboard``."""
    from jupyter_tb.magic import register

    register(ipython)


def unload_ipython_extension(ipython) -> None:
    from jupyter_tb.magic import unregister

    unregister(ipython)
