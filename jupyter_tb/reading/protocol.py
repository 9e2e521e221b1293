"""The reader as the widgets see it: exactly what views, the dashboard and the compute
functions they call use of a logdir, and nothing else.

:class:`~jupyter_tb.reading.logdir.Logdir` (one logdir) and
:class:`~jupyter_tb.reading.spec_logdir.SpecLogdir` (several, under names) implement it
explicitly; ``tests/reading/test_protocol.py`` checks that both define every member with the
same signature.
"""

from __future__ import annotations

from typing import Protocol

from jupyter_tb._proto import graph_pb2, plugins_pb2, summary_pb2
from jupyter_tb.reading import profile_trace, series


class Reader(Protocol):
    """A logdir being read: its runs, each run's tags by kind, and the data of each tag."""

    @property
    def runs(self) -> list[str]:
        """Run names, sorted."""
        ...

    @property
    def progress(self) -> tuple[int, int, int]:
        """(bytes read, bytes listed, runs) of the read under way."""
        ...

    @property
    def waiting(self) -> bool:
        """True while the logdir does not exist yet (it is waited for)."""
        ...

    def tags(self, run: str) -> dict[str, list[str]]:
        """{kind: [tag, ...]} of one run, for the kinds it holds."""
        ...

    def metadata(self, run: str, tag: str) -> summary_pb2.SummaryMetadata:
        """The tag's SummaryMetadata (plugin_name, content) from its first value."""
        ...

    def scalars(self, run: str, tag: str) -> series.ScalarSeries: ...

    def images(self, run: str, tag: str) -> series.ImageSeries: ...

    def audio(self, run: str, tag: str) -> series.AudioSeries: ...

    def histograms(self, run: str, tag: str) -> series.HistogramSeries: ...

    def pr_curves(self, run: str, tag: str) -> series.PrCurveSeries: ...

    def text(self, run: str, tag: str) -> series.TextSeries: ...

    def tensors(self, run: str, tag: str) -> series.TensorSeries: ...

    def graph(self, run: str) -> graph_pb2.GraphDef | None: ...

    def profile(self, run: str) -> profile_trace.RunProfile:
        """The run's torch.profiler traces (KeyError when it holds none)."""
        ...

    def hparams(self) -> series.HParams: ...

    def custom_scalars_layout(self) -> plugins_pb2.Layout | None: ...

    def embeddings(self) -> list[series.Embedding]: ...
