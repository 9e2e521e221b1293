"""Histograms and distributions views on a tensorboardX logdir: the messages they send
(the arithmetic is :mod:`jupyter_tb.compute.histograms`, tested in tests/compute)."""

import numpy as np
import pytest
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb.widgets.views.histograms import BINS, Distributions, Histograms
from tests.support.reader_fixtures import write_normal_histograms
from tests.support.widget_capture import make_view


@pytest.fixture
def logdir(tmp_path):
    write_normal_histograms(str(tmp_path))
    return tmp_path


def make(cls, logdir, **traits):
    return make_view(cls, logdir, **traits)


def test_histogram_messages(logdir, outbox, live_sources):
    w = make(Histograms, logdir)
    m = outbox.of(w, "histogram")[0]
    assert m["run"] == "run" and m["tag"] == "w/layer1" and not m["append"]
    np.testing.assert_array_equal(m["steps"], [0, 10, 20])
    assert m["counts"].shape == (3, BINS) and m["edges"].shape == (BINS + 1,)
    np.testing.assert_allclose(m["counts"].sum(axis=1), 3000, rtol=1e-4)
    # the mean moves right with the step, as written
    centers = (m["edges"][1:] + m["edges"][:-1]) / 2
    means = (m["counts"] * centers).sum(axis=1) / m["counts"].sum(axis=1)
    assert means[0] < means[1] < means[2]
    assert w.mode == "offset"


def test_distribution_messages_and_live_append(logdir, outbox, live_sources):
    w = make(Distributions, logdir)
    m = outbox.of(w, "distribution")[0]
    assert m["percentiles"].shape == (3, 9)
    assert np.all(np.diff(m["percentiles"], axis=1) >= 0)
    assert abs(m["percentiles"][2, 4] - 2.0) < 0.1  # median of N(2, 1)
    outbox.clear(w)
    with TBXWriter(str(logdir / "run"), filename_suffix=".more") as writer:
        writer.add_histogram("w/layer1", np.random.default_rng(1).normal(3, 1, 3000), 30)
    appended = outbox.wait_for(w, lambda m: m["type"] == "distribution")[-1]
    assert appended["append"] and list(appended["steps"]) == [30]
