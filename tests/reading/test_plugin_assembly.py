"""The plugin assembly modules on their own: hparams sessions (one status vocabulary, final
metric values), the custom scalars layout merge, projector configs."""

from __future__ import annotations

import numpy as np

from jupyter_tb._proto import hparams_pb2, plugins_pb2, summary_pb2
from jupyter_tb.compute.hparams_table import status_name
from jupyter_tb.reading import hparams_sessions
from jupyter_tb.reading.custom_scalars_layout import merge_layouts
from jupyter_tb.reading.embeddings import parse_projector_config
from jupyter_tb.reading.series import ScalarSeries
from jupyter_tb.reading.storage import open_storage


def test_one_status_vocabulary_for_sessions_and_the_table():
    assert hparams_sessions.SESSION_STATUSES == {0: "UNKNOWN", 1: "SUCCESS", 2: "FAILURE", 3: "RUNNING"}
    assert hparams_sessions.session_status(hparams_pb2.STATUS_FAILURE) == "FAILURE"
    assert hparams_sessions.session_status(99) == "UNKNOWN"
    for value, name in hparams_sessions.SESSION_STATUSES.items():
        assert status_name(value) == status_name(name) == status_name(f"STATUS_{name}") == name.lower()
    assert status_name("nonsense") == "unknown"


class _Reader:
    def __init__(self, series: dict):
        self.series = series

    def tags(self, run):
        return {"scalars": sorted(tag for r, tag in self.series if r == run)}

    def scalars(self, run, tag):
        values = np.asarray(self.series[(run, tag)], float)
        return ScalarSeries(run, tag, np.arange(len(values)), np.zeros(len(values)), values)


def _metadata(data: hparams_pb2.HParamsPluginData):
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="hparams", content=data.SerializeToString()
        )
    )


def test_sessions_metrics_are_the_last_values_of_their_series():
    reader = _Reader({("s", "loss"): [3.0, 2.0], ("s/validation", "acc"): [0.5, 0.7], ("s", "empty"): []})
    experiment = hparams_pb2.Experiment(
        metric_infos=[
            hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag="loss")),
            hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(group="validation", tag="acc")),
            hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag="empty")),
            hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag="never")),
        ]
    )
    start = hparams_pb2.SessionStartInfo(start_time_secs=5.0)
    start.hparams["lr"].number_value = 0.1
    reports = []
    found = [
        (".", "_hparams_/experiment", _metadata(hparams_pb2.HParamsPluginData(experiment=experiment))),
        (
            "s",
            "_hparams_/session_start_info",
            _metadata(hparams_pb2.HParamsPluginData(session_start_info=start)),
        ),
        ("s", "broken", summary_pb2.SummaryMetadata(plugin_data={"content": b"\xff\xff"})),
    ]
    hp = hparams_sessions.assemble(reader, found, reports.append)
    (session,) = hp.sessions
    assert session.metrics == {"loss": 2.0, "validation/acc": 0.7}
    assert (session.status, session.end_time, session.hparams) == ("UNKNOWN", None, {"lr": 0.1})
    assert reports == ["s: tag 'broken': unreadable hparams metadata"]
    assert hparams_sessions.final_value(reader, "s", "", "never") is None


def test_layouts_merge_by_category_title_without_repeating_charts():
    def layout(title, *charts):
        category = plugins_pb2.Category(title=title)
        for chart in charts:
            category.chart.add(title=chart).multiline.tag.append(chart)
        return plugins_pb2.Layout(category=[category])

    assert merge_layouts([]) is None
    merged = merge_layouts([layout("A", "x"), layout("B", "y"), layout("A", "x", "z")])
    assert [(c.title, [ch.title for ch in c.chart]) for c in merged.category] == [
        ("A", ["x", "z"]),
        ("B", ["y"]),
    ]


def test_projector_config_paths_and_damage(tmp_path):
    (tmp_path / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "e" tensor_path: "00000/e/tensors.tsv" metadata_path: "meta.tsv" }'
    )
    (tmp_path / "bad.pbtxt").write_text("embeddings { nonsense")
    storage = open_storage(str(tmp_path))
    reports = []
    (embedding,) = parse_projector_config(
        storage, ".", storage.join(storage.url, "projector_config.pbtxt"), reports.append
    )
    assert embedding.name == "e" and embedding.tensor_path.endswith("00000/e/tensors.tsv")
    assert embedding.metadata_path == storage.join(storage.url, "meta.tsv") and not reports
    assert parse_projector_config(storage, ".", storage.join(storage.url, "bad.pbtxt"), reports.append) == []
    assert len(reports) == 1 and "unreadable projector config" in reports[0]
