"""Projector files, read back with TensorBoard's projector plugin code."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image
from tensorboard.plugins.projector import projector_plugin

from jupyter_tb.writing.embedding_files import ProjectorConfigFile


def tensorboard_configs(logdir):
    plugin = projector_plugin.ProjectorPlugin.__new__(projector_plugin.ProjectorPlugin)
    configs, paths = plugin._read_latest_config_files([(".", str(logdir))])
    return configs["."], paths["."]


def asset(path, config_path):
    return projector_plugin._rel_to_abs_asset_path(path, config_path)


def test_layout_tensor_metadata_and_sprite(tmp_path):
    rng = np.random.RandomState(0)
    mat = rng.rand(5, 3)
    images = rng.rand(5, 3, 4, 6)
    ProjectorConfigFile(str(tmp_path)).add(
        mat, metadata=["a", "b\tc", "d\ne", "f", "g"], label_img=images, global_step=12, tag="a/b"
    )
    folder = tmp_path / "00012" / "a%2fb"
    assert sorted(os.listdir(folder)) == ["metadata.tsv", "sprite.png", "tensors.tsv"]
    config, config_path = tensorboard_configs(tmp_path)
    (embedding,) = config.embeddings
    assert embedding.tensor_name == "a/b:00012" and list(embedding.tensor_shape) == [5, 3]
    tensor = projector_plugin._read_tensor_tsv_file(asset(embedding.tensor_path, config_path))
    np.testing.assert_array_equal(tensor, mat.astype(np.float32))  # float32 exact via %.9g
    lines = open(asset(embedding.metadata_path, config_path)).read().splitlines()
    assert lines == ["a", "b c", "d e", "f", "g"]  # one column: no header, no stray tabs
    assert list(embedding.sprite.single_image_dim) == [6, 4]
    sprite = np.asarray(Image.open(asset(embedding.sprite.image_path, config_path)))
    assert sprite.shape == (2 * 4, 3 * 6, 3)  # ceil(sqrt(5)) = 3 images a row, 2 rows
    np.testing.assert_array_equal(sprite[4:8, 0:6], np.rint(images[3].transpose(1, 2, 0) * 255))


def test_multi_column_metadata_has_a_header(tmp_path):
    ProjectorConfigFile(str(tmp_path)).add(
        np.eye(3), metadata=[["x", 1], ["y", 2], ["z", 3]], metadata_header=["name", "n"]
    )
    config, config_path = tensorboard_configs(tmp_path)
    lines = open(asset(config.embeddings[0].metadata_path, config_path)).read().splitlines()
    assert lines == ["name\tn", "x\t1", "y\t2", "z\t3"]
    with pytest.raises(ValueError, match="metadata_header"):
        ProjectorConfigFile(str(tmp_path)).add(np.eye(2), metadata=[["a", 1], ["b", 2]])
    with pytest.raises(ValueError, match="columns"):
        ProjectorConfigFile(str(tmp_path)).add(
            np.eye(2), metadata=[["a"], ["b", 2]], metadata_header=["k", "v"]
        )


def test_embeddings_accumulate_and_survive_a_new_writer(tmp_path):
    first = ProjectorConfigFile(str(tmp_path))
    first.add(np.zeros((2, 2)), tag="one")
    first.add(np.ones((2, 2)), tag="two", global_step=1)
    first.add(np.ones((3, 2)), tag="one")  # same name: replaced, not duplicated
    ProjectorConfigFile(str(tmp_path)).add(np.ones((2, 4)), tag="three")
    config, _ = tensorboard_configs(tmp_path)
    assert [(e.tensor_name, list(e.tensor_shape)) for e in config.embeddings] == [
        ("two:00001", [2, 2]),
        ("one:00000", [3, 2]),
        ("three:00000", [2, 4]),
    ]


def test_bad_inputs(tmp_path):
    config = ProjectorConfigFile(str(tmp_path))
    with pytest.raises(ValueError, match="2-d"):
        config.add(np.zeros(3))
    with pytest.raises(ValueError, match="3 rows"):
        config.add(np.zeros((2, 2)), metadata=["a", "b", "c"])
    with pytest.raises(ValueError, match="label images"):
        config.add(np.zeros((2, 2)), label_img=np.zeros((3, 1, 2, 2)))
    with pytest.raises(ValueError, match="8192"):
        config.add(np.zeros((100, 2)), label_img=np.broadcast_to(np.float32(0), (100, 1, 1000, 1000)))
    assert not os.path.exists(tmp_path / "projector_config.pbtxt")
