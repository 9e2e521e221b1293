"""``jupyter_tb.read(logdir)``: every run of a logdir, read incrementally, safe to share.

A run is any directory under the logdir holding event files (name containing "tfevents"), at
any depth; the logdir itself is run ".". Each run's files are read in name order (their names
start with the creation time). :meth:`Logdir.reload` reads only bytes appended since the last
call, picks up new files and runs and drops runs whose directory is gone (a run whose event
files were deleted keeps what they held while its directory stays). Reads happen outside
the data lock; each chunk is applied under it, so accessors on other threads (widgets while
the watcher reloads) see whole chunks and never a half-applied one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np

from jupyter_tb._proto import event_pb2, graph_pb2, plugins_pb2, summary_pb2
from jupyter_tb.format import migrate
from jupyter_tb.format.protowire import message_fields
from jupyter_tb.reading import hparams_sessions
from jupyter_tb.reading.custom_scalars_layout import merge_layouts
from jupyter_tb.reading.embeddings import parse_projector_config
from jupyter_tb.reading.ingest import GRAPH_TAG, ingest_chunk
from jupyter_tb.reading.loader import EventFileLoader, ReadBuffer
from jupyter_tb.reading.profile_trace import RunProfile, TraceFiles
from jupyter_tb.reading.protocol import Reader
from jupyter_tb.reading.run_store import RunStore
from jupyter_tb.reading.series import (
    AppendedScalars,
    AudioEntry,
    AudioSeries,
    Embedding,
    HistogramSeries,
    HParams,
    ImageEntry,
    ImageSeries,
    PrCurveSeries,
    ScalarSeries,
    TensorSeries,
    TextSeries,
)
from jupyter_tb.reading.storage import open_storage


class _Run:
    def __init__(self):
        self.store = RunStore()
        self.loaders: dict[str, EventFileLoader] = {}


class Logdir(Reader):
    """The runs of one logdir. Use :func:`read` to create one."""

    def __init__(
        self,
        logdir,
        *,
        verify_crc: bool = True,
        storage_options: dict | None = None,
        missing_ok: bool = False,
    ):
        self._storage = open_storage(logdir, **(storage_options or {}))
        # A live board may start before training creates its logdir (as TensorBoard does):
        # with missing_ok, an absent root reads as empty until it appears.
        if missing_ok:
            self._waiting = self._root_missing()
        else:
            self._storage.check()
            self._waiting = False
        self.path = self._storage.url
        self.verify_crc = verify_crc
        self._lock = threading.RLock()  # guards everything below
        self._reload_lock = threading.Lock()  # one reload at a time
        self._runs: dict[str, _Run] = {}
        self._projector_configs: dict[str, object] = {}  # run -> FileInfo of its config
        self._embedding_cache: dict[str, list[Embedding]] = {}
        self._key_versions: dict[tuple[str, str, str], int] = {}
        self._seen_errors: set[str] = set()
        self._loaded_once = False
        self.version = 0
        self.errors: list[str] = []
        self._progress = (0, 0, 0)
        self._traces = TraceFiles(self._storage, self._report_now)  # torch.profiler traces

    def __repr__(self) -> str:
        return f"Logdir({self.path!r}, runs={len(self.runs)})"

    def _root_missing(self) -> bool:
        """True while the logdir does not exist; other problems (not a folder) still raise."""
        try:
            self._storage.check()
        except FileNotFoundError:
            return True
        return False

    # ------------------------------------------------------------------ loading

    def reload(self) -> set[tuple[str, str, str]]:
        """Read what was appended since the last call; returns the changed (run, kind, tag)."""
        with self._reload_lock:
            if self._waiting:  # only until the root appears: then the listing reports a vanished one
                self._waiting = self._root_missing()
                if self._waiting:
                    return set()
            before = self.version
            first, self._loaded_once = not self._loaded_once, True
            listing = self._storage.list()
            self._report(listing.errors)
            total = sum(f.size for files in listing.event_files.values() for f in files)
            done = sum(
                loader.offset
                for name, run in self._runs.items()
                if name in listing.event_files
                for loader in run.loaders.values()
            )
            with self._lock:
                # a run lives while its directory does: deleting its event files keeps what they held
                for name in [r for r in self._runs if r not in listing.dirs]:
                    self._drop_run(name)
                self._set_projector_configs(
                    {
                        run: info
                        for run, info in listing.projector_configs.items()
                        if run in listing.event_files or run == "."
                    }
                )
                self._progress = (done, total, len(listing.event_files))
            buffer = ReadBuffer()  # one for the whole pass: each chunk is ingested before the next
            for name in sorted(set(listing.event_files) | set(self._runs)):
                run = self._runs.get(name)
                if run is None:
                    with self._lock:
                        run = self._runs[name] = _Run()
                listed = listing.event_files.get(name, [])
                for gone in set(run.loaders) - {info.path for info in listed}:
                    del run.loaders[gone]  # a deleted file: what it held stays
                for info in listed:
                    done += self._read_file(name, run, info, buffer, newest=info is listed[-1])
                    with self._lock:
                        self._progress = (done, total, len(listing.event_files))
            if first:
                self._trim()
            self._read_traces(listing, done, total)
            return self.changes_since(before)[1]

    def _read_traces(self, listing, done: int, total: int) -> None:
        runs = len(set(listing.event_files) | set(listing.trace_files))

        def progress(parsed: int, listed: int) -> None:
            with self._lock:
                self._progress = (done + parsed, total + listed, runs)

        changed = self._traces.refresh(listing.trace_files, progress)
        with self._lock:
            for key in changed:
                self.version += 1
                self._key_versions[key] = self.version

    def _trim(self) -> None:
        # after the bulk first load, give back the columns' spare growth room (one copy each);
        # not after every live poll, where that room is what keeps appends cheap
        with self._lock:
            for run in self._runs.values():
                run.store.trim()

    def _read_file(self, name: str, run: _Run, info, buffer: ReadBuffer, newest: bool) -> int:
        loader = run.loaders.get(info.path)
        if loader is None:
            loader = run.loaders[info.path] = EventFileLoader(
                self._storage, info.path, verify_crc=self.verify_crc
            )
        start = loader.offset
        # A writer appends to the newest file of its run only; an older file that did not grow
        # since the last poll never will, so a record it holds back is truncation or garbage.
        final = not newest and loader.pending > 0 and info.size == loader.offset
        errors: list[str] = []
        try:
            for chunk in loader.poll(info.size, final=final, buffer=buffer):
                with self._lock:
                    ingest_chunk(run.store, chunk, errors)
                    self._publish(name, run.store)
        except OSError as error:
            errors.append(f"cannot read {info.path}: {error.strerror or error}")
        except Exception as error:  # a reader bug must cost one file's chunk, not the logdir
            errors.append(
                f"failed reading {info.path} near offset {loader.offset}: {type(error).__name__}: {error}"
            )
        errors.extend(loader.errors)
        loader.errors.clear()
        with self._lock:
            self._report(errors)
        return loader.offset - start

    def _report(self, errors) -> None:
        for message in errors:
            if message not in self._seen_errors:
                self._seen_errors.add(message)
                self.errors.append(message)

    def _publish(self, name: str, store: RunStore) -> None:
        changed = store.take_changes()
        if changed:
            self.version += 1
            for kind, tag in changed:
                self._key_versions[(name, kind, tag)] = self.version

    def _drop_run(self, name: str) -> None:
        run = self._runs.pop(name)
        self.version += 1
        for kind, tag in run.store.tracks:
            self._key_versions[(name, kind, tag)] = self.version

    def _set_projector_configs(self, configs: dict[str, str]) -> None:
        if configs != self._projector_configs:
            self.version += 1
            for run in set(configs) | set(self._projector_configs):
                if configs.get(run) != self._projector_configs.get(run):
                    self._key_versions[(run, "projector", "")] = self.version
                    self._embedding_cache.pop(run, None)
            self._projector_configs = configs

    def changes_since(self, version: int) -> tuple[int, set[tuple[str, str, str]]]:
        """(current version, the (run, kind, tag) changed after ``version``)."""
        with self._lock:
            return self.version, {key for key, v in self._key_versions.items() if v > version}

    # ------------------------------------------------------------------ listing

    @property
    def runs(self) -> list[str]:
        with self._lock:
            return sorted(set(self._runs) | set(self._projector_configs) | set(self._traces.runs()))

    @property
    def progress(self) -> tuple[int, int, int]:
        """(bytes read, bytes listed, runs) of the read under way."""
        return self._progress

    @property
    def waiting(self) -> bool:
        """True while the logdir does not exist yet (``missing_ok``): it reads as empty."""
        return self._waiting

    def tags(self, run: str) -> dict[str, list[str]]:
        """{kind: [tag, ...]} of one run, for the kinds it holds."""
        with self._lock:
            out: dict[str, list[str]] = {}
            state = self._runs.get(run)
            cycles = self._traces.cycles(run)
            if state is None and run not in self._projector_configs and not cycles:
                raise KeyError(self._no_run(run))
            if cycles:
                out["profile"] = [cycle.name for cycle in cycles]
            if state is not None:
                store = state.store
                for (kind, tag), track in store.tracks.items():
                    if len(track):
                        out.setdefault(kind, []).append(tag)
                graphs = ([GRAPH_TAG] if store.graph else []) + list(store.run_metadata)
                if graphs:
                    out.setdefault("graphs", []).extend(graphs)
            names = [e.name for e in self._embeddings_of(run)] if run in self._projector_configs else []
            if names:
                out["projector"] = names
            return {kind: sorted(tags) for kind, tags in sorted(out.items())}

    def metadata(self, run: str, tag: str) -> summary_pb2.SummaryMetadata:
        """The tag's SummaryMetadata (plugin_name, content) from its first value."""
        with self._lock:
            return self._store(run).metadata[tag]

    # ------------------------------------------------------------------ accessors

    def scalars(self, run: str, tag: str) -> ScalarSeries:
        with self._lock:
            track = self._track(run, "scalars", tag)
            return ScalarSeries(run, tag, track.steps.view(), track.wall_times.view(), track.data.view())

    def scalars_appended(self, cursors: Mapping[tuple[str, str], int]) -> list[AppendedScalars]:
        """The points of every scalar series past its cursor, in one call under one lock (a
        poller of thousands of series pays no accessor call per series, and none at all for a
        series without new points).

        ``cursors``: (run, tag) -> points already seen (a series not in it: 0). Series with no
        new points are left out. A series now shorter than its cursor (a restart purged
        steps) comes whole, with ``start`` 0, so the caller can tell it was cut.
        """
        out = []
        with self._lock:
            for run, state in self._runs.items():
                for (kind, tag), track in state.store.tracks.items():
                    if kind != "scalars":
                        continue
                    start, end = cursors.get((run, tag), 0), len(track.steps)
                    if end == start:
                        continue
                    if end < start:
                        start = 0
                    out.append(
                        AppendedScalars(
                            run,
                            tag,
                            start,
                            track.steps.view_from(start),
                            track.wall_times.view_from(start),
                            track.data.view_from(start),
                        )
                    )
        return out

    def scalars_frame(self, runs=None, tags=None):
        """pandas DataFrame with columns run, tag (categorical), step, wall_time, value."""
        import pandas as pd

        series = [
            self.scalars(run, tag)
            for run in (self.runs if runs is None else runs)
            for tag in self.tags(run).get("scalars", [])
            if tags is None or tag in tags
        ]
        run_names = sorted({s.run for s in series})
        tag_names = sorted({s.tag for s in series})
        run_code = {name: i for i, name in enumerate(run_names)}
        tag_code = {name: i for i, name in enumerate(tag_names)}

        def column(pick, dtype):
            return np.concatenate([pick(s) for s in series]) if series else np.zeros(0, dtype)

        return pd.DataFrame(
            {
                "run": pd.Categorical.from_codes(
                    column(lambda s: np.full(len(s), run_code[s.run], np.int32), np.int32), run_names
                ),
                "tag": pd.Categorical.from_codes(
                    column(lambda s: np.full(len(s), tag_code[s.tag], np.int32), np.int32), tag_names
                ),
                "step": column(lambda s: s.steps, np.int64),
                "wall_time": column(lambda s: s.wall_times, np.float64),
                "value": column(lambda s: s.values, np.float64),
            }
        )

    def images(self, run: str, tag: str) -> ImageSeries:
        return self._blob_series(run, "images", tag, ImageSeries)

    def audio(self, run: str, tag: str) -> AudioSeries:
        return self._blob_series(run, "audio", tag, AudioSeries)

    def _blob_series(self, run, kind, tag, series_class):
        with self._lock:
            track = self._track(run, kind, tag)
            steps, walls, items = track.steps.view(), track.wall_times.view(), track.data.view()
        entries = []
        for step, wall, (ref, info) in zip(steps.tolist(), walls.tolist(), items):
            fetch = _BlobFetcher(self._storage, ref, kind)
            common = (step, wall, info.samples, info.content_type, fetch)
            if kind == "images":
                entries.append(ImageEntry(*common, width=info.width, height=info.height))
            else:
                entries.append(AudioEntry(*common, sample_rate=info.sample_rate, labels=info.labels))
        return series_class(run, tag, steps, walls, tuple(entries))

    def histograms(self, run: str, tag: str) -> HistogramSeries:
        with self._lock:
            track = self._track(run, "histograms", tag)
            rows, ends = track.data.view()
            return HistogramSeries(run, tag, track.steps.view(), track.wall_times.view(), rows, ends)

    def pr_curves(self, run: str, tag: str) -> PrCurveSeries:
        with self._lock:
            track = self._track(run, "pr_curves", tag)
            rows, ends = track.data.view()
            steps, walls = track.steps.view(), track.wall_times.view()
        counts = np.diff(ends, prepend=0)
        n = int(counts.max()) if len(counts) else 0
        if len(counts) and (counts == n).all():
            data = rows.reshape(len(counts), n, 6).transpose(0, 2, 1).copy()
        else:  # threshold counts changed between steps: pad with NaN
            data = np.full((len(counts), 6, n), np.nan)
            for i, (end, count) in enumerate(zip(ends, counts)):
                data[i, :, :count] = rows[end - count : end].T
        data.flags.writeable = False
        thresholds = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
        return PrCurveSeries(run, tag, steps, walls, data, thresholds)

    def text(self, run: str, tag: str) -> TextSeries:
        with self._lock:
            track = self._track(run, "text", tag)
            return TextSeries(run, tag, track.steps.view(), track.wall_times.view(), track.data.view())

    def tensors(self, run: str, tag: str) -> TensorSeries:
        """Any tag as tensors: generic and mesh tags as stored; other kinds as their arrays.
        Images and audio stay in their files: use :meth:`images` / :meth:`audio`."""
        with self._lock:
            store = self._store(run)
            kind = store.kinds.get(tag)
            if kind is None:
                raise KeyError(f"run {run!r} has no tag {tag!r}")
            if kind in ("images", "audio"):
                raise TypeError(f"{tag!r} is an {kind} tag: use ld.{kind}(run, tag)")
            track = self._track(run, kind, tag)
            steps, walls, data = track.steps.view(), track.wall_times.view(), track.data.view()
        if kind == "scalars":
            values = [np.asarray(v) for v in data]
        elif kind in ("histograms", "pr_curves"):
            rows, ends = data
            starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
            values = [rows[s:e] if kind == "histograms" else rows[s:e].T for s, e in zip(starts, ends)]
        else:
            values = list(data)
        return TensorSeries(run, tag, steps, walls, values)

    def graph(self, run: str) -> graph_pb2.GraphDef | None:
        """The run's GraphDef (from graph_def, else meta_graph_def), or None."""
        with self._lock:
            store = self._store(run)
            ref, is_meta = store.graph, store.graph_is_meta
        if ref is None:
            return None
        event = event_pb2.Event.FromString(self._storage.read(ref.path, ref.offset, ref.length))
        graph = graph_pb2.GraphDef()
        if is_meta:
            # MetaGraphDef.graph_def is field 2; we keep no MetaGraphDef schema for the rest
            graph.ParseFromString(message_fields(event.meta_graph_def).get(2, [b""])[-1])
        else:
            graph.ParseFromString(event.graph_def)
        return graph

    def run_metadata(self, run: str, tag: str) -> bytes:
        """Serialized RunMetadata of a tagged_run_metadata event (kept opaque)."""
        with self._lock:
            ref = self._store(run).run_metadata[tag]
        event = event_pb2.Event.FromString(self._storage.read(ref.path, ref.offset, ref.length))
        return event.tagged_run_metadata.run_metadata

    # ------------------------------------------------------------------ plugins

    def hparams(self) -> HParams:
        """The experiment (merged over runs) and one Session per run with session_start_info."""
        with self._lock:
            found = [
                (run, tag, state.store.metadata[tag])
                for run, state in sorted(self._runs.items())
                for tag, kind in state.store.kinds.items()
                if kind == "hparams"
            ]
        return hparams_sessions.assemble(self, found, self._report_now)

    def custom_scalars_layout(self) -> plugins_pb2.Layout | None:
        """plugins_pb2.Layout merged over runs (categories by title, charts in order), or None."""
        with self._lock:
            layouts = []
            for _run, state in sorted(self._runs.items()):
                track = state.store.tracks.get(("custom_scalars", migrate.CUSTOM_SCALARS_TAG))
                if track is not None and len(track):
                    layouts.append(track.data.view()[-1])
        return merge_layouts(layouts)

    def embeddings(self) -> list[Embedding]:
        with self._lock:
            runs = sorted(self._projector_configs)
        return [e for run in runs for e in self._embeddings_of(run)]

    def _embeddings_of(self, run: str) -> list[Embedding]:
        with self._lock:
            cached = self._embedding_cache.get(run)
            info = self._projector_configs.get(run)
        if cached is not None or info is None:
            return cached or []
        embeddings = parse_projector_config(self._storage, run, info.path, self._report_now)
        with self._lock:
            if self._projector_configs.get(run) == info:
                self._embedding_cache[run] = embeddings
        return embeddings

    def profile(self, run: str) -> RunProfile:
        """The run's torch.profiler traces (one cycle per trace file): ``.operators()``,
        ``.steps()``, ``.kernels()``, ``.memory()``, ``.trace()``."""
        cycles = self._traces.cycles(run)
        if not cycles:
            raise KeyError(f"run {run!r} holds no profiler trace; runs with one: {self._traces.runs()}")
        return RunProfile(run, cycles, self._storage)

    # ------------------------------------------------------------------ helpers

    def _report_now(self, message: str) -> None:
        with self._lock:
            self._report([message])

    def _no_run(self, run: str) -> str:
        return f"no run {run!r} in {self.path}; runs: {self.runs}"

    def _store(self, run: str) -> RunStore:
        state = self._runs.get(run)
        if state is None:
            raise KeyError(self._no_run(run))
        return state.store

    def _track(self, run: str, kind: str, tag: str):
        track = self._store(run).tracks.get((kind, tag))
        if track is None:
            raise KeyError(f"run {run!r} has no {kind} tag {tag!r}")
        return track


class _BlobFetcher:
    """Reads one image/audio record back and picks a sample's encoded bytes."""

    __slots__ = ("kind", "ref", "storage")

    def __init__(self, storage, ref, kind):
        self.storage, self.ref, self.kind = storage, ref, kind

    def __call__(self, sample: int) -> bytes:
        ref = self.ref
        event = event_pb2.Event.FromString(self.storage.read(ref.path, ref.offset, ref.length))
        for value in event.summary.value:
            if value.tag == ref.tag:
                return migrate.blob_sample(value, self.kind, sample)
        raise KeyError(f"{ref.path}@{ref.offset}: tag {ref.tag!r} not found")


def read(logdir, *, verify_crc: bool = True, storage_options: dict | None = None) -> Logdir:
    """Read a logdir (local path or fsspec URL such as "s3://bucket/runs") once, fully.

    Call ``reload()`` on the result to read what was appended since, or hand it to
    :class:`jupyter_tb.reading.watcher.LogdirWatcher` to keep it current.
    """
    ld = Logdir(logdir, verify_crc=verify_crc, storage_options=storage_options)
    ld.reload()
    return ld
