"""Scalars view state and messages for real logdirs (tensorboardX and our writer), no browser."""

import csv
import io
import time

import numpy as np
import pytest
from tensorboardX import SummaryWriter as TBXWriter

from jupyter_tb.compute.smoothing import smooth
from jupyter_tb.widgets.views import scalars as scalars_module
from jupyter_tb.widgets.views.scalars import PIXELS, Scalars
from tests.support.widget_capture import make_view

XSS = "<img src=x onerror=alert(1)>"


def value(run, step):
    return (1.0 if run == "a" else 2.0) / (step + 1) + 0.01 * np.sin(step)


@pytest.fixture
def logdir(tmp_path):
    for run in ("a", "b"):
        with TBXWriter(str(tmp_path / run)) as w:
            for step in range(100):
                w.add_scalar("loss/total", value(run, step), step)
                w.add_scalar("lr", 0.1, step)
    return tmp_path


def make(logdir, **traits):
    return make_view(Scalars, logdir, **traits)


def series_messages(outbox, widget):
    return {(m["run"], m["tag"]): m for m in outbox.of(widget, "series")}


def test_snapshot_holds_every_point_of_small_series(logdir, outbox, live_sources):
    w = make(logdir)
    reset = outbox.of(w)[0]
    assert reset["type"] == "reset"
    assert reset["runs"] == ["a", "b"]
    assert reset["tags"] == {"a": ["loss/total", "lr"], "b": ["loss/total", "lr"]}
    series = series_messages(outbox, w)
    assert set(series) == {(r, t) for r in "ab" for t in ("loss/total", "lr")}
    m = series[("b", "loss/total")]
    assert m["mode"] == "whole" and m["total"] == 100
    np.testing.assert_array_equal(m["step"], np.arange(100))
    np.testing.assert_allclose(m["value"], [value("b", s) for s in range(100)], rtol=1e-6)
    assert "smoothed" not in m  # the browser smooths whole series exactly itself
    assert w.smoothing == 0.6 and w.x_axis == "step"


def test_filters_and_public_traits(logdir, outbox, live_sources):
    w = make(logdir, tags="^loss", runs="^a$", smoothing=0.9)
    assert set(series_messages(outbox, w)) == {("a", "loss/total")}
    outbox.clear(w)
    w.tags = "lr"  # changing a filter starts the browser over
    assert outbox.of(w)[0]["type"] == "reset"
    assert set(series_messages(outbox, w)) == {("a", "lr")}
    with pytest.raises(ValueError, match="tags="):
        make(logdir, tags="(")
    with pytest.raises(Exception, match="smoothing"):
        w.smoothing = 1.5


def test_live_appends_are_deltas(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    # a second file in the run (own suffix: tensorboardX names files by the second)
    with TBXWriter(str(logdir / "a"), filename_suffix=".more") as writer:
        for step in range(100, 110):
            writer.add_scalar("loss/total", value("a", step), step)
    appends = outbox.wait_for(w, lambda m: m["type"] == "append" and m["tag"] == "loss/total")
    got = np.concatenate([m["step"] for m in outbox.of(w, "append") if m["tag"] == "loss/total"])
    np.testing.assert_array_equal(got, np.arange(100, 110))  # only the new points
    assert appends[0]["start"] == 100 and appends[-1]["total"] == 110
    assert not outbox.of(w, "series")  # nothing resent


def test_new_run_and_tag_appear(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    with TBXWriter(str(logdir / XSS)) as writer:
        writer.add_scalar("acc", 0.5, 0)
    catalog = outbox.wait_for(w, lambda m: m["type"] == "catalog")[-1]
    assert XSS in catalog["runs"]  # names are data; the browser shows them as text
    outbox.wait_for(w, lambda m: m["type"] == "series" and m["run"] == XSS)


@pytest.fixture
def big_logdir(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.normal(size=30_000).cumsum()
    values[12_345] = 1e4  # a spike a sample must not lose
    with TBXWriter(str(tmp_path / "big")) as w:
        for step, v in enumerate(values):
            w.add_scalar("x", float(v), step)
    return tmp_path, values


def test_large_series_sent_as_exact_downsample_with_exact_smoothing(big_logdir, outbox, live_sources):
    logdir, values = big_logdir
    w = make(logdir)
    m = series_messages(outbox, w)[("big", "x")]
    assert m["mode"] == "sampled" and m["total"] == 30_000
    assert len(m["step"]) <= 4 * PIXELS + 2
    assert m["value"].max() == pytest.approx(1e4)  # spike kept
    idx = m["step"].astype(int)
    np.testing.assert_allclose(m["value"], values[idx].astype(np.float32), rtol=1e-6)
    full = smooth(values.astype(np.float32).astype(np.float64), 0.6)
    np.testing.assert_allclose(m["smoothed"], full[idx], rtol=1e-9)
    assert m["weight"] == 0.6
    # a new weight (from the slider) brings the exact smoothing of the same points
    outbox.clear(w)
    w.smoothing = 0.95
    s = outbox.of(w, "smoothed")[0]
    np.testing.assert_allclose(
        s["smoothed"], smooth(values.astype(np.float32).astype(np.float64), 0.95)[idx], rtol=1e-9
    )


def test_zoom_refinement_and_csv(big_logdir, outbox, live_sources):
    logdir, _values = big_logdir
    w = make(logdir)
    r = w.request_range("big", "x", 1000, 1200, axis="step", px=400)
    np.testing.assert_array_equal(r["step"], np.arange(999, 1202))  # whole window + 1 each side
    rows = list(csv.reader(io.StringIO(w.request_csv("x", ["big"])["csv"].decode())))
    assert rows[0] == ["run", "step", "wall_time", "value"] and len(rows) == 30_001
    assert float(rows[12_346][3]) == pytest.approx(1e4)


def test_browser_request_round_trip(logdir, outbox, live_sources):
    w = make(logdir)
    outbox.clear(w)
    w._on_browser_message(w, {"type": "request", "id": 7, "op": "csv", "args": {"tag": "lr"}}, [])
    reply = outbox.of(w, "reply")[0]
    assert reply["id"] == 7 and b'"a",0,' in reply["data"]["csv"].tobytes()
    w._on_browser_message(w, {"type": "request", "id": 8, "op": "nope", "args": {}}, [])
    assert "unknown request" in outbox.of(w, "reply")[1]["error"]
    w._on_browser_message(w, {"type": "hello"}, [])  # reloaded page: full snapshot again
    assert outbox.of(w, "reset")


def test_growing_past_the_whole_limit_switches_to_sampled(tmp_path, outbox, live_sources, monkeypatch):
    monkeypatch.setattr(scalars_module, "WHOLE_LIMIT", 50)
    with TBXWriter(str(tmp_path / "r")) as writer:
        for step in range(40):
            writer.add_scalar("x", float(step), step)
    w = make(tmp_path)
    outbox.clear(w)
    with TBXWriter(str(tmp_path / "r"), filename_suffix=".more") as writer:
        for step in range(40, 80):
            writer.add_scalar("x", float(step), step)
    m = outbox.wait_for(w, lambda m: m["type"] == "series")[-1]
    assert m["mode"] == "sampled" and m["total"] == 80


def test_in_kernel_writer_latency_and_throttling(tmp_path, outbox, live_sources):
    """Our SummaryWriter notifies the watcher: a point reaches the comm well within 0.5 s, and a
    10k points/s writer yields a bounded number of update messages (throttled deltas)."""
    from jupyter_tb import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "live"))
    writer.add_scalar("x", 0.0, 0)
    writer.flush()
    w = make(tmp_path)
    latencies = []
    for step in range(1, 11):
        outbox.clear(w)
        start = time.monotonic()
        writer.add_scalar("x", float(step), step)
        writer.flush()
        outbox.wait_for(w, lambda m, step=step: m["type"] == "append" and m["step"][-1] == step, timeout=5)
        latencies.append(time.monotonic() - start)
        time.sleep(0.25)
    assert sorted(latencies)[int(0.95 * len(latencies)) - 1] < 0.5, latencies

    outbox.clear(w)
    stop = time.monotonic() + 2.0
    step = 100
    while time.monotonic() < stop:  # ~10k points per second
        for _ in range(100):
            writer.add_scalar("x", float(step), step)
            step += 1
        writer.flush()
        time.sleep(0.01)
    writer.close()
    total = 11 + (step - 100)  # steps 0..10, then 100..step-1
    outbox.wait_for(w, lambda m: m.get("total") == total, timeout=10)
    updates = [m for m in outbox.of(w) if m["type"] in ("append", "series")]
    assert len(updates) <= 2.0 / Scalars.update_interval + 5  # throttled, not one per flush
    assert updates[-1]["step"][-1] == step - 1


def test_a_board_of_many_series_shares_a_point_budget(tmp_path, outbox, live_sources, monkeypatch):
    """Many series: each gets a coarser overview so the snapshot stays near the budget (a
    100 x 10 x 10k board sent 230 MB whole and never loaded); few series keep every point."""
    monkeypatch.setattr(scalars_module, "POINT_BUDGET", 40_000)
    from jupyter_tb import SummaryWriter

    for run in range(4):
        with SummaryWriter(tmp_path / f"r{run}") as writer:
            for step in range(5_000):
                for tag in range(5):
                    writer.add_scalar(f"t{tag}", np.sin(step / 50 + tag + run), step)
    w = make(tmp_path)
    series = series_messages(outbox, w)
    assert len(series) == 20
    sent = sum(len(m["step"]) for m in series.values())
    assert sent <= 40_000 * 1.05, sent  # 2,000 points each instead of 5,000
    assert all(m["mode"] == "sampled" and m["total"] == 5_000 for m in series.values())
    few = make(tmp_path, tags="^t0$", runs="^r0$")
    (m,) = series_messages(outbox, few).values()
    assert m["mode"] == "whole" and len(m["step"]) == 5_000
