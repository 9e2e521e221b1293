"""The compact record a saved notebook keeps of a board, so it shows its last data without a
kernel (JupyterLab / Notebook 7 with widget state saved).

The record has the form of :mod:`jupyter_tb.widgets.export`'s (each model's snapshot messages),
within a byte budget (:data:`REPLAY_BYTES` per board by default): whole scalar series longer
than the cards show are cut to the min/max overview the kernel sends for big series (with
the smoothing of the full series), then messages are kept in tab order while the budget
lasts (every view's first, "reset", always). It lives in the displayed view's ``_replay``
trait (set after cells finish, :mod:`jupyter_tb.widgets.picture_output`); ``js/src/widget.js``
replays it when no kernel answers.

Snapshots for it come from private twins of the tabs (same class, same source and knobs, a
comm that goes nowhere), so the live browser's bookkeeping is never touched.
"""

from __future__ import annotations

import json

import numpy as np

from jupyter_tb.widgets.export import RECORD_VERSION, board_views, entry, entry_bytes

REPLAY_BYTES = 1_000_000
_FRAMEWORK_TRAITS = {"layout", "tabbable", "tooltip", "comm", "keys", "log"}


def _knobs(view) -> dict:
    """The view's public synced traits: what a twin needs to show the same thing."""
    return {
        name: getattr(view, name)
        for name in view.trait_names(sync=lambda sync: sync)
        if not name.startswith("_") and name not in _FRAMEWORK_TRAITS
    }


def _twin_snapshot(view) -> list[dict]:
    """Snapshot messages of ``view`` from a private twin (the live one's state untouched)."""
    from comm import DummyComm

    twin = type(view)(view.source, comm=DummyComm(target_name="jupyter.widget"), **_knobs(view))
    try:
        with twin._lock:
            return twin.snapshot()
    finally:
        twin.close()


def _board_snapshot(board) -> list[dict]:
    """A container's (the dashboard's) own messages: its snapshot only remembers which runs
    it announced, kept as they were so the live browser still gets the next catalog."""
    with board._lock:
        announced = getattr(board, "_runs", None)
        messages = board.snapshot()
        if announced is not None:
            board._runs = announced
    return messages


def _overview(message: dict, weight: float) -> dict:
    """A whole scalar series cut to the sampled form (min/max per pixel column, smoothing
    of the full series), as the kernel sends series too long to send whole."""
    from jupyter_tb.compute.downsample import minmax_indices
    from jupyter_tb.compute.smoothing import smooth
    from jupyter_tb.widgets.views.scalars import PIXELS

    values = np.asarray(message["value"], dtype=np.float64)
    if message.get("mode") != "whole" or len(values) <= 4 * PIXELS:
        return message
    chosen = minmax_indices(np.asarray(message["step"]), values, PIXELS)
    return {
        **message,
        "mode": "sampled",
        "step": np.asarray(message["step"])[chosen],
        "wall": np.asarray(message["wall"])[chosen],
        "value": values[chosen],
        "smoothed": smooth(values, weight)[chosen],
        "weight": weight,
    }


def replay_record(board, budget: int = REPLAY_BYTES) -> dict:
    """The compact record of ``board`` (see the module doc)."""
    from jupyter_tb.widgets.export import synced_state

    views = board_views(board)
    snapshots = {board._uid: _board_snapshot(board) if len(views) > 1 else _twin_snapshot(board)}
    for tab in board_views(board)[1:]:
        try:
            snapshots[tab._uid] = _twin_snapshot(tab)
        except Exception:  # a view that cannot be twinned is left out, the rest still saved
            continue
    settings = getattr(board, "settings", None) or {}
    weight = float(settings.get("smoothing", getattr(board, "smoothing", 0.6)))
    models, used = {}, 0
    for uid, messages in snapshots.items():
        kept = []
        for index, message in enumerate(messages):
            packed = entry(_overview(message, weight) if message.get("type") == "series" else message)
            size = entry_bytes(packed)
            if index and used + size > budget:
                continue
            used += size
            kept.append(packed)
        view = next(v for v in board_views(board) if v._uid == uid)
        models[uid] = {"state": synced_state(view), "messages": kept}
    return {"version": RECORD_VERSION, "root": board._uid, "models": models, "bytes": used}


def replay_json(board, budget: int = REPLAY_BYTES) -> str:
    return json.dumps(replay_record(board, budget), separators=(",", ":"))
