"""Audio view: entries and WAV bytes sent for logdirs written by torch and our writer
hold the logged clips (no browser)."""

import io
import wave

import numpy as np
import pytest
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import jupyter_tb
from jupyter_tb.widgets import blob_view as blobs_module
from jupyter_tb.widgets.views.audio import Audio
from tests.support.widget_capture import make_view

RATE = 8000


def clip(step):
    t = np.arange(800) / RATE
    return (0.5 * np.sin(2 * np.pi * (220 + 110 * step) * t)).astype(np.float32)


def decoded(data) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(bytes(data))) as wav:
        frames = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        return frames.astype(np.float32) / 32768, wav.getframerate()


@pytest.fixture
def logdir(tmp_path):
    # tensorboardX's add_audio needs the soundfile package; torch's writer is as independent
    with TorchWriter(str(tmp_path / "torch")) as w:
        for step in (0, 1, 2):
            w.add_audio("voice/sine", clip(step), step, sample_rate=RATE)
    with jupyter_tb.SummaryWriter(str(tmp_path / "ours")) as w:
        for step in (0, 1, 2):
            w.add_audio("voice/sine", clip(step), step, sample_rate=RATE)
    return tmp_path


def make(logdir, **kwargs):
    return make_view(Audio, logdir, source_options=kwargs)


def test_entries_and_pushed_wavs_are_the_logged_clips(logdir, outbox, live_sources):
    w = make(logdir)
    assert outbox.of(w)[0] == {
        "type": "reset",
        "runs": ["ours", "torch"],
        "tags": {"ours": ["voice/sine"], "torch": ["voice/sine"]},
    }
    entries = {m["run"]: m for m in outbox.of(w, "entries")}
    for run in ("ours", "torch"):
        np.testing.assert_array_equal(entries[run]["steps"], [0, 1, 2])
        np.testing.assert_array_equal(entries[run]["sample_rate"], [RATE] * 3)
        assert entries[run]["labels"] == [[""], [""], [""]]
    pushed = outbox.of(w, "audio")
    assert {(m["run"], m["step"]) for m in pushed} == {(r, s) for r in ("ours", "torch") for s in (0, 1, 2)}
    assert [m["step"] for m in pushed if m["run"] == "torch"][0] == 2  # the latest first
    for message in pushed:
        assert message["content_type"] == "audio/wav"
        samples, rate = decoded(message["data"])
        assert rate == RATE
        np.testing.assert_allclose(samples, clip(message["step"]), atol=1 / 16000)


def test_large_series_push_latest_and_answer_requests(logdir, outbox, live_sources, monkeypatch):
    monkeypatch.setattr(blobs_module, "PREFETCH_STEPS", 1)
    w = make(logdir)
    assert {(m["run"], m["step"]) for m in outbox.of(w, "audio")} == {("ours", 2), ("torch", 2)}
    reply = w.request_audio("torch", "voice/sine", 1)
    np.testing.assert_allclose(decoded(reply["data"])[0], clip(1), atol=1 / 16000)
    with pytest.raises(KeyError):
        w.request_audio("torch", "voice/sine", 5)


def test_new_clip_is_pushed_live(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    with jupyter_tb.SummaryWriter(str(logdir / "ours")) as writer:
        writer.add_audio("voice/sine", clip(3), 3, sample_rate=RATE)
    [message] = outbox.wait_for(w, lambda m: m["type"] == "audio")
    assert (message["run"], message["step"]) == ("ours", 3)
    np.testing.assert_allclose(decoded(message["data"])[0], clip(3), atol=1 / 16000)


def test_every_clip_and_label_of_a_tf_style_step_reaches_the_browser(tmp_path, outbox, live_sources):
    """TF's audio summary logs k clips in one step, a label per clip (the tensor's second column)."""
    from jupyter_tb.format.tfrecord import encode_record
    from jupyter_tb.writing.summary import audio as audio_summary
    from tests.support.tf_images import tf_audio_event

    wavs = [audio_summary("a", clip(k), RATE).audio.encoded_audio_string for k in range(2)]
    event = tf_audio_event("tf/clip", [(wavs[0], "**hello** <b>"), (wavs[1], "second")], step=4)
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "events.out.tfevents.1.host").write_bytes(encode_record(event.SerializeToString()))
    w = make(tmp_path)
    [entries] = outbox.of(w, "entries")
    assert entries["labels"] == [["**hello** <b>", "second"]]  # as text: the view sets it with textContent
    np.testing.assert_array_equal(entries["samples"], [2])
    pushed = sorted(outbox.of(w, "audio"), key=lambda m: m["sample"])
    assert [(m["step"], m["sample"]) for m in pushed] == [(4, 0), (4, 1)]
    for k, message in enumerate(pushed):
        np.testing.assert_allclose(decoded(message["data"])[0], clip(k), atol=1 / 16000)
    np.testing.assert_allclose(
        decoded(w.request_audio("tf", "tf/clip", 4, 1)["data"])[0], clip(1), atol=1 / 16000
    )


def test_standalone_function_returns_the_view(logdir, live_sources):
    assert isinstance(jupyter_tb.audio(logdir, reload_interval=0.2), Audio)
