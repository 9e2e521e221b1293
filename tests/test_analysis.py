"""``jupyter_tb.read(logdir).aggregate(...)``: run groups from real event files to pandas."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb import SummaryWriter

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def seeds_logdir(tmp_path_factory):
    """2 learning rates x 3 seeds; seed 3 logs every 128 steps and stops early."""
    root = tmp_path_factory.mktemp("seeds")
    truth = {}
    for lr in (0.1, 0.01):
        for seed in (1, 2, 3):
            rng = np.random.default_rng(seed)
            steps = np.arange(0, 700, 128) if seed == 3 else np.arange(0, 1001, 100)
            values = np.exp(-lr * steps / 50) + 0.1 * rng.random(len(steps))
            run = f"lr={lr}/seed={seed}"
            with SummaryWriter(root / run) as writer:
                for step, value in zip(steps.tolist(), values.tolist()):
                    writer.add_scalar("loss", value, step)
                writer.add_hparams({"lr": lr, "seed": seed}, {"hp/final": float(values[-1])})
            truth[run] = (steps, values)
    with SummaryWriter(root / "baseline") as writer:
        writer.add_scalar("loss", 1.0, 0)
    return root, truth


def test_aggregate_matches_numpy_per_group(seeds_logdir):
    root, truth = seeds_logdir
    frame = jupyter_tb.read(root).aggregate("loss", group_by=r"/seed=\d+")
    assert list(frame.columns) == ["group", "step", "mean", "std", "min", "max", "median", "count"]
    assert list(frame.drop_duplicates("group")["group"]) == ["baseline", "lr=0.01", "lr=0.1"]
    assert frame.equals(frame.sort_values(["group", "step"], kind="stable").reset_index(drop=True))
    lr = frame[frame.group == "lr=0.1"]
    grid = np.union1d(np.arange(0, 1001, 100), np.arange(0, 700, 128))
    np.testing.assert_array_equal(lr.step, grid)
    rows = []
    for seed in (1, 2, 3):
        steps, values = truth[f"lr=0.1/seed={seed}"]
        row = np.full(len(grid), np.nan)
        inside = grid <= steps[-1]
        row[inside] = np.interp(grid[inside], steps, values)
        rows.append(row)
    matrix = np.array(rows)
    np.testing.assert_allclose(lr["mean"], np.nanmean(matrix, axis=0), rtol=1e-6)
    np.testing.assert_allclose(lr["std"], np.nanstd(matrix, axis=0, ddof=1), rtol=1e-6)
    np.testing.assert_array_equal(lr["count"], np.sum(~np.isnan(matrix), axis=0))
    assert lr["count"].iloc[-1] == 2  # seed 3 stopped at step 640: never extrapolated


def test_aggregate_by_hparam_and_exact_steps(seeds_logdir):
    root, _ = seeds_logdir
    ld = jupyter_tb.read(root)
    groups = ld.groups("hparam:lr")
    assert groups["lr=0.1/seed=2"] == "lr=0.1" and groups["baseline"] == "baseline"
    exact = ld.aggregate("loss", group_by="hparam:lr", steps="exact")
    assert set(exact.group) == {"baseline", "lr=0.1", "lr=0.01"}
    lr = exact[exact.group == "lr=0.1"].set_index("step")
    assert lr.loc[100, "count"] == 2 and lr.loc[128, "count"] == 1 and lr.loc[0, "count"] == 3


def test_aggregate_of_a_missing_tag_is_empty_with_the_columns(seeds_logdir):
    root, _ = seeds_logdir
    frame = jupyter_tb.read(root).aggregate("no/such/tag", group_by=r"/seed=\d+")
    assert frame.empty and list(frame.columns)[:2] == ["group", "step"]
