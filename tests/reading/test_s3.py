"""Reading a logdir from S3 through fsspec/s3fs, against a real moto S3 server on 127.0.0.1."""

from __future__ import annotations

import socket

import numpy as np
import pytest

import jupyter_tb

pytestmark = pytest.mark.s3
REGION = "eu-central-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    pytest.importorskip("s3fs")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **creds)
    client.create_bucket(Bucket="logs", CreateBucketConfiguration={"LocationConstraint": REGION})
    options = {
        "endpoint_url": endpoint,
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": REGION},
    }
    yield client, options
    server.stop()


def _write_run(path, steps, images=False):
    from tensorboardX import SummaryWriter

    with SummaryWriter(str(path)) as w:
        for i in range(steps):
            w.add_scalar("loss", 1.0 / (i + 1), i)
            if images and i % 10 == 0:
                w.add_image("im", np.full((3, 4, 4), i / steps), i)
    (event_file,) = path.iterdir()
    return event_file.name, event_file.read_bytes()


def test_reads_runs_scalars_and_images_from_s3(s3, tmp_path):
    client, options = s3
    name, data = _write_run(tmp_path / "local", 30, images=True)
    for run in ("exp/a", "exp/b/nested"):
        client.put_object(Bucket="logs", Key=f"{run}/{name}", Body=data)
    client.put_object(Bucket="logs", Key="exp/readme.txt", Body=b"not a run")

    ld = jupyter_tb.read("s3://logs/exp", storage_options=options)
    local = jupyter_tb.read(str(tmp_path / "local"))
    assert ld.runs == ["a", "b/nested"] and ld.errors == []
    np.testing.assert_array_equal(ld.scalars("a", "loss").values, local.scalars(".", "loss").values)
    images = ld.images("b/nested", "im")
    assert len(images) == 3
    assert images[2].encoded() == local.images(".", "im")[2].encoded()
    assert images[2].to_numpy().shape == (4, 4, 3)


def test_incremental_reload_new_and_deleted_runs_on_s3(s3, tmp_path):
    client, options = s3
    name, data = _write_run(tmp_path / "local", 200)
    key = f"live/run1/{name}"
    cut = len(data) // 2 + 7  # mid-record
    client.put_object(Bucket="logs", Key=key, Body=data[:cut])
    ld = jupyter_tb.read("s3://logs/live", storage_options=options)
    first = len(ld.scalars("run1", "loss"))
    assert 0 < first < 200

    # S3 objects are replaced, not appended: the reader still fetches only the new bytes
    client.put_object(Bucket="logs", Key=key, Body=data)
    client.put_object(Bucket="logs", Key=f"live/run2/{name}", Body=data)
    changed = ld.reload()
    assert ("run1", "scalars", "loss") in changed and ("run2", "scalars", "loss") in changed
    assert ld.scalars("run1", "loss").steps.tolist() == list(range(200))
    assert ld.errors == []
    done, total, runs = ld.progress
    assert done == total == 2 * len(data) and runs == 2

    client.delete_object(Bucket="logs", Key=f"live/run2/{name}")
    ld.reload()
    assert ld.runs == ["run1"]


def test_missing_bucket_path_is_a_clear_error(s3):
    _, options = s3
    with pytest.raises(FileNotFoundError, match="does not exist"):
        jupyter_tb.read("s3://logs/nothing-here", storage_options=options)


def test_an_unreachable_endpoint_is_reported_as_such(s3):
    # before: "does not exist" (or a bare botocore error without the logdir)
    _, options = s3
    closed = dict(
        options,
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        config_kwargs={"retries": {"max_attempts": 1}},
    )
    for url in ("s3://logs/runs", "s3://logs"):
        with pytest.raises(ConnectionError, match=f"logdir '{url}' cannot be reached.*Could not connect"):
            jupyter_tb.read(url, storage_options=closed)
