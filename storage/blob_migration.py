"""Copy the local store's originals to S3 (``warta blobs migrate``).

Each original is hashed again first: a file whose content no longer matches its key
(a damaged disk) is reported, never copied. What S3 already holds (same key, same size)
is skipped, so an interrupted migration simply runs again. Each copy is checked after
its upload by its size and the SHA-256 recorded with it. Nothing local is changed or
deleted: the folder stays until the operator removes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.ports.blobs import BlobStoreError, blob_key, hash_stream
from storage.blobs import LocalBlobStore
from storage.s3_blobs import S3BlobStore


@dataclass
class Migration:
    copied: int = 0
    present: int = 0
    # Keys whose local file does not hash to its key, and copies that failed (with why).
    damaged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.failed


def _hash(path: Path) -> tuple[str, int]:
    with path.open("rb") as stream:
        return hash_stream(stream)


async def migrate(
    source: LocalBlobStore,
    target: S3BlobStore,
    progress: Callable[[str, str], None] | None = None,
) -> Migration:
    """Copy every original of ``source`` to ``target``; ``progress(key, outcome)`` is
    told each one (copied / present / damaged / failed)."""
    done = Migration()
    for key in source.stored_keys():
        path = source.local_path(key)
        if path is None:  # removed while we walked
            continue
        sha256, size = await asyncio.to_thread(_hash, path)
        if blob_key(sha256) != key:
            done.damaged.append(key)
            outcome = "damaged"
        else:
            try:
                copied = await target.copy_from(path, sha256, size)
                if not await target.holds(key, sha256, size):
                    raise BlobStoreError(f"{key} does not read back as uploaded")
            except BlobStoreError as error:
                done.failed.append(f"{key}: {error}")
                outcome = "failed"
            else:
                outcome = "copied" if copied else "present"
                if copied:
                    done.copied += 1
                else:
                    done.present += 1
        if progress is not None:
            progress(key, outcome)
    return done
