"""The blob store on S3-compatible object storage (AWS S3, MinIO, and the like).

The same port and the same content-addressed keys as :class:`storage.blobs.LocalBlobStore`:
a blob lives at ``<prefix><ab>/<cd>/<sha256>``. Downloads still land in a local
temporary folder first; :meth:`S3BlobStore.put_file` hashes the file, then uploads it
under its key. Large files go up in parts (boto3's transfer manager); an object only
appears once its last part is in, and a failed upload is aborted, so a key never names
half a file. Every boto3 call runs in a worker thread, off the event loop.

Credentials come from the standard AWS chain (environment, shared files, instance
role); only where the bucket is (name, prefix, endpoint, region) is configured here.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from bot.ports.blobs import BlobNotFoundError, BlobRef, BlobStoreError, blob_key, hash_stream
from storage.blobs import check_key, temp_path

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Files above this go up in parts of this size (S3's minimum part is 5 MiB).
MULTIPART_THRESHOLD = 16 * 1024 * 1024
MULTIPART_CHUNK = 16 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}


@dataclass(frozen=True)
class S3Location:
    """Where the blobs are: the bucket, a key prefix, and for a provider other than
    AWS, its endpoint URL."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None

    def key(self, blob: str) -> str:
        return f"{self.prefix}{check_key(blob)}"

    def describe(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def s3_client(location: S3Location) -> S3Client:
    """A client for the bucket's endpoint, with credentials from the AWS chain."""
    config = Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10)
    client: S3Client = boto3.client(
        "s3", endpoint_url=location.endpoint_url, region_name=location.region, config=config
    )
    return client


class S3BlobStore:
    """Blobs as objects in a bucket, under the same keys as the local store."""

    def __init__(
        self,
        location: S3Location,
        tmp_dir: Path,
        client: S3Client | None = None,
        transfer: TransferConfig | None = None,
    ) -> None:
        self.location = location
        self.tmp_dir = Path(tmp_dir)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self._client = client or s3_client(location)
        self._transfer = transfer or TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_CHUNK
        )

    def __repr__(self) -> str:
        return f"S3BlobStore({self.location.describe()!r})"

    # --- the port ---------------------------------------------------------------------

    def new_temp_path(self, suffix: str = "") -> Path:
        return temp_path(self.tmp_dir, suffix)

    async def put_file(self, path: Path) -> BlobRef:
        path = Path(path)
        try:
            return await asyncio.to_thread(self._put_file, path)
        finally:
            path.unlink(missing_ok=True)

    async def put_bytes(self, data: bytes) -> BlobRef:
        return await asyncio.to_thread(self._put_stream, io.BytesIO(bytes(data)))

    async def read_bytes(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    def local_path(self, key: str) -> Path | None:
        return None  # never on this machine's disk

    async def copy_to(self, key: str, target: Path) -> None:
        await asyncio.to_thread(self._download, key, Path(target))

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._head, key) is not None

    # --- beyond the port: checks and copies ---------------------------------------------

    async def size_of(self, key: str) -> int | None:
        """The stored object's size, or None when there is none."""
        head = await asyncio.to_thread(self._head, key)
        return None if head is None else int(head["ContentLength"])

    async def copy_from(self, path: Path, sha256: str, size: int) -> bool:
        """Upload a file whose content is known, leaving it where it is (a migration);
        False when the object was there already."""
        return await asyncio.to_thread(self._copy_from, Path(path), sha256, size)

    async def holds(self, key: str, sha256: str, size: int) -> bool:
        """Whether the object under ``key`` is these bytes, by its size and the SHA-256
        recorded with it."""
        head = await asyncio.to_thread(self._head, key)
        if head is None:
            return False
        recorded = head.get("Metadata", {}).get("sha256")
        return int(head["ContentLength"]) == size and recorded in (None, sha256)

    async def check(self) -> None:
        """Write, read back and delete a probe object (for ``warta doctor``)."""
        await asyncio.to_thread(self._check)

    # --- blocking work, run in a worker thread ----------------------------------------

    def _put_file(self, path: Path) -> BlobRef:
        with path.open("rb") as stream:
            sha256, size = hash_stream(stream)
            stream.seek(0)
            return self._upload(stream, sha256, size)

    def _put_stream(self, stream: io.BytesIO) -> BlobRef:
        sha256, size = hash_stream(stream)
        stream.seek(0)
        return self._upload(stream, sha256, size)

    def _copy_from(self, path: Path, sha256: str, size: int) -> bool:
        key = blob_key(sha256)
        head = self._head(key)
        if head is not None and int(head["ContentLength"]) == size:
            return False
        with path.open("rb") as stream:
            self._upload(stream, sha256, size)
        return True

    def _upload(self, stream: Any, sha256: str, size: int) -> BlobRef:
        ref = BlobRef(key=blob_key(sha256), size=size, sha256=sha256)
        head = self._head(ref.key)
        if head is not None and int(head["ContentLength"]) == size:
            return ref  # the same content is there already (same key, same bytes)
        self._call(
            "upload",
            lambda: self._client.upload_fileobj(
                stream,
                self.location.bucket,
                self.location.key(ref.key),
                ExtraArgs={"Metadata": {"sha256": sha256}},
                Config=self._transfer,
            ),
        )
        return ref

    def _read(self, key: str) -> bytes:
        try:
            found = self._client.get_object(Bucket=self.location.bucket, Key=self.location.key(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                raise BlobNotFoundError(key) from None
            raise self._failure("read", error) from None
        except BotoCoreError as error:
            raise self._failure("read", error) from None
        body: bytes = found["Body"].read()
        return body

    def _download(self, key: str, target: Path) -> None:
        # boto3's managed transfer: ranged parts written to the file as they come.
        try:
            self._client.download_file(
                self.location.bucket, self.location.key(key), str(target), Config=self._transfer
            )
        except ClientError as error:
            target.unlink(missing_ok=True)
            if _code(error) in _MISSING:
                raise BlobNotFoundError(key) from None
            raise self._failure("read", error) from None
        except BotoCoreError as error:
            target.unlink(missing_ok=True)
            raise self._failure("read", error) from None

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            head = self._client.head_object(Bucket=self.location.bucket, Key=self.location.key(key))
        except ClientError as error:
            if _code(error) in _MISSING:
                return None
            raise self._failure("look up", error) from None
        except BotoCoreError as error:
            raise self._failure("look up", error) from None
        return dict(head)

    def _check(self) -> None:
        probe = f"{self.location.prefix}.warta-doctor-{uuid.uuid4().hex}"
        bucket = self.location.bucket
        self._call("write", lambda: self._client.put_object(Bucket=bucket, Key=probe, Body=b"ok"))
        body = self._call("read", lambda: self._client.get_object(Bucket=bucket, Key=probe))
        self._call("delete", lambda: self._client.delete_object(Bucket=bucket, Key=probe))
        if body["Body"].read() != b"ok":
            raise BlobStoreError(f"{self.location.describe()}: a probe read back differently")

    def _call(self, what: str, call: Any) -> Any:
        try:
            return call()
        except (ClientError, BotoCoreError) as error:
            raise self._failure(what, error) from None

    def _failure(self, what: str, error: Exception) -> BlobStoreError:
        reason = _code(error) if isinstance(error, ClientError) else type(error).__name__
        return BlobStoreError(f"cannot {what} in {self.location.describe()}: {reason}")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "") or "")
