"""Run groups and aggregates, checked against plain numpy on the same numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jupyter_tb.compute import run_groups
from jupyter_tb.compute.run_groups import aggregate, group_runs, mean_at, members_of
from jupyter_tb.reading.series import Session

RNG = np.random.default_rng(7)


def test_a_regex_removes_its_matches_and_runs_it_leaves_alone_stay_single():
    runs = ["lr=0.1/seed=1", "lr=0.1/seed=2", "lr=0.01/seed=1", "baseline"]
    groups = group_runs(runs, r"/seed=\d+")
    assert groups == {
        "lr=0.1/seed=1": "lr=0.1",
        "lr=0.1/seed=2": "lr=0.1",
        "lr=0.01/seed=1": "lr=0.01",
        "baseline": "baseline",
    }
    assert members_of(groups) == {
        "baseline": ["baseline"],
        "lr=0.01": ["lr=0.01/seed=1"],
        "lr=0.1": ["lr=0.1/seed=1", "lr=0.1/seed=2"],
    }
    assert group_runs(runs, None) == {run: run for run in runs}


def test_a_callable_names_groups_and_none_leaves_a_run_alone():
    groups = group_runs(["a_1", "a_2", "b"], lambda run: run.split("_")[0] if "_" in run else None)
    assert groups == {"a_1": "a", "a_2": "a", "b": "b"}


def test_bad_group_by_is_a_clear_error():
    with pytest.raises(ValueError, match="not a valid regex"):
        group_runs(["a"], "(")
    with pytest.raises(TypeError, match="group_by"):
        group_runs(["a"], 3)


def session(run, **hparams):
    values = {
        k: {"numberValue": v} if isinstance(v, float) else {"stringValue": v} for k, v in hparams.items()
    }
    return Session(run=run, hparams=values, metrics={}, status="UNKNOWN", start_time=0.0, end_time=None)


def test_hparam_groups_find_the_session_of_a_run_its_child_or_its_parent():
    sessions = [
        session("a", lr=0.1),
        session("b/1700000000.1", lr=0.1),  # torch's add_hparams: the session is a child run
        session("c", optimizer="adam"),
    ]
    groups = group_runs(["a", "b", "c/eval", "d"], "hparam:lr", sessions)
    assert groups == {"a": "lr=0.1", "b": "lr=0.1", "c/eval": "c/eval", "d": "d"}
    assert group_runs(["c/eval"], "hparam:optimizer", sessions) == {"c/eval": "optimizer=adam"}


def stacked_stats(matrix: np.ndarray) -> dict:
    """numpy's answer for a (members x steps) matrix with NaN where a member has no value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # columns with one or no value
        return {
            "mean": np.nanmean(matrix, axis=0),
            "std": np.nanstd(matrix, axis=0, ddof=1),
            "min": np.nanmin(matrix, axis=0),
            "max": np.nanmax(matrix, axis=0),
            "median": np.nanmedian(matrix, axis=0),
            "count": np.sum(~np.isnan(matrix), axis=0),
        }


def assert_matches(result, steps, matrix):
    expected = stacked_stats(matrix)
    np.testing.assert_array_equal(result.steps, steps)
    np.testing.assert_array_equal(result.count, expected["count"])
    for name in ("mean", "std", "min", "max", "median"):
        np.testing.assert_allclose(
            getattr(result, name), expected[name], rtol=1e-12, atol=1e-12, err_msg=name
        )


def test_aligned_runs_match_numpy():
    steps = np.arange(0, 5000, 5)
    matrix = RNG.normal(size=(7, len(steps)))
    result = aggregate([(steps, row) for row in matrix])
    assert_matches(result, steps, matrix)


def test_misaligned_steps_are_interpolated_inside_each_run_and_never_extrapolated():
    every_100 = np.arange(0, 1001, 100)
    every_128 = np.arange(0, 1025, 128)
    shorter = np.arange(0, 501, 100)
    a, b, c = (RNG.normal(size=len(s)) for s in (every_100, every_128, shorter))
    result = aggregate([(every_100, a), (every_128, b), (shorter, c)])
    grid = np.union1d(np.union1d(every_100, every_128), shorter)
    matrix = np.full((3, len(grid)), np.nan)
    for row, (s, v) in enumerate([(every_100, a), (every_128, b), (shorter, c)]):
        inside = (grid >= s[0]) & (grid <= s[-1])
        matrix[row, inside] = np.interp(grid[inside], s, v)
    assert_matches(result, grid, matrix)
    assert result.count[grid == 1024][0] == 1  # only the every-128 run reaches step 1024
    assert result.count[grid == 600][0] == 2  # the short run ended at 500


def test_exact_mode_uses_only_logged_values():
    s1, s2 = np.array([0, 10, 20, 30]), np.array([0, 15, 30])
    v1, v2 = np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 30.0])
    result = aggregate([(s1, v1), (s2, v2)], steps="exact")
    np.testing.assert_array_equal(result.steps, [0, 10, 15, 20, 30])
    np.testing.assert_array_equal(result.count, [2, 1, 1, 1, 2])
    np.testing.assert_allclose(result.mean, [5.5, 2.0, 20.0, 3.0, 17.0])
    with pytest.raises(ValueError, match="steps must be one of"):
        aggregate([(s1, v1)], steps="nearest")


def test_nan_values_are_missing_points_and_a_rewritten_step_keeps_its_last_value():
    steps = np.array([0, 1, 2, 2, 3])
    values = np.array([1.0, np.nan, 5.0, 7.0, 9.0])  # step 2 logged twice (a restart)
    other = (np.array([0, 1, 2, 3]), np.array([3.0, 3.0, 3.0, 3.0]))
    result = aggregate([(steps, values), other])
    np.testing.assert_array_equal(result.steps, [0, 1, 2, 3])
    np.testing.assert_allclose(result.mean, [2.0, 3.5, 5.0, 6.0])  # step 1: interpolated 4.0
    assert np.isnan(aggregate([(steps[:1], values[:1])]).std[0])  # one run: no spread


def test_large_misaligned_groups_match_numpy_blockwise():
    runs = [(np.arange(0, 150_000 * (k + 1), k + 1), RNG.normal(size=150_000)) for k in range(3)]
    result = aggregate(runs)
    grid = np.unique(np.concatenate([s for s, _ in runs]))
    matrix = np.full((3, len(grid)), np.nan)
    for row, (s, v) in enumerate(runs):
        inside = grid <= s[-1]
        matrix[row, inside] = np.interp(grid[inside], s, v)
    assert_matches(result, grid, matrix)


def test_no_series_gives_an_empty_aggregate():
    assert len(aggregate([])) == 0
    assert len(aggregate([(np.array([1]), np.array([np.nan]))])) == 0


def test_mean_at_follows_the_aggregate_rules_and_spans_the_union_in_chunks(monkeypatch):
    """The members' mean at each step (a group's place on the wall-time axis): interpolated
    inside each member's range in "union" mode, logged steps only in "exact"; NaN nowhere in
    the union. A chunk of 7 steps makes the blockwise loop cover boundaries."""
    monkeypatch.setattr(run_groups, "_CHUNK", 7)
    every_100, every_128 = np.arange(0, 1001, 100), np.arange(0, 1025, 128)
    wall_a, wall_b = 1e9 + every_100 * 0.5, 2e9 + every_128 * 2.0
    union = aggregate([(every_100, wall_a), (every_128, wall_b)])
    expected = np.nanmean(
        [
            np.where((union.steps <= 1000), np.interp(union.steps, every_100, wall_a), np.nan),
            np.interp(union.steps, every_128, wall_b),
        ],
        axis=0,
    )
    np.testing.assert_allclose(mean_at([(every_100, wall_a), (every_128, wall_b)], union.steps), expected)
    exact = mean_at([(every_100, wall_a), (every_128, wall_b)], [0, 100, 128, 2000], steps="exact")
    np.testing.assert_allclose(exact[:3], [(1e9 + 2e9) / 2, 1e9 + 50, 2e9 + 256])
    assert np.isnan(exact[3])  # nobody logged step 2000
    with pytest.raises(ValueError, match="steps must be one of"):
        mean_at([(every_100, wall_a)], union.steps, steps="nearest")
