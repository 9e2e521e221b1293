"""Histogram rows from wire bytes the way the reader builds them (``bucket_spans``, then
``fill_bucket_rows`` into rows it owns), for tests that compare them with protobuf's."""

from __future__ import annotations

import numpy as np

from jupyter_tb.format import migrate


def bucket_rows(buf, limits_at, counts_at, sizes, mins, maxs) -> tuple[np.ndarray, np.ndarray]:
    """The (m, 3) [left, right, count] rows of all the histograms, concatenated, and the
    row count of each (see :func:`jupyter_tb.format.migrate.bucket_spans`)."""
    lead, kept = migrate.bucket_spans(buf, counts_at, sizes)
    rows = np.empty((int(kept.sum()), 3))
    migrate.fill_bucket_rows(rows, buf, limits_at, counts_at, lead, kept, mins, maxs)
    return rows, kept
