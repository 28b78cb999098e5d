"""The blob store port: content-addressed storage for media originals, kept byte for byte
as Telegram delivered them.

The key is derived from the SHA-256 of the content (``ab/cd/abcd...``), so the same file
sent twice is stored once and a key always names the same bytes. ``storage.blobs``
keeps blobs in a folder and ``storage.s3_blobs`` in an S3 bucket, with the same keys.

Downloads go to :meth:`BlobStore.new_temp_path` first and are then handed over with
:meth:`BlobStore.put_file`, which takes ownership of the temporary file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

__all__ = [
    "CHUNK_SIZE",
    "BlobNotFoundError",
    "BlobRef",
    "BlobStore",
    "BlobStoreError",
    "blob_key",
    "hash_stream",
]

# Files are read and hashed in pieces of this size, so memory never grows with them.
CHUNK_SIZE = 1024 * 1024


class BlobNotFoundError(LookupError):
    """No blob is stored under the key."""


class BlobStoreError(RuntimeError):
    """The store could not be reached or refused the request (the message names where
    the blobs are and the store's own error code, never credentials); worth a retry."""


@dataclass(frozen=True)
class BlobRef:
    """Where a blob is (``key``) and what it is (``size`` in bytes, hex ``sha256``)."""

    key: str
    size: int
    sha256: str


def blob_key(sha256: str) -> str:
    """The key of the content with this hex SHA-256: ``sha256[:2]/sha256[2:4]/sha256``."""
    digest = sha256.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"not a hex SHA-256 digest: {sha256!r}")
    return f"{digest[:2]}/{digest[2:4]}/{digest}"


@runtime_checkable
class BlobStore(Protocol):
    """Content-addressed storage for media originals."""

    async def put_file(self, path: Path) -> BlobRef:
        """Store the file at ``path`` and take ownership of it: it is moved or removed.

        Use a path from :meth:`new_temp_path` so the move needs no copy.
        """
        ...

    async def put_bytes(self, data: bytes) -> BlobRef:
        """Store ``data``."""
        ...

    def new_temp_path(self, suffix: str = "") -> Path:
        """A fresh, not yet existing path to download into before :meth:`put_file`."""
        ...

    async def read_bytes(self, key: str) -> bytes:
        """The blob's content; :class:`BlobNotFoundError` if there is none."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The blob as a file on this machine, or None (not stored, or not a local store)."""
        ...

    async def copy_to(self, key: str, target: Path) -> None:
        """Write the blob to ``target`` in chunks, off the event loop (memory does not
        grow with its size); :class:`BlobNotFoundError` if there is none."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether a blob is stored under ``key``."""
        ...


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
