"""``SummaryWriter``: ``torch.utils.tensorboard``'s API over our writer, and the core it shares with
:mod:`jupyter_tb.tensorboardX` (tensorboardX's API).

Every ``add_*`` builds its ``Summary`` with :mod:`jupyter_tb.writing.summary` (pure functions) and hands
it to an :class:`~jupyter_tb.writing.event_file_writer.EventFileWriter`, whose worker thread does the I/O.
``add_scalar`` skips the proto entirely: it converts the value to a float and enqueues a tuple.

The two libraries mostly agree; where they differ (a few positional parameters, ``add_scalars``'
child-run layout, tensorboardX's extras) :class:`WriterCore` holds one implementation and each facade
only maps its own signature onto it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from datetime import datetime

import numpy as np

from jupyter_tb._arrays import to_float, to_numpy
from jupyter_tb._proto import event_pb2, summary_pb2
from jupyter_tb.writing import summary as _summary
from jupyter_tb.writing.event_file_writer import EventFileWriter

_time = time.time
STEP_MIN, STEP_MAX = -(1 << 63), (1 << 63) - 1  # an Event's step is an int64


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>``, tensorboardX's and torch's default."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", stamp + "_" + socket.gethostname() + comment)


def _step_error(step) -> ValueError:
    return ValueError(f"global_step {step} does not fit in an int64 (TensorBoard's step type)")


def as_step(global_step) -> int:
    """``global_step`` (int, numpy integer, 0-d tensor, ...) as an int64, or a ValueError."""
    step = global_step if type(global_step) is int else int(global_step)
    if not STEP_MIN <= step <= STEP_MAX:
        raise _step_error(step)
    return step


class NullFileWriter:
    """What ``write_to_disk=False`` writes to: accepts everything, creates nothing."""

    path = None

    def __init__(self, logdir: str) -> None:
        self.logdir = logdir
        self.closed = False

    def add_scalar(self, tag, value, step, wall_time) -> None:
        pass

    def add_summary(self, summary, step=0, wall_time=None) -> None:
        pass

    def add_event(self, event) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class WriterCore:
    """Everything both facades do. Subclasses set ``NESTED_SCALARS`` (``add_scalars``' layout)
    and ``KEEP_SCALARS`` (remember ``add_scalars`` values for ``export_scalars_to_json``)."""

    NESTED_SCALARS = False  # torch: <logdir>/<main_tag>_<key>; tensorboardX: <logdir>/<main_tag>/<key>
    KEEP_SCALARS = False

    def __init__(
        self,
        logdir=None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        filename_suffix: str = "",
        write_to_disk: bool = True,
        log_dir=None,
        *,
        storage_options: dict | None = None,  # a logdir URL's fsspec options (endpoint, keys...)
        **unused,  # tensorboardX's comet_config and the like: not supported, ignored
    ) -> None:
        """tensorboardX's signature (``logdir`` first); torch's facade maps its own onto it."""
        logdir = logdir if logdir is not None else log_dir
        self._logdir = os.fspath(logdir) if logdir else default_logdir(comment)
        self.purge_step = purge_step
        self._options = dict(
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
            storage_options=storage_options,
        )
        self._write_to_disk = write_to_disk
        self._main: EventFileWriter | NullFileWriter | None = None
        self._children: dict[str, EventFileWriter | NullFileWriter] = {}  # add_scalars runs, by path
        self._children_lock = threading.Lock()
        self._embedding_config = None  # embedding_files.ProjectorConfigFile, made on demand
        # use_metadata's defaults for add_* calls that give no step / wall time
        self._default_step = 0
        self._now = _time
        self._metadata_active = False
        self.scalar_dict: dict[str, list] = {}  # add_scalars values, for export_scalars_to_json
        self._main = self._open(self._logdir, purge_step)

    # -- lifecycle ----------------------------------------------------------------------------

    def _open(self, logdir: str, purge_step: int | None = None) -> EventFileWriter | NullFileWriter:
        if not self._write_to_disk:
            return NullFileWriter(logdir)
        return EventFileWriter(logdir, purge_step=purge_step, **self._options)

    def _get_file_writer(self) -> EventFileWriter | NullFileWriter:
        writer = self._main
        if writer is None or writer.closed:  # torch and tensorboardX reopen on the next add_*
            writer = self._main = self._open(self._logdir)
        return writer

    @property
    def file_writer(self) -> EventFileWriter | NullFileWriter | None:
        """The open event file writer; ``None`` after ``close()`` (reading it opens nothing)."""
        writer = self._main
        return None if writer is None or writer.closed else writer

    @property
    def all_writers(self) -> dict | None:
        """``{logdir: writer}`` for the main run and ``add_scalars``' runs; ``None`` after close."""
        if self.file_writer is None:
            return None
        return {self._logdir: self._main, **self._children}

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

    def _all_writers(self) -> list:
        writers = [] if self._main is None else [self._main]
        return writers + list(self._children.values())

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def use_metadata(self, *, global_step=None, walltime=None):
        """Within the block, ``add_*`` calls without a step / wall time use these (tensorboardX)."""
        if self._metadata_active:
            raise RuntimeError("use_metadata is already active on this writer")
        if global_step is None and walltime is None:
            raise ValueError("use_metadata needs global_step or walltime")
        step = 0 if global_step is None else as_step(global_step)
        wall = None if walltime is None else float(walltime)
        self._default_step, self._metadata_active = step, True
        self._now = _time if wall is None else (lambda: wall)
        # add_scalar's hot path reads no defaults (it stays as fast as without use_metadata):
        # for the block, an instance attribute shadows the method and fills them in first
        self.add_scalar = _with_defaults(self.add_scalar, step, wall)
        try:
            yield self
        finally:
            del self.add_scalar
            self._default_step, self._now, self._metadata_active = 0, _time, False

    # -- plumbing -------------------------------------------------------------------------------

    def _add(self, values, global_step=None, walltime=None, writer=None) -> None:
        if isinstance(values, summary_pb2.Summary.Value):
            values = [values]
        step = self._default_step if global_step is None else as_step(global_step)
        wall = self._now() if walltime is None else float(walltime)
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
        """torch's signature; ``display_name``/``summary_description`` as tensorboardX (they need
        the metadata, so they take the proto path). No keyword-only parameters here: CPython
        calls a function that has them through its slow path, ~100 ns more a call."""
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
            # int64 or raise. Small steps pass two comparisons CPython specialises for small
            # ints (8 ns; one chained test against 2**63 costs 19 ns)
            if (step > 0x3FFFFFFF or step < -0x3FFFFFFF) and not STEP_MIN <= step <= STEP_MAX:
                raise _step_error(step)
        writer = self._main
        if writer is None or writer.closed:
            writer = self._get_file_writer()
        writer.add_scalar(tag, value, step, _time() if walltime is None else float(walltime))

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None, walltime=None) -> None:
        """One child run per key, each logging ``main_tag``: ``<logdir>/<main_tag>_<key>`` (torch)
        or ``<logdir>/<main_tag>/<key>`` (tensorboardX)."""
        wall = self._now() if walltime is None else float(walltime)
        step = self._default_step if global_step is None else as_step(global_step)
        for key, value in tag_scalar_dict.items():
            if self.NESTED_SCALARS:
                path = os.path.join(self._logdir, main_tag, key)
            else:
                path = os.path.join(self._logdir, main_tag.replace("/", "_") + "_" + key)
            child = self._children.get(path)
            if child is None or child.closed:
                with self._children_lock:  # two threads must not open two files for one run
                    child = self._children.get(path)
                    if child is None or child.closed:
                        child = self._children[path] = self._open(path)
            number = to_float(value)
            child.add_scalar(main_tag, number, step, wall)
            if self.KEEP_SCALARS:
                self.scalar_dict.setdefault(path, []).append([wall, step, number])

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
        """A batch of images as one grid, up to 8 a row (like tensorboardX). A list of
        same-sized images (``dataformats`` without N, e.g. ``'CHW'``) is stacked into a batch."""
        if isinstance(img_tensor, (list, tuple)) and "N" not in dataformats.upper():
            img_tensor = _stack_images(img_tensor)
            dataformats = "N" + dataformats
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
        if isinstance(rescale, str):  # tensorboardX's 6th positional is dataformats
            raise TypeError(
                f"rescale must be a number, got {rescale!r}; pass dataformats={rescale!r} by "
                "keyword, or use jupyter_tb.tensorboardX.SummaryWriter for tensorboardX's order"
            )
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
    ) -> None:
        """Like torch: a child run ``<logdir>/<run_name or time stamp>`` holding the
        experiment, session start and session end summaries plus each metric as a scalar."""
        if hparam_domain_discrete is not None and not isinstance(hparam_domain_discrete, dict):
            raise TypeError(
                "hparam_domain_discrete must be a dict of allowed values per hparam, got "
                f"{hparam_domain_discrete!r}; for tensorboardX's add_hparams(hparam_dict, "
                "metric_dict, name, global_step) use jupyter_tb.tensorboardX.SummaryWriter"
            )
        now = _time()
        values = _summary.hparams(
            hparam_dict, metric_dict, hparam_domain_discrete, start_time=now, end_time=now
        )
        metrics = {tag: to_float(value) for tag, value in metric_dict.items()}
        step = 0 if global_step is None else as_step(global_step)
        child = self._open(os.path.join(self._logdir, run_name or str(now)))
        try:
            for value in values:  # three events, as torch and tensorboardX write them
                child.add_summary(summary_pb2.Summary(value=[value]), step, now)
            for tag, value in metrics.items():
                child.add_scalar(tag, value, step, now)
        finally:
            child.close()

    # -- graphs and embeddings ------------------------------------------------------------------

    def _add_graph_def(self, graph) -> None:
        event = event_pb2.Event(wall_time=self._now(), graph_def=graph.SerializeToString())
        self._get_file_writer().add_event(event)

    def add_graph(
        self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True
    ) -> None:
        from jupyter_tb.writing.torch_graph import graph_def

        self._add_graph_def(graph_def(model, input_to_model, verbose=verbose, strict=use_strict_trace))

    def add_onnx_graph(self, model) -> None:
        """An ONNX model (a path to a ``.onnx`` file, or a loaded ``onnx.ModelProto``) as the
        run's graph; needs the ``onnx`` package."""
        from jupyter_tb.writing.onnx_graph import graph_def

        self._add_graph_def(graph_def(model))

    def add_embedding(
        self, mat, metadata=None, label_img=None, global_step=None, tag: str = "default", metadata_header=None
    ) -> None:
        if not self._write_to_disk:
            return
        from jupyter_tb.writing import embedding_files

        if self._embedding_config is None:
            self._embedding_config = embedding_files.ProjectorConfigFile(
                self._logdir, self._options["storage_options"]
            )
        self._embedding_config.add(mat, metadata, label_img, global_step, tag, metadata_header)


def _with_defaults(add_scalar, default_step: int, default_wall: float | None):
    """``add_scalar`` with use_metadata's step / wall time where the call gives none (both
    libraries put ``global_step`` and ``walltime`` third and fourth)."""

    def add_scalar_with_defaults(tag, scalar_value, global_step=None, walltime=None, *args, **kwargs):
        return add_scalar(
            tag,
            scalar_value,
            default_step if global_step is None else global_step,
            default_wall if walltime is None else walltime,
            *args,
            **kwargs,
        )

    return add_scalar_with_defaults


def _stack_images(images) -> np.ndarray:
    arrays = [to_numpy(image) for image in images]
    if not arrays or any(a.shape != arrays[0].shape for a in arrays):
        shapes = sorted({a.shape for a in arrays})
        raise ValueError(f"add_images stacks a list of images of one shape, got shapes {shapes}")
    return np.stack(arrays)


class SummaryWriter(WriterCore):
    """Writes tfevents files TensorBoard reads, without blocking the caller on disk.

    ``torch.utils.tensorboard.SummaryWriter``'s signatures (for tensorboardX's, use
    :class:`jupyter_tb.tensorboardX.SummaryWriter`); ``logdir=``, ``write_to_disk=`` and
    ``storage_options=`` (fsspec options of a logdir URL) by keyword. Values may be Python numbers, numpy arrays, torch tensors (any
    device, with or without grad) or anything with ``__array__``.
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
        write_to_disk: bool = True,
        storage_options: dict | None = None,
        **unused,
    ) -> None:
        # the core's first parameter is the directory; ``logdir=`` is its fallback
        super().__init__(
            log_dir,
            comment,
            purge_step,
            max_queue,
            flush_secs,
            filename_suffix,
            write_to_disk,
            logdir,
            storage_options=storage_options,
        )

    def add_onnx_graph(self, prototxt) -> None:
        """An ONNX model as the run's graph: a path to a ``.onnx`` file (torch names it
        ``prototxt``), its bytes or an ``onnx.ModelProto``; needs the ``onnx`` package."""
        WriterCore.add_onnx_graph(self, prototxt)
