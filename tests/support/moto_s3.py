"""A real S3 API on 127.0.0.1: a moto server, one bucket, and the settings each client needs.

s3fs (ours) takes ``storage_options``; TensorBoard's own S3 filesystem (boto3) and subprocesses
take environment variables (``env``): ``S3_ENDPOINT`` is TensorBoard's, ``AWS_ENDPOINT_URL``
every other AWS SDK's.
"""

from __future__ import annotations

import socket
import urllib.request
import uuid
from dataclasses import dataclass, field

REGION = "eu-central-1"  # not us-east-1: bucket creation and signing differ outside it
KEY = SECRET = "testing"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MotoS3:
    endpoint: str
    client: object  # boto3 S3 client
    bucket: str
    options: dict = field(default_factory=dict)  # s3fs storage_options
    env: dict = field(default_factory=dict)  # for boto3 (TensorBoard) and subprocesses

    def url(self, *parts: str) -> str:
        return "s3://" + "/".join((self.bucket, *parts))

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]

    def create_bucket(self, name: str | None = None) -> None:
        self.client.create_bucket(
            Bucket=name or self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )


def start_moto_s3(bucket: str | None = None):
    """``(server, MotoS3)`` with a fresh bucket; call :func:`stop_moto_s3` when done."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET
    )
    s3 = MotoS3(
        endpoint=endpoint,
        client=client,
        bucket=bucket or f"logs-{uuid.uuid4().hex[:8]}",
        options={
            "endpoint_url": endpoint,
            "key": KEY,
            "secret": SECRET,
            "client_kwargs": {"region_name": REGION},
        },
        env={
            "S3_ENDPOINT": endpoint,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": REGION,
        },
    )
    s3.create_bucket()
    return server, s3


def stop_moto_s3(server, s3: MotoS3) -> None:
    """Empty moto's state (it lives in the process and outlives the server), then stop."""
    urllib.request.urlopen(urllib.request.Request(s3.endpoint + "/moto-api/reset", method="POST"))
    server.stop()
