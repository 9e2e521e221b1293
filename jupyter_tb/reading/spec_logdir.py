"""Several logdirs read as one, under names (TensorBoard's ``--logdir_spec name:path,...``).

Run ``r`` of the logdir named ``n`` appears as ``n/r`` (``n`` for the logdir's own root run).
Run-keyed accessors go to the logdir the run belongs to; experiment-wide ones
(``hparams()``, ``custom_scalars_layout()``, ``embeddings()``) come from the first logdir.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jupyter_tb.reading.protocol import Reader

if TYPE_CHECKING:
    from jupyter_tb._proto import graph_pb2, plugins_pb2, summary_pb2
    from jupyter_tb.reading.logdir import Logdir
    from jupyter_tb.reading.series import (
        AudioSeries,
        Embedding,
        HistogramSeries,
        HParams,
        ImageSeries,
        PrCurveSeries,
        ScalarSeries,
        TensorSeries,
        TextSeries,
    )


def spec_run_name(name: str, run: str) -> str:
    """The name run ``run`` of the logdir named ``name`` goes by."""
    return name if run == "." else f"{name}/{run}"


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

    # ------------------------------------------------------------------ by run

    def tags(self, run: str) -> dict[str, list[str]]:
        ld, inner = self._split(run)
        return ld.tags(inner)

    def metadata(self, run: str, tag: str) -> summary_pb2.SummaryMetadata:
        ld, inner = self._split(run)
        return ld.metadata(inner, tag)

    def scalars(self, run: str, tag: str) -> ScalarSeries:
        ld, inner = self._split(run)
        return ld.scalars(inner, tag)

    def images(self, run: str, tag: str) -> ImageSeries:
        ld, inner = self._split(run)
        return ld.images(inner, tag)

    def audio(self, run: str, tag: str) -> AudioSeries:
        ld, inner = self._split(run)
        return ld.audio(inner, tag)

    def histograms(self, run: str, tag: str) -> HistogramSeries:
        ld, inner = self._split(run)
        return ld.histograms(inner, tag)

    def pr_curves(self, run: str, tag: str) -> PrCurveSeries:
        ld, inner = self._split(run)
        return ld.pr_curves(inner, tag)

    def text(self, run: str, tag: str) -> TextSeries:
        ld, inner = self._split(run)
        return ld.text(inner, tag)

    def tensors(self, run: str, tag: str) -> TensorSeries:
        ld, inner = self._split(run)
        return ld.tensors(inner, tag)

    def graph(self, run: str) -> graph_pb2.GraphDef | None:
        ld, inner = self._split(run)
        return ld.graph(inner)

    def run_metadata(self, run: str, tag: str) -> bytes:
        ld, inner = self._split(run)
        return ld.run_metadata(inner, tag)

    # ------------------------------------------------------------------ experiment-wide: the first logdir's

    def hparams(self) -> HParams:
        return self._first.hparams()

    def custom_scalars_layout(self) -> plugins_pb2.Layout | None:
        return self._first.custom_scalars_layout()

    def embeddings(self) -> list[Embedding]:
        return self._first.embeddings()
