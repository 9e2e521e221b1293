"""Mesh view (point clouds from add_mesh by tensorboardX and our writer) and video (add_video
GIFs reach the images view as image/gif, animated), no browser."""

import io

import numpy as np
import pytest
from PIL import Image
from tensorboardX import SummaryWriter as TBXWriter

import jupyter_tb
from jupyter_tb.widgets.views.images import Images
from jupyter_tb.widgets.views.mesh import Mesh
from tests.support.widget_capture import make_view


def cloud(step, n=50):
    rng = np.random.default_rng(step)
    vertices = rng.normal(size=(1, n, 3)).astype(np.float32)
    colors = rng.integers(0, 256, size=(1, n, 3)).astype(np.uint8)
    faces = rng.integers(0, n, size=(1, 20, 3)).astype(np.int32)
    return vertices, colors, faces


@pytest.fixture
def logdir(tmp_path):
    with TBXWriter(str(tmp_path / "tbx")) as w:
        for step in (0, 1):
            v, c, f = cloud(step)
            w.add_mesh("shapes/cloud", v, colors=c, faces=f, global_step=step)
    with jupyter_tb.SummaryWriter(str(tmp_path / "ours")) as w:
        v, _, _ = cloud(5)
        w.add_mesh("points", v, global_step=5)
    return tmp_path


def make(cls, logdir):
    return make_view(cls, logdir)


def test_mesh_latest_step_vertices_colors_faces(logdir, outbox, live_sources):
    w = make(Mesh, logdir)
    assert outbox.of(w)[0] == {
        "type": "reset",
        "runs": ["ours", "tbx"],
        "tags": {"ours": ["points"], "tbx": ["shapes/cloud"]},
    }
    meshes = {m["run"]: m for m in outbox.of(w, "mesh") if m["step"] == {"tbx": 1, "ours": 5}[m["run"]]}
    tbx = meshes["tbx"]
    v, c, f = cloud(1)
    assert tbx["step"] == 1 and tbx["tag"] == "shapes/cloud"
    vertex_tag = w._names["tbx"]["shapes/cloud"]["vertices"]
    assert tbx["wall"] == pytest.approx(w.logdir.tensors("tbx", vertex_tag).wall_times[1])
    assert tbx["vertices"].dtype == np.float32
    np.testing.assert_array_equal(tbx["vertices"], v[0])
    np.testing.assert_array_equal(tbx["colors"], c[0])
    np.testing.assert_array_equal(tbx["faces"], f[0])
    ours = meshes["ours"]
    np.testing.assert_array_equal(ours["vertices"], cloud(5)[0][0])
    assert ours["colors"] is None and ours["faces"] is None


def test_mesh_every_step_listed_pushed_when_small_and_requestable(logdir, outbox, live_sources, monkeypatch):
    from jupyter_tb.widgets.views import mesh as mesh_module

    w = make(Mesh, logdir)
    steps = {m["run"]: list(m["steps"]) for m in outbox.of(w, "mesh_steps")}
    assert steps == {"ours": [5], "tbx": [0, 1]}
    assert sorted(m["step"] for m in outbox.of(w, "mesh") if m["run"] == "tbx") == [0, 1]
    reply = w.request_mesh("tbx", "shapes/cloud", 0)
    v, _, f = cloud(0)
    np.testing.assert_array_equal(reply["vertices"], v[0])
    np.testing.assert_array_equal(reply["faces"], f[0])
    with pytest.raises(KeyError):
        w.request_mesh("tbx", "shapes/cloud", 7)
    # a large mesh series: only its latest step is pushed
    monkeypatch.setattr(mesh_module, "PREFETCH_BYTES", 1)
    outbox.clear(w)
    w2 = make(Mesh, logdir)
    assert [m["step"] for m in outbox.of(w2, "mesh") if m["run"] == "tbx"] == [1]


def test_new_mesh_step_is_sent_live(logdir, outbox, live_sources):
    w = make(Mesh, logdir)
    outbox.clear(w)
    with jupyter_tb.SummaryWriter(str(logdir / "ours")) as writer:
        writer.add_mesh("points", cloud(9)[0], global_step=9)
    [message] = outbox.wait_for(w, lambda m: m["type"] == "mesh")
    assert (message["run"], message["step"]) == ("ours", 9)
    np.testing.assert_array_equal(message["vertices"], cloud(9)[0][0])


def test_video_reaches_the_images_view_as_an_animated_gif(tmp_path, outbox, live_sources):
    frames = np.zeros((1, 4, 3, 16, 16), dtype=np.uint8)  # N T C H W
    for t in range(4):
        frames[0, t, :, :, 4 * t : 4 * t + 4] = 255
    with jupyter_tb.SummaryWriter(str(tmp_path / "v")) as w:
        w.add_video("clips/moving", frames, 0, fps=4)
    w = make(Images, tmp_path)
    [image] = outbox.of(w, "image")
    assert image["content_type"] == "image/gif"
    with Image.open(io.BytesIO(image["data"].tobytes())) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4 and gif.is_animated


def test_standalone_function_returns_the_view(logdir, live_sources):
    assert isinstance(jupyter_tb.mesh(logdir, reload_interval=0.2), Mesh)
