"""hparams_table: sessions from TF's hparams API (built with our protos exactly as TF lays
them out), torch.utils.tensorboard and tensorboardX add_hparams, read through the Reader API."""

from __future__ import annotations

import glob
import math

import numpy as np
import pytest

from jupyter_tb._proto import hparams_pb2
from jupyter_tb.compute.hparams_table import sessions_table, status_name
from tests.support.graph_hparams_fixtures import (
    scalar_event,
    tf_experiment_event,
    tf_session_end_event,
    tf_session_start_event,
    write_events,
)

read = pytest.importorskip("jupyter_tb.reading.logdir").read

TF_SESSIONS = [  # run, hparams, status, train loss steps, validation accuracy
    (
        "lr=0.1,opt=adam",
        {"lr": 0.1, "optimizer": "adam", "dropout": True},
        hparams_pb2.STATUS_SUCCESS,
        [0.9, 0.5, 0.3],
        0.81,
    ),
    (
        "lr=0.01,opt=sgd",
        {"lr": 0.01, "optimizer": "sgd", "dropout": False},
        hparams_pb2.STATUS_FAILURE,
        [0.9, 0.8],
        0.62,
    ),
    (
        "lr=0.001,opt=adam",
        {"lr": 0.001, "optimizer": "adam", "dropout": True},
        hparams_pb2.STATUS_RUNNING,
        [0.95],
        0.55,
    ),
]


@pytest.fixture(scope="module")
def tf_logdir(tmp_path_factory):
    """TF 2 hparams layout: experiment summary in the logdir root, one run per session with
    session_start_info (+ end info), train scalars in the session run, validation ones in
    its "validation" sub-run (MetricName.group)."""
    root = tmp_path_factory.mktemp("tf_hparams")
    infos = [
        hparams_pb2.HParamInfo(name="lr", type=hparams_pb2.DATA_TYPE_FLOAT64),
        hparams_pb2.HParamInfo(name="optimizer", type=hparams_pb2.DATA_TYPE_STRING),
        hparams_pb2.HParamInfo(name="dropout", type=hparams_pb2.DATA_TYPE_BOOL),
    ]
    exp = tf_experiment_event(infos, ["loss", ("validation", "epoch_accuracy")], wall_time=100.0)
    write_events(str(root), [exp])
    for k, (run, hp, status, losses, acc) in enumerate(TF_SESSIONS):
        t0 = 1000.0 * (k + 1)
        events = [tf_session_start_event(hp, start_time=t0, group_name=run)]
        events += [scalar_event("loss", step, v, t0 + step) for step, v in enumerate(losses)]
        if status != hparams_pb2.STATUS_RUNNING:
            events.append(tf_session_end_event(status, end_time=t0 + 50))
        write_events(str(root / run), events)
        write_events(str(root / run / "validation"), [scalar_event("epoch_accuracy", 1, acc, t0 + 9)])
    return root


def test_tf_fixture_is_what_tensorboard_parses(tf_logdir):
    """Our TF-style bytes go through TensorBoard's own hparams metadata parser."""
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.plugins.hparams import metadata

    (path,) = glob.glob(str(tf_logdir / "lr=0.1,opt=adam" / "events.out.tfevents.*"))
    values = [
        v
        for e in event_file_loader.EventFileLoader(path).Load()
        if e.HasField("summary")
        for v in e.summary.value
    ]
    start = [v for v in values if v.tag == metadata.SESSION_START_INFO_TAG][0]
    info = metadata.parse_session_start_info_plugin_data(start.metadata.plugin_data.content)
    assert info.hparams["optimizer"].string_value == "adam"
    assert start.metadata.plugin_data.plugin_name == metadata.PLUGIN_NAME


def test_tf_sessions_table(tf_logdir):
    table = sessions_table(read(str(tf_logdir)))
    assert sorted(table.runs) == sorted(r for r, *_ in TF_SESSIONS)
    assert table.hparam_names == ["lr", "optimizer", "dropout"]
    assert [c.kind for c in table.hparams] == ["number", "string", "bool"]
    assert table.metric_names == ("loss", "validation/epoch_accuracy")
    by_run = {r: i for i, r in enumerate(table.runs)}
    for run, hp, status, losses, acc in TF_SESSIONS:
        i = by_run[run]
        assert table.column("lr")[i] == pytest.approx(hp["lr"])
        assert table.column("optimizer")[i] == hp["optimizer"]
        assert table.column("dropout")[i] is hp["dropout"]
        assert table.metrics[i, 0] == pytest.approx(losses[-1])  # last value, not max/first
        assert table.metrics[i, 1] == pytest.approx(acc)
        if status != hparams_pb2.STATUS_RUNNING:
            assert table.status[i] == status_name(status)
    running = by_run["lr=0.001,opt=adam"]
    # no session_end_info written yet: TensorBoard reports such a session as unknown
    assert table.status[running] == "unknown"
    assert math.isnan(table.end_time[running])
    assert table.start_time[by_run["lr=0.1,opt=adam"]] == 1000.0


def test_filter_and_sort(tf_logdir):
    table = sessions_table(read(str(tf_logdir)))
    adam = table.filter(optimizer="adam")
    assert sorted(adam.runs) == ["lr=0.001,opt=adam", "lr=0.1,opt=adam"]
    assert sorted(table.filter(lr=(0.005, None)).column("lr")) == [0.01, 0.1]
    assert table.filter(**{"validation/epoch_accuracy": (0.6, 0.7)}).runs == ("lr=0.01,opt=sgd",)
    assert table.filter(status={"success", "failure"}, run=r"opt=adam").runs == ("lr=0.1,opt=adam",)
    assert table.filter(dropout=lambda v: v is False).runs == ("lr=0.01,opt=sgd",)
    best = table.sort("validation/epoch_accuracy", descending=True)
    assert best.runs[0] == "lr=0.1,opt=adam" and best.runs[-1] == "lr=0.001,opt=adam"
    assert list(table.sort("lr").column("lr")) == [0.001, 0.01, 0.1]
    assert list(table.sort("optimizer").column("optimizer")) == ["adam", "adam", "sgd"]
    with pytest.raises(KeyError, match="no column"):
        table.column("nope")


def test_to_pandas_and_wire(tf_logdir):
    table = sessions_table(read(str(tf_logdir))).sort("lr")
    df = table.to_pandas()
    assert list(df.columns) == [
        "run",
        "lr",
        "optimizer",
        "dropout",
        "loss",
        "validation/epoch_accuracy",
        "status",
        "start_time",
        "end_time",
    ]
    assert df["loss"].tolist() == pytest.approx([0.95, 0.8, 0.3])
    assert str(df["start_time"].dtype).startswith("datetime64")
    wire = table.to_wire()
    cols = {c["name"]: c for c in wire["columns"]}
    assert cols["optimizer"]["categories"] == ["adam", "sgd"]
    assert cols["optimizer"]["values"].tolist() == [0.0, 1.0, 0.0]
    assert cols["dropout"]["categories"] == ["false", "true"]
    assert cols["lr"]["values"].dtype == np.float64
    assert cols["loss"]["group"] == "metric"


def _write_with(module: str, logdir: str):
    if module == "torch":
        from torch.utils.tensorboard import SummaryWriter
    else:
        from tensorboardX import SummaryWriter
    for lr, bs, opt, acc in [(0.1, 32, "adam", 0.9), (0.01, 64, "sgd", 0.7)]:
        with SummaryWriter(logdir) as w:
            run = {"run_name" if module == "torch" else "name": f"lr{lr}"}
            w.add_hparams(
                {"lr": lr, "batch_size": bs, "optimizer": opt},
                {"hparam/accuracy": acc, "hparam/loss": 1 - acc},
                **run,
            )


@pytest.mark.parametrize("module", ["torch", "tensorboardX"])
def test_add_hparams_from_torch_and_tensorboardx(module, tmp_path):
    _write_with(module, str(tmp_path))
    table = sessions_table(read(str(tmp_path)))
    assert len(table) == 2
    assert {"lr", "batch_size", "optimizer"} <= set(table.hparam_names)
    assert {"hparam/accuracy", "hparam/loss"} <= set(table.metric_names)
    s = table.sort("lr")
    assert list(s.column("lr")) == [0.01, 0.1]
    assert list(s.column("optimizer")) == ["sgd", "adam"]
    assert s.column("hparam/accuracy").tolist() == pytest.approx([0.7, 0.9])
    assert s.column("hparam/loss").tolist() == pytest.approx([0.3, 0.1])
