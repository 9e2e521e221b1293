"""What ``jupyter_tb.read`` returns: the reader plus analyses built on ``compute``.

The reading layer may not import compute (compute reads reading's typed results), so methods
that need both live on this subclass, one level up.
"""

from __future__ import annotations

from jupyter_tb.compute import profile_tables
from jupyter_tb.compute.run_groups import aggregate_groups, group_runs
from jupyter_tb.reading import logdir as reading_logdir
from jupyter_tb.reading.profile_trace import RunProfile

AGGREGATE_COLUMNS = ["group", "step", "mean", "std", "min", "max", "median", "count"]


class Profile(RunProfile):
    """A run's profiler traces (one cycle per trace file) and their tables as pandas frames;
    ``cycle`` picks a trace file by name (default: the newest)."""

    def operators(self, cycle: str | None = None, group_by_shape: bool = False):
        """name, calls, self_cpu_us, total_cpu_us, self_device_us, total_device_us (plus
        input_dims with ``group_by_shape``), as ``prof.key_averages()`` counts them."""
        return profile_tables.as_frame(profile_tables.operator_table(self.trace(cycle), group_by_shape))

    def steps(self, cycle: str | None = None):
        """One row per ProfilerStep#N span: step, start_us, duration_us, breakdown columns."""
        return profile_tables.as_frame(profile_tables.step_table(self.trace(cycle)))

    def kernels(self, cycle: str | None = None):
        """GPU kernels by name and launching operator: calls, total/mean/max duration."""
        return profile_tables.as_frame(profile_tables.kernel_table(self.trace(cycle)))

    def memory(self, cycle: str | None = None):
        """time_us, device, allocated_bytes, reserved_bytes (traces with profile_memory=True)."""
        return profile_tables.as_frame(profile_tables.memory_series(self.trace(cycle)))


class Logdir(reading_logdir.Logdir):
    __doc__ = reading_logdir.Logdir.__doc__

    def profile(self, run: str) -> Profile:
        """The run's torch.profiler traces with their tables: ``.operators()``, ``.steps()``,
        ``.kernels()``, ``.memory()``, ``.trace()``."""
        traces = super().profile(run)
        return Profile(traces.run, traces.cycles, traces._storage)

    def groups(self, group_by, runs=None) -> dict[str, str]:
        """``{run: group}`` under ``group_by`` (a regex removed from run names, ``"hparam:NAME"``
        or a callable ``run -> group``); runs it leaves alone are groups of their own."""
        names = self.runs if runs is None else list(runs)
        sessions = (
            self.hparams().sessions if isinstance(group_by, str) and group_by.startswith("hparam:") else ()
        )
        return group_runs(names, group_by, sessions)

    def aggregate(self, tag: str, group_by=None, *, steps: str = "union", runs=None):
        """pandas DataFrame of ``tag`` per run group and step: columns group, step, mean, std
        (sample, ddof=1), min, max, median, count (runs contributing), sorted by group, step.

        ``steps="union"``: every step any member logged, each member linearly interpolated
        inside its own step range (never extrapolated); ``"exact"``: logged values only.
        """
        import pandas as pd

        holding = [
            run for run in (self.runs if runs is None else runs) if tag in self.tags(run).get("scalars", ())
        ]

        def read_series(run):
            series = self.scalars(run, tag)
            return series.steps, series.values

        aggregates = aggregate_groups(read_series, self.groups(group_by, holding), steps)
        frames = [
            pd.DataFrame(
                {
                    "group": group,
                    "step": agg.steps,
                    "mean": agg.mean,
                    "std": agg.std,
                    "min": agg.min,
                    "max": agg.max,
                    "median": agg.median,
                    "count": agg.count,
                }
            )
            for group, agg in aggregates.items()
        ]
        if not frames:
            return pd.DataFrame({name: [] for name in AGGREGATE_COLUMNS})
        return pd.concat(frames, ignore_index=True)


def read(logdir, *, verify_crc: bool = True, storage_options: dict | None = None) -> Logdir:
    """As :func:`jupyter_tb.reading.logdir.read` (read once, fully; ``reload()`` for more),
    returning this module's :class:`Logdir`."""
    ld = Logdir(logdir, verify_crc=verify_crc, storage_options=storage_options)
    ld.reload()
    return ld
