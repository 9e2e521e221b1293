"""``jupyter_tb.tensorboardX.SummaryWriter``: tensorboardX's ``SummaryWriter`` API over our writer.

    from jupyter_tb.tensorboardX import SummaryWriter   # instead of: from tensorboardX import ...

Where tensorboardX and ``torch.utils.tensorboard`` disagree this follows tensorboardX: the first
constructor argument is ``logdir``; positional ``add_scalar(tag, value, step, walltime,
display_name, summary_description)``, ``add_image_with_boxes(..., walltime, dataformats, labels)``
and ``add_hparams(hparam_dict, metric_dict, name, global_step)``; ``add_scalars`` writes its runs
as nested folders ``<logdir>/<main_tag>/<key>`` and remembers the values for
``export_scalars_to_json``; ``add_openvino_graph``. Everything else is the shared core
(:class:`jupyter_tb.writing.summary_writer.WriterCore`).
"""

from __future__ import annotations

import json

from jupyter_tb.writing.summary_writer import WriterCore

__all__ = ["SummaryWriter"]


class SummaryWriter(WriterCore):
    """tensorboardX's ``SummaryWriter``; ``write_to_disk=False`` writes nothing at all."""

    NESTED_SCALARS = True
    KEEP_SCALARS = True

    def add_scalar(
        self, tag, scalar_value, global_step=None, walltime=None, display_name="", summary_description=""
    ) -> None:
        # positional: a keyword call costs more (see WriterCore.add_scalar)
        WriterCore.add_scalar(
            self, tag, scalar_value, global_step, walltime, False, False, display_name, summary_description
        )

    def add_image_with_boxes(
        self,
        tag,
        img_tensor,
        box_tensor,
        global_step=None,
        walltime=None,
        dataformats="CHW",
        labels=None,
        rescale=1,
    ) -> None:
        WriterCore.add_image_with_boxes(
            self, tag, img_tensor, box_tensor, global_step, walltime, rescale, dataformats, labels
        )

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, name: str | None = None, global_step=None):
        """A child run ``<logdir>/<name or time stamp>`` with the hparams session and metrics."""
        WriterCore.add_hparams(self, hparam_dict, metric_dict, run_name=name, global_step=global_step)

    def add_onnx_graph(self, onnx_model_file) -> None:
        """An ONNX model (path, bytes or ``onnx.ModelProto``) as the run's graph; needs ``onnx``."""
        WriterCore.add_onnx_graph(self, onnx_model_file)

    def add_openvino_graph(self, xmlname) -> None:
        """An OpenVINO IR model (its ``.xml`` file) as the run's graph; needs no openvino package."""
        from jupyter_tb.writing.openvino_graph import graph_def

        self._add_graph_def(graph_def(xmlname))

    def export_scalars_to_json(self, path) -> None:
        """Writes ``{run logdir: [[wall_time, step, value], ...]}`` of every ``add_scalars`` value
        since the last export, then forgets them (tensorboardX's format)."""
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.scalar_dict, out)
        self.scalar_dict = {}
