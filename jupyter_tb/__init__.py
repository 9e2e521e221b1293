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

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "SummaryWriter": "jupyter_tb.writer",
    "read": "jupyter_tb.logdir",
    "Logdir": "jupyter_tb.logdir",
    "board": "jupyter_tb.board",
    "scalars": "jupyter_tb.board",
    "images": "jupyter_tb.board",
    "histograms": "jupyter_tb.board",
    "distributions": "jupyter_tb.board",
    "pr_curves": "jupyter_tb.board",
    "text": "jupyter_tb.board",
    "audio": "jupyter_tb.board",
    "hparams": "jupyter_tb.board",
    "custom_scalars": "jupyter_tb.board",
    "graphs": "jupyter_tb.board",
    "mesh": "jupyter_tb.board",
    "projector": "jupyter_tb.widgets.projector",
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


# ``board`` names both a submodule and the public function. Import it now and bind the
# function: a later ``import jupyter_tb.board`` would otherwise leave the module there.
from jupyter_tb.board import board  # noqa: E402
