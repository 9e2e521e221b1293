"""Alerts: runs the rules of :mod:`jupyter_tb.compute.alert_rules` over a live source.

An :class:`AlertMonitor` subscribes to a live source (the same reader thread the views use), and
for every changed scalar series scans only the points appended since its last look. It keeps
the alert list (``alerts``: dicts with run, tag, rule, step, wall_time, message, active), calls
``on_alert`` callbacks once per new alert on the reader thread, and runs the stalled-run check
on a timer, since a run that stops writing produces no change to react to.

Used by the dashboard (``board.alerts``, ``board.on_alert``, ``board.stop_on``) and by
:func:`jupyter_tb.watch` without any widget.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from jupyter_tb import _appended
from jupyter_tb.compute.alert_rules import DEFAULT_RULES, NAMED_RULES, Custom, NonFinite, Rule


@dataclass
class Stalled:
    """A run that was writing has written nothing for ``factor`` times its median interval
    between writes, and at least ``min_seconds``."""

    name = "stalled"
    factor: float = 10.0
    min_seconds: float = 60.0

    def limit(self, usual: float) -> float:
        return max(self.factor * usual, self.min_seconds)


def resolve_rules(rules) -> tuple[list[Rule], Stalled | None]:
    """``rules``: names ("nan", "diverging", "plateau", "stalled"), rule objects, callables
    ``(run, tag, steps, values) -> message | None``, or a dict ``{name: {parameter: value}}``."""
    if isinstance(rules, str):
        rules = [rules]
    if isinstance(rules, dict):
        rules = [(name, params) for name, params in rules.items()]
    series_rules, stalled = [], None
    for item in rules:
        name, params = item if isinstance(item, tuple) else (item, {})
        if isinstance(name, Stalled):
            stalled = name
        elif isinstance(name, Rule):
            series_rules.append(name)
        elif name == "stalled":
            stalled = Stalled(**(params or {}))
        elif isinstance(name, str):
            if name not in NAMED_RULES:
                known = ", ".join([*NAMED_RULES, "stalled"])
                raise ValueError(f"unknown alert rule {name!r} (known: {known})")
            series_rules.append(NAMED_RULES[name](**(params or {})))
        elif callable(name):
            series_rules.append(Custom(function=name, **(params or {})))
        else:
            raise TypeError(f"an alert rule is a name, a rule object or a callable, got {name!r}")
    names = [r.name for r in series_rules]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise ValueError(f"alert rules named twice: {', '.join(sorted(duplicated))}")
    return series_rules, stalled


@dataclass
class _Pace:
    """When a run last wrote, and its usual interval between writes."""

    last_wall: float = -np.inf
    last_step: int = 0
    gaps: deque = field(default_factory=lambda: deque(maxlen=64))  # median gap of recent scans
    live: bool = False  # seen writing recently while we watched

    @property
    def usual(self) -> float:
        return sorted(self.gaps)[len(self.gaps) // 2] if self.gaps else 0.0


class AlertMonitor:
    def __init__(
        self,
        source,
        rules=DEFAULT_RULES,
        on_alert: Callable[[dict], None] | None = None,
        check_interval: float | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.source = source
        self.rules, self.stalled = resolve_rules(rules)
        self.alerts: list[dict] = []
        self._callbacks: list[Callable[[dict], None]] = [on_alert] if on_alert else []
        self._listeners: list[Callable[[], None]] = []  # told of every change (new or cleared)
        self._clock = clock
        self._lock = threading.RLock()
        self._offsets: dict[tuple[str, str], int] = {}
        self._states: dict[tuple[str, str, str], object] = {}
        self._rule_cache: dict[str, list[Rule]] = {}  # tag -> the rules that want it
        self._nan_rule = next((rule for rule in self.rules if isinstance(rule, NonFinite)), None)
        self._active: dict[tuple[str, str, str], dict] = {}
        self._pace: dict[str, _Pace] = {}
        self._local_dirs: set[str] = set()
        self._closed = threading.Event()
        self.errors: list[str] = []
        root = getattr(source.logdir, "path", "")
        self._root = os.path.abspath(root) if root and "://" not in root else None
        self._unsubscribe_written = _appended.subscribe(self._written) if self._root else None
        self._unsubscribe = source.subscribe(self._on_changes)
        self.check(None)  # what the source already holds
        interval = check_interval or max(1.0, float(getattr(source, "reload_interval", 1.0)))
        self._timer = threading.Thread(
            target=self._check_stalled_loop, args=(interval,), name="jupyter_tb-alerts", daemon=True
        )
        self._timer.start()

    # -- public ---------------------------------------------------------------------------------
    def on_alert(self, callback: Callable[[dict], None]) -> Callable[[dict], None]:
        """Call ``callback(alert)`` once per new alert (on the reader thread)."""
        self._callbacks.append(callback)
        return callback

    def is_local(self, run: str) -> bool:
        """True when a writer in this process writes the run (so stopping its cell helps)."""
        if self._root is None:
            return False
        return os.path.normpath(os.path.join(self._root, run)) in self._local_dirs

    def close(self) -> None:
        self._closed.set()
        self._unsubscribe()
        if self._unsubscribe_written:
            self._unsubscribe_written()

    # -- scanning -------------------------------------------------------------------------------
    def _on_changes(self, changes: set) -> None:
        self.check({(run, tag) for run, kind, tag in changes if kind == "scalars"})

    def check(self, series: Iterable[tuple[str, str]] | None) -> None:
        """Scan the new points of ``series`` ((run, tag) pairs; None: every scalar series)."""
        logdir = self.source.logdir
        if series is None:
            series = [(run, tag) for run in logdir.runs for tag in logdir.tags(run).get("scalars", ())]
        with self._lock:
            paced: set[str] = set()  # a run's pace needs one of its series per check, not all
            quiet: list = []  # new points only the NaN rule watches, of series finite so far
            for run, tag in sorted(series):
                try:
                    if self._scan(run, tag, logdir.scalars(run, tag), quiet, pace=run not in paced):
                        paced.add(run)
                except KeyError:  # the run or tag went away between the change and now
                    continue
                except Exception:
                    self._note(f"alerts: scanning {run}/{tag} failed:\n" + traceback.format_exc(limit=4))
            self._scan_quiet_nan(quiet)

    def _scan_quiet_nan(self, pending: list) -> None:
        """The NaN rule over many series at once: a sum per series (NaN or inf in, NaN or inf
        out; copying them into one array cost more), and a per-series scan only when a sum is
        not finite (a NaN, or an overflow the scan then clears)."""
        if not pending:
            return
        with np.errstate(over="ignore", invalid="ignore"):
            sums = np.array([values.sum() for _, _, values, _ in pending])
        if np.isfinite(sums).all():
            return
        for key, steps, values, walls in pending:
            self._apply(self._nan_rule, key, steps, values, walls)

    def _rules_for(self, tag: str) -> list[Rule]:
        rules = self._rule_cache.get(tag)
        if rules is None:
            rules = self._rule_cache[tag] = [rule for rule in self.rules if rule.wants(tag)]
        return rules

    def _scan(self, run: str, tag: str, series, quiet: list, pace: bool = True) -> bool:
        """Run the rules over the series' new points (the NaN rule's quiet cases go to
        ``quiet`` for one batched check); True when there were new points."""
        start = self._offsets.get((run, tag), 0)
        if len(series) < start:  # the series was cut (a restart purged steps): start it over
            start = 0
            for rule in self.rules:
                self._states.pop((run, tag, rule.name), None)
        steps = series.steps[start:]
        if not len(steps):
            return False
        values, walls = series.values[start:], series.wall_times[start:]
        self._offsets[(run, tag)] = start + len(steps)
        if pace:
            self._note_pace(run, steps, walls)
        for rule in self._rules_for(tag):
            key = (run, tag, rule.name)
            if rule is self._nan_rule and not self._states.get(key):
                quiet.append((key, steps, values, walls))
                continue
            self._apply(rule, key, steps, values, walls)
        return True

    def _apply(self, rule: Rule, key: tuple[str, str, str], steps, values, walls) -> None:
        state = self._states.get(key)
        if state is None:
            state = rule.start()
        if isinstance(rule, Custom):
            state, findings = rule.scan_series(state, key[0], key[1], steps, values)
        else:
            state, findings = rule.scan(state, steps, values)
        self._states[key] = state
        for finding in findings:
            at = finding.position
            self._record(key, int(steps[at]), float(walls[at]), finding.message)

    def _record(self, key: tuple[str, str, str], step: int, wall_time: float, message: str | None) -> None:
        if message is None:
            alert = self._active.pop(key, None)
            if alert is not None:
                alert["active"] = False
                alert["cleared_step"] = step
                self._changed(None)
            return
        if key in self._active:
            return
        run, tag, rule = key
        alert = {
            "run": run,
            "tag": tag,
            "rule": rule,
            "step": step,
            "wall_time": wall_time,
            "message": message,
            "active": True,  # False once the condition ended (the alert stays in the list)
            "cleared_step": None,
        }
        self._active[key] = alert
        self.alerts.append(alert)
        self._changed(alert)

    def listen(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every change to ``alerts`` (owners re-publish the list)."""
        self._listeners.append(listener)

    def _changed(self, new_alert: dict | None) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                self._note("alerts: listener failed:\n" + traceback.format_exc(limit=4))
        if new_alert is None:
            return
        for callback in list(self._callbacks):
            try:
                callback(new_alert)
            except Exception:
                self._note("alerts: on_alert callback failed:\n" + traceback.format_exc(limit=4))

    # -- stalled runs ---------------------------------------------------------------------------
    def _note_pace(self, run: str, steps, walls) -> None:
        if self.stalled is None:
            return
        pace = self._pace.setdefault(run, _Pace())
        # the newest few points of each scan tell the usual interval well enough (O(1) per scan)
        gaps = sorted(g for g in np.diff(walls[-17:]).tolist() if g > 0)
        if gaps:
            pace.gaps.append(gaps[len(gaps) // 2])
        newest = float(walls[-1])
        if not newest > pace.last_wall:
            return
        pace.last_wall = newest
        pace.last_step = int(steps[-1])
        # "was writing": its newest point is recent; an old finished run never stalls
        pace.live = self._clock() - newest < self.stalled.limit(pace.usual)
        if (run, "", "stalled") in self._active:
            self._record((run, "", "stalled"), pace.last_step, pace.last_wall, None)

    def check_stalled(self) -> None:
        if self.stalled is None:
            return
        now = self._clock()
        with self._lock:
            for run, pace in self._pace.items():
                usual = pace.usual
                silent = now - pace.last_wall
                if pace.live and pace.gaps and silent > self.stalled.limit(usual):
                    message = f"no new points for {silent:.0f} s (usually every {usual:.3g} s)"
                    self._record((run, "", "stalled"), pace.last_step, pace.last_wall, message)

    def _check_stalled_loop(self, interval: float) -> None:
        while not self._closed.wait(interval):
            try:
                self.check_stalled()
            except Exception:
                self._note("alerts: stalled check failed:\n" + traceback.format_exc(limit=4))

    # -- helpers --------------------------------------------------------------------------------
    def _written(self, path: str) -> None:
        # on a writer's thread: only note the folder
        self._local_dirs.add(os.path.dirname(path))

    def _note(self, message: str) -> None:
        if not self.errors or self.errors[-1] != message:
            self.errors.append(message)
