"""Which blob store a configuration names: the local folder, or S3-compatible storage."""

from __future__ import annotations

from pathlib import Path

from bot.ports.blobs import BlobStore
from storage.blobs import LocalBlobStore


def blob_store(
    kind: str,
    media_dir: Path,
    tmp_dir: Path,
    *,
    bucket: str | None = None,
    prefix: str = "",
    endpoint_url: str | None = None,
    region: str | None = None,
) -> BlobStore:
    """The store for ``kind`` ("local" or "s3"); boto3 is imported only for S3."""
    if kind == "s3":
        from storage.s3_blobs import S3BlobStore, S3Location

        assert bucket is not None, "checked by the settings"
        location = S3Location(bucket, prefix, endpoint_url, region)
        return S3BlobStore(location, tmp_dir)
    return LocalBlobStore(media_dir)
