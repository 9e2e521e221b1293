"""Histograms written by torch and tensorboardX, read as real TensorBoard 2.21 serves them.

One TensorBoard (its default Rust data server) serves a logdir of torch, tensorboardX and
TF1-style legacy histograms; the histograms plugin's buckets must equal ours, its
distributions our percentiles, and the range its histogram dashboard bins over our bins'.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

import jupyter_tb
from jupyter_tb._proto import event_pb2, summary_pb2
from jupyter_tb.compute.histograms import common_edges, percentiles, rebin
from jupyter_tb.format.tfrecord import encode_record

STEPS = 4
RUNS = ("torch", "tbx_tensorflow_bins", "tbx_auto_bins", "tf1_style")


def _write_logdir(root):
    from tensorboardX import SummaryWriter as TBXWriter
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(7)
    with TorchWriter(str(root / "torch")) as w:
        for step in range(STEPS):
            w.add_histogram("h", rng.normal(size=1000) * (step + 1), step)
    for run, bins in (("tbx_tensorflow_bins", "tensorflow"), ("tbx_auto_bins", "auto")):
        with TBXWriter(str(root / run)) as w:
            for step in range(STEPS):
                w.add_histogram("h", rng.normal(size=500) + step, step, bins=bins)
    # TF1's C++ writer: leading empty buckets collapsed into one, the last limit DBL_MAX
    (root / "tf1_style").mkdir()
    records = [
        encode_record(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
    ]
    for step in range(STEPS):
        histo = summary_pb2.HistogramProto(
            min=-0.9 - step,
            max=2.5 + step,
            num=10,
            sum=3.0,
            sum_squares=9.0,
            bucket_limit=[-1.1 - step, -0.5, 0.0, 1.0, 3.0 + step, 1.7976931348623157e308],
            bucket=[0, 2, 0, 5, 3, 0],
        )
        event = event_pb2.Event(wall_time=2.0 + step, step=step)
        event.summary.value.add(tag="h", histo=histo)
        records.append(encode_record(event.SerializeToString()))
    (root / "tf1_style" / "events.out.tfevents.1.tf1").write_bytes(b"".join(records))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(logdir, {run: (histograms route data, distributions route data)}) from TensorBoard."""
    root = tmp_path_factory.mktemp("hist")
    _write_logdir(root)
    cmd = [sys.executable, "-m", "tensorboard.main", "--logdir", str(root), "--load_fast=true"]
    cmd += ["--host", "127.0.0.1", "--port", "0", "--samples_per_plugin", "histograms=100,distributions=100"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    found: list[str] = []

    def scan():
        for line in proc.stderr:
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if match and not found:
                found.append(match.group(1))

    threading.Thread(target=scan, daemon=True).start()
    try:
        deadline = time.monotonic() + 90
        out = {}
        while len(out) < len(RUNS) and time.monotonic() < deadline:
            for run in RUNS:
                if run in out or not found:
                    continue
                try:
                    got = [_get(found[0], route, run) for route in ("histograms", "distributions")]
                except OSError:
                    continue
                if all(len(series) == STEPS for series in got):
                    out[run] = got
            time.sleep(0.3)
        assert len(out) == len(RUNS), f"TensorBoard served {sorted(out)} only"
        yield root, out
    finally:
        proc.terminate()
        proc.wait(10)


def _get(url, route, run):
    query = urllib.parse.urlencode({"run": run, "tag": "h"})
    with urllib.request.urlopen(f"{url}data/plugin/{route}/{route}?{query}", timeout=10) as response:
        return json.load(response)


@pytest.mark.parametrize("run", RUNS)
def test_buckets_equal_tensorboards(served, run):
    root, data = served
    ours = jupyter_tb.read(str(root)).histograms(run, "h")
    theirs = data[run][0]
    assert ours.steps.tolist() == [step for _, step, _ in theirs]
    for mine, (_, _, buckets) in zip(ours, theirs):
        np.testing.assert_array_equal(mine, np.array(buckets, np.float64))
    if run == "torch":  # the example: the first bucket with data keeps its edge
        first = ours[0][np.flatnonzero(ours[0][:, 2])[0]]
        assert first[0] == theirs[0][2][1][0] < ours[0][0, 0]  # below the recorded min


@pytest.mark.parametrize("run", RUNS)
def test_percentiles_equal_tensorboards_distributions(served, run):
    root, data = served
    ours = jupyter_tb.read(str(root)).histograms(run, "h")
    for mine, (_, _, points) in zip(ours, data[run][1]):
        np.testing.assert_allclose(percentiles(mine), [value for _, value in points], rtol=1e-9)


@pytest.mark.parametrize("run", RUNS)
def test_bars_span_the_range_tensorboards_dashboard_bins(served, run):
    # the dashboard bins all steps from the lowest left edge to the highest right edge
    root, data = served
    ours = list(jupyter_tb.read(str(root)).histograms(run, "h"))
    lefts = [left for _, _, buckets in data[run][0] for left, _, _ in buckets]
    rights = [right for _, _, buckets in data[run][0] for _, right, _ in buckets]
    edges = common_edges(ours, 30)
    assert (edges[0], edges[-1]) == (min(lefts), max(rights))
    for buckets in ours:
        assert rebin(buckets, edges).sum() == pytest.approx(buckets[:, 2].sum())
