"""The hparams sessions table: one row per session, hparam and final-metric columns.

Built from the Reader API: ``ld.hparams()`` gives the experiment (declared hparams and
metrics, when the writer sent one) and the sessions (run, hparams, status, times, final metric
values: see :mod:`jupyter_tb.reading.hparams_sessions`). The table's status names are the
sessions' in lower case.

Column kinds decide how the browser draws an axis: "number" (float64 values, NaN when
missing), "string" and "bool" (categories: int32 codes into a per-column list, -1 missing).
Filtering and sorting return new tables; ``to_pandas()`` gives a DataFrame.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from jupyter_tb._proto import hparams_pb2
from jupyter_tb.reading.hparams_sessions import SESSION_STATUSES, UNKNOWN_STATUS, metric_name, session_status
from jupyter_tb.reading.protocol import Reader
from jupyter_tb.reading.series import HParams

_DECLARED_KINDS = {
    hparams_pb2.DATA_TYPE_STRING: "string",
    hparams_pb2.DATA_TYPE_BOOL: "bool",
    hparams_pb2.DATA_TYPE_FLOAT64: "number",
}


def status_name(status) -> str:
    """Session status (enum value or already a name) -> "success"/"failure"/"running"/"unknown"."""
    name = status.upper().removeprefix("STATUS_") if isinstance(status, str) else session_status(status)
    return (name if name in SESSION_STATUSES.values() else UNKNOWN_STATUS).lower()


@dataclass(frozen=True)
class HParamColumn:
    """One hparam column. ``values`` holds Python values (float, str, bool or None)."""

    name: str
    kind: str  # "number" | "string" | "bool"
    values: tuple

    def numbers(self) -> np.ndarray:
        """float64 per row: numbers as they are, categories as their code, NaN missing."""
        if self.kind == "number":
            return np.array([math.nan if v is None else float(v) for v in self.values], dtype=np.float64)
        codes = self.codes()
        return np.where(codes < 0, np.nan, codes).astype(np.float64)

    def categories(self) -> list:
        """Distinct values of a category column, sorted (False before True)."""
        return sorted({v for v in self.values if v is not None}, key=lambda v: (str(type(v)), v))

    def codes(self) -> np.ndarray:
        index = {v: i for i, v in enumerate(self.categories())}
        return np.array([index.get(v, -1) if v is not None else -1 for v in self.values], dtype=np.int32)


def _infer_kind(values) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "number"
    return "string"


def _as_kind(value, kind: str):
    """Coerce one value to its column kind (a string column shows numbers as text)."""
    if value is None:
        return None
    if kind == "number":
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if kind == "bool":
        return bool(value) if isinstance(value, (bool, int, float)) else str(value).lower() == "true"
    return value if isinstance(value, str) else _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


@dataclass(frozen=True)
class SessionsTable:
    runs: tuple[str, ...]
    hparams: tuple[HParamColumn, ...]
    metric_names: tuple[str, ...]  # "tag", or "group/tag" when the metric lives in a sub-run
    metrics: np.ndarray  # float64 (n_sessions, n_metrics), NaN where never logged
    status: tuple[str, ...]
    start_time: np.ndarray  # float64 seconds since epoch, NaN unknown
    end_time: np.ndarray
    metric_runs: tuple[str, ...] = field(default=())  # run of each metric, relative to session

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def hparam_names(self) -> list[str]:
        return [c.name for c in self.hparams]

    def column(self, name: str) -> np.ndarray | tuple:
        """Values of a column by name: hparam, metric, "run", "status", "start_time", "end_time"."""
        for c in self.hparams:
            if c.name == name:
                return c.values
        if name in self.metric_names:
            return self.metrics[:, self.metric_names.index(name)]
        if name in ("run", "status"):
            return self.runs if name == "run" else self.status
        if name in ("start_time", "end_time"):
            return getattr(self, name)
        raise KeyError(f"no column {name!r}; columns: {self.columns()}")

    def columns(self) -> list[str]:
        return ["run", *self.hparam_names, *self.metric_names, "status", "start_time", "end_time"]

    # -- selection -----------------------------------------------------------------------
    def take(self, rows) -> SessionsTable:
        rows = np.asarray(rows, dtype=np.int64)
        pick = lambda seq: tuple(seq[i] for i in rows)  # noqa: E731
        return replace(
            self,
            runs=pick(self.runs),
            hparams=tuple(replace(c, values=pick(c.values)) for c in self.hparams),
            metrics=self.metrics[rows],
            status=pick(self.status),
            start_time=self.start_time[rows],
            end_time=self.end_time[rows],
        )

    def filter(self, run: str | None = None, status=None, **conditions) -> SessionsTable:
        """Rows matching every condition.

        ``run``: regex searched in the run name. ``status``: a name or a set of names.
        Keyword conditions per hparam or metric column (names with "/" go through a dict:
        ``table.filter(**{"hparam/accuracy": (0.9, None)})``):
        a ``(low, high)`` tuple keeps numbers in the closed range (None = unbounded);
        a set/list keeps the listed values; a callable gets the value and returns bool;
        anything else must equal the value.
        """
        keep = np.ones(len(self), dtype=bool)
        if run is not None:
            pattern = re.compile(run)
            keep &= np.array([bool(pattern.search(r)) for r in self.runs], dtype=bool)
        if status is not None:
            wanted = {status} if isinstance(status, str) else set(status)
            keep &= np.array([s in wanted for s in self.status], dtype=bool)
        for name, cond in conditions.items():
            values = self.column(name)
            keep &= np.array([_matches(v, cond) for v in values], dtype=bool)
        return self.take(np.flatnonzero(keep))

    def sort(self, by: str, descending: bool = False) -> SessionsTable:
        """Rows ordered by one column; missing values (None/NaN) always last; stable."""
        values = list(self.column(by))
        present = [i for i, v in enumerate(values) if not _missing(v)]
        missing = [i for i, v in enumerate(values) if _missing(v)]
        present.sort(key=lambda i: _sort_key(values[i]), reverse=descending)
        return self.take(present + missing)

    # -- output --------------------------------------------------------------------------
    def to_pandas(self):
        import pandas as pd

        data = {"run": list(self.runs)}
        for c in self.hparams:
            data[c.name] = list(c.values)
        for j, name in enumerate(self.metric_names):
            data[name] = self.metrics[:, j]
        data["status"] = list(self.status)
        data["start_time"] = pd.to_datetime(self.start_time, unit="s", utc=True)
        data["end_time"] = pd.to_datetime(self.end_time, unit="s", utc=True)
        return pd.DataFrame(data, columns=list(data))

    def to_wire(self) -> dict:
        """JSON-able description plus numpy arrays (the widget packs them as buffers).

        Every column travels as float64 ``values`` for drawing axes (category columns as
        codes) with its ``categories`` as strings for labels.
        """
        columns = []
        for c in self.hparams:
            columns.append(
                {
                    "name": c.name,
                    "group": "hparam",
                    "kind": c.kind,
                    "values": c.numbers(),
                    "categories": [_text(v) for v in c.categories()] if c.kind != "number" else [],
                }
            )
        for j, name in enumerate(self.metric_names):
            columns.append(
                {
                    "name": name,
                    "group": "metric",
                    "kind": "number",
                    "values": np.ascontiguousarray(self.metrics[:, j]),
                    "categories": [],
                }
            )
        return {
            "runs": list(self.runs),
            "status": list(self.status),
            "start_time": self.start_time,
            "end_time": self.end_time,
            "columns": columns,
        }


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _sort_key(v):
    # numbers before strings when a column mixes them
    return (0, float(v), "") if isinstance(v, (int, float, np.floating)) else (1, 0.0, str(v))


def _matches(value, cond) -> bool:
    if callable(cond):
        return bool(cond(value))
    if _missing(value):
        return False
    if isinstance(cond, tuple) and len(cond) == 2:
        lo, hi = cond
        try:
            x = float(value)
        except (TypeError, ValueError):
            return False
        return (lo is None or x >= lo) and (hi is None or x <= hi)
    if isinstance(cond, (set, frozenset, list)):
        return value in cond
    return value == cond


def _metric_keys(experiment, sessions) -> list[tuple[str, str]]:
    """(group, tag) of every metric: the experiment's declared ones first, then others seen."""
    keys: list[tuple[str, str]] = []
    if experiment is not None:
        for info in experiment.metric_infos:
            keys.append((info.name.group, info.name.tag))
    known = {metric_name(group, tag) for group, tag in keys}
    for s in sessions:
        for name in s.metrics:  # the reader names grouped metrics "group/tag" too
            if name not in known:
                known.add(name)
                keys.append(("", name))
    return keys


def sessions_table(ld: Reader, hparams: HParams | None = None) -> SessionsTable:
    """Build the table from a reader's ``ld.hparams()``.

    ``hparams``: an already fetched ``ld.hparams()`` result, to avoid reading it twice.
    """
    hp = ld.hparams() if hparams is None else hparams
    experiment = hp.experiment
    sessions = sorted(hp.sessions, key=lambda s: s.run)

    # hparam columns: declared ones (with their declared type) first, then any others
    names: list[str] = []
    declared: dict[str, str] = {}
    if experiment is not None:
        for info in experiment.hparam_infos:
            names.append(info.name)
            declared[info.name] = _DECLARED_KINDS.get(info.type, "")
    for s in sessions:
        for key in s.hparams:
            if key not in declared and key not in names:
                names.append(key)
    columns = []
    for name in names:
        raw = [s.hparams.get(name) for s in sessions]
        kind = declared.get(name) or _infer_kind(raw)
        columns.append(HParamColumn(name, kind, tuple(_as_kind(v, kind) for v in raw)))

    keys = _metric_keys(experiment, sessions)
    metrics = np.full((len(sessions), len(keys)), np.nan, dtype=np.float64)
    for i, s in enumerate(sessions):
        for j, (group, tag) in enumerate(keys):
            metrics[i, j] = s.metrics.get(metric_name(group, tag), math.nan)

    def times(attr):
        return np.array([math.nan if getattr(s, attr) is None else float(getattr(s, attr)) for s in sessions])

    return SessionsTable(
        runs=tuple(s.run for s in sessions),
        hparams=tuple(columns),
        metric_names=tuple(metric_name(g, t) for g, t in keys),
        metrics=metrics,
        status=tuple(status_name(s.status) for s in sessions),
        start_time=times("start_time"),
        end_time=times("end_time"),
        metric_runs=tuple(g for g, _ in keys),
    )
