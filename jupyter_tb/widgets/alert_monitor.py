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
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from jupyter_tb import _appended
from jupyter_tb.compute.alert_rules import DEFAULT_RULES, NAMED_RULES, Custom, Rule


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
        self._cursors: dict[tuple[str, str], int] = {}  # (run, tag) -> points scanned
        self._states: list[dict[tuple[str, str], object]] = [{} for _ in self.rules]  # per rule, by series
        self._rule_cache: dict[str, list[int]] = {}  # tag -> numbers of the rules that want it
        self._active: dict[tuple[str, str, str], dict] = {}
        self._pace: dict[str, _Pace] = {}
        self._local_dirs: set[str] = set()
        self._closed = threading.Event()
        self.errors: list[str] = []
        root = getattr(source.logdir, "path", "")
        self._root = os.path.abspath(root) if root and "://" not in root else None
        self._unsubscribe_written = _appended.subscribe(self._written) if self._root else None
        self._unsubscribe = source.subscribe(self._on_changes)
        self.check()  # what the source already holds
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
        if any(kind == "scalars" for _, kind, _ in changes):
            self.check()

    def check(self) -> None:
        """Scan the points every scalar series got since the last check: one call to the
        reader for all of them, then each rule once over all series it watches."""
        with self._lock:
            cursors, rule_cache = self._cursors, self._rule_cache
            appended = self.source.logdir.scalars_appended(cursors)
            batches: list[list] = [[] for _ in self.rules]  # per rule: the series it scans now
            keys: list[list] = [[] for _ in self.rules]  # their (run, tag)
            paced: set[str] = set()  # a run's pace needs one of its series per check, not all
            for item in appended:
                run, tag, start, steps = item[:4]
                series = (run, tag)
                if start < cursors.get(series, 0):  # cut (a restart purged steps): start over
                    for states in self._states:
                        states.pop(series, None)
                cursors[series] = start + len(steps)
                if not len(steps):
                    continue
                if run not in paced:
                    paced.add(run)
                    self._note_pace(run, steps, item.wall_times)
                numbers = rule_cache.get(tag)
                for k in self._rules_for(tag) if numbers is None else numbers:
                    batches[k].append(item)
                    keys[k].append(series)
            findings: list[tuple] = []
            for k, batch in enumerate(batches):
                if batch:
                    self._scan_rule(k, batch, keys[k], findings)
            for run, tag, _, _, rule, step, wall_time, message in sorted(findings, key=lambda f: f[:4]):
                self._record((run, tag, rule), step, wall_time, message)

    def _scan_rule(self, k: int, batch: list, keys: list, findings: list) -> None:
        """Rule ``k`` over the new points of ``batch`` (series ``keys``); its findings are added
        to ``findings`` as (run, tag, rule number, order, rule name, step, wall time, message)."""
        rule, states = self.rules[k], self._states[k]
        initial = rule.start()  # states never change in place, so series may share it
        current = [states.get(key, initial) for key in keys]
        try:
            scanned = rule.scan_many(current, batch)
        except Exception:  # scan them one by one, so one bad series costs only itself
            scanned = []
            for i, item in enumerate(batch):
                try:
                    scanned += [(i, state, found) for _, state, found in rule.scan_many([current[i]], [item])]
                except Exception:
                    self._note(
                        f"alerts: {rule.name} on {item.run}/{item.tag} failed:\n"
                        + traceback.format_exc(limit=4)
                    )
        for i, state, found in scanned:
            states[keys[i]] = state
            for order, finding in enumerate(found):
                item, at = batch[i], finding.position
                step, wall_time = int(item.steps[at]), float(item.wall_times[at])
                findings.append((item.run, item.tag, k, order, rule.name, step, wall_time, finding.message))

    def _rules_for(self, tag: str) -> list[int]:
        rules = self._rule_cache.get(tag)
        if rules is None:
            rules = self._rule_cache[tag] = [k for k, rule in enumerate(self.rules) if rule.wants(tag)]
        return rules

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
        recent = walls[-17:].tolist()
        gaps = sorted(later - earlier for earlier, later in zip(recent, recent[1:]) if later > earlier)
        if gaps:
            pace.gaps.append(gaps[len(gaps) // 2])
        newest = recent[-1]
        if not newest > pace.last_wall:
            return
        pace.last_wall = newest
        pace.last_step = int(steps[-1])
        # "was writing": its newest point is recent; an old finished run never stalls (the
        # limit is at least min_seconds: no need to work out the usual gap for a fresh point)
        age = self._clock() - newest
        pace.live = age < self.stalled.min_seconds or age < self.stalled.limit(pace.usual)
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
