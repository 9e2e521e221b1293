"""Run groups on the board: the ``group_by`` knob and the groups' aggregate series.

:class:`Grouping` (a mixin of the dashboard and the scalars, custom scalars and hparams views)
holds ``group_by`` (a regex removed from run names, ``"hparam:NAME"``, or a Python callable
``run -> group``; see :mod:`jupyter_tb.compute.run_groups`) and syncs ``_groups``
``{group_by: label, groups: {run: group}}`` for the runs a rule grouped (runs left alone are
not listed). A callable cannot travel: the browser sees its label ``callable:<name>``, and
the grouping itself arrives through ``_groups``.

:class:`GroupedScalars` (a mixin of the scalars view, before :class:`TaggedView`) adds one
message per (group, tag), computed in the kernel on the members' full series:

- ``group``: ``{group, tag, members, steps_mode, total, step, mean, std, min, max, median,
  count, wall, relative}`` (wall / relative: the members' mean time at each step, for the
  time axes) replaces what the browser holds for (group, tag). Up to ``WHOLE_LIMIT`` steps
  travel whole; longer aggregates as the min/max per pixel column of the centre lines and
  band edges (the indices of all of them, so line and band stay aligned).
- ``group_drop``: ``{group, tag}`` the group no longer has that tag (regrouped).

A member's new points recompute its group's aggregate for that tag in the same throttled
update that sends the member's own delta; a group whose last aggregate was costly waits
``RECOMPUTE_RATIO`` times that cost before the next (deferred, never dropped).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import traitlets

from jupyter_tb.compute.downsample import minmax_indices
from jupyter_tb.compute.run_groups import STEP_MODES, aggregate, group_runs, mean_at, members_of

WHOLE_LIMIT = 10_000  # aggregates up to this many steps travel whole
PIXELS = 1_000  # pixel columns of a sampled aggregate
# a live group is recomputed at most once per this many times its last computing time, so
# huge groups (20 runs x 1M points: ~0.6 s) take at most a quarter of a core while they write;
# small ones (milliseconds) update with every flush, as single runs do
RECOMPUTE_RATIO = 4.0


def group_by_label(value, _widget=None) -> str:
    """What the browser sees of ``group_by``: the string itself, or ``callable:<name>``."""
    if callable(value):
        return f"callable:{getattr(value, '__name__', type(value).__name__)}"
    return value or ""


def _group_by_from_json(value, _widget=None):
    return value or ""


class Grouping(traitlets.HasTraits):
    """``group_by`` and the synced ``_groups`` (see the module docstring)."""

    group_by = traitlets.Union(
        [traitlets.Unicode(), traitlets.Callable()],
        default_value="",
        help='runs into groups: a regex removed from run names (r"/seed=\\d+"), "hparam:NAME", '
        "or a callable run -> group (two-way; the browser edits the regex)",
    ).tag(sync=True, to_json=group_by_label, from_json=_group_by_from_json)
    _groups = traitlets.Dict(help="{group_by: label, groups: {run: group}} of the grouped runs").tag(
        sync=True
    )

    @traitlets.validate("group_by")
    def _valid_group_by(self, proposal):
        value = proposal["value"]
        if isinstance(value, str) and not value.startswith("hparam:"):
            try:  # a bad regex: a clear error now, not at the next update
                group_runs(["x"], value)
            except ValueError as error:
                raise traitlets.TraitError(str(error)) from None
        return value

    @traitlets.observe("group_by")
    def _group_by_changed(self, change) -> None:
        for view in getattr(self, "views", {}).values():  # the dashboard's tabs follow it
            if isinstance(view, Grouping):
                view.group_by = change["new"]
        if getattr(self, "_started", False):
            self.regrouped()

    def regrouped(self) -> None:
        """After ``group_by`` changed (views with aggregates resend them too)."""
        with self._lock:
            self.refresh_groups()

    def group_of(self) -> dict[str, str]:
        """``{run: group}`` for every listed run under ``group_by``."""
        runs = self.run_names()
        group_by = self.group_by
        sessions = ()
        if isinstance(group_by, str) and group_by.startswith("hparam:"):
            sessions = self.logdir.hparams().sessions
        return group_runs(runs, group_by, sessions)

    def grouped_members(self) -> dict[str, list[str]]:
        """``{group: [runs]}`` of the groups a rule made (runs left alone are not groups)."""
        groups = self.group_of()
        return {
            group: runs for group, runs in members_of(groups).items() if len(runs) > 1 or runs[0] != group
        }

    def refresh_groups(self) -> dict[str, list[str]]:
        """Recompute the grouping; ``_groups`` is set (synced) only when it changed."""
        try:
            members = self.grouped_members() if self.group_by else {}
        except Exception as error:  # e.g. no hparams yet: nothing grouped, the error shown
            self.post(self._error_message(error))
            members = {}
        groups = {run: group for group, runs in members.items() for run in runs}
        wire = {"group_by": group_by_label(self.group_by), "groups": groups}
        if wire != self._groups:
            self._groups = wire
        return members


def _sampled_indices(steps: np.ndarray, agg) -> np.ndarray:
    """Indices keeping the shape of the centre lines and every band edge."""
    spread = np.nan_to_num(agg.std)
    lines = (agg.mean, agg.median, agg.min, agg.max, agg.mean + spread, agg.mean - spread)
    return np.unique(np.concatenate([minmax_indices(steps, line, PIXELS) for line in lines]))


def group_times(series: list, agg, steps_mode: str) -> dict[str, np.ndarray]:
    """Where a group's line sits on the time axes: at each of its steps the members' mean
    wall time, and the mean of their times since each member's first point (the "relative"
    axis, as a single run's), interpolated like the values, never decreasing."""
    wall = mean_at([(s.steps, s.wall_times) for s in series], agg.steps, steps_mode)
    since_start = [(s.steps, s.wall_times - s.wall_times[0]) for s in series if len(s)]
    relative = mean_at(since_start, agg.steps, steps_mode)
    # a line never goes back in time: where a member ends, the mean of those left may be
    # earlier than the step before's (the chart's x must not fold back)
    return {"wall": np.fmax.accumulate(wall), "relative": np.fmax.accumulate(relative)}


def group_message(
    group: str, tag: str, members: list[str], agg, steps_mode: str, times: dict | None = None
) -> dict:
    """The ``group`` message of one group's aggregate of ``tag`` (see the module docstring);
    ``times`` (:func:`group_times`) adds the ``wall`` and ``relative`` columns."""
    steps = agg.steps.astype(np.float64)
    columns = {"mean": agg.mean, "std": agg.std, "min": agg.min, "max": agg.max, "median": agg.median}
    columns.update(times or {})
    count = agg.count.astype(np.float64)
    if len(steps) > WHOLE_LIMIT:
        keep = _sampled_indices(steps, agg)
        steps, count = steps[keep], count[keep]
        columns = {name: values[keep] for name, values in columns.items()}
    return {
        "type": "group",
        "group": group,
        "tag": tag,
        "members": members,
        "steps_mode": steps_mode,
        "total": len(agg),
        "step": steps,
        "count": count,
        **{name: np.asarray(values, dtype=np.float64) for name, values in columns.items()},
    }


class GroupedScalars(Grouping):
    """The scalars view's group aggregates (see the module docstring); put before TaggedView."""

    group_steps = traitlets.Enum(
        STEP_MODES,
        "union",
        help='"union": every member step, members interpolated; "exact": logged steps only',
    ).tag(sync=True)

    def _aggregate_messages(self, members: dict[str, list[str]], wanted=None) -> list[dict]:
        """``group`` messages for every (group, tag) of ``members`` (or only ``wanted`` pairs)."""
        messages = []
        for group, runs in members.items():
            tags = sorted({tag for run in runs for tag in self.tags_of(run, "scalars")})
            for tag in tags:
                if wanted is not None and (group, tag) not in wanted:
                    continue
                series = [
                    self.logdir.scalars(run, tag) for run in runs if tag in self.tags_of(run, "scalars")
                ]
                started = time.monotonic()
                agg = aggregate([(s.steps, s.values) for s in series], self.group_steps)
                times = group_times(series, agg, self.group_steps)
                messages.append(group_message(group, tag, runs, agg, self.group_steps, times))
                done = time.monotonic()
                self._group_sent.add((group, tag))
                self._group_due[(group, tag)] = done + (RECOMPUTE_RATIO - 1) * (done - started)
        return messages

    def _defer(self, wanted: set, members: dict[str, list[str]]) -> set:
        """The pairs of ``wanted`` due now; the others come back as changes when they are due."""
        now = time.monotonic()
        later = {key for key in wanted if self._group_due.get(key, 0.0) > now}
        self._deferred |= {(members[g][0], "scalars", t) for g, t in later if g in members}
        if later and self._defer_timer is None:  # one timer for all deferred pairs
            wait = max(self._group_due[key] for key in later) - now
            self._defer_timer = threading.Timer(wait, self._deferred_due)
            self._defer_timer.daemon = True
            self._defer_timer.start()
        return wanted - later

    def close(self) -> None:
        timer = getattr(self, "_defer_timer", None)
        if timer is not None:
            timer.cancel()
        super().close()

    def _deferred_due(self) -> None:
        with self._lock:
            again, self._deferred, self._defer_timer = self._deferred, set(), None
        self._on_changes(again)

    def snapshot(self) -> list[dict]:
        messages = super().snapshot()
        self._group_sent: set = set()
        self._group_due: dict = {}  # (group, tag) -> when it may be recomputed
        self._deferred: set = set()  # changes of groups recomputed too recently, for later
        self._defer_timer = getattr(self, "_defer_timer", None)
        self._members = self.refresh_groups()
        return messages + self._aggregate_messages(self._members)

    def updates(self, changes: set) -> list[dict]:
        messages = super().updates(changes)
        members = self.refresh_groups()
        group_of = {run: group for group, runs in members.items() for run in runs}
        if members != self._members:  # runs appeared or left: whole groups changed
            stale = {g for g in members if members[g] != self._members.get(g)}
            wanted = {(g, t) for g in stale for run in members[g] for t in self.tags_of(run, "scalars")}
            messages += self._drop_missing(members)
            self._members = members
        else:
            wanted = set()
        wanted |= {
            (group_of[run], tag) for run, kind, tag in changes if kind == "scalars" and run in group_of
        }
        return messages + self._aggregate_messages(members, self._defer(wanted, members))

    def _drop_missing(self, members: dict[str, list[str]]) -> list[dict]:
        gone = {(g, t) for g, t in self._group_sent if g not in members}
        self._group_sent -= gone
        return [{"type": "group_drop", "group": g, "tag": t} for g, t in sorted(gone)]

    def regrouped(self) -> None:
        with self._lock:
            members = self.refresh_groups()
            messages = self._drop_missing(members)
            self._group_sent = {key for key in self._group_sent if key[0] in members}
            self._members = members
            for message in messages + self._aggregate_messages(members):
                self.post(message)

    @traitlets.observe("group_steps")
    def _group_steps_changed(self, _change) -> None:
        if getattr(self, "_started", False):
            self.regrouped()


class GroupedSessions(Grouping):
    """The hparams view's group rows: per group mean ± std of each final metric over its
    sessions (``groups`` on its ``reset``/``table`` messages:
    ``[{name, members, metrics: {metric: [mean, std, n]}}]``, None for a missing number)."""

    def session_groups(self, table) -> list[dict]:
        if not self.group_by or not len(table):
            return []
        sessions = ()
        if isinstance(self.group_by, str) and self.group_by.startswith("hparam:"):
            sessions = self.logdir.hparams().sessions
        out = []
        for group, runs in members_of(group_runs(list(table.runs), self.group_by, sessions)).items():
            if len(runs) == 1 and runs[0] == group:
                continue  # left alone: its session row says it all
            rows = [table.runs.index(run) for run in runs]
            metrics = {}
            for name in table.metric_names:
                values = np.asarray(table.column(name), dtype=np.float64)[rows]
                values = values[np.isfinite(values)]
                mean = float(values.mean()) if len(values) else None
                std = float(values.std(ddof=1)) if len(values) > 1 else None
                metrics[name] = [mean, std, len(values)]
            out.append({"name": group, "members": runs, "metrics": metrics})
        return out

    def regrouped(self) -> None:
        super().regrouped()
        self._send_snapshot()  # the table again, with the new group rows
