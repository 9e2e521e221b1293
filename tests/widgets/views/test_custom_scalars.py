"""Custom scalars view: the layout logged by tensorboardX and our writer, with each multiline
chart's regexes matched against the scalar tags, and the series of exactly those tags."""

import math

import numpy as np
import pytest
from tensorboardX import SummaryWriter as TBXWriter

import jupyter_tb
from jupyter_tb.widgets.views.custom_scalars import CustomScalars
from tests.support.widget_capture import make_view

LAYOUT = {
    "Losses": {
        "all losses": ["Multiline", [r"loss/.*"]],
        "bounded": ["Margin", ["acc/mean", "acc/low", "acc/high"]],
    },
    "Other": {"lr": ["Multiline", [r"^lr$", r"nothing.*"]]},
}


def loss(run, tag, step):
    return (1.0 if run == "a" else 2.0) * math.exp(-step / 10) + (0.1 if tag.endswith("val") else 0.0)


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "a")) as w:
        w.add_custom_scalars(LAYOUT)
        for step in range(20):
            for tag in ("loss/train", "loss/val"):
                w.add_scalar(tag, loss("a", tag, step), step)
            w.add_scalar("acc/mean", 0.5, step)
            w.add_scalar("acc/low", 0.4, step)
            w.add_scalar("acc/high", 0.6, step)
            w.add_scalar("unrelated", 1.0, step)
    with jupyter_tb.SummaryWriter(str(tmp_path / "b")) as w:
        for step in range(20):
            w.add_scalar("loss/train", loss("b", "loss/train", step), step)
            w.add_scalar("lr", 0.1, step)
    return tmp_path


def make(logdir):
    return make_view(CustomScalars, logdir)


def test_layout_with_matched_tags_and_only_their_series(logdir, outbox, live_sources):
    w = make(logdir)
    reset = outbox.of(w)[0]
    assert reset["type"] == "reset" and reset["runs"] == ["a", "b"]
    assert reset["tags"] == {
        "a": ["acc/high", "acc/low", "acc/mean", "loss/train", "loss/val"],
        "b": ["loss/train", "lr"],
    }
    assert reset["layout"] == [
        {
            "title": "Losses",
            "closed": False,
            "charts": [
                {"title": "all losses", "kind": "multiline", "tags": ["loss/train", "loss/val"]},
                {
                    "title": "bounded",
                    "kind": "margin",
                    "series": [{"value": "acc/mean", "lower": "acc/low", "upper": "acc/high"}],
                },
            ],
        },
        {"title": "Other", "closed": False, "charts": [{"title": "lr", "kind": "multiline", "tags": ["lr"]}]},
    ]
    series = {(m["run"], m["tag"]): m for m in outbox.of(w, "series")}
    assert set(series) == {(r, t) for r, tags in reset["tags"].items() for t in tags}
    sent = series[("b", "loss/train")]
    np.testing.assert_array_equal(sent["step"], np.arange(20))
    np.testing.assert_allclose(sent["value"], [loss("b", "loss/train", s) for s in range(20)], rtol=1e-6)


def test_new_matching_tag_updates_layout_and_sends_series(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    with jupyter_tb.SummaryWriter(str(logdir / "b")) as writer:
        writer.add_scalar("loss/extra", 3.0, 0)
        writer.add_scalar("ignored/tag", 3.0, 0)
    [series] = outbox.wait_for(w, lambda m: m["type"] == "series")
    assert (series["run"], series["tag"]) == ("b", "loss/extra")
    [catalog] = outbox.of(w, "catalog")
    assert catalog["layout"][0]["charts"][0]["tags"] == ["loss/extra", "loss/train", "loss/val"]
    assert "ignored/tag" not in catalog["tags"]["b"]


def test_closed_category_and_bad_regex_are_reported():
    from jupyter_tb._proto import plugins_pb2

    layout = plugins_pb2.Layout(
        category=[
            plugins_pb2.Category(
                title="C",
                closed=True,
                chart=[
                    plugins_pb2.Chart(
                        title="broken", multiline=plugins_pb2.MultilineChartContent(tag=["(", "x"])
                    )
                ],
            )
        ]
    )
    from jupyter_tb.widgets.views.custom_scalars import layout_json

    [category] = layout_json(layout, {"x", "y"})
    assert category["closed"] is True
    chart = category["charts"][0]
    assert chart["tags"] == ["x"] and "invalid regex '('" in chart["error"]


def test_no_layout_gives_an_empty_view(tmp_path, outbox, live_sources):
    with jupyter_tb.SummaryWriter(str(tmp_path / "r")) as w:
        w.add_scalar("x", 1.0, 0)
    w = make(tmp_path)
    assert outbox.of(w)[0]["layout"] == [] and outbox.of(w)[0]["tags"] == {"r": []}


def test_standalone_function_returns_the_view(logdir, live_sources):
    assert isinstance(jupyter_tb.custom_scalars(logdir, reload_interval=0.2), CustomScalars)
