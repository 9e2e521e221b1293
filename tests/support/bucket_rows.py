"""Histogram rows from wire bytes the way the reader builds them (``fill_bucket_rows`` into
rows it owns), for tests that compare them with protobuf's."""

from __future__ import annotations

import numpy as np

from jupyter_tb.format import migrate


def bucket_rows(buf, limits_at, counts_at, sizes, mins, maxs) -> tuple[np.ndarray, np.ndarray]:
    """The (m, 3) [left, right, count] rows of all the histograms, concatenated, and the
    row count of each (every bucket of each)."""
    sizes = np.asarray(sizes, np.int64)
    rows = np.empty((int(sizes.sum()), 3))
    migrate.fill_bucket_rows(rows, buf, limits_at, counts_at, sizes, mins, maxs)
    return rows, sizes
