import numpy as np
import pytest

from jupyter_tb.compute.downsample import minmax_indices, sort_order, visible_slice


def test_small_series_kept_whole():
    x = np.arange(10.0)
    np.testing.assert_array_equal(minmax_indices(x, x, 100), np.arange(10))


def test_bounded_by_pixels_and_keeps_extremes_of_every_column():
    rng = np.random.default_rng(0)
    x = np.arange(1_000_000, dtype=np.float64)
    y = rng.normal(size=x.size)
    y[123_456] = 40.0
    y[765_432] = -40.0
    px = 500
    idx = minmax_indices(x, y, px)
    assert len(idx) <= 4 * px + 2
    assert np.all(np.diff(idx) > 0)
    assert 123_456 in idx and 765_432 in idx
    assert idx[0] == 0 and idx[-1] == x.size - 1
    # every pixel column's true min and max are present
    cols = np.minimum((x * px / x[-1]).astype(int), px - 1)
    for col in (0, 17, 250, 499):
        members = np.flatnonzero(cols == col)
        assert y[members].max() in y[idx] and y[members].min() in y[idx]


def test_visible_range_with_one_point_beyond_each_edge():
    x = np.arange(100_000, dtype=np.float64)
    y = np.sin(x / 50)
    idx = minmax_indices(x, y, 200, 1000.5, 2000.5)
    assert idx[0] == 1000 and idx[-1] == 2001
    assert len(idx) <= 4 * 200 + 2
    s = visible_slice(x, 10.0, 20.0)
    assert (s.start, s.stop) == (9, 22)


def test_nan_values_never_chosen_as_extremes():
    x = np.arange(10_000, dtype=np.float64)
    y = np.zeros_like(x)
    y[::7] = np.nan
    idx = minmax_indices(x, y, 10)
    assert np.nanmax(y[idx]) == 0.0


def test_sort_order():
    assert sort_order(np.array([1, 2, 3])) is None
    np.testing.assert_array_equal(sort_order(np.array([3, 1, 2])), [1, 2, 0])


def test_bad_px():
    with pytest.raises(ValueError):
        minmax_indices(np.arange(3.0), np.arange(3.0), 0)
