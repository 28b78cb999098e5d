"""A real S3 API server for the tests: moto in server mode, on 127.0.0.1.

Started once per test process (each xdist worker has its own, on its own port) and
stopped at the end; the tests talk to it over HTTP with boto3, as warta talks to AWS or
MinIO. Credentials are fixed and fake; the tests hand them over explicitly or through
the standard AWS environment variables.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

ACCESS_KEY = "warta-test-key"
SECRET_KEY = "warta-test-secret-do-not-log"
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self):  # type: ignore[no-untyped-def]
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
