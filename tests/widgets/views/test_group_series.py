"""Run groups on the board, kernel side: group_by on the views and the dashboard, the
groups' aggregate messages checked against numpy, live recomputation, downsampling."""

import time

import numpy as np
import pytest
import traitlets

from jupyter_tb import SummaryWriter
from jupyter_tb.widgets.dashboard import Dashboard
from jupyter_tb.widgets.views import group_series
from jupyter_tb.widgets.views.scalars import Scalars
from tests.support.widget_capture import make_view

SEED = r"/seed=\d+"


def loss(lr, seed, step):
    return lr * 10 / (step + 1) + 0.05 * seed


@pytest.fixture
def logdir(tmp_path):
    """lr=0.1 with 3 seeds logged at the same steps; lr=0.3 with 2 seeds logged every 10 vs
    every 16 steps and of different lengths; a run no rule groups."""
    plans = {
        "lr=0.1/seed=1": range(0, 100, 5),
        "lr=0.1/seed=2": range(0, 100, 5),
        "lr=0.1/seed=3": range(0, 100, 5),
        "lr=0.3/seed=1": range(0, 200, 10),
        "lr=0.3/seed=2": range(0, 120, 16),
        "baseline": range(0, 50, 5),
    }
    for run, steps in plans.items():
        lr = float(run.split("/")[0].removeprefix("lr=")) if run != "baseline" else 1.0
        seed = int(run.rsplit("=", 1)[1]) if "seed" in run else 0
        with SummaryWriter(str(tmp_path / run)) as w:
            for step in steps:
                w.add_scalar("loss", loss(lr, seed, step), step)
    return tmp_path


def numpy_union(series):
    """Oracle: union of steps, each member interpolated inside its own range."""
    grid = np.unique(np.concatenate([s for s, _ in series]))
    table = np.full((len(grid), len(series)), np.nan)
    for j, (s, v) in enumerate(series):
        inside = (grid >= s[0]) & (grid <= s[-1])
        table[inside, j] = np.interp(grid[inside], s, v)
    return grid, table


def run_series(lr, seed, steps):
    steps = np.asarray(list(steps), dtype=np.float64)
    return steps, np.array([loss(lr, seed, s) for s in steps], dtype=np.float32).astype(np.float64)


def groups_of(outbox, widget):
    return {(m["group"], m["tag"]): m for m in outbox.of(widget, "group")}


def test_regex_groups_and_aggregates_match_numpy(logdir, outbox, live_sources):
    w = make_view(Scalars, logdir, group_by=SEED)
    assert w._groups["group_by"] == SEED
    assert w._groups["groups"] == {
        "lr=0.1/seed=1": "lr=0.1",
        "lr=0.1/seed=2": "lr=0.1",
        "lr=0.1/seed=3": "lr=0.1",
        "lr=0.3/seed=1": "lr=0.3",
        "lr=0.3/seed=2": "lr=0.3",
    }  # baseline stays single: not listed, no aggregate
    sent = groups_of(outbox, w)
    assert set(sent) == {("lr=0.1", "loss"), ("lr=0.3", "loss")}
    misaligned = sent[("lr=0.3", "loss")]
    assert misaligned["members"] == ["lr=0.3/seed=1", "lr=0.3/seed=2"]
    grid, table = numpy_union([run_series(0.3, 1, range(0, 200, 10)), run_series(0.3, 2, range(0, 120, 16))])
    np.testing.assert_array_equal(misaligned["step"], grid)
    np.testing.assert_array_equal(misaligned["count"], (~np.isnan(table)).sum(axis=1))
    np.testing.assert_allclose(misaligned["mean"], np.nanmean(table, axis=1))
    np.testing.assert_allclose(misaligned["min"], np.nanmin(table, axis=1))
    np.testing.assert_allclose(misaligned["max"], np.nanmax(table, axis=1))
    np.testing.assert_allclose(misaligned["median"], np.nanmedian(table, axis=1))
    two = (~np.isnan(table)).sum(axis=1) == 2
    np.testing.assert_allclose(misaligned["std"][two], np.nanstd(table[two], axis=1, ddof=1))
    assert np.isnan(misaligned["std"][~two]).all()  # one member past step 112: no spread
    aligned = sent[("lr=0.1", "loss")]
    stacked = np.stack([run_series(0.1, seed, range(0, 100, 5))[1] for seed in (1, 2, 3)], axis=1)
    np.testing.assert_allclose(aligned["mean"], stacked.mean(axis=1))
    np.testing.assert_allclose(aligned["std"], stacked.std(axis=1, ddof=1))
    assert (aligned["count"] == 3).all()


def test_group_lines_carry_their_members_mean_wall_and_relative_times(tmp_path, outbox, live_sources):
    """The time axes: at each step a group sits at its members' mean wall time, and at the mean
    of their times since each member's first point (members started an hour apart)."""
    starts = {"a/seed=1": 1_700_000_000.0, "a/seed=2": 1_700_003_600.0}
    for run, start in starts.items():
        pace = 2.0 if run.endswith("1") else 4.0  # seconds per step
        with SummaryWriter(str(tmp_path / run)) as w:
            for step in range(0, 50, 5):
                w.add_scalar("loss", 1.0 / (step + 1), step, walltime=start + pace * step)
    w = make_view(Scalars, tmp_path, group_by=SEED)
    sent = groups_of(outbox, w)[("a", "loss")]
    steps = np.arange(0, 50, 5)
    np.testing.assert_array_equal(sent["step"], steps)
    np.testing.assert_allclose(sent["wall"], 1_700_001_800.0 + 3.0 * steps)
    np.testing.assert_allclose(sent["relative"], 3.0 * steps)


def test_exact_steps_and_regrouping(logdir, outbox, live_sources):
    w = make_view(Scalars, logdir, group_by=SEED)
    outbox.clear(w)
    w.group_steps = "exact"
    exact = groups_of(outbox, w)[("lr=0.3", "loss")]
    logged = np.union1d(np.arange(0, 200, 10), np.arange(0, 120, 16))
    np.testing.assert_array_equal(exact["step"], logged)
    both = np.intersect1d(np.arange(0, 200, 10), np.arange(0, 120, 16))
    np.testing.assert_array_equal(exact["step"][exact["count"] == 2], both)  # 0, 80
    assert exact["steps_mode"] == "exact"

    outbox.clear(w)
    w.group_by = r"lr=[\d.]+/"  # now by seed: lr=0.1/seed=1 + lr=0.3/seed=1 -> seed=1
    assert set(groups_of(outbox, w)) == {("seed=1", "loss"), ("seed=2", "loss"), ("seed=3", "loss")}
    dropped = {(m["group"], m["tag"]) for m in outbox.of(w, "group_drop")}
    assert dropped == {("lr=0.1", "loss"), ("lr=0.3", "loss")}
    assert w._groups["groups"]["lr=0.3/seed=2"] == "seed=2"


def test_callable_and_hparam_grouping(tmp_path, outbox, live_sources):
    for lr in (0.1, 0.3):
        for seed in (1, 2):
            with SummaryWriter(str(tmp_path / f"run{lr}-{seed}")) as w:
                for step in range(10):
                    w.add_scalar("loss", loss(lr, seed, step), step)
                w.add_hparams({"lr": lr, "seed": seed}, {"final": loss(lr, seed, 9)}, run_name=".")
    v = make_view(Scalars, tmp_path, group_by="hparam:lr")
    assert {key for key in groups_of(outbox, v) if key[1] == "loss"} == {
        ("lr=0.1", "loss"),
        ("lr=0.3", "loss"),
    }

    def by_seed(run):
        return "seed " + run[-1]

    outbox.clear(v)
    v.group_by = by_seed
    assert v._groups["group_by"] == "callable:by_seed"  # the callable stays in Python
    assert {key for key in groups_of(outbox, v) if key[1] == "loss"} == {
        ("seed 1", "loss"),
        ("seed 2", "loss"),
    }
    with pytest.raises(traitlets.TraitError, match="not a valid regex"):
        v.group_by = "(unclosed"


def test_live_member_points_recompute_the_group(logdir, outbox, live_sources):
    w = make_view(Scalars, logdir, group_by=SEED)
    outbox.clear(w)
    with SummaryWriter(str(logdir / "lr=0.1/seed=2")) as writer:
        for step in range(100, 110):
            writer.add_scalar("loss", 5.0, step)
    hit = outbox.wait_for(w, lambda m: m["type"] == "group" and m["step"][-1] == 109)
    message = hit[-1]
    assert message["group"] == "lr=0.1"
    # past the others' last step (95) only seed=2 contributes
    assert message["count"][-1] == 1 and message["mean"][-1] == 5.0
    assert not [m for m in outbox.of(w, "group") if m["group"] == "lr=0.3"]  # untouched group: nothing


def test_costly_groups_are_recomputed_later_not_dropped(logdir, outbox, live_sources):
    w = make_view(Scalars, logdir, group_by=SEED)
    outbox.clear(w)
    due = time.monotonic() + 1.5
    w._group_due[("lr=0.1", "loss")] = due  # as if its last aggregate took 0.5 s
    with SummaryWriter(str(logdir / "lr=0.1/seed=1")) as writer:
        writer.add_scalar("loss", 7.0, 200)
    outbox.wait_for(
        w, lambda m: m["type"] == "append" and m["run"] == "lr=0.1/seed=1"
    )  # the run itself: at once
    assert not outbox.of(w, "group")
    message = outbox.wait_for(w, lambda m: m["type"] == "group")[0]
    assert time.monotonic() >= due - 0.05 and message["step"][-1] == 200 and message["mean"][-1] == 7.0


def test_long_aggregates_are_sampled_keeping_the_band(tmp_path, outbox, live_sources, monkeypatch):
    monkeypatch.setattr(group_series, "WHOLE_LIMIT", 500)
    monkeypatch.setattr(group_series, "PIXELS", 50)
    rng = np.random.default_rng(0)
    for seed in range(3):
        with SummaryWriter(str(tmp_path / f"a/seed={seed}")) as w:
            for step, v in enumerate(rng.normal(size=5000)):
                w.add_scalar("noise", float(v), step)
    v = make_view(Scalars, tmp_path, group_by=SEED)
    message = groups_of(outbox, v)[("a", "noise")]
    assert message["total"] == 5000 and len(message["step"]) <= 6 * (4 * 50 + 2)
    full = np.stack([v.logdir.scalars(f"a/seed={s}", "noise").values for s in range(3)], axis=1)
    assert message["max"].max() == full.max() and message["min"].min() == full.min()  # spikes kept
    at = message["step"].astype(int)
    np.testing.assert_allclose(message["mean"], full.mean(axis=1)[at], rtol=1e-6)


def test_dashboard_group_by_reaches_its_tabs(logdir, outbox, live_sources):
    board = make_view(Dashboard, logdir, group_by=SEED)
    scalars = board.view("scalars")
    assert scalars.group_by == SEED and board._groups == scalars._groups
    board.group_by = ""
    assert scalars.group_by == "" and scalars._groups["groups"] == {}
    board.settings = {**board.settings, "group_steps": "exact"}
    assert scalars.group_steps == "exact"


def test_hparams_group_rows_mean_and_std_of_final_metrics(tmp_path, outbox, live_sources):
    from jupyter_tb.widgets.views.hparams import HParams

    finals = {}
    for lr in (0.1, 0.3):
        for seed in (1, 2, 3):
            run = f"lr={lr}/seed={seed}"
            finals[run] = lr * 10 + seed * 0.25
            with SummaryWriter(str(tmp_path / run)) as w:
                w.add_hparams({"lr": lr, "seed": seed}, {"final": finals[run]}, run_name=".")
    v = make_view(HParams, tmp_path, group_by=SEED)
    groups = {g["name"]: g for g in outbox.of(v, "reset")[-1]["groups"]}
    assert set(groups) == {"lr=0.1", "lr=0.3"}
    for lr in (0.1, 0.3):
        values = np.array([finals[f"lr={lr}/seed={s}"] for s in (1, 2, 3)])
        mean, std, n = groups[f"lr={lr}"]["metrics"]["final"]
        assert n == 3 and mean == pytest.approx(values.mean()) and std == pytest.approx(values.std(ddof=1))
    outbox.clear(v)
    v.group_by = "hparam:seed"
    groups = {g["name"]: g for g in outbox.of(v, "reset")[-1]["groups"]}
    assert set(groups) == {"seed=1", "seed=2", "seed=3"}
    assert groups["seed=2"]["members"] == ["lr=0.1/seed=2", "lr=0.3/seed=2"]
    v.group_by = ""
    assert outbox.of(v, "reset")[-1]["groups"] == []
