"""Run groups and their aggregates: several seeds of one configuration as one line with a band.

``group_runs(runs, group_by, sessions)`` names each run's group:

- a regex: its matches are removed from the run name (``r"/seed=\\d+"`` puts ``lr=0.1/seed=1``
  and ``lr=0.1/seed=2`` in group ``lr=0.1``);
- ``"hparam:NAME"``: the value of hparam NAME in the run's hparams session (``NAME=value``);
- a callable ``run -> group`` (None leaves the run alone).

A run the rule leaves alone is a group of its own, named as the run.

``aggregate(series, steps=...)`` turns the members' scalar series of one tag into per-step
statistics. With ``steps="union"`` every step any member logged is a row, and each member is
linearly interpolated inside its own first..last step, never beyond, so members logged at
different intervals (eval every 100 vs every 128 steps) or of different lengths still line up;
``count`` says how many members contribute at each step. ``steps="exact"`` uses only the
values logged at each step. Non-finite values are left out, as missing points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

STEP_MODES = ("union", "exact")
_CHUNK = 1 << 16  # steps per block: bounds the members x steps matrix to a few MB


def group_runs(runs: Sequence[str], group_by, sessions: Sequence = ()) -> dict[str, str]:
    """``{run: group}`` for every run (see the module docstring for ``group_by``)."""
    if group_by is None or group_by == "":
        return {run: run for run in runs}
    if callable(group_by):
        named = {run: group_by(run) for run in runs}
        return {run: run if group is None else str(group) for run, group in named.items()}
    if not isinstance(group_by, str):
        raise TypeError(f"group_by must be a regex, 'hparam:NAME' or a callable, got {group_by!r}")
    if group_by.startswith("hparam:"):
        return _group_by_hparam(runs, group_by.removeprefix("hparam:"), sessions)
    try:
        pattern = re.compile(group_by)
    except re.error as error:
        raise ValueError(f"group_by is not a valid regex: {group_by!r} ({error})") from None
    groups = {}
    for run in runs:
        group = pattern.sub("", run)
        groups[run] = group if group and group != run else run
    return groups


def _group_by_hparam(runs, name: str, sessions) -> dict[str, str]:
    values = {s.run: _hparam_value(s.hparams.get(name)) for s in sessions if name in s.hparams}
    groups = {}
    for run in runs:
        value = _session_value(run, values)
        groups[run] = run if value is None else f"{name}={value}"
    return groups


def _session_value(run: str, values: dict):
    """The hparam of the run's session: its own, a child's (torch's add_hparams writes the
    session into ``<run>/<time>``), or an enclosing run's."""
    if run in values:
        return values[run]
    children = [v for session_run, v in values.items() if session_run.startswith(run + "/")]
    if children:
        return children[0]
    parents = [r for r in values if run.startswith(r + "/")]
    return values[max(parents, key=len)] if parents else None


def _hparam_value(value):
    """MessageToDict of an hparams Value ({"numberValue": 0.1}) -> 0.1."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def members_of(groups: dict[str, str]) -> dict[str, list[str]]:
    """``{group: [runs]}``, groups and members sorted."""
    out: dict[str, list[str]] = {}
    for run, group in sorted(groups.items()):
        out.setdefault(group, []).append(run)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Aggregate:
    """Per-step statistics of one group's series (arrays of equal length)."""

    steps: np.ndarray  # int64
    mean: np.ndarray
    std: np.ndarray  # sample standard deviation (ddof=1); NaN where count < 2
    min: np.ndarray
    max: np.ndarray
    median: np.ndarray
    count: np.ndarray  # int64: members contributing at each step

    def __len__(self) -> int:
        return len(self.steps)


def _last_per_step(steps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finite points, sorted by step, one per step (the last logged, as a restart rewrites)."""
    keep = np.isfinite(values)
    if not keep.all():
        steps, values = steps[keep], values[keep]
    if len(steps) > 1 and not np.all(steps[1:] > steps[:-1]):  # the usual case skips the sort
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
        last = np.append(steps[1:] != steps[:-1], True)
        steps, values = steps[last], values[last]
    return steps, values


def _union(step_arrays: list[np.ndarray]) -> np.ndarray:
    """Sorted union of sorted unique step arrays, without sorting millions of steps when the
    steps are shared (the usual case) or span a modest range (a bitmap then)."""
    first = step_arrays[0]
    if all(len(s) == len(first) and np.array_equal(s, first) for s in step_arrays[1:]):
        return first
    low = min(int(s[0]) for s in step_arrays)
    span = max(int(s[-1]) for s in step_arrays) - low + 1
    if span <= 8 * sum(len(s) for s in step_arrays):
        present = np.zeros(span, dtype=bool)
        for s in step_arrays:
            present[s - low] = True
        return np.flatnonzero(present) + low
    return np.unique(np.concatenate(step_arrays))


def _members(series: Sequence[tuple[np.ndarray, np.ndarray]], steps: str) -> list:
    """The members' (steps, values) with at least one point, each one value per step."""
    if steps not in STEP_MODES:
        raise ValueError(f"steps must be one of {STEP_MODES}, got {steps!r}")
    members = [
        _last_per_step(np.asarray(s, dtype=np.int64), np.asarray(v, dtype=np.float64)) for s, v in series
    ]
    return [m for m in members if len(m[0])]


def aggregate(series: Sequence[tuple[np.ndarray, np.ndarray]], steps: str = "union") -> Aggregate:
    """Statistics over the members ``[(steps, values), ...]`` of one group (one tag)."""
    members = _members(series, steps)
    if not members:
        empty = np.empty(0)
        return Aggregate(np.empty(0, np.int64), empty, empty, empty, empty, empty, np.empty(0, np.int64))
    grid = _union([s for s, _ in members])
    blocks = [_aggregate_block(members, grid[a : a + _CHUNK], steps) for a in range(0, len(grid), _CHUNK)]
    return Aggregate(grid, *(np.concatenate(column) for column in zip(*blocks)))


def _fill_column(column: np.ndarray, steps: np.ndarray, values: np.ndarray, block: np.ndarray, mode: str):
    """A member's values at the block's steps into ``column`` (NaN-filled): nothing outside
    its own step range, and for "exact" nothing where it logged nothing."""
    lo, hi = np.searchsorted(block, [steps[0], steps[-1] + 1])
    if lo == hi:
        return
    inside = block[lo:hi]
    first = int(np.searchsorted(steps, inside[0]))
    last = first + len(inside) - 1
    if last < len(steps) and steps[last] == inside[-1]:  # logged at every step of the range
        column[lo:hi] = values[first : last + 1]
    elif mode == "union":
        column[lo:hi] = np.interp(inside, steps, values)
    else:
        at = np.minimum(np.searchsorted(steps, inside), len(steps) - 1)
        hit = steps[at] == inside
        column[lo:hi][hit] = values[at[hit]]


def _aggregate_block(members, block: np.ndarray, mode: str):
    """Statistics at the steps of ``block``: a (steps x members) table, NaN where a member has
    no value, reduced along its rows (contiguous, so the row sort is fast)."""
    table = np.full((len(block), len(members)), np.nan)
    for column, (steps, values) in enumerate(members):
        _fill_column(table[:, column], steps, values, block, mode)
    ranked = np.sort(table, axis=1)  # NaN sorts last: row j's values are its first count_j
    missing = np.isnan(ranked[:, -1])
    if not missing.any():  # every member at every step (aligned runs): plain reductions
        count = np.full(len(block), table.shape[1])
        mean = ranked.mean(axis=1)
        std = ranked.std(axis=1, ddof=1) if table.shape[1] > 1 else np.full(len(block), np.nan)
    else:
        count = table.shape[1] - np.isnan(ranked).sum(axis=1)
        present = np.where(np.isnan(ranked), 0.0, ranked)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = present.sum(axis=1) / count
            deviation = np.where(np.isnan(ranked), 0.0, (ranked - mean[:, None]) ** 2).sum(axis=1)
            std = np.where(count > 1, np.sqrt(deviation / (count - 1)), np.nan)
    rows = np.arange(len(block))
    at = np.maximum(count - 1, 0)
    some = count > 0
    middle = 0.5 * (ranked[rows, at // 2] + ranked[rows, np.minimum(count // 2, at)])
    low = np.where(some, ranked[:, 0], np.nan)
    high = np.where(some, ranked[rows, at], np.nan)
    return (
        np.where(some, mean, np.nan),
        std,
        low,
        high,
        np.where(some, middle, np.nan),
        count.astype(np.int64),
    )


def mean_at(
    series: Sequence[tuple[np.ndarray, np.ndarray]], grid: np.ndarray, steps: str = "union"
) -> np.ndarray:
    """The members' mean at each step of ``grid`` (an :class:`Aggregate`'s steps) under
    :func:`aggregate`'s rules (interpolated inside each member's own range, or logged steps
    only); NaN where no member has a value. Gives a group's line its place on the time axes
    (members' wall or relative times per step), where only the mean is wanted."""
    members = _members(series, steps)
    grid = np.asarray(grid, dtype=np.int64)
    out = np.full(len(grid), np.nan)
    for start in range(0, len(grid), _CHUNK):
        block = grid[start : start + _CHUNK]
        total, count = np.zeros(len(block)), np.zeros(len(block))
        column = np.empty(len(block))
        for member_steps, values in members:
            column.fill(np.nan)
            _fill_column(column, member_steps, values, block, steps)
            present = ~np.isnan(column)
            total[present] += column[present]
            count += present
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + len(block)] = np.where(count > 0, total / count, np.nan)
    return out


def aggregate_groups(
    read_series: Callable[[str], tuple[np.ndarray, np.ndarray] | None],
    groups: dict[str, str],
    steps: str = "union",
) -> dict[str, Aggregate]:
    """``{group: Aggregate}`` over ``groups`` ({run: group}); ``read_series(run)`` gives the
    run's (steps, values) of the tag, or None when the run lacks it."""
    out = {}
    for group, runs in members_of(groups).items():
        series = [found for found in (read_series(run) for run in runs) if found is not None]
        if series:
            out[group] = aggregate(series, steps)
    return out
