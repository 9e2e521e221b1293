"""Projector widget state without a browser: what the kernel sends for arrays and for
``add_embedding`` logdirs written by tensorboardX and by our SummaryWriter."""

import io
import time

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import jupyter_tb
from jupyter_tb.compute import projections
from jupyter_tb.widgets.views import projector as projector_module
from jupyter_tb.widgets.views.projector import Projector, encode_columns, metadata_table
from tests.support.modules import hide_module


def _vectors(n=120, d=8, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)) * np.linspace(3, 0.5, d)).astype(np.float32)


def _only(messages, type_):
    found = [m for m in messages if m["type"] == type_]
    assert len(found) == 1, [m["type"] for m in messages]
    return found[0]


def _column(message, name):
    return next(c for c in message["columns"] if c["name"] == name)


def _decoded(column):
    return [column["values"][code] for code in column["codes"]]


# -- arrays from Python -----------------------------------------------------------------------


def test_array_with_dataframe_metadata(outbox):
    x = _vectors()
    df = pd.DataFrame({"digit": [i % 10 for i in range(120)], "word": [f"w{i % 7}" for i in range(120)]})
    view = jupyter_tb.projector(x, metadata=df, color_by="digit")
    sent = outbox.of(view)
    reset = sent[0]
    assert reset["type"] == "reset"
    assert reset["embeddings"] == [{"key": "array", "label": "array", "n": 120, "d": 8}]
    assert reset["methods"]["pca"] == ""
    data = _only(sent, "data")
    np.testing.assert_array_equal(data["vectors"], x)
    assert data["vectors"].dtype == np.float32
    digit = _column(data, "digit")
    assert _decoded(digit) == [str(i % 10) for i in range(120)]
    np.testing.assert_array_equal(digit["numbers"], np.arange(120) % 10)
    word = _column(data, "word")
    assert word["numbers"] is None and _decoded(word) == [f"w{i % 7}" for i in range(120)]
    assert word["codes"].dtype == np.uint16
    projection = _only(sent, "projection")
    expected = projections.pca(x, 3)
    assert projection["method"] == "pca" and projection["dims"] == 3
    np.testing.assert_array_equal(projection["positions"], expected.coords)
    np.testing.assert_allclose(projection["variance"], expected.variance)
    # the 2-D toggle of PCA needs nothing new from the kernel (the browser drops z)
    outbox.clear(view)
    view.dims = 2
    assert outbox.of(view) == []
    # arrays travel as binary buffers: no float lists anywhere in the JSON
    for _widget, content, _buffers in outbox.raw:
        assert "positions" not in content or set(content["positions"]) == {"buffer", "dtype", "shape"}


def test_torch_tensor_and_label_list(outbox):
    torch = pytest.importorskip("torch")
    x = torch.randn(30, 5, requires_grad=True)
    view = jupyter_tb.projector(x, metadata=[f"<img src=x onerror=alert({i})>" for i in range(30)])
    data = _only(outbox.of(view), "data")
    column = _column(data, "label")  # one label per point: TensorBoard's single column
    assert _decoded(column)[3] == "<img src=x onerror=alert(3)>"  # carried verbatim, as text
    np.testing.assert_allclose(data["vectors"], x.detach().numpy())


def test_images_become_a_sprite_sheet(outbox):
    n = 10
    images = np.zeros((n, 3, 8, 8), np.float32)
    for i in range(n):
        images[i, 0] = i / (n - 1)  # red channel encodes the point index
    view = jupyter_tb.projector(_vectors(n, 4), images=images)
    sprite = _only(outbox.of(view), "data")["sprite"]
    assert (sprite["width"], sprite["height"]) == (8, 8)
    sheet = np.asarray(Image.open(io.BytesIO(sprite["png"].tobytes())).convert("RGB"))
    per_row = sheet.shape[1] // 8
    for i in range(n):
        row, col = divmod(i, per_row)
        assert sheet[row * 8 + 4, col * 8 + 4, 0] == round(255 * i / (n - 1))


def test_bad_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="2-D"):
        jupyter_tb.projector(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="logdir or an array"):
        jupyter_tb.projector()
    with pytest.raises(ValueError, match="images"):
        jupyter_tb.projector(_vectors(5, 3), images=np.zeros((4, 1, 2, 2)))
    with pytest.raises(Exception, match="dims"):
        jupyter_tb.projector(_vectors(5, 3), dims=4)


def test_metadata_length_mismatch_keeps_the_points(outbox):
    view = jupyter_tb.projector(_vectors(10, 3), metadata=["a"] * 7)
    data = _only(outbox.of(view), "data")
    assert "7 rows but the embedding has 10 points" in data["note"]
    assert _decoded(_column(data, "label")) == ["a"] * 7 + [""] * 3
    assert _only(outbox.of(view), "projection")["positions"].shape == (10, 3)


def test_metadata_table_forms():
    assert metadata_table({"a": [1, 2], "b": ["x", "y"]}) == (["a", "b"], [["1", "x"], ["2", "y"]])
    assert metadata_table(pd.Series([3, 4])) == (None, [["3"], ["4"]])
    assert metadata_table([("p", 1), ("q", 2)]) == (None, [["p", "1"], ["q", "2"]])
    with pytest.raises(ValueError, match="differ in length"):
        metadata_table({"a": [1], "b": [1, 2]})
    columns, note = encode_columns(None, [["p", "1"], ["q", "2"]], 2)
    assert [c["name"] for c in columns] == ["column 1", "column 2"] and note == ""


def test_vectors_too_large_are_not_sent_and_neighbours_come_from_the_kernel(outbox, monkeypatch):
    monkeypatch.setattr(projector_module, "VECTOR_LIMIT", 100)
    x = _vectors(50, 4)
    view = jupyter_tb.projector(x)
    assert _only(outbox.of(view), "data")["vectors"] is None
    outbox.clear(view)
    view._on_browser_message(
        view,
        {
            "type": "request",
            "id": 7,
            "op": "neighbors",
            "args": {"index": 3, "k": 5, "metric": "euclidean", "key": "array"},
        },
        [],
    )
    reply = _only(outbox.of(view), "reply")
    assert reply["id"] == 7 and "error" not in reply
    indices, distances = projections.nearest_neighbors(x, 3, 5, "euclidean")
    np.testing.assert_array_equal(reply["data"]["indices"], indices)
    np.testing.assert_allclose(reply["data"]["distances"], distances, rtol=1e-6)
    assert view.nearest(3, 5, "euclidean")[0].tolist() == indices.tolist()


def test_selected_is_two_way_and_observable(outbox):
    view = jupyter_tb.projector(_vectors(40, 3))
    seen = []
    view.observe(lambda change: seen.append(change["new"]), names="selected")
    view.set_state({"selected": [4, 8, 15]})  # what the comm does with the browser's lasso
    assert view.selected == [4, 8, 15] and seen == [[4, 8, 15]]
    view.set_state({"focused": 8})
    assert view.focused == 8
    view.selected = [1]  # and Python can set it for the browser to show
    assert view.get_state("selected") == {"selected": [1]}


def test_tsne_runs_on_a_worker_thread_with_sampling_note(outbox):
    x = _vectors(200, 6)
    view = jupyter_tb.projector(x, projection_options={"tsne": {"max_points": 150, "max_iter": 250}})
    outbox.clear(view)
    view.set_state({"method": "tsne", "dims": 2})  # the browser's method select
    busy = outbox.wait_for(view, lambda m: m["type"] == "status" and m["busy"], timeout=5)[0]
    assert busy["method"] == "tsne" and busy["dims"] == 2 and "t-SNE" in busy["text"]
    projection = outbox.wait_for(view, lambda m: m["type"] == "projection", timeout=120)[0]
    assert projection["method"] == "tsne" and projection["dims"] == 2
    positions = projection["positions"]
    assert positions.shape == (200, 3)
    assert np.isnan(positions[:, 0]).sum() == 50  # left out of the sample: not drawn
    covered = ~np.isnan(positions[:, 0])
    assert np.all(positions[covered, 2] == 0)
    done = outbox.wait_for(view, lambda m: m["type"] == "status" and not m["busy"], timeout=5)[0]
    assert "150 of 200 points" in done["text"]
    # cached: choosing it again costs nothing and sends nothing new
    outbox.clear(view)
    view.method = "pca"
    view.method = "tsne"
    assert [m["type"] for m in outbox.of(view)] == []


def test_missing_umap_reports_the_pip_extra(outbox, monkeypatch):
    hide_module(monkeypatch, "umap")
    view = jupyter_tb.projector(_vectors(30, 3))
    assert "pip install umap-learn" in outbox.of(view)[0]["methods"]["umap"]
    outbox.clear(view)
    view.method = "umap"
    error = outbox.wait_for(view, lambda m: m["type"] == "error", timeout=10)[0]
    assert "pip install umap-learn" in error["error"]


# -- add_embedding logdirs -----------------------------------------------------------------------


def _tensorboardx_logdir(path):
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(1)
    writer = SummaryWriter(str(path))
    words = rng.standard_normal((40, 6)).astype(np.float32)
    writer.add_embedding(words, metadata=[f"word{i}" for i in range(40)], tag="words", global_step=0)
    rows = [[f"img{i}", str(i % 3)] for i in range(20)]
    label_img = np.stack([np.full((3, 4, 4), i / 19, np.float32) for i in range(20)])
    writer.add_embedding(
        rng.standard_normal((20, 5)),
        metadata=rows,
        metadata_header=["name", "class"],
        label_img=label_img,
        tag="images",
        global_step=3,
    )
    writer.add_embedding(rng.standard_normal((20, 5)), tag="images", global_step=7)
    writer.close()
    return words


def test_tensorboardx_logdir_several_embeddings_and_steps(tmp_path, outbox, live_sources):
    words = _tensorboardx_logdir(tmp_path)
    view = jupyter_tb.projector(str(tmp_path))
    view.source.wait_loaded(30)
    catalog = outbox.wait_for(view, lambda m: m["type"] in ("reset", "catalog") and m["embeddings"])[0]
    labels = [e["label"] for e in catalog["embeddings"]]
    assert labels == ["words:00000", "images:00003", "images:00007"]
    data = outbox.wait_for(view, lambda m: m["type"] == "data")[0]
    assert data["label"] == "words:00000" and (data["n"], data["d"]) == (40, 6)
    np.testing.assert_allclose(data["vectors"], words, rtol=1e-6)
    assert _decoded(_column(data, "label"))[:3] == ["word0", "word1", "word2"]  # no header
    assert data["sprite"] is None
    outbox.clear(view)
    view.embedding = "images:00003"
    data = outbox.wait_for(view, lambda m: m["type"] == "data")[0]
    assert [c["name"] for c in data["columns"]] == ["name", "class"]  # header row
    assert _decoded(_column(data, "class")) == [str(i % 3) for i in range(20)]
    sprite = data["sprite"]
    assert (sprite["width"], sprite["height"]) == (4, 4)
    sheet = Image.open(io.BytesIO(sprite["png"].tobytes()))
    on_disk = Image.open(tmp_path / "00003" / "images" / "sprite.png")
    np.testing.assert_array_equal(np.asarray(sheet), np.asarray(on_disk))
    projection = outbox.wait_for(view, lambda m: m["type"] == "projection")[0]
    assert projection["positions"].shape == (20, 3)


def test_our_writer_logdir_live_new_run_appears(tmp_path, outbox, live_sources):
    from jupyter_tb import SummaryWriter

    with SummaryWriter(str(tmp_path / "a")) as writer:
        writer.add_embedding(_vectors(25, 4), metadata=[str(i) for i in range(25)], tag="first")
    view = jupyter_tb.projector(str(tmp_path), reload_interval=0.2)
    outbox.wait_for(view, lambda m: m["type"] in ("reset", "catalog") and len(m["embeddings"]) == 1)
    with SummaryWriter(str(tmp_path / "b")) as writer:
        writer.add_embedding(_vectors(30, 4, seed=2), tag="second", global_step=1)
    catalog = outbox.wait_for(
        view, lambda m: m["type"] == "catalog" and len(m["embeddings"]) == 2, timeout=20
    )[0]
    assert [e["label"] for e in catalog["embeddings"]] == ["a/first:00000", "b/second:00001"]
    assert [(e["n"], e["d"]) for e in catalog["embeddings"]] == [(25, 4), (30, 4)]


def test_embedding_added_to_a_known_run_appears(tmp_path, outbox, live_sources):
    from jupyter_tb import SummaryWriter

    writer = SummaryWriter(str(tmp_path))
    writer.add_embedding(_vectors(25, 4), tag="first")
    writer.flush()
    view = jupyter_tb.projector(str(tmp_path), reload_interval=0.2)
    outbox.wait_for(view, lambda m: m["type"] in ("reset", "catalog") and len(m["embeddings"]) == 1)
    writer.add_embedding(_vectors(30, 4, seed=2), tag="second", global_step=1)
    writer.close()
    outbox.wait_for(view, lambda m: m["type"] == "catalog" and len(m["embeddings"]) == 2, timeout=5)


def test_dashboard_has_a_projector_tab(tmp_path, live_sources):
    from jupyter_tb.widgets.base import registered_views

    _tensorboardx_logdir(tmp_path)
    info = next(v for v in registered_views() if v.kind == "projector")
    assert info.cls is Projector and info.title == "Projector"
    ld = jupyter_tb.read(str(tmp_path))
    assert info.has_data(ld)
    board = jupyter_tb.board(str(tmp_path))
    board.source.wait_loaded(30)
    deadline = time.monotonic() + 20
    while "projector" not in board.views and time.monotonic() < deadline:
        time.sleep(0.05)
    assert isinstance(board.views["projector"], Projector)


def test_logdir_that_does_not_exist_yet_is_waited_for(tmp_path, outbox, live_sources):
    from jupyter_tb import SummaryWriter

    later = tmp_path / "later"
    view = jupyter_tb.projector(str(later), reload_interval=0.2)
    assert outbox.of(view)[0]["type"] == "reset" and outbox.of(view)[0]["embeddings"] == []
    with SummaryWriter(str(later)) as writer:
        writer.add_embedding(_vectors(12, 3), tag="late")
    outbox.wait_for(view, lambda m: m["type"] == "catalog" and len(m["embeddings"]) == 1, timeout=20)
    data = outbox.wait_for(view, lambda m: m["type"] == "data")[0]
    assert (data["n"], data["d"]) == (12, 3)
    with pytest.raises(ValueError, match="for arrays"):
        jupyter_tb.projector(str(tmp_path), metadata=["a"])


def test_column_values_in_natural_order():
    rows = [[v] for v in ["c10", "c2", "c1", "c2", "-3", "c10"]]
    (column,), _ = encode_columns(["k"], rows, 6)
    assert column["values"] == ["-3", "c1", "c2", "c10"]
    assert _decoded(column) == [r[0] for r in rows]
    (numeric,), _ = encode_columns(["x"], [["10"], ["9.5"], ["-1"]], 3)
    assert numeric["values"] == ["-1", "9.5", "10"]
    np.testing.assert_array_equal(numeric["numbers"], [10, 9.5, -1])
