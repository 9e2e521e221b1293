"""Several logdirs read as one, under names (TensorBoard's ``--logdir_spec name:path,...``).

Run ``r`` of the logdir named ``n`` appears as ``n/r`` (``n`` for the logdir's own root run).
Run-keyed accessors go to the logdir the run belongs to; experiment-wide ones
(``hparams()``, ``custom_scalars_layout()``, ``embeddings()``) come from the first logdir.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from jupyter_tb._proto import plugins_pb2
from jupyter_tb.reading import series
from jupyter_tb.reading.logdir import Logdir
from jupyter_tb.reading.protocol import Reader


def spec_run_name(name: str, run: str) -> str:
    """The name run ``run`` of the logdir named ``name`` goes by."""
    return name if run == "." else f"{name}/{run}"


def _in_run_logdir(method):
    """A SpecLogdir method (same signature as the Logdir ``method``, run first) that calls
    ``method`` on the logdir holding the run, with the run's name there."""

    @functools.wraps(method)
    def in_run_logdir(self, run: str, *args, **kwargs):
        ld, inner = self._split(run)
        return method(ld, inner, *args, **kwargs)

    return in_run_logdir


class SpecLogdir(Reader):
    """The logdirs of ``named`` ({name: Logdir}, in order) as one reader."""

    def __init__(self, named: dict[str, Logdir]):
        self._named = dict(named)
        self._first = next(iter(self._named.values()))
        self.path = ",".join(f"{n}:{ld.path}" for n, ld in self._named.items())

    def _split(self, run: str) -> tuple[Logdir, str]:
        """The logdir holding ``run`` and the run's name in it."""
        for name, ld in self._named.items():
            if run == name:
                return ld, "."
            if run.startswith(name + "/"):
                return ld, run[len(name) + 1 :]
        raise KeyError(f"no run {run!r}")

    # ------------------------------------------------------------------ over all logdirs

    @property
    def runs(self) -> list[str]:
        return sorted(spec_run_name(n, r) for n, ld in self._named.items() for r in ld.runs)

    @property
    def progress(self) -> tuple[int, int, int]:
        parts = [ld.progress for ld in self._named.values()]
        return tuple(sum(p[i] for p in parts) for i in range(3))

    @property
    def waiting(self) -> bool:
        """True while any of the logdirs does not exist yet."""
        return any(ld.waiting for ld in self._named.values())

    @property
    def errors(self) -> list[str]:
        return [f"{n}: {e}" for n, ld in self._named.items() for e in ld.errors]

    @property
    def version(self) -> int:
        return sum(ld.version for ld in self._named.values())

    def scalars_appended(self, cursors: Mapping[tuple[str, str], int]) -> list[series.AppendedScalars]:
        """``Logdir.scalars_appended`` over every logdir, runs named as here."""
        out = []
        for name, ld in self._named.items():
            for item in ld.scalars_appended(_CursorsOf(cursors, name)):
                out.append(item._replace(run=spec_run_name(name, item.run)))
        return out

    # ------------------------------------------------------------------ by run: the run's logdir

    tags = _in_run_logdir(Logdir.tags)
    metadata = _in_run_logdir(Logdir.metadata)
    scalars = _in_run_logdir(Logdir.scalars)
    images = _in_run_logdir(Logdir.images)
    audio = _in_run_logdir(Logdir.audio)
    histograms = _in_run_logdir(Logdir.histograms)
    pr_curves = _in_run_logdir(Logdir.pr_curves)
    text = _in_run_logdir(Logdir.text)
    tensors = _in_run_logdir(Logdir.tensors)
    graph = _in_run_logdir(Logdir.graph)
    run_metadata = _in_run_logdir(Logdir.run_metadata)
    profile = _in_run_logdir(Logdir.profile)

    # ------------------------------------------------------------------ experiment-wide: the first logdir's

    def hparams(self) -> series.HParams:
        return self._first.hparams()

    def custom_scalars_layout(self) -> plugins_pb2.Layout | None:
        return self._first.custom_scalars_layout()

    def embeddings(self) -> list[series.Embedding]:
        return self._first.embeddings()


class _CursorsOf:
    """The cursors of one named logdir's runs, looked up by their names in that logdir."""

    def __init__(self, cursors: Mapping[tuple[str, str], int], name: str):
        self._cursors, self._name = cursors, name

    def get(self, key: tuple[str, str], default: int = 0) -> int:
        return self._cursors.get((spec_run_name(self._name, key[0]), key[1]), default)
