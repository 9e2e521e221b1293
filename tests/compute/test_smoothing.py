import numpy as np
import pytest

from jupyter_tb.compute.smoothing import EmaState, ema, smooth


def reference(values, weight):
    """TensorBoard's smoothing as a plain loop (the formula, written independently)."""
    out, last, count = [], 0.0, 0
    constant = all(v == values[0] for v in values)
    for v in values:
        if constant or not np.isfinite(v):
            out.append(v)
            continue
        last = last * weight + (1 - weight) * v
        count += 1
        out.append(last / (1 - weight**count) if weight > 0 else v)
    return np.array(out)


@pytest.mark.parametrize("weight", [0.0, 0.01, 0.3, 0.6, 0.9, 0.99, 0.999])
def test_matches_the_formula(weight):
    rng = np.random.default_rng(1)
    values = rng.normal(size=5000).cumsum()
    values[[3, 100, 4000]] = [np.nan, np.inf, -np.inf]
    got, want = smooth(values, weight), reference(values, weight)
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-9, atol=1e-9)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])


def test_first_point_is_unbiased_and_constant_series_untouched():
    assert smooth(np.array([5.0, 7.0]), 0.6)[0] == 5.0  # debiasing: no pull towards 0
    np.testing.assert_array_equal(smooth(np.full(10, 3.0), 0.9), np.full(10, 3.0))
    assert smooth(np.array([]), 0.5).shape == (0,)


def test_continuing_with_state_equals_one_pass():
    values = np.random.default_rng(2).normal(size=3000)
    whole, _ = ema(values, 0.9)
    first, state = ema(values[:1234], 0.9)
    rest, end = ema(values[1234:], 0.9, state)
    np.testing.assert_allclose(np.concatenate((first, rest)), whole, rtol=1e-10, atol=1e-12)
    assert isinstance(end, EmaState) and end.count == 3000


def test_rejects_nonsense_weight():
    with pytest.raises(ValueError):
        smooth(np.arange(3.0), float("nan"))


def test_state_after_a_constant_prefix_continues_exactly():
    from jupyter_tb.compute.smoothing import smooth_with_state

    values = np.r_[np.full(50, 2.0), np.linspace(2, 5, 50)]
    _, state = smooth_with_state(values[:50], 0.8)
    tail, _ = ema(values[50:], 0.8, state)
    np.testing.assert_allclose(tail, reference(values, 0.8)[50:], rtol=1e-12)
