"""HParams sessions: the experiment merged over runs, one Session per session_start_info.

TensorBoard's hparams plugin data comes in three kinds of tag metadata: the experiment (the
declared hparams and metrics), a session's start (its hparams) and its end (status, time).
A session's metrics are the last value of each metric's scalar series, in the session's run
or in the sub-run its MetricName.group names (TensorFlow logs validation metrics in
"<session>/validation"). This module is the one place those are computed and the one
vocabulary of session status.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from google.protobuf.message import DecodeError

from jupyter_tb._proto import hparams_pb2
from jupyter_tb.reading.series import HParams, Session

# Session.status: the hparams Status enum's names without their prefix
SESSION_STATUSES = {
    value: hparams_pb2.Status.Name(value).removeprefix("STATUS_") for value in hparams_pb2.Status.values()
}
UNKNOWN_STATUS = SESSION_STATUSES[hparams_pb2.STATUS_UNKNOWN]


def session_status(status: int) -> str:
    """A SessionEndInfo status value -> "UNKNOWN", "SUCCESS", "FAILURE" or "RUNNING"."""
    return SESSION_STATUSES.get(int(status or 0), UNKNOWN_STATUS)


def metric_name(group: str, tag: str) -> str:
    """How a metric is named in ``Session.metrics``: "tag", or "group/tag" for a sub-run's."""
    return f"{group}/{tag}" if group else tag


def metric_run(run: str, group: str) -> str:
    """The run holding a session's metric: the session's own, or its ``group`` sub-run."""
    return posixpath.normpath(posixpath.join(run, group)) if group else run


def final_value(reader, run: str, group: str, tag: str) -> float | None:
    """The metric's final value: the last point of its scalar series, None when it has none."""
    try:
        series = reader.scalars(metric_run(run, group), tag)
    except KeyError:
        return None
    return float(series.values[-1]) if len(series) else None


def assemble(reader, found, report: Callable[[str], None]) -> HParams:
    """The experiment and sessions of ``found``, the (run, tag, SummaryMetadata) of every
    hparams tag; unreadable metadata is reported and skipped. ``reader`` gives the scalars."""
    experiment = None
    starts, ends = {}, {}
    for run, tag, metadata in found:
        data = hparams_pb2.HParamsPluginData()
        try:
            data.ParseFromString(metadata.plugin_data.content)
        except DecodeError:
            report(f"{run}: tag {tag!r}: unreadable hparams metadata")
            continue
        which = data.WhichOneof("data")
        if which == "experiment":
            experiment = _merge_experiment(experiment, data.experiment)
        elif which == "session_start_info":
            starts[run] = data.session_start_info
        elif which == "session_end_info":
            ends[run] = data.session_end_info
    sessions = [_session(reader, run, start, ends.get(run), experiment) for run, start in starts.items()]
    return HParams(experiment, sessions)


def _session(reader, run, start, end, experiment) -> Session:
    from google.protobuf.json_format import MessageToDict  # only logdirs with sessions need it

    if experiment is not None and experiment.metric_infos:
        wanted = [(m.name.group, m.name.tag) for m in experiment.metric_infos]
    else:
        wanted = [("", tag) for tag in reader.tags(run).get("scalars", [])]
    metrics = {}
    for group, tag in wanted:
        value = final_value(reader, run, group, tag)
        if value is not None:
            metrics[metric_name(group, tag)] = value
    return Session(
        run=run,
        hparams={name: MessageToDict(value) for name, value in start.hparams.items()},
        metrics=metrics,
        status=session_status(end.status) if end else UNKNOWN_STATUS,
        start_time=start.start_time_secs,
        end_time=end.end_time_secs if end else None,
    )


def _merge_experiment(into, experiment):
    if into is None:
        into = hparams_pb2.Experiment()
        into.CopyFrom(experiment)
        return into
    names = {h.name for h in into.hparam_infos}
    into.hparam_infos.extend(h for h in experiment.hparam_infos if h.name not in names)
    metrics = {(m.name.group, m.name.tag) for m in into.metric_infos}
    into.metric_infos.extend(m for m in experiment.metric_infos if (m.name.group, m.name.tag) not in metrics)
    return into
