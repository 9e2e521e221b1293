"""``SummaryWriter``: the tensorboardX / ``torch.utils.tensorboard`` API over our writer.

Every ``add_*`` builds its ``Summary`` with :mod:`jupyter_tb.writing.summary` (pure functions) and hands
it to an :class:`~jupyter_tb.writing.event_file_writer.EventFileWriter`, whose worker thread does the I/O.
``add_scalar`` skips the proto entirely: it converts the value to a float and enqueues a tuple.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import datetime

from jupyter_tb._arrays import to_float
from jupyter_tb._proto import event_pb2, summary_pb2
from jupyter_tb.writing import summary as _summary
from jupyter_tb.writing.event_file_writer import EventFileWriter

_time = time.time


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>``, tensorboardX's and torch's default."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", stamp + "_" + socket.gethostname() + comment)


class SummaryWriter:
    """Writes tfevents files TensorBoard reads, without blocking the caller on disk.

    Accepts the constructor arguments of both tensorboardX (``logdir``) and torch
    (``log_dir``). Values may be Python numbers, numpy arrays, torch tensors (any device,
    with or without grad) or anything with ``__array__``.
    """

    def __init__(
        self,
        log_dir=None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
        *,
        logdir=None,
        storage_options: dict | None = None,
        **unused,
    ) -> None:
        if log_dir is None:
            log_dir = logdir
        self._logdir = os.fspath(log_dir) if log_dir else default_logdir(comment)
        self.purge_step = purge_step
        self._options = dict(
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
            storage_options=storage_options,  # a logdir URL's fsspec options (endpoint, keys...)
        )
        self._main: EventFileWriter | None = None
        self._children: dict[str, EventFileWriter] = {}  # add_scalars runs, by path
        self._children_lock = threading.Lock()
        self._embedding_config = None  # embedding_files.ProjectorConfigFile, made on demand
        self._main = self._open(self._logdir, purge_step)

    # -- lifecycle ----------------------------------------------------------------------------

    def _open(self, logdir: str, purge_step: int | None = None) -> EventFileWriter:
        return EventFileWriter(logdir, purge_step=purge_step, **self._options)

    def _get_file_writer(self) -> EventFileWriter:
        writer = self._main
        if writer is None or writer.closed:  # torch and tensorboardX reopen after close()
            writer = self._main = self._open(self._logdir)
        return writer

    @property
    def file_writer(self) -> EventFileWriter:
        return self._get_file_writer()

    def get_logdir(self) -> str:
        return self._logdir

    logdir = property(get_logdir)
    log_dir = property(get_logdir)

    def flush(self) -> None:
        """Returns once everything added so far has been written to the OS."""
        for writer in self._all_writers():
            writer.flush()

    def close(self) -> None:
        errors = []
        for writer in self._all_writers():
            try:
                writer.close()
            except Exception as error:  # close the others before reporting
                errors.append(error)
        self._main = None
        self._children.clear()
        if errors:
            raise errors[0]

    def _all_writers(self) -> list[EventFileWriter]:
        writers = [] if self._main is None else [self._main]
        return writers + list(self._children.values())

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------------

    def _add(self, values, global_step=None, walltime=None, writer=None) -> None:
        if isinstance(values, summary_pb2.Summary.Value):
            values = [values]
        step = 0 if global_step is None else int(global_step)
        wall = _time() if walltime is None else float(walltime)
        (writer or self._get_file_writer()).add_summary(summary_pb2.Summary(value=values), step, wall)

    # -- scalars --------------------------------------------------------------------------------

    def add_scalar(
        self,
        tag: str,
        scalar_value,
        global_step=None,
        walltime=None,
        new_style: bool = False,
        double_precision: bool = False,
        display_name: str = "",
        summary_description: str = "",
    ) -> None:
        """``new_style``/``double_precision`` as torch; ``display_name``/``summary_description``
        as tensorboardX (they need the metadata, so they take the proto path)."""
        if new_style or display_name or summary_description:
            self._add(
                _summary.scalar(
                    tag,
                    scalar_value,
                    new_style=new_style,
                    double_precision=double_precision,
                    display_name=display_name,
                    description=summary_description,
                ),
                global_step,
                walltime,
            )
            return
        # the hot path: no proto, just a tuple for the worker
        if type(tag) is not str:
            raise TypeError(f"tag must be a str, got {type(tag).__name__}")
        value = scalar_value if type(scalar_value) is float else to_float(scalar_value)
        if global_step is None:
            step = 0
        else:
            step = global_step if type(global_step) is int else int(global_step)
        writer = self._main
        if writer is None or writer.closed:
            writer = self._get_file_writer()
        writer.add_scalar(tag, value, step, _time() if walltime is None else float(walltime))

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None, walltime=None) -> None:
        """One child run per key, ``<logdir>/<main_tag>_<key>``, each logging ``main_tag``."""
        wall = _time() if walltime is None else float(walltime)
        step = 0 if global_step is None else int(global_step)
        for key, value in tag_scalar_dict.items():
            path = os.path.join(self._logdir, main_tag.replace("/", "_") + "_" + key)
            child = self._children.get(path)
            if child is None or child.closed:
                with self._children_lock:  # two threads must not open two files for one run
                    child = self._children.get(path)
                    if child is None or child.closed:
                        child = self._children[path] = self._open(path)
            child.add_scalar(main_tag, to_float(value), step, wall)

    def add_tensor(self, tag: str, tensor, global_step=None, walltime=None) -> None:
        self._add(_summary.tensor(tag, tensor), global_step, walltime)

    # -- histograms -----------------------------------------------------------------------------

    def add_histogram(
        self, tag: str, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None
    ) -> None:
        self._add(_summary.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min,
        max,
        num,
        sum,
        sum_squares,
        bucket_limits,
        bucket_counts,
        global_step=None,
        walltime=None,
    ) -> None:
        self._add(
            _summary.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts),
            global_step,
            walltime,
        )

    # -- images, figures, video -----------------------------------------------------------------

    def add_image(
        self, tag: str, img_tensor, global_step=None, walltime=None, dataformats: str = "CHW"
    ) -> None:
        self._add(_summary.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(
        self, tag: str, img_tensor, global_step=None, walltime=None, dataformats: str = "NCHW"
    ) -> None:
        """A batch of images as one grid, up to 8 a row (like tensorboardX)."""
        if "N" not in dataformats.upper():
            raise ValueError(f"add_images needs a batch dimension N in dataformats, got {dataformats!r}")
        self._add(_summary.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_image_with_boxes(
        self,
        tag: str,
        img_tensor,
        box_tensor,
        global_step=None,
        walltime=None,
        rescale: float = 1,
        dataformats: str = "CHW",
        labels=None,
    ) -> None:
        self._add(
            _summary.image_with_boxes(tag, img_tensor, box_tensor, labels, dataformats, rescale=rescale),
            global_step,
            walltime,
        )

    def add_figure(self, tag: str, figure, global_step=None, close: bool = True, walltime=None) -> None:
        self._add(_summary.figure(tag, figure, close), global_step, walltime)

    def add_video(
        self,
        tag: str,
        vid_tensor,
        global_step=None,
        fps: float = 4,
        walltime=None,
        dataformats: str = "NTCHW",
    ) -> None:
        self._add(_summary.video(tag, vid_tensor, fps, dataformats), global_step, walltime)

    # -- audio, text ----------------------------------------------------------------------------

    def add_audio(
        self, tag: str, snd_tensor, global_step=None, sample_rate: int = 44100, walltime=None
    ) -> None:
        self._add(_summary.audio(tag, snd_tensor, sample_rate), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        self._add(_summary.text(tag, text_string), global_step, walltime)

    # -- pr curves ------------------------------------------------------------------------------

    def add_pr_curve(
        self,
        tag: str,
        labels,
        predictions,
        global_step=None,
        num_thresholds: int = 127,
        weights=None,
        walltime=None,
    ) -> None:
        self._add(_summary.pr_curve(tag, labels, predictions, num_thresholds, weights), global_step, walltime)

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts,
        false_positive_counts,
        true_negative_counts,
        false_negative_counts,
        precision,
        recall,
        global_step=None,
        num_thresholds=127,
        weights=None,
        walltime=None,
    ) -> None:
        """The rows' length sets ``num_thresholds``; the argument is there for compatibility."""
        self._add(
            _summary.pr_curve_raw(
                tag,
                true_positive_counts,
                false_positive_counts,
                true_negative_counts,
                false_negative_counts,
                precision,
                recall,
            ),
            global_step,
            walltime,
        )

    # -- custom scalars -------------------------------------------------------------------------

    def add_custom_scalars(self, layout: dict) -> None:
        """``{category: {title: ['Multiline', [tags]] | ['Margin', [value, lower, upper]]}}``."""
        self._add(_summary.custom_scalars(layout))

    def add_custom_scalars_multilinechart(
        self, tags, category: str = "default", title: str = "untitled"
    ) -> None:
        self.add_custom_scalars({category: {title: ["Multiline", list(tags)]}})

    def add_custom_scalars_marginchart(
        self, tags, category: str = "default", title: str = "untitled"
    ) -> None:
        self.add_custom_scalars({category: {title: ["Margin", list(tags)]}})

    # -- mesh -----------------------------------------------------------------------------------

    def add_mesh(
        self, tag: str, vertices, colors=None, faces=None, config_dict=None, global_step=None, walltime=None
    ) -> None:
        self._add(_summary.mesh(tag, vertices, colors, faces, config_dict), global_step, walltime)

    # -- hparams --------------------------------------------------------------------------------

    def add_hparams(
        self,
        hparam_dict: dict,
        metric_dict: dict,
        hparam_domain_discrete=None,
        run_name: str | None = None,
        global_step=None,
        *,
        name: str | None = None,
    ) -> None:
        """Like torch: a child run ``<logdir>/<run_name or time stamp>`` holding the
        experiment, session start and session end summaries plus each metric as a scalar.
        tensorboardX's ``add_hparams(hparams, metrics, name)`` works too."""
        if isinstance(hparam_domain_discrete, str):  # tensorboardX's third positional: name
            hparam_domain_discrete, name = None, hparam_domain_discrete
        run_name = run_name or name
        now = _time()
        values = _summary.hparams(
            hparam_dict, metric_dict, hparam_domain_discrete, start_time=now, end_time=now
        )
        metrics = {tag: to_float(value) for tag, value in metric_dict.items()}
        logdir = os.path.join(self._logdir, run_name or str(now))
        with SummaryWriter(logdir, **self._options) as child:
            for value in values:
                child._add(value, global_step)
            for tag, value in metrics.items():
                child.add_scalar(tag, value, global_step)

    # -- graph and embeddings -------------------------------------------------------------------

    def add_graph(
        self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True
    ) -> None:
        from jupyter_tb.writing.torch_graph import graph_def

        graph = graph_def(model, input_to_model, verbose=verbose, strict=use_strict_trace)
        self._get_file_writer().add_event(
            event_pb2.Event(wall_time=_time(), graph_def=graph.SerializeToString())
        )

    def add_embedding(
        self, mat, metadata=None, label_img=None, global_step=None, tag: str = "default", metadata_header=None
    ) -> None:
        from jupyter_tb.writing import embedding_files

        if self._embedding_config is None:
            self._embedding_config = embedding_files.ProjectorConfigFile(self._logdir)
        self._embedding_config.add(mat, metadata, label_img, global_step, tag, metadata_header)
