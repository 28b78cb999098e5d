"""The blob store on S3, against a real S3 API server (moto in server mode)."""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from bot.ports.blobs import BlobNotFoundError, BlobStoreError, blob_key
from bot.shell.config import ConfigError, load_settings
from bot.shell.wiring import blobs_for
from storage.s3_blobs import S3BlobStore, S3Location
from tests.s3.server import ACCESS_KEY, REGION, SECRET_KEY, S3Server

MIB = 1024 * 1024
SMALL_PARTS = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    name = f"warta-{secrets.token_hex(6)}"
    s3_server.client().create_bucket(Bucket=name)
    return name


def _store(
    s3_server: S3Server, bucket: str, tmp_path: Path, prefix: str = "media/", **kw: Any
) -> S3BlobStore:
    location = S3Location(bucket, prefix, s3_server.endpoint_url, REGION)
    return S3BlobStore(location, tmp_path / "tmp", client=s3_server.client(), **kw)


def _keys(s3_server: S3Server, bucket: str) -> list[str]:
    listed = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


async def test_a_file_goes_up_under_its_content_key_and_comes_back(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_server, bucket, tmp_path)
    data = b"\xff\xd8 a photo from the field"
    download = store.new_temp_path(".jpg")
    download.write_bytes(data)

    ref = await store.put_file(download)

    digest = hashlib.sha256(data).hexdigest()
    assert (ref.key, ref.size, ref.sha256) == (blob_key(digest), len(data), digest)
    assert not download.exists()  # the store took the file over
    assert _keys(s3_server, bucket) == [f"media/{ref.key}"]
    assert await store.read_bytes(ref.key) == data
    assert await store.exists(ref.key)
    assert store.local_path(ref.key) is None
    head = s3_server.client().head_object(Bucket=bucket, Key=f"media/{ref.key}")
    assert head["Metadata"]["sha256"] == digest


async def test_the_same_file_twice_is_stored_once(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_server, bucket, tmp_path)
    first = await store.put_bytes(b"same bytes")
    stored = s3_server.client().head_object(Bucket=bucket, Key=f"media/{first.key}")
    second = await store.put_bytes(b"same bytes")
    again = s3_server.client().head_object(Bucket=bucket, Key=f"media/{second.key}")
    assert first == second
    assert again["LastModified"] == stored["LastModified"]  # not uploaded again
    assert len(_keys(s3_server, bucket)) == 1


async def test_a_large_file_goes_up_in_parts(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_server, bucket, tmp_path, transfer=SMALL_PARTS)
    data = secrets.token_bytes(12 * MIB)
    download = store.new_temp_path()
    download.write_bytes(data)
    ref = await store.put_file(download)
    head = s3_server.client().head_object(Bucket=bucket, Key=f"media/{ref.key}")
    assert head["ETag"].strip('"').endswith("-3")  # three parts of 5, 5 and 2 MiB
    assert await store.read_bytes(ref.key) == data
    # ...and comes down in parts straight to a file (a video's public copy is made so).
    copy = tmp_path / "copy.bin"
    await store.copy_to(ref.key, copy)
    assert copy.read_bytes() == data
    with pytest.raises(BlobNotFoundError):
        await store.copy_to(blob_key("0" * 64), tmp_path / "none.bin")
    assert not (tmp_path / "none.bin").exists()


class _BreaksAfter(io.RawIOBase):
    """A file whose reading fails part of the way (a disk error, a vanished mount)."""

    def __init__(self, data: bytes, fail_at: int) -> None:
        self._data, self._fail_at, self._at = data, fail_at, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._at >= self._fail_at:
            raise OSError("input/output error")
        chunk = self._data[self._at : min(self._at + len(buffer), self._fail_at)]
        buffer[: len(chunk)] = chunk
        self._at += len(chunk)
        return len(chunk)


async def test_a_failed_upload_leaves_nothing_half_written(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_server, bucket, tmp_path, transfer=SMALL_PARTS)
    data = secrets.token_bytes(12 * MIB)
    digest = hashlib.sha256(data).hexdigest()
    # The upload itself (below the port, which hashes first): it breaks in part two.
    with pytest.raises(OSError):
        store._upload(_BreaksAfter(data, 7 * MIB), digest, len(data))
    assert _keys(s3_server, bucket) == []
    pending = s3_server.client().list_multipart_uploads(Bucket=bucket)
    assert pending.get("Uploads", []) == []
    assert not await store.exists(blob_key(digest))


async def test_a_missing_blob_and_a_missing_bucket_are_told_apart(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    store = _store(s3_server, bucket, tmp_path)
    absent = blob_key("0" * 64)
    assert not await store.exists(absent)
    with pytest.raises(BlobNotFoundError):
        await store.read_bytes(absent)
    gone = _store(s3_server, "no-such-bucket", tmp_path)
    with pytest.raises(BlobStoreError) as caught:
        await gone.read_bytes(absent)
    message = str(caught.value)
    assert "no-such-bucket" in message and "NoSuchBucket" in message
    assert SECRET_KEY not in message and ACCESS_KEY not in message


async def test_the_doctors_probe_writes_reads_and_leaves_nothing(
    s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    await _store(s3_server, bucket, tmp_path).check()
    assert _keys(s3_server, bucket) == []
    with pytest.raises(BlobStoreError):
        await _store(s3_server, "no-such-bucket", tmp_path).check()


async def test_the_settings_choose_s3_with_credentials_from_the_aws_chain(
    s3_server: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    settings = load_settings(
        data_dir=tmp_path,
        blob_store="s3",
        s3_bucket=bucket,
        s3_prefix="/warta/media",
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region=REGION,
    )
    store = blobs_for(settings)
    assert isinstance(store, S3BlobStore)
    ref = await store.put_bytes(b"configured")
    assert _keys(s3_server, bucket) == [f"warta/media/{ref.key}"]


def test_s3_without_a_bucket_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path, blob_store="s3")
    assert "WARTA_S3_BUCKET" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_settings(data_dir=tmp_path, blob_store="ftp")
    assert "WARTA_BLOB_STORE" in str(caught.value)
