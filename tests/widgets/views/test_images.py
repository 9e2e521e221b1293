"""Images view: metadata and PNG bytes sent for a tensorboardX logdir (no browser)."""

import io

import numpy as np
import pytest
from PIL import Image
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb.widgets import blob_view as blobs_module
from jupyter_tb.widgets.live_source import open_source
from jupyter_tb.widgets.views.images import Images
from tests.support.widget_capture import make_view


def picture(step):
    img = np.zeros((8, 12, 3), dtype=np.uint8)
    img[:, : step % 12] = 255
    img[..., 1] = step
    return img


@pytest.fixture
def logdir(tmp_path):
    for run in ("a", "b"):
        with TBXWriter(str(tmp_path / run)) as w:
            for step in (0, 5, 10):
                w.add_image("samples/pic", picture(step), step, dataformats="HWC")
    return tmp_path


def make(logdir, **traits):
    return make_view(Images, logdir, **traits)


def test_entries_and_pushed_images_are_the_stored_pngs(logdir, outbox, live_sources):
    w = make(logdir)
    assert outbox.of(w)[0] == {
        "type": "reset",
        "runs": ["a", "b"],
        "tags": {"a": ["samples/pic"], "b": ["samples/pic"]},
    }
    entries = {m["run"]: m for m in outbox.of(w, "entries")}
    np.testing.assert_array_equal(entries["a"]["steps"], [0, 5, 10])
    assert list(entries["a"]["width"]) == [12, 12, 12] and list(entries["a"]["height"]) == [8] * 3
    pushed = outbox.of(w, "image")
    assert {(m["run"], m["step"]) for m in pushed} == {(r, s) for r in "ab" for s in (0, 5, 10)}
    first = pushed[0]
    assert first["step"] == 10  # the latest goes first: it is what the slider shows
    assert first["content_type"] == "image/png"
    pixels = np.asarray(Image.open(io.BytesIO(first["data"].tobytes())).convert("RGB"))
    np.testing.assert_array_equal(pixels, picture(10))


def test_large_series_push_only_latest_then_lazy_requests(logdir, outbox, live_sources, monkeypatch):
    monkeypatch.setattr(blobs_module, "PREFETCH_STEPS", 1)
    w = make(logdir)
    assert {(m["run"], m["step"]) for m in outbox.of(w, "image")} == {("a", 10), ("b", 10)}
    reply = w.request_image("a", "samples/pic", 5)
    pixels = np.asarray(Image.open(io.BytesIO(reply["data"])).convert("RGB"))
    np.testing.assert_array_equal(pixels, picture(5))
    with pytest.raises(KeyError):
        w.request_image("a", "samples/pic", 7)


def test_new_step_is_pushed_live(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    with TBXWriter(str(logdir / "a"), filename_suffix=".more") as writer:
        writer.add_image("samples/pic", picture(20), 20, dataformats="HWC")
    outbox.wait_for(w, lambda m: m["type"] == "image" and m["step"] == 20)
    entries = [m for m in outbox.of(w, "entries") if m["run"] == "a"][-1]
    np.testing.assert_array_equal(entries["steps"], [0, 5, 10, 20])
    assert not [m for m in outbox.of(w, "image") if m["step"] != 20]  # old images not resent


def test_samples_per_plugin_limits_steps(logdir, outbox, live_sources):
    source = open_source(logdir, reload_interval=0.2, samples_per_plugin={"images": 2})
    source.samples_per_plugin = {"images": 2}
    source.wait_loaded(30)
    w = Images(source)
    entries = {m["run"]: m for m in outbox.of(w, "entries")}
    np.testing.assert_array_equal(entries["a"]["steps"], [0, 10])


def test_a_step_with_several_images_sends_every_one(tmp_path, outbox, live_sources):
    from tests.support.tf_images import add_tf_images

    shots = [picture(3 * k + 1) for k in range(3)]
    with TBXWriter(str(tmp_path / "tf")) as w:
        add_tf_images(w, "batch/inputs", shots, 7)
    w = make(tmp_path)
    entries = outbox.of(w, "entries")[0]
    assert list(entries["samples"]) == [3]
    pushed = sorted(outbox.of(w, "image"), key=lambda m: m["sample"])
    assert [(m["step"], m["sample"]) for m in pushed] == [(7, 0), (7, 1), (7, 2)]
    for message, shot in zip(pushed, shots, strict=True):
        pixels = np.asarray(Image.open(io.BytesIO(message["data"].tobytes())).convert("RGB"))
        np.testing.assert_array_equal(pixels, shot)
    reply = w.request_image("tf", "batch/inputs", 7, 2)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(reply["data"])).convert("RGB")), shots[2])
    with pytest.raises(KeyError):
        w.request_image("tf", "batch/inputs", 7, 3)
