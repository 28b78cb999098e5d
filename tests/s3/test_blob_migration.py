"""`warta blobs migrate` and `warta doctor` against a real S3 API server."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from pathlib import Path

import pytest

from bot.cli import main
from bot.ports.blobs import blob_key
from storage.blobs import LocalBlobStore
from tests.s3.server import ACCESS_KEY, REGION, SECRET_KEY, S3Server


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    name = f"warta-{secrets.token_hex(6)}"
    s3_server.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, s3_server: S3Server, bucket: str
) -> Path:
    for name in ("WARTA_TELEGRAM_TOKEN", "WARTA_DATABASE_URL", "WARTA_BLOB_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARTA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WARTA_S3_BUCKET", bucket)
    monkeypatch.setenv("WARTA_S3_PREFIX", "originals")
    monkeypatch.setenv("WARTA_S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("WARTA_S3_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    return tmp_path / "data"


def _originals(data_dir: Path, count: int) -> list[str]:
    store = LocalBlobStore(data_dir / "media")
    refs = [asyncio.run(store.put_bytes(secrets.token_bytes(1000 + i))) for i in range(count)]
    return sorted(ref.key for ref in refs)


def _in_bucket(s3_server: S3Server, bucket: str) -> list[str]:
    listed = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_migrate_copies_every_original_once_and_checks_it(
    configured: Path, s3_server: S3Server, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = _originals(configured, 3)

    assert main(["blobs", "migrate"]) == 0
    first = capsys.readouterr().out
    assert "copied           3" in first and "WARTA_BLOB_STORE=s3" in first
    assert _in_bucket(s3_server, bucket) == [f"originals/{key}" for key in keys]
    for key in keys:  # the local originals stay
        assert (configured / "media" / key).is_file()

    # Run again (an interrupted migration is resumed the same way): nothing is copied.
    extra = _originals(configured, 1)
    assert main(["blobs", "migrate"]) == 0
    again = capsys.readouterr().out
    assert "copied           1" in again and "already there    3" in again
    stored = _in_bucket(s3_server, bucket)
    assert len(stored) == 4 and f"originals/{extra[0]}" in stored


def test_a_damaged_original_is_reported_not_copied(
    configured: Path, s3_server: S3Server, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (key,) = _originals(configured, 1)
    (configured / "media" / key).write_bytes(b"bit rot")
    assert main(["blobs", "migrate"]) == 1
    out = capsys.readouterr().out
    assert f"DAMAGED          {key}" in out and "Traceback" not in out
    assert _in_bucket(s3_server, bucket) == []


def test_migrate_without_a_bucket_says_what_to_set(
    configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("WARTA_S3_BUCKET")
    assert main(["blobs", "migrate"]) == 2
    assert "WARTA_S3_BUCKET" in capsys.readouterr().out


def test_an_unreachable_bucket_fails_each_copy_politely(
    configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _originals(configured, 1)
    monkeypatch.setenv("WARTA_S3_BUCKET", "no-such-bucket")
    assert main(["blobs", "migrate"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "NoSuchBucket" in out
    assert "Traceback" not in out and SECRET_KEY not in out


def test_doctor_checks_the_bucket(
    configured: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_BLOB_STORE", "s3")
    main(["doctor"])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("media orig"))
    assert "(S3; a probe was written, read and deleted)" in line
    monkeypatch.setenv("WARTA_S3_BUCKET", "no-such-bucket")
    assert main(["doctor"]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("media orig"))
    assert "FAILED" in line and "NoSuchBucket" in line


def test_the_blob_keys_of_the_local_store_are_found(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    ref = asyncio.run(store.put_bytes(b"one"))
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "stray.txt").write_text("not a blob")
    assert list(store.stored_keys()) == [ref.key]
    assert ref.key == blob_key(hashlib.sha256(b"one").hexdigest())
