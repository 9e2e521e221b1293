"""TensorBoard's smoothing: a debiased exponential moving average, vectorised with numpy.

For a weight ``w`` (the slider, 0 <= w < 1) TensorBoard's scalar chart computes, over the
finite values of a series in order::

    last = w * last + (1 - w) * value      # last starts at 0
    smoothed = last / (1 - w ** k)         # k = number of finite values so far (debiasing)

Non-finite values are shown as they are and do not enter the average; a constant series is
left as it is. The browser applies the same formula (``js/src/lib/smoothing.js``) to series
it holds whole; the kernel uses this module for series it only sends downsampled, so the
smoothed line is always computed on the full-resolution data.

The recurrence is evaluated in blocks: inside a block of ``B`` values the weighted sums are
one matrix product with the ``B x B`` lower-triangular matrix of powers of ``w``; the carry
between blocks is a short Python loop over ``n / B`` blocks. 1M points take a few tens of ms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_WEIGHT = 0.999  # TensorBoard's slider stops here; w = 1 would never move off 0
_BLOCK = 64


@dataclass(frozen=True)
class EmaState:
    """Where a smoothed series ended, so appended points continue it exactly."""

    last: float = 0.0  # the biased average
    count: int = 0  # finite values averaged so far


def _clamp(weight: float) -> float:
    weight = float(weight)
    if not np.isfinite(weight):
        raise ValueError(f"smoothing weight must be a number in [0, 1), got {weight!r}")
    return min(max(weight, 0.0), MAX_WEIGHT)


def _biased_ema(values: np.ndarray, weight: float, start: float) -> np.ndarray:
    """``last_i = w * last_{i-1} + (1 - w) * x_i`` for all i, with ``last_{-1} = start``."""
    n = len(values)
    if n == 0:
        return np.empty(0)
    block = min(_BLOCK, n)
    n_blocks = -(-n // block)
    padded = np.zeros(n_blocks * block)
    padded[:n] = values
    chunks = padded.reshape(n_blocks, block)
    lags = np.arange(block)
    # powers[j, i] = w ** (j - i) for i <= j, else 0  (underflow to 0 is the right limit)
    with np.errstate(under="ignore"):
        diff = lags[:, None] - lags[None, :]
        powers = np.where(diff >= 0, weight ** np.maximum(diff, 0), 0.0)
        local = (1.0 - weight) * (chunks @ powers.T)  # each block's sums as if it started at 0
        decay = weight ** (lags + 1)  # how much of the carry survives to position j
    # the carry into each block obeys the same kind of recurrence, with decay w ** block:
    # solve it the same way (recursively; depth log_block(n))
    ends = _biased_ema_carries(local[:, -1], decay[-1], start)
    carries = np.concatenate(([start], ends[:-1]))
    out = local + carries[:, None] * decay[None, :]
    return out.reshape(-1)[:n]


def _debias(weight: float, first: int, n: int) -> np.ndarray:
    """``1 - w ** k`` for k = first+1 .. first+n; powers are only computed while they matter."""
    debias = np.ones(n)
    if weight <= 0:
        return debias
    # beyond this k, w ** k < 1e-18 and the factor is 1.0 in float64
    significant = int(np.ceil(-18 / np.log10(weight))) if weight < 1 else n + first
    upto = max(0, min(n, significant - first))
    if upto:
        debias[:upto] = 1.0 - weight ** np.arange(first + 1, first + upto + 1, dtype=np.float64)
    return debias


def _biased_ema_carries(increments: np.ndarray, decay: float, start: float) -> np.ndarray:
    """``c_b = decay * c_{b-1} + increments_b`` with ``c_{-1} = start``."""
    if len(increments) <= _BLOCK:
        out = np.empty(len(increments))
        carry = start
        for b, increment in enumerate(increments.tolist()):
            carry = decay * carry + increment
            out[b] = carry
        return out
    # rewrite as an EMA with weight `decay` on x = increments / (1 - decay)
    if decay >= 1.0:
        return start + np.cumsum(increments)
    return _biased_ema(increments / (1.0 - decay), decay, start)


def ema(values, weight: float, state: EmaState | None = None) -> tuple[np.ndarray, EmaState]:
    """Smoothed copy of ``values`` (float64) and the state to continue it with later values.

    ``state`` continues a previous call (for appended points); the constant-series rule is
    applied by :func:`smooth`, which sees the whole series.
    """
    values = np.asarray(values, dtype=np.float64)
    weight = _clamp(weight)
    state = state or EmaState()
    out = values.copy()
    finite = np.isfinite(values)
    kept = values[finite]
    if len(kept) == 0:
        return out, state
    biased = _biased_ema(kept, weight, state.last)
    count = state.count + len(kept)
    out[finite] = biased / _debias(weight, state.count, len(kept)) if weight > 0 else kept
    return out, EmaState(last=float(biased[-1]), count=count)


def smooth(values, weight: float) -> np.ndarray:
    """TensorBoard's smoothed line for a whole series."""
    return smooth_with_state(values, weight)[0]


def smooth_with_state(values, weight: float) -> tuple[np.ndarray, EmaState]:
    """:func:`smooth` plus the state that continues it over appended points."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) and np.all(values == values[0]):  # constant: shown as it is
        w = _clamp(weight)
        # the biased average after n equal values c is c * (1 - w**n)
        state = EmaState(last=float(values[0]) * (1.0 - w ** len(values)), count=len(values))
        return values.copy(), state
    return ema(values, weight)
