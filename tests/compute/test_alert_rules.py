"""Alert rules on synthetic training curves: firing where they must, quiet where they must."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from jupyter_tb.compute.alert_rules import Custom, Diverging, NonFinite, Plateau


def noisy_loss(seed: int, n: int = 2000, climb_from: int | None = None, decay: float = 300.0):
    """A decaying loss with 20% multiplicative noise; optionally climbing tenfold over the 100
    steps after ``climb_from``."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n, dtype=np.int64)
    level = 2.0 * np.exp(-steps / decay) + 0.1
    if climb_from is not None:
        level = level * (1 + 9 * np.clip((steps - climb_from) / 100, 0, 1))
    return steps, level * (1 + 0.2 * rng.standard_normal(n))


def scan_in_batches(rule, steps, values, batch: int):
    """Feed the series as a live reader would, ``batch`` points per reload: (step, message) list."""
    state, out = rule.start(), []
    for at in range(0, len(steps), batch):
        state, findings = rule.scan(state, steps[at : at + batch], values[at : at + batch])
        out += [(int(steps[at + f.position]), f.message) for f in findings]
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("batch", [1, 7, 100, 600])
def test_a_loss_climbing_tenfold_from_step_300_raises_one_diverging_alert_by_step_330(seed, batch):
    steps, values = noisy_loss(seed, n=600, climb_from=300, decay=150)
    found = scan_in_batches(Diverging(), steps, values, batch)
    raised = [(step, message) for step, message in found if message]
    assert len(raised) == 1, found
    step, message = raised[0]
    assert 300 <= step <= 330, found
    assert "its best" in message


@pytest.mark.parametrize("seed", range(10))
def test_healthy_decaying_losses_raise_nothing_over_2000_steps(seed):
    steps, values = noisy_loss(100 + seed)
    assert scan_in_batches(Diverging(), steps, values, 13) == []
    assert scan_in_batches(NonFinite(), steps, values, 13) == []


def test_a_single_spike_is_not_divergence():
    steps, values = noisy_loss(3, n=800, decay=150)
    values[400] *= 30
    assert scan_in_batches(Diverging(), steps, values, 10) == []


def test_a_learning_rate_schedule_and_rising_accuracy_are_not_loss_like():
    rule = Diverging()
    assert rule.wants("train/loss") and rule.wants("Val_Loss")
    assert not rule.wants("accuracy") and not rule.wants("lr")


def test_divergence_clears_when_the_loss_comes_back_down():
    steps, values = noisy_loss(1, n=900, climb_from=300, decay=150)
    values[500:] = 0.1 * (1 + 0.05 * np.random.default_rng(0).standard_normal(400))
    found = scan_in_batches(Diverging(), steps, values, 25)
    assert [m is None for _, m in found] == [False, True], found
    assert found[1][0] >= 500


def test_nan_alert_at_the_step_it_appears_and_cleared_when_values_are_finite_again():
    steps, values = noisy_loss(0, n=700)
    values[500] = np.nan
    values[520:530] = np.inf
    found = scan_in_batches(NonFinite(), steps, values, 64)
    assert found[0] == (500, "value is nan at step 500")
    assert found[1] == (501, None)
    assert found[2][0] == 520 and "inf" in found[2][1]
    assert found[3] == (530, None)
    assert len(found) == 4


def test_a_run_of_nans_raises_once():
    steps = np.arange(100)
    values = np.full(100, np.nan)
    assert scan_in_batches(NonFinite(), steps, values, 9) == [(0, "value is nan at step 0")]


@pytest.mark.parametrize("batch", [1, 50, 3000])
def test_batches_do_not_change_what_a_rule_finds(batch):
    steps, values = noisy_loss(4, n=3000, climb_from=2000, decay=200)
    values[2500] = np.nan
    whole = scan_in_batches(Diverging(), steps, values, len(steps))
    assert scan_in_batches(Diverging(), steps, values, batch) == whole


def test_plateau_fires_on_a_flat_loss_and_not_on_one_still_improving():
    steps = np.arange(3000)
    rng = np.random.default_rng(0)
    improving = (3.0 - steps / 1500) * (1 + 0.02 * rng.standard_normal(3000))
    assert scan_in_batches(Plateau(window=500), steps, improving, 50) == []
    flat = np.where(steps < 1000, 3.0 - steps / 500, 1.0) * (1 + 0.02 * rng.standard_normal(3000))
    found = scan_in_batches(Plateau(window=500), steps, flat, 50)
    assert len(found) == 1 and found[0][1].startswith("no improvement over 500 steps")
    assert 1500 <= found[0][0] <= 1700, found


def test_plateau_in_max_mode_watches_an_accuracy_rising():
    steps = np.arange(2000)
    accuracy = np.minimum(steps / 1000, 0.9)
    found = scan_in_batches(Plateau(tags="acc", mode="max", window=300), steps, accuracy, 100)
    assert len(found) == 1 and 1200 <= found[0][0] <= 1300, found
    with pytest.raises(ValueError, match="mode"):
        Plateau(mode="up")


def test_a_custom_rule_sees_new_points_only_and_raises_and_clears():
    seen = []

    def above_five(run, tag, steps, values):
        seen.append(len(steps))
        return f"{tag} above 5" if values.max() > 5 else None

    rule = Custom(function=above_five)
    assert rule.name == "above_five"
    state = rule.start()
    state, first = rule.scan_series(state, "r", "x", np.arange(3), np.array([1.0, 7.0, 2.0]))
    state, second = rule.scan_series(state, "r", "x", np.arange(3, 5), np.array([9.0, 1.0]))
    state, third = rule.scan_series(state, "r", "x", np.arange(5, 6), np.array([1.0]))
    assert seen == [3, 2, 1]
    assert [(f.position, f.message) for f in first] == [(2, "x above 5")]
    assert second == []
    assert [(f.position, f.message) for f in third] == [(0, None)]
    with pytest.raises(TypeError):
        Custom(function="not callable")


def _same_state(a, b) -> bool:
    if dataclasses.is_dataclass(a):
        return all(np.array_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, tuple):
        return type(a) is type(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
    return a == b


def _mixed_series(rng, count: int, n: int) -> list[np.ndarray]:
    """Healthy, climbing, negative, flat, huge (a dot product overflows) and NaN/inf-holed losses."""
    out = []
    for k in range(count):
        climb = int(rng.integers(100, n)) if k % 3 == 0 else None
        _, values = noisy_loss(
            int(rng.integers(1 << 30)), n=n, climb_from=climb, decay=float(rng.uniform(50, 2000))
        )
        kind = k % 6
        if kind == 1:
            values = values - 3.0  # a negative log-likelihood style loss
        elif kind == 2:
            values[: n // 2] = 1.0  # flat, then moving
        elif kind == 4:
            values = values * 1e200  # finite, but their squares overflow
        if k % 5 == 0:
            values[rng.integers(0, n, 3)] = rng.choice([np.nan, np.inf, -np.inf], 3)
            hole = int(rng.integers(0, n - 400))
            values[hole : hole + 400] = np.nan  # spans polls: some bring only NaNs, the next clears
        out.append(values)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_many_series_scanned_together_find_and_keep_what_each_scanned_alone_does(seed):
    """``scan_many`` (vectorised across series for nan and diverging) against ``scan`` per
    series: the same findings and states after every poll, with ragged batch sizes (some
    beyond what is laid out side by side, some polls bringing a series nothing)."""
    rng = np.random.default_rng(seed)
    n, count = 9000, 36
    series = _mixed_series(rng, count, n)
    steps = np.arange(n, dtype=np.int64)
    for rule in (Diverging(), Diverging(window=8, warmup=3, patience=2), NonFinite()):
        alone = [rule.start()] * count
        together = list(alone)
        cursor = [0] * count
        for _ in range(40):
            batch, members = [], []
            for i in range(count):
                size = int(rng.choice([0, 1, 3, 15, 200, 1000, 5000]))
                if size and cursor[i] < n:
                    new = slice(cursor[i], min(n, cursor[i] + size))
                    batch.append(
                        SimpleNamespace(run="r", tag=str(i), steps=steps[new], values=series[i][new])
                    )
                    members.append(i)
                    cursor[i] = new.stop
            expected = {}
            for i, item in zip(members, batch):
                alone[i], found = rule.scan(alone[i], item.steps, item.values)
                expected[i] = [(f.position, f.message) for f in found]
            got = {}
            for j, state, found in rule.scan_many([together[i] for i in members], batch):
                together[members[j]] = state
                got[members[j]] = [(f.position, f.message) for f in found]
            assert {i: f for i, f in got.items() if f} == {i: f for i, f in expected.items() if f}
            assert all(_same_state(a, b) for a, b in zip(alone, together))


def test_nan_over_many_series_clears_one_whose_last_poll_ended_bad():
    rule = NonFinite()

    def poll(states, *value_lists):
        batch = [SimpleNamespace(steps=np.arange(len(v)), values=np.array(v)) for v in value_lists]
        out = list(states)
        found = {}
        for i, state, findings in rule.scan_many(states, batch):
            out[i], found[i] = state, [(f.position, f.message) for f in findings]
        return out, {i: f for i, f in found.items() if f}

    states, found = poll([False, False], [1.0, np.nan], [1.0, 2.0])
    assert states == [True, False] and found == {0: [(1, "value is nan at step 1")]}
    states, found = poll(states, [3.0], [4.0])  # finite again: only a scan that knows it was bad clears it
    assert states == [False, False] and found == {0: [(0, None)]}
