"""Mesh view: each logged mesh (``add_mesh``: tensors ``<name>_VERTEX``, ``_FACE``,
``_COLOR`` of plugin "mesh") drawn in 3-D: faces shaded in the logged vertex colours (a point
cloud when no faces were logged), axes, an orbit camera, and a step selector; one mesh per
shown run.

The steps of every mesh go to the browser; the meshes themselves for the latest step, and
for every step while a (run, mesh) holds at most ``PREFETCH_BYTES`` in all (so the step
selector works while the kernel is busy); other steps are requested.

Messages (kernel -> browser): ``reset``/``catalog`` ``{runs, tags: {run: [mesh name, ...]}}``;
``mesh_steps`` ``{run, tag, steps}``; ``mesh`` ``{run, tag, step, wall, vertices (n, 3) float32,
colors (n, 3) uint8 | null, faces (f, 3) int32 | null}`` (the first mesh of the logged
batch). Request: ``mesh {run, tag, step}`` -> the ``mesh`` message's fields.
"""

from __future__ import annotations

import numpy as np
import traitlets

from jupyter_tb._proto import plugins_pb2
from jupyter_tb.widgets.base import TaggedView, register_view

_PARTS = {
    plugins_pb2.MeshPluginData.VERTEX: "vertices",
    plugins_pb2.MeshPluginData.FACE: "faces",
    plugins_pb2.MeshPluginData.COLOR: "colors",
}
_DTYPES = {"vertices": np.float32, "faces": np.int32, "colors": np.uint8}
PREFETCH_BYTES = 8 * 1024 * 1024  # all steps of a (run, mesh) are pushed while this many bytes suffice


@register_view(title="Mesh", order=95)
class Mesh(TaggedView):
    _kind = traitlets.Unicode("mesh").tag(sync=True)
    kinds = ("mesh",)

    def setup(self) -> None:
        super().setup()
        self._names: dict[str, dict[str, dict[str, str]]] = {}

    def _parts(self, run: str) -> dict[str, dict[str, str]]:
        """{mesh name: {"vertices"|"faces"|"colors": tensor tag}} of one run."""
        meshes: dict[str, dict[str, str]] = {}
        for tag in self.logdir.tags(run).get("mesh", []):
            content = plugins_pb2.MeshPluginData.FromString(
                self.logdir.metadata(run, tag).plugin_data.content
            )
            name = content.name or tag.rsplit("_", 1)[0]
            part = _PARTS.get(content.content_type)
            if part:
                meshes.setdefault(name, {})[part] = tag
        return meshes

    def catalog_message(self, type_: str = "reset", kind: str | None = None) -> dict:
        runs = self.run_names()
        self._names = {run: self._parts(run) for run in runs}
        tags = {
            run: sorted(n for n, parts in meshes.items() if "vertices" in parts and self.tag_matches(n))
            for run, meshes in self._names.items()
        }
        self._last_catalog = (runs, tags)
        return {"type": type_, "runs": runs, "tags": tags}

    def updates(self, changes: set) -> list[dict]:
        messages, tags = self.catalog_update()
        changed = {
            (run, name)
            for run, kind, tag in changes
            if kind == "mesh"
            for name, parts in self._names.get(run, {}).items()
            if tag in parts.values()
        }
        wanted = {(run, name) for run, names in tags.items() for name in names}
        for run, name in sorted(wanted & (changed | (wanted - set(self.sent)))):
            messages.extend(self.series_messages(run, name))
        return messages

    def series_messages(self, run: str, tag: str) -> list[dict]:
        parts = self._names.get(run, {}).get(tag, {})
        vertices = self.logdir.tensors(run, parts["vertices"])
        if not len(vertices):
            return []
        steps = np.asarray(vertices.steps, dtype=np.int64)
        latest = int(steps[-1])
        before = self.sent.get((run, tag))
        self.sent[(run, tag)] = latest
        messages: list[dict] = [
            {"type": "mesh_steps", "run": run, "tag": tag, "steps": steps.astype(np.float64)}
        ]
        budget = PREFETCH_BYTES
        # the latest first (what the selector shows), then older ones while they fit
        for step in [latest] + (
            [] if before is not None else sorted(set(steps.tolist()) - {latest}, reverse=True)
        ):
            message = {"type": "mesh", **self._mesh_at(run, tag, vertices, int(step))}
            budget -= sum(v.nbytes for v in message.values() if isinstance(v, np.ndarray))
            if budget < 0 and step != latest:
                break
            messages.append(message)
        return messages

    def _mesh_at(self, run: str, tag: str, vertices, step: int) -> dict:
        """The parts of one mesh at ``step`` (each part's last value logged at that step)."""
        at = np.flatnonzero(np.asarray(vertices.steps) == step)
        wall = float(vertices.wall_times[int(at[-1])]) if len(at) else float("nan")
        message = {
            "run": run,
            "tag": tag,
            "step": step,
            "wall": wall,
            "vertices": None,
            "colors": None,
            "faces": None,
        }
        for part, part_tag in self._names.get(run, {}).get(tag, {}).items():
            series = vertices if part == "vertices" else self.logdir.tensors(run, part_tag)
            hits = np.flatnonzero(np.asarray(series.steps) == step)
            if not len(hits):
                continue
            array = np.asarray(series.values[int(hits[-1])])
            if array.ndim == 3:  # (batch, n, 3): the first mesh of the batch
                array = array[0]
            message[part] = np.ascontiguousarray(array.reshape(-1, 3), dtype=_DTYPES[part])
        return message

    def request_mesh(self, run: str, tag: str, step: int) -> dict:
        """The mesh ``tag`` of ``run`` at ``step``."""
        if tag not in self._names.get(run, {}):
            self._names[run] = self._parts(run)
        parts = self._names.get(run, {}).get(tag)
        if not parts or "vertices" not in parts:
            raise KeyError(f"no mesh {tag!r} in run {run!r}")
        vertices = self.logdir.tensors(run, parts["vertices"])
        if int(step) not in set(np.asarray(vertices.steps).tolist()):
            raise KeyError(f"mesh {tag!r} of run {run!r} has no step {step}")
        return self._mesh_at(run, tag, vertices, int(step))
