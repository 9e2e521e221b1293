"""PR curves view: the curves sent for logdirs written by tensorboardX and our writer equal
the counts implied by the logged labels and predictions (no browser)."""

import numpy as np
import pytest
from tensorboardX import SummaryWriter as TBXWriter

import jupyter_tb
from jupyter_tb.widgets.views.pr_curves import PrCurves
from tests.support.widget_capture import make_view

N_THRESHOLDS = 11


def labelled(step):
    rng = np.random.default_rng(step)
    labels = rng.integers(0, 2, 200).astype(bool)
    predictions = np.clip(labels * 0.3 + rng.random(200) * 0.7, 0, 1)
    return labels, predictions


def expected_counts(labels, predictions, n=N_THRESHOLDS):
    """TP, FP at threshold i: examples whose bucket floor(p * (n - 1)) is >= i."""
    buckets = np.floor(predictions * (n - 1)).astype(int)
    tp = np.array([np.sum(labels & (buckets >= i)) for i in range(n)], dtype=float)
    fp = np.array([np.sum(~labels & (buckets >= i)) for i in range(n)], dtype=float)
    return tp, fp, (~labels).sum() - fp, labels.sum() - tp  # TP, FP, TN, FN


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "tbx")) as w:
        for step in (0, 1, 2):
            w.add_pr_curve("eval/pr", *labelled(step), step, num_thresholds=N_THRESHOLDS)
    with jupyter_tb.SummaryWriter(str(tmp_path / "ours")) as w:
        for step in (0, 1, 2):
            w.add_pr_curve("eval/pr", *labelled(step), step, num_thresholds=N_THRESHOLDS)
    return tmp_path


def make(logdir, **kwargs):
    return make_view(PrCurves, logdir, source_options=kwargs)


def test_every_step_is_sent_as_float32_counts_of_the_logged_data(logdir, outbox, live_sources):
    w = make(logdir)
    assert outbox.of(w)[0] == {
        "type": "reset",
        "runs": ["ours", "tbx"],
        "tags": {"ours": ["eval/pr"], "tbx": ["eval/pr"]},
    }
    curves = {m["run"]: m for m in outbox.of(w, "curves")}
    assert set(curves) == {"ours", "tbx"}
    for run, message in curves.items():
        assert message["replace"] is True
        np.testing.assert_array_equal(message["steps"], [0, 1, 2])
        assert message["data"].dtype == np.float32 and message["data"].shape == (3, 6, N_THRESHOLDS)
        np.testing.assert_allclose(message["thresholds"], np.linspace(0, 1, N_THRESHOLDS), atol=1e-6)
        for step in range(3):
            labels, predictions = labelled(step)
            tp, fp, tn, fn = expected_counts(labels, predictions)
            sent = message["data"][step]
            for row, want in zip(sent[:4], (tp, fp, tn, fn)):
                np.testing.assert_array_equal(row, want, err_msg=f"{run} step {step}")
            some = tp + fp > 0
            np.testing.assert_allclose(sent[4][some], tp[some] / (tp + fp)[some], rtol=1e-5)
            np.testing.assert_allclose(sent[5], tp / labels.sum(), rtol=1e-5)


def test_new_steps_arrive_as_deltas(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    with jupyter_tb.SummaryWriter(str(logdir / "ours")) as writer:
        writer.add_pr_curve("eval/pr", *labelled(7), 7, num_thresholds=N_THRESHOLDS)
    [delta] = outbox.wait_for(w, lambda m: m["type"] == "curves")
    assert delta["run"] == "ours" and delta["replace"] is False
    np.testing.assert_array_equal(delta["steps"], [7])
    assert delta["data"].shape == (1, 6, N_THRESHOLDS)
    np.testing.assert_array_equal(delta["data"][0][0], expected_counts(*labelled(7))[0])


def test_samples_per_plugin_sends_an_even_sample_with_the_latest(logdir, outbox, live_sources):
    w = make(logdir, samples_per_plugin={"pr_curves": 2})
    curves = {m["run"]: m for m in outbox.of(w, "curves")}
    np.testing.assert_array_equal(curves["tbx"]["steps"], [0, 2])
    assert curves["tbx"]["data"].shape == (2, 6, N_THRESHOLDS)


def test_selected_threshold_is_two_way(logdir, outbox, live_sources):
    w = make(logdir)
    seen = []
    w.observe(lambda change: seen.append(change["new"]), "selected_threshold")
    pick = {"run": "tbx", "tag": "eval/pr", "step": 2, "threshold": 0.5, "precision": 0.8, "recall": 0.6}
    w.set_state({"selected_threshold": pick})  # what the comm does with the browser's update
    assert w.selected_threshold == pick and seen == [pick]
    assert w.get_state("selected_threshold") == {"selected_threshold": pick}


def test_standalone_function_returns_the_view(logdir, live_sources):
    w = jupyter_tb.pr_curves(logdir, reload_interval=0.2)
    assert isinstance(w, PrCurves) and w._kind == "pr_curves"
