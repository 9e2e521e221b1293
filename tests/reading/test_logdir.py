"""jupyter_tb.read against TensorBoard's own reading of logdirs written by real writers."""

from __future__ import annotations

import os
import shutil
import threading

import numpy as np
import pytest
from tensorboard.compat.proto import event_pb2 as tb_event_pb2

import jupyter_tb
from jupyter_tb.format.tfrecord import encode_record
from tests.support import reader_fixtures as F

_PLUGIN_TO_KIND = {"graph_tagged_run_metadata": "graphs"}


@pytest.fixture(scope="module")
def mixed_logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    F.write_tensorboardx_run(str(root / "tbx"))
    F.write_torch_run(str(root / "torch"))
    F.write_tf2_style_run(str(root / "deep" / "tf2"))
    return str(root)


def test_runs_and_tags_match_tensorboard(mixed_logdir):
    ld = jupyter_tb.read(mixed_logdir)
    mux = F.tb_multiplexer(mixed_logdir)
    assert ld.runs == sorted(mux.Runs()) == ["deep/tf2", "tbx", "torch", "torch/hp"]
    assert ld.errors == []
    for run in ld.runs:
        acc = mux.GetAccumulator(run)
        theirs = {}
        for tag in acc.Tags()["tensors"]:
            plugin = F.tb_plugin(acc, tag)
            theirs.setdefault(_PLUGIN_TO_KIND.get(plugin, plugin), set()).add(tag)
        ours = {kind: set(tags) for kind, tags in ld.tags(run).items() if kind != "projector"}
        assert ours == theirs, run


def test_values_match_tensorboard(mixed_logdir):
    ld = jupyter_tb.read(mixed_logdir)
    mux = F.tb_multiplexer(mixed_logdir)
    compared = set()
    for run in ld.runs:
        acc = mux.GetAccumulator(run)
        for kind, tags in ld.tags(run).items():
            for tag in tags:
                if kind in ("graphs", "projector", "hparams"):
                    continue
                steps, walls, arrays = F.tb_arrays(acc, tag)
                series = {
                    "scalars": ld.scalars,
                    "histograms": ld.histograms,
                    "images": ld.images,
                    "audio": ld.audio,
                    "text": ld.text,
                    "pr_curves": ld.pr_curves,
                    "custom_scalars": ld.tensors,
                    "mesh": ld.tensors,
                }[kind](run, tag)
                np.testing.assert_array_equal(series.steps, steps)
                np.testing.assert_array_equal(series.wall_times, walls)
                _compare(kind, series, arrays)
                compared.add(kind)
    assert compared == {
        "scalars",
        "histograms",
        "images",
        "audio",
        "text",
        "pr_curves",
        "custom_scalars",
        "mesh",
    }


def _compare(kind, series, arrays):
    if kind == "scalars":
        np.testing.assert_array_equal(series.values, [float(a.item()) for a in arrays])
        assert series.steps.dtype == np.int64 and series.values.dtype == np.float64
    elif kind == "histograms":
        for i, array in enumerate(arrays):
            ours = series[i]
            if len(ours) != len(array):
                # a legacy histogram: TensorBoard's Python reader drops its empty outer buckets,
                # its data server (what `tensorboard` serves) keeps them as we do
                # (tests/reading/test_histograms_as_tensorboard.py); the buckets with data agree
                nonzero = np.flatnonzero(ours[:, 2])
                ours = ours[nonzero[0] : nonzero[-1] + 1]
                np.testing.assert_allclose(ours[:, 2], array[:, 2])
                np.testing.assert_allclose(ours[1:, 0], array[1:, 0], rtol=1e-7)
            else:
                np.testing.assert_allclose(ours, array.astype(np.float64))
    elif kind == "images":
        for entry, array in zip(series, arrays):
            assert (entry.width, entry.height) == (int(array[0]), int(array[1]))
            assert [entry.encoded(i) for i in range(entry.samples)] == list(array[2:])
            assert entry.to_numpy().shape == (entry.height, entry.width, 3)
    elif kind == "audio":
        for entry, array in zip(series, arrays):
            wavs = list(array[:, 0]) if array.ndim == 2 else list(array)
            assert [entry.encoded(i) for i in range(entry.samples)] == wavs
            assert entry.sample_rate in (8000.0, 16000.0)
    elif kind == "text":
        for ours, array in zip(series.values, arrays):
            expected = np.vectorize(lambda b: b.decode())(array)
            if expected.shape == (1,):
                assert ours == expected[0]
            else:
                np.testing.assert_array_equal(ours, expected)
    elif kind == "pr_curves":
        np.testing.assert_allclose(series.data, np.stack(arrays).astype(np.float64))
    elif kind == "custom_scalars":
        assert [v.SerializeToString() for v in series.values] == [
            a[0] if a.ndim else a.item() for a in arrays
        ]
    elif kind == "mesh":
        for ours, array in zip(series.values, arrays):
            np.testing.assert_array_equal(ours, array)


def test_hparams_layout_graph_embeddings(mixed_logdir):
    ld = jupyter_tb.read(mixed_logdir)
    hp = ld.hparams()
    assert [h.name for h in hp.experiment.hparam_infos] == ["lr", "opt"]
    (session,) = hp.sessions
    assert session.run == "torch/hp"
    assert session.hparams == {"lr": 0.1, "opt": "adam"}
    assert session.metrics == {"hparam/score": 0.75}
    assert session.status == "SUCCESS"

    layout = ld.custom_scalars_layout()
    assert layout.category[0].title == "Losses"
    assert list(layout.category[0].chart[0].multiline.tag) == ["loss", "metrics/acc"]

    graph = ld.graph("torch")
    tb_graph = F.tb_accumulator(os.path.join(mixed_logdir, "torch")).Graph()
    assert [n.name for n in graph.node] == [n.name for n in tb_graph.node]
    assert ld.graph("tbx") is None

    (embedding,) = ld.embeddings()
    assert embedding.run == "tbx" and ld.tags("tbx")["projector"] == [embedding.name]
    assert embedding.tensor().shape == embedding.shape == (10, 4)
    header, rows = embedding.metadata()
    assert header is None and [r[0] for r in rows] == [str(i) for i in range(10)]


def test_scalars_frame_and_pandas(mixed_logdir):
    ld = jupyter_tb.read(mixed_logdir)
    frame = ld.scalars_frame(runs=["tbx", "torch"], tags=["loss", "train/loss"])
    assert list(frame.columns) == ["run", "tag", "step", "wall_time", "value"]
    assert len(frame) == 30
    loss = frame[frame.tag == "loss"]
    np.testing.assert_array_equal(loss.value.to_numpy(), ld.scalars("tbx", "loss").values)
    assert ld.scalars("tbx", "loss").to_pandas().shape == (20, 3)


def test_returned_arrays_are_snapshots(tmp_path):
    # TensorBoard's own writer: its flush() drains the queue (tensorboardX's does not)
    w = F.TF2StyleWriter(str(tmp_path))
    for i in range(10):
        w.scalar("x", i, i)
    w.flush()
    ld = jupyter_tb.read(str(tmp_path))
    before = ld.scalars(".", "x")
    with pytest.raises(ValueError):
        before.values[0] = 99
    for i in range(10, 5000):
        w.scalar("x", i, i)
    w.close()
    changed = ld.reload()
    assert (".", "scalars", "x") in changed
    assert len(before) == 10 and before.values.tolist() == list(range(10))
    assert len(ld.scalars(".", "x")) == 5000


def test_logdir_itself_is_a_run_and_nested_runs(tmp_path):
    from tensorboardX import SummaryWriter

    for sub in ("", "a", "a/b/c"):
        with SummaryWriter(str(tmp_path / sub)) as w:
            w.add_scalar("v", len(sub), 1)
    ld = jupyter_tb.read(str(tmp_path))
    assert ld.runs == [".", "a", "a/b/c"] == F.runs_in(str(tmp_path))
    assert ld.scalars("a/b/c", "v").values.tolist() == [5.0]


def test_several_files_per_run_and_new_runs_and_deleted_runs(tmp_path):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(tmp_path / "r"), filename_suffix=".1") as w:
        w.add_scalar("v", 1.0, 1)
    ld = jupyter_tb.read(str(tmp_path))
    # a second file in the same run (a restarted job), and a new run
    with SummaryWriter(str(tmp_path / "r"), filename_suffix=".2") as w:
        w.add_scalar("v", 2.0, 2)
    with SummaryWriter(str(tmp_path / "new")) as w:
        w.add_scalar("v", 3.0, 1)
    changed = ld.reload()
    assert ("r", "scalars", "v") in changed and ("new", "scalars", "v") in changed
    assert ld.runs == ["new", "r"]
    assert ld.scalars("r", "v").values.tolist() == [1.0, 2.0]
    version = ld.version
    shutil.rmtree(tmp_path / "new")
    changed = ld.reload()
    assert ld.runs == ["r"] and ("new", "scalars", "v") in changed
    assert ld.changes_since(version) == (ld.version, {("new", "scalars", "v")})
    assert ld.reload() == set()


def test_session_log_start_purges_like_tensorboard(tmp_path):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(tmp_path)) as w:
        for i in range(10):
            w.add_scalar("loss", float(i), i)
            w.add_histogram("h", np.arange(5) + i, i)
    # the job restarts from the checkpoint at step 6: tensorboardX writes SessionLog START
    with SummaryWriter(str(tmp_path), purge_step=6, filename_suffix=".restart") as w:
        for i in range(6, 8):
            w.add_scalar("loss", 100.0 + i, i)
    ld = jupyter_tb.read(str(tmp_path))
    assert ld.scalars(".", "loss").steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert ld.scalars(".", "loss").values.tolist() == [0, 1, 2, 3, 4, 5, 106, 107]
    assert ld.histograms(".", "h").steps.tolist() == [0, 1, 2, 3, 4, 5]
    # TensorBoard's accumulator ignores a run's first START, even in the resumed job's file
    # (a deliberate difference: we honour purge_step as torch documents it)
    steps, _, _ = F.tb_arrays(F.tb_accumulator(str(tmp_path)), "loss")
    assert steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 6, 7]


def test_session_log_start_in_one_file_purges_like_tensorboard(tmp_path):
    # TF's Supervisor: START when a session starts (not a restart), START again on restart
    from tensorboard.compat.proto.event_pb2 import SessionLog

    w = F.TF2StyleWriter(str(tmp_path))
    for step in range(6):
        if step in (1, 5):
            w.writer.add_event(
                tb_event_pb2.Event(
                    step=3 if step == 5 else 0, wall_time=1.0, session_log=SessionLog(status=SessionLog.START)
                )
            )
        w.scalar("x", float(step), step)
    w.close()
    ld = jupyter_tb.read(str(tmp_path))
    theirs, _, _ = F.tb_arrays(F.tb_accumulator(str(tmp_path)), "x")
    assert ld.scalars(".", "x").steps.tolist() == theirs.tolist() == [0, 1, 2, 5]


def _legacy_event(step, **values) -> bytes:
    event = tb_event_pb2.Event(step=step, wall_time=1000.0 + step)
    for tag, value in values.items():
        event.summary.value.add(tag=tag, simple_value=value)
    return encode_record(event.SerializeToString())


def test_out_of_order_purge_without_file_version(tmp_path):
    # No writer omits file_version today; very old TF files did, and TensorBoard then purges
    # by tag when a summary's step goes backwards.
    path = tmp_path / "events.out.tfevents.1.old"
    steps = [0, 1, 2, 3, 4, 2, 3, 9]
    path.write_bytes(
        b"".join(_legacy_event(s, a=float(i), **({"b": 1.0} if i < 5 else {})) for i, s in enumerate(steps))
    )
    ld = jupyter_tb.read(str(tmp_path))
    acc = F.tb_accumulator(str(path))
    for tag in ("a", "b"):
        theirs, _, values = F.tb_arrays(acc, tag)
        assert ld.scalars(".", tag).steps.tolist() == theirs.tolist()
        assert ld.scalars(".", tag).values.tolist() == [float(v) for v in values]


def test_histograms_of_both_paths_keep_record_order_and_purges(tmp_path):
    # Plain legacy histograms take the bulk decoder; one carrying metadata takes protobuf.
    # Both land in one series in record order, and an out-of-order step (a file without
    # file_version) purges bulk-decoded ones too.
    from jupyter_tb._proto import event_pb2, summary_pb2
    from jupyter_tb.format import migrate

    def histo_event(step, tag, metadata=False):
        event = event_pb2.Event(wall_time=1e9 + step, step=step)
        histo = summary_pb2.HistogramProto(
            min=-step,
            max=step + 1,
            num=3,
            sum=1,
            sum_squares=2,
            bucket_limit=[0.0, 1.0, step + 1.0],
            bucket=[step % 2, 1.0, 2.0],
        )
        value = event.summary.value.add(tag=tag, histo=histo)
        if metadata:
            value.metadata.display_name = "with metadata"
        return event

    steps = [0, 1, 2, 3, 4, 5, 3, 4, 8]
    events = [
        histo_event(s, tag, metadata=(i == 4 and tag == "h"))
        for i, s in enumerate(steps)
        for tag in ("h", "g")
    ]
    path = tmp_path / "events.out.tfevents.1.old"
    path.write_bytes(b"".join(encode_record(e.SerializeToString()) for e in events))
    ld = jupyter_tb.read(str(tmp_path))
    assert ld.errors == []
    # TensorBoard's rule compares with the previous summary event, whatever its tag: "h" at
    # step 3 follows "g" at 5 (purge "h" from step 3 on); "g" at 3 follows "h" at 3 (no purge)
    for tag, kept in (("h", [0, 1, 2, 6, 7, 8]), ("g", list(range(9)))):
        series = ld.histograms(".", tag)
        assert series.steps.tolist() == [steps[i] for i in kept]
        expected = [e for e in events if e.summary.value[0].tag == tag]
        for k, event in enumerate(expected[i] for i in kept):
            np.testing.assert_array_equal(series[k], migrate.histo_to_buckets(event.summary.value[0].histo))
            assert series.wall_times[k] == event.wall_time


def test_half_written_record_is_kept_for_the_next_reload(tmp_path):
    from tensorboardX import SummaryWriter

    source = tmp_path / "src"
    with SummaryWriter(str(source)) as w:
        for i in range(50):
            w.add_scalar("x", i * 0.5, i)
            if i % 10 == 0:
                w.add_image("im", np.full((3, 4, 4), i / 50), i)
    (original,) = source.iterdir()
    data = original.read_bytes()
    live = tmp_path / "live"
    live.mkdir()
    target = live / original.name
    expected = jupyter_tb.read(str(source))
    ld = None
    # write in awkward pieces: headers and payloads split mid-way, reloading after each
    cuts = list(range(0, len(data), 37)) + [len(data)]
    for start, end in zip(cuts, cuts[1:]):
        with open(target, "ab") as f:
            f.write(data[start:end])
        if ld is None:
            ld = jupyter_tb.read(str(live))
        else:
            ld.reload()
    assert ld.errors == []
    np.testing.assert_array_equal(ld.scalars(".", "x").values, expected.scalars(".", "x").values)
    np.testing.assert_array_equal(ld.scalars(".", "x").steps, np.arange(50))
    assert [e.encoded() for e in ld.images(".", "im")] == [e.encoded() for e in expected.images(".", "im")]


def test_missing_logdir_has_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        jupyter_tb.read(str(tmp_path / "nope"))


def test_damage_is_reported_and_nothing_else_is_lost(tmp_path):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(tmp_path / "good")) as w:
        for i in range(5):
            w.add_scalar("x", i, i)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "events.out.tfevents.123.notreally").write_bytes(b"this is a text file\n" * 20)
    os.symlink(tmp_path / "gone", tmp_path / "good" / "events.out.tfevents.999.dangling")
    # a damaged record in the middle of a real file: only that record is lost
    with SummaryWriter(str(tmp_path / "crc")) as w:
        for i in range(5):
            w.add_scalar("x", i, i)
    (crc_file,) = (tmp_path / "crc").iterdir()
    data = bytearray(crc_file.read_bytes())
    data[-5] ^= 0xFF  # inside the payload of the last record
    crc_file.write_bytes(bytes(data))

    ld = jupyter_tb.read(str(tmp_path))
    assert ld.scalars("good", "x").values.tolist() == [0, 1, 2, 3, 4]
    assert ld.scalars("crc", "x").values.tolist() == [0, 1, 2, 3]
    text = "\n".join(ld.errors)
    assert "notreally" in text and "dangling" in text and "CRC" in text
    assert len(ld.errors) == 3
    ld.reload()
    assert len(ld.errors) == 3  # the same damage is reported once


def test_reads_while_another_thread_reloads(tmp_path):
    w, ld = F.live_logdir(str(tmp_path))
    stop = threading.Event()
    problems = []

    def reader():
        while not stop.is_set():
            s = ld.scalars(".", "x")
            if not (len(s.steps) == len(s.values) == len(s.wall_times)) or s.values.tolist() != [
                float(v) for v in range(len(s))
            ]:
                problems.append(len(s))

    thread = threading.Thread(target=reader)
    thread.start()
    for i in range(1, 3000):
        w.scalar("x", float(i), i)
        if i % 300 == 0:
            w.flush()
            ld.reload()
    w.close()
    ld.reload()
    stop.set()
    thread.join()
    assert problems == []
    assert len(ld.scalars(".", "x")) == 3000


def test_unknown_run_and_tag_errors(mixed_logdir):
    ld = jupyter_tb.read(mixed_logdir)
    with pytest.raises(KeyError, match="no run 'nope'"):
        ld.scalars("nope", "loss")
    with pytest.raises(KeyError, match="no scalars tag 'weights'"):
        ld.scalars("tbx", "weights")
    assert ld.metadata("tbx", "loss").plugin_data.plugin_name == "scalars"
    with pytest.raises(KeyError, match="no tag 'nope'"):
        ld.tensors("tbx", "nope")
    with pytest.raises(TypeError, match=r"ld\.images"):
        ld.tensors("tbx", "sample")
    np.testing.assert_array_equal(ld.tensors("tbx", "weights").values[0], ld.histograms("tbx", "weights")[0])
    done, total, runs = ld.progress
    assert done == total > 0 and runs == 4


def test_scalar_shaped_tensors_of_other_plugins_stay_tensors(tmp_path):
    # Later values of a tag carry no metadata and look like plain scalar events to the bulk
    # decoder; the tag's kind (from its first value) must still decide.
    w = F.TF2StyleWriter(str(tmp_path))
    for step in range(6):
        w.add_tensor("custom", np.float32(step / 2), "my_plugin", step)
        w.scalar("real", float(step), step)
    w.close()
    ld = jupyter_tb.read(str(tmp_path))
    acc = F.tb_accumulator(str(tmp_path))
    assert F.tb_plugin(acc, "custom") == "my_plugin"
    assert ld.tags(".") == {"scalars": ["real"], "tensors": ["custom"]}
    assert ld.metadata(".", "custom").plugin_data.plugin_name == "my_plugin"
    _, _, theirs = F.tb_arrays(acc, "custom")
    assert [float(v) for v in ld.tensors(".", "custom").values] == [float(v) for v in theirs]
    assert ld.scalars(".", "real").values.tolist() == [0, 1, 2, 3, 4, 5]


def test_tf1_merged_summaries_meta_graph_and_run_metadata(tmp_path):
    # What TF1's FileWriter writes: several values per event (merged summaries), a
    # meta_graph_def holding the graph, tagged run metadata.
    from tensorboard.compat.proto import graph_pb2 as tb_graph_pb2
    from tensorboard.compat.proto import meta_graph_pb2
    from tensorboard.compat.proto.event_pb2 import TaggedRunMetadata

    w = F.TF2StyleWriter(str(tmp_path))
    graph = tb_graph_pb2.GraphDef()
    for name in ("input", "dense/MatMul", "loss"):
        graph.node.add(name=name, op="Op")
    meta = meta_graph_pb2.MetaGraphDef(graph_def=graph)
    w.writer.add_event(tb_event_pb2.Event(wall_time=1.0, meta_graph_def=meta.SerializeToString()))
    w.writer.add_event(
        tb_event_pb2.Event(
            wall_time=1.0,
            step=3,
            tagged_run_metadata=TaggedRunMetadata(tag="step3", run_metadata=b"\x0a\x00opaque"),
        )
    )
    for step in range(5):
        event = tb_event_pb2.Event(step=step, wall_time=2.0 + step)
        event.summary.value.add(tag="a", simple_value=step)
        event.summary.value.add(tag="b", simple_value=-step)
        w.writer.add_event(event)
    w.close()
    ld = jupyter_tb.read(str(tmp_path))
    acc = F.tb_accumulator(str(tmp_path))
    assert [n.name for n in ld.graph(".").node] == [n.name for n in acc.Graph().node]
    assert ld.run_metadata(".", "step3") == b"\x0a\x00opaque"
    assert ld.tags(".")["graphs"] == ["__run_graph__", "step3"]
    for tag in ("a", "b"):
        steps, _, values = F.tb_arrays(acc, tag)
        assert ld.scalars(".", tag).steps.tolist() == steps.tolist()
        assert ld.scalars(".", tag).values.tolist() == [float(v) for v in values]


def test_without_crc_verification_the_data_is_the_same(mixed_logdir):
    checked, unchecked = jupyter_tb.read(mixed_logdir), jupyter_tb.read(mixed_logdir, verify_crc=False)
    assert checked.tags("tbx") == unchecked.tags("tbx")
    np.testing.assert_array_equal(
        checked.scalars("tbx", "loss").values, unchecked.scalars("tbx", "loss").values
    )
    assert checked.images("tbx", "batch")[1].encoded() == unchecked.images("tbx", "batch")[1].encoded()


def test_projector_config_changes_are_reported(tmp_path):
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(0)
    w = SummaryWriter(str(tmp_path))
    w.add_scalar("x", 1.0, 0)
    w.add_embedding(rng.random((5, 3)), tag="first")
    w.flush()
    ld = jupyter_tb.read(str(tmp_path))
    assert [e.name for e in ld.embeddings()] == ["first:00000"]
    w.add_embedding(
        rng.random((7, 2)),
        metadata=[["a", "b"]] * 7,
        metadata_header=["h1", "h2"],
        label_img=rng.random((7, 3, 4, 4)),
        tag="second",
        global_step=1,
    )
    w.close()
    assert (".", "projector", "") in ld.reload()
    second = ld.embeddings()[1]
    assert second.shape == (7, 2) and ld.tags(".")["projector"] == ["first:00000", "second:00001"]
    assert second.metadata() == (["h1", "h2"], [["a", "b"]] * 7)
    sheet, single = second.sprite()
    assert single == (4, 4) and sheet.size == (12, 12)  # 7 thumbnails on a 3 x 3 grid
    assert ld.embeddings()[0].sprite() is None


def test_tensorboardx_hparams_sessions_and_layouts_merged_over_runs(tmp_path):
    from tensorboardX import SummaryWriter

    for lr in (0.1, 0.01):
        with SummaryWriter(str(tmp_path / f"lr{lr}")) as w:
            w.add_scalar("loss", lr, 0)
            w.add_hparams({"lr": lr, "opt": "sgd", "flag": lr > 0.05}, {"hparam/acc": lr * 5})
            w.add_custom_scalars(
                {
                    "Shared": {f"chart{lr}": ["Multiline", ["loss"]]},
                    f"Only{lr}": {"c": ["Margin", ["loss", "loss", "loss"]]},
                }
            )
    ld = jupyter_tb.read(str(tmp_path))
    hp = ld.hparams()
    assert sorted(h.name for h in hp.experiment.hparam_infos) == ["flag", "lr", "opt"]
    sessions = sorted(hp.sessions, key=lambda s: s.hparams["lr"])
    assert [s.hparams for s in sessions] == [
        {"lr": 0.01, "opt": "sgd", "flag": False},
        {"lr": 0.1, "opt": "sgd", "flag": True},
    ]
    assert [s.metrics["hparam/acc"] for s in sessions] == pytest.approx([0.05, 0.5])
    assert all(s.run.startswith(f"lr{s.hparams['lr']}/") for s in sessions)
    layout = ld.custom_scalars_layout()
    titles = [c.title for c in layout.category]
    assert titles == ["Shared", "Only0.01", "Only0.1"]  # runs in name order, categories merged
    assert [c.title for c in layout.category[0].chart] == ["chart0.01", "chart0.1"]
    assert layout.category[1].chart[0].HasField("margin")


def _scalar_run(path, values, suffix=""):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(path), filename_suffix=suffix) as w:
        for i, v in enumerate(values):
            w.add_scalar("x", v, i)


def test_a_run_whose_event_files_are_deleted_keeps_its_data(tmp_path):
    # before: the run vanished with its only file (the loader's comment said its data stays)
    _scalar_run(tmp_path / "r", [1.0, 2.0])
    ld = jupyter_tb.read(str(tmp_path))
    for event_file in (tmp_path / "r").iterdir():
        event_file.unlink()
    ld.reload()
    assert ld.runs == ["r"] and ld.scalars("r", "x").values.tolist() == [1.0, 2.0]
    _scalar_run(tmp_path / "r", [3.0])  # the run goes on in a new file
    ld.reload()
    assert ld.scalars("r", "x").values.tolist() == [1.0, 2.0, 3.0]
    shutil.rmtree(tmp_path / "r")  # the directory itself gone: so is the run
    ld.reload()
    assert ld.runs == []


def test_symlinked_run_directories_are_followed_and_loops_are_not(tmp_path):
    # before: symlinked run directories were silently skipped
    logdir, elsewhere = tmp_path / "logs", tmp_path / "elsewhere"
    _scalar_run(logdir / "local", [1.0])
    _scalar_run(elsewhere / "exp", [2.0, 3.0])
    os.symlink(elsewhere / "exp", logdir / "linked")
    os.symlink(logdir, logdir / "local" / "loop")  # back to the top: must not be walked again
    ld = jupyter_tb.read(str(logdir))
    assert ld.runs == ["linked", "local"]
    assert ld.scalars("linked", "x").values.tolist() == [2.0, 3.0]
    (message,) = ld.errors
    assert "loop" in message and "not followed" in message
    _scalar_run(elsewhere / "exp", [4.0], suffix=".2")  # live: files appearing behind the link are read
    ld.reload()
    assert ld.scalars("linked", "x").values.tolist() == [2.0, 3.0, 4.0]
