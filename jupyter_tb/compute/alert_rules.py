"""Alert rules over scalar series: NaN, divergence, plateau, and custom callables.

Each rule scans only the points appended since its last call. Its memory of the series is a
small immutable state the caller keeps (this layer holds no state), so a rule is a pure
function ``scan(state, steps, values) -> (state, findings)``. A finding either raises the
rule's alert at a new point (``message`` set) or says the condition ended (``message`` None).
At most one raise and one clear come out of a scan, so a series flickering between good and
bad values can never flood the alert list.

The stalled-run rule is not here: it is about wall-clock time between writes, not about a
series' values (see ``jupyter_tb.widgets.alert_monitor``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from jupyter_tb.compute.smoothing import EmaState, ema


@dataclass(frozen=True)
class Finding:
    position: int  # index into the scanned points
    message: str | None  # None: the condition ended


class Rule:
    """Base: ``name``, ``tags`` (regex a tag must match), ``start()`` and ``scan()``."""

    name = ""
    tags: str = ""

    def wants(self, tag: str) -> bool:
        return not self.tags or re.search(self.tags, tag, re.IGNORECASE) is not None

    def start(self):
        return None

    def scan(self, state, steps: np.ndarray, values: np.ndarray):
        raise NotImplementedError

    def scan_many(self, states: list, batch: list) -> list[tuple[int, object, list[Finding]]]:
        """``scan`` over many series: ``batch[i]`` (with ``run``, ``tag``, ``steps`` and
        ``values``: its new points) from ``states[i]``. Returns ``(i, new state, findings)`` for
        each series whose state may have changed; the others keep theirs. Rules that can look
        at many series in a few numpy passes override this."""
        return [
            (i, *self.scan(state, item.steps, item.values))
            for i, (state, item) in enumerate(zip(states, batch))
        ]


def _finite_or_not(values: np.ndarray) -> float:
    """A number that is NaN or inf when any of ``values`` is (and on overflow), in one pass
    writing no array: a dot product (BLAS: the fastest) for short arrays, a sum for long ones
    (OpenBLAS spreads a dot product of over 10,000 values across threads, whose wake-ups cost
    the calling thread milliseconds in a busy kernel)."""
    return values.dot(values) if len(values) <= 8192 else np.add.reduce(values)


def _edges(state_bad: bool, bad: np.ndarray) -> tuple[int | None, int | None, bool]:
    """First position turning bad (if it was good before), the first good position after the
    last bad one (if it ends good after being bad), and whether it ends bad."""
    raised = cleared = None
    bad_at = np.flatnonzero(bad)
    if len(bad_at) and not state_bad:
        raised = int(bad_at[0])
    ends_bad = bool(bad[-1]) if len(bad) else state_bad
    was_bad = state_bad or len(bad_at) > 0
    if was_bad and not ends_bad:
        after = int(bad_at[-1]) + 1 if len(bad_at) else 0
        cleared = after
    return raised, cleared, ends_bad


def _findings(raised, cleared, raise_message: str) -> list[Finding]:
    out = []
    if raised is not None:
        out.append(Finding(raised, raise_message))
    if cleared is not None and (raised is None or cleared > raised):
        out.append(Finding(cleared, None))
    return out


@dataclass
class NonFinite(Rule):
    """A value becomes NaN or +-inf (any tag)."""

    name = "nan"
    tags: str = ""

    def start(self) -> bool:
        return False  # currently non-finite

    def scan(self, state: bool, steps, values):
        bad = ~np.isfinite(values)
        if not state and not bad.any():  # the usual case, in one pass
            return state, []
        raised, cleared, ends_bad = _edges(state, bad)
        message = ""
        if raised is not None:
            message = f"value is {values[raised]} at step {int(steps[raised])}"
        return ends_bad, _findings(raised, cleared, message)

    def scan_many(self, states: list[bool], batch: list):
        """One number per series that is not finite when a value is not (see _finite_or_not);
        a full scan only of a series already bad or whose number is not finite (a NaN, or an
        overflow the scan then finds harmless)."""
        with np.errstate(over="ignore", invalid="ignore"):
            products = np.array([_finite_or_not(item.values) for item in batch])
        suspect = ~np.isfinite(products) | np.array(states, dtype=bool)
        return [
            (i, *self.scan(states[i], batch[i].steps, batch[i].values))
            for i in np.flatnonzero(suspect).tolist()
        ]


class _TrendState(NamedTuple):  # a tuple: thousands are made per reload
    tail: np.ndarray = np.empty(0)  # the last `window - 1` finite values
    tail_high: np.ndarray = np.empty(0, bool)  # each above the line then?
    seen: int = 0  # finite values so far
    best: float = np.inf  # lowest level after the warm-up
    above: int = 0  # values in a row whose window was mostly above the line
    firing: bool = False


@dataclass
class Diverging(Rule):
    """A loss-like tag climbs well above its best and stays there.

    The level is the median of the last ``window`` values: a spike of a few values cannot
    move it, and over a long run its lowest value (``best``) stays close to the true minimum,
    where the lowest point of a noisy average drifts far below it. The line is
    ``best + ratio * |best|``; the rule raises once most values of the window have been above
    the line for ``patience`` values in a row, and clears when most are back under it.

    Cost: one median per block of ``window`` values (the best moves slowly); the "mostly above"
    test is a running count, so a scan is a few numpy passes over the new values.
    """

    name = "diverging"
    tags: str = "loss"
    ratio: float = 0.6  # how far above its best the values must be (0.6: 1.6x the best)
    window: int = 15  # values in the median and in the "mostly above" count
    warmup: int = 30  # values before the best is tracked (early losses often rise first)
    patience: int = 5  # values in a row the window must be mostly above the line

    def start(self) -> _TrendState:
        return _TrendState()

    def scan(self, state: _TrendState, steps, values):
        finite = np.isfinite(values)
        positions = None if finite.all() else np.flatnonzero(finite)  # None: every value
        fresh = values if positions is None else values[positions]
        n, carried = len(fresh), len(state.tail)
        if not n:
            return state, []
        history = np.concatenate((state.tail, fresh))
        line, best_at, best_last = self._line_over(state, history, carried, n)
        high = np.concatenate((state.tail_high, fresh > line))
        if not state.firing and np.count_nonzero(high) * 2 <= self.window:
            mostly = np.zeros(n, dtype=bool)  # too few values above the line for any window
        else:
            counts = np.concatenate(([0], np.cumsum(high, dtype=np.int64)))
            # values above the line in the window ending at each fresh value (slices, no gathers)
            upper = counts[carried + 1 : carried + 1 + n]
            start = carried + 1 - self.window
            if start >= 0:
                lower = counts[start : start + n]
            else:
                lower = np.concatenate((np.zeros(-start, np.int64), counts[: n + start]))[:n]
            mostly = (upper - lower) * 2 > self.window
        raised = cleared = None
        if not state.firing and not mostly.any():  # the healthy case: nothing else to do
            run_end = 0
        else:
            run = _run_lengths(mostly, state.above)
            run_end = int(run[-1])
            if not state.firing:
                starts = np.flatnonzero(run >= self.patience)
                raised = int(starts[0]) if len(starts) else None
            if state.firing or raised is not None:
                held_from = raised or 0
                back_under = np.flatnonzero(~mostly[held_from:])
                cleared = held_from + int(back_under[0]) if len(back_under) else None
        message = ""
        if raised is not None:
            recent = float(
                np.median(history[max(0, carried + raised - self.window + 1) : carried + raised + 1])
            )
            low = best_at(raised)
            times = f"{recent / low:.3g}x " if low > 0 else ""
            message = f"climbed to {times}its best: recent median {recent:.4g}, best {low:.4g}"
        keep = max(0, len(history) - self.window + 1)
        new_state = _TrendState(
            tail=history[keep:].copy(),
            tail_high=high[keep:].copy(),
            seen=state.seen + n,
            best=best_last,
            above=run_end,
            firing=(state.firing or raised is not None) and cleared is None,
        )
        findings = _findings(raised, cleared, message)
        if positions is not None:
            findings = [replace(f, position=int(positions[f.position])) for f in findings]
        return new_state, findings

    def scan_many(self, states: list[_TrendState], batch: list):
        """Series that were quiet and stay quiet (the usual case) are settled together by
        :meth:`_quiet_many`, a chunk of series at a time; the others (firing, just started, a
        value not finite, some window mostly above the line, a batch too big to lay out side
        by side) are scanned alone."""
        alone, chunks = [], [[]]
        chunk_values = 0
        for i, (state, item) in enumerate(zip(states, batch)):
            n = len(item.values)
            if state.firing or len(state.tail) != self.window - 1 or not 0 < n <= _QUIET_MANY_MAX:
                alone.append(i)
                continue
            if chunk_values + n > _QUIET_MANY_CHUNK:
                chunks.append([])
                chunk_values = 0
            chunks[-1].append(i)
            chunk_values += n
        out = []
        for chunk in chunks:
            settled = self._quiet_many([states[i] for i in chunk], [batch[i].values for i in chunk])
            for i, state in zip(chunk, settled):
                if state is None:
                    alone.append(i)
                else:
                    out.append((i, state, []))
        for i in alone:
            out.append((i, *self.scan(states[i], batch[i].steps, batch[i].values)))
        return out

    def _quiet_many(self, states: list[_TrendState], fresh: list[np.ndarray]) -> list[_TrendState | None]:
        """What :meth:`scan` gives each series, when it is not firing, holds a full tail and no
        window ending at a new value is mostly above the line; None for a series where that does
        not hold (the caller scans it alone). The same arithmetic as ``scan``, on all series'
        histories laid end to end in this thread's scratch buffers: one gather and partition for
        the block medians, a padded running minimum for the levels, one cumulative count for
        the windows. Nothing returned refers to a scratch buffer."""
        if not states:
            return []
        w, carried = self.window, self.window - 1
        count = len(states)
        sizes = np.fromiter(map(len, fresh), np.int64, count)
        seen = np.fromiter((state.seen for state in states), np.int64, count)
        best = np.fromiter((state.best for state in states), np.float64, count)
        spans = sizes + carried
        offsets = np.cumsum(spans) - spans  # where each series' history starts
        total = int(spans.sum())
        history = _SCRATCH.take("history", total, np.float64)
        np.concatenate(
            [part for state, values in zip(states, fresh) for part in (state.tail, values)], out=history
        )
        flags = _SCRATCH.take("flags", total, np.bool_)
        with np.errstate(over="ignore", invalid="ignore"):
            suspect = not np.isfinite(_finite_or_not(history))  # one pass, no array written
        if suspect and not np.isfinite(history, out=flags).all():  # rare: settle the others, hand these back
            ok = ~np.logical_or.reduceat(~flags, offsets)
            out: list[_TrendState | None] = [None] * count
            kept = np.flatnonzero(ok).tolist()
            for i, state in zip(kept, self._quiet_many([states[i] for i in kept], [fresh[i] for i in kept])):
                out[i] = state
            return out
        # the blocks of w values each series completes in this batch (as _line_over aligns them)
        start = seen - carried
        first = np.maximum(start, self.warmup)
        first += -first % w
        blocks = np.maximum(0, (seen + sizes - first) // w)
        before = np.cumsum(blocks) - blocks  # blocks of earlier series
        owner = np.repeat(np.arange(count), blocks)
        index = np.arange(len(owner)) - before[owner]  # a block's number within its series
        block_at = (offsets + first - start)[owner] + w * index
        cells = (len(owner), w)
        where = np.add(
            block_at[:, None], np.arange(w), out=_SCRATCH.take("where", cells[0] * w, np.intp).reshape(cells)
        )
        rows = np.take(history, where, out=_SCRATCH.take("rows", cells[0] * w, np.float64).reshape(cells))
        # each series' running minimum from its best, side by side in rows padded with +inf
        grid = np.full((count, int(blocks.max(initial=0)) + 1), np.inf)
        grid[:, 0] = best
        grid[owner, index + 1] = _row_medians(rows)
        np.minimum.accumulate(grid, axis=1, out=grid)
        levels = grid[owner, index + 1]
        best_after = grid[np.arange(count), blocks]
        # the line over each history in segments: per series its tail (NaN: nothing is above
        # it), the best's line until the first block ends, then each block's level for w
        # values, the last to the batch's end
        head = 2 * np.arange(count) + before
        segment_line = np.empty(2 * count + len(levels))
        segment_size = np.full(len(segment_line), w, np.int64)
        segment_line[head] = np.nan
        segment_size[head] = carried
        segment_line[head + 1] = self._line(best)
        first_end = first + w - 1 - seen  # the new position holding the first block's last value
        segment_size[head + 1] = np.where(blocks > 0, first_end, sizes)
        segment_line[head[owner] + 2 + index] = self._line(levels)
        ended = np.flatnonzero(blocks)
        segment_size[head[ended] + 1 + blocks[ended]] = (
            sizes[ended] - first_end[ended] - w * (blocks[ended] - 1)
        )
        line = _SCRATCH.take("line", total, np.float64)
        _repeat_into(segment_line, segment_size, line)
        high = np.greater(history, line, out=flags)
        tails = offsets[:, None] + np.arange(carried)
        high[tails.ravel()] = np.concatenate([state.tail_high for state in states])
        # values above the line in the window ending at each position; a new value's window
        # lies within its series (its tail is w - 1 long)
        counts = _SCRATCH.take("counts", total + 1, np.int32)
        counts[0] = 0
        np.cumsum(high, out=counts[1:])
        in_window = np.subtract(
            counts[w:], counts[:-w], out=_SCRATCH.take("in_window", total + 1 - w, np.int32)
        )
        mostly = np.greater(in_window, w // 2, out=_SCRATCH.take("mostly", total + 1 - w, np.bool_))
        # [t]: the window from t to t + w - 1. Those ending at series i's new values start in
        # [offsets[i], offsets[i] + sizes[i]); the last such range ends where ``mostly`` does
        bounds = np.stack((offsets, offsets + sizes), axis=1).ravel()[:-1]
        loud = np.logical_or.reduceat(mostly, bounds)[::2]
        keep = tails + sizes[:, None]  # the last w - 1 values of each history (gathers: copies)
        new_tails, new_highs = history[keep], high[keep]
        return [
            None
            if is_loud
            else _TrendState(
                tail=tail, tail_high=tail_high, seen=now_seen, best=now_best, above=0, firing=False
            )
            for is_loud, tail, tail_high, now_seen, now_best in zip(
                loud.tolist(), new_tails, new_highs, (seen + sizes).tolist(), best_after.tolist()
            )
        ]

    def _line(self, best):
        return best + self.ratio * np.maximum(np.abs(best), 1e-12)

    def _line_over(self, state: _TrendState, history: np.ndarray, carried: int, n: int):
        """The line at each fresh value, the best level at a fresh position (a function: only
        a raised alert's message needs it) and the best after the batch.

        The best is the lowest median of the series' blocks of ``window`` values (aligned to
        the whole series, past the warm-up), held from the end of each block. Blocks, not a
        sliding window: one median per ``window`` values, and a reshape instead of a gather."""
        w = self.window
        start = state.seen - carried  # whole-series position of history[0]
        first = max(start, self.warmup)
        first += -first % w  # the first block boundary we hold all values from
        ends = np.arange(first + w, state.seen + n + 1, w)  # blocks completed in this batch
        if not len(ends):
            return np.full(n, self._line(state.best)), lambda i: state.best, state.best
        blocks = history[first - start : ends[-1] - start].reshape(-1, w).copy()  # reordered in place
        levels = np.minimum(np.minimum.accumulate(_row_medians(blocks)), state.best)
        at = ends - 1 - state.seen  # the fresh position holding each block's last value
        line = np.empty(n)
        line[: at[0]] = self._line(state.best)
        # blocks end every w values: each level holds for w values, the last to the batch's end
        held = np.full(len(at), w)
        held[-1] = n - at[-1]
        line[at[0] :] = np.repeat(self._line(levels), held)

        def best_at(i: int) -> float:
            k = int(np.searchsorted(at, i, side="right")) - 1
            return float(levels[k]) if k >= 0 else state.best

        return line, best_at, float(levels[-1])


def _row_medians(rows: np.ndarray) -> np.ndarray:
    """The median of each row; reorders each row in place. One partition at the upper middle
    (a partition at two places costs several times more); the lower middle, for an even width,
    is the largest value left of it."""
    upper = rows.shape[1] // 2
    rows.partition(upper, axis=1)
    high = rows[:, upper]
    low = high if rows.shape[1] % 2 else rows[:, :upper].max(axis=1)
    return 0.5 * (low + high)


def _repeat_into(values: np.ndarray, sizes: np.ndarray, out: np.ndarray) -> None:
    """``np.repeat(values, sizes)`` written into ``out``: each value's first position marked,
    a running count of the marks picks the value."""
    shown = sizes > 0
    values, sizes = values[shown], sizes[shown]
    marks = _SCRATCH.take("marks", len(out), np.intp)
    marks[:] = 0
    marks[(np.cumsum(sizes) - sizes)[1:]] = 1
    which = np.cumsum(marks, out=_SCRATCH.take("which", len(out), np.intp))
    np.take(values, which, out=out)


class _Scratch(threading.local):
    """Big per-scan arrays, kept from scan to scan on each thread: a fresh array of megabytes
    each reload costs more in page faults than the arithmetic on it (a reader thread scans
    every second). Only scans settled within one call use them; nothing kept refers to them."""

    def __init__(self):
        self._buffers: dict[str, np.ndarray] = {}

    def take(self, name: str, size: int, dtype) -> np.ndarray:
        buffer = self._buffers.get(name)
        if buffer is None or len(buffer) < size:
            buffer = self._buffers[name] = np.empty(size + size // 4, dtype)
        return buffer[:size]


_SCRATCH = _Scratch()
_QUIET_MANY_MAX = 4096  # new values of one series that _quiet_many lays out beside the others
_QUIET_MANY_CHUNK = 1 << 16  # new values in one _quiet_many call: bounds the scratch buffers (~4 MB a thread)


def _run_lengths(flags: np.ndarray, carry: int) -> np.ndarray:
    """Length of the run of True ending at each position (0 where False); ``carry`` is the
    length of the run ending just before the first position."""
    positions = np.arange(len(flags))
    last_false = np.maximum.accumulate(np.where(flags, -1, positions))
    lengths = np.where(last_false < 0, positions + 1 + carry, positions - last_false)
    return np.where(flags, lengths, 0)


@dataclass(frozen=True)
class _PlateauState:
    ema: EmaState = field(default_factory=EmaState)
    steps: tuple = ()  # the smoothed series over the last window of steps
    values: tuple = ()
    best_before: float = np.inf  # best smoothed value before that window
    firing: bool = False


@dataclass
class Plateau(Rule):
    """The smoothed value has not improved by more than ``tolerance`` (relative) over the last
    ``window`` steps. ``mode`` "min" for losses, "max" for accuracies. Checked at the newest
    point of each scan: a plateau is slow, so once per reload is soon enough."""

    name = "plateau"
    tags: str = "loss"
    mode: str = "min"
    window: int = 1000
    tolerance: float = 0.01
    smoothing: float = 0.9

    def __post_init__(self):
        if self.mode not in ("min", "max"):
            raise ValueError(f"plateau mode must be 'min' or 'max', got {self.mode!r}")

    def start(self) -> _PlateauState:
        return _PlateauState()

    def scan(self, state: _PlateauState, steps, values):
        finite = np.isfinite(values)
        if not finite.any():
            return state, []
        sign = 1.0 if self.mode == "min" else -1.0  # work on "lower is better"
        smoothed, ema_state = ema(values[finite], self.smoothing, state.ema)
        all_steps = np.concatenate((np.asarray(state.steps, dtype=np.int64), steps[finite]))
        all_values = np.concatenate((np.asarray(state.values, dtype=np.float64), sign * smoothed))
        newest = all_steps[-1]
        old = all_steps <= newest - self.window
        best_before = min(state.best_before, float(all_values[old].min()) if old.any() else np.inf)
        recent_best = float(all_values[~old].min())
        stuck = np.isfinite(best_before) and recent_best > best_before - self.tolerance * abs(best_before)
        findings = []
        position = int(np.flatnonzero(finite)[-1])
        if stuck and not state.firing:
            findings.append(
                Finding(
                    position,
                    f"no improvement over {self.window} steps (best {sign * best_before:.4g}, "
                    f"recent best {sign * recent_best:.4g})",
                )
            )
        elif state.firing and not stuck:
            findings.append(Finding(position, None))
        new_state = _PlateauState(
            ema=ema_state,
            steps=tuple(all_steps[~old].tolist()),
            values=tuple(all_values[~old].tolist()),
            best_before=best_before,
            firing=bool(stuck),
        )
        return new_state, findings


@dataclass
class Custom(Rule):
    """A callable ``(run, tag, steps, values) -> message | None`` over each batch of new points;
    a message raises its alert at the batch's last point, None clears it."""

    function: Callable = field(default=None)
    name: str = ""
    tags: str = ""

    def __post_init__(self):
        if not callable(self.function):
            raise TypeError(f"a custom rule must be callable, got {self.function!r}")
        self.name = self.name or getattr(self.function, "__name__", "custom")

    def start(self) -> bool:
        return False

    def scan_many(self, states: list[bool], batch: list):
        return [
            (i, *self.scan_series(state, item.run, item.tag, item.steps, item.values))
            for i, (state, item) in enumerate(zip(states, batch))
        ]

    def scan_series(self, state: bool, run: str, tag: str, steps, values):
        message = self.function(run, tag, steps, values)
        last = len(steps) - 1
        if message and not state:
            return True, [Finding(last, str(message))]
        if not message and state:
            return False, [Finding(last, None)]
        return state, []


NAMED_RULES = {"nan": NonFinite, "diverging": Diverging, "plateau": Plateau}
DEFAULT_RULES = ("nan", "diverging", "stalled")
