"""The blob store on this machine's disk: :class:`LocalBlobStore` keeps the originals
under a folder, by the port's content keys (:mod:`bot.ports.blobs`)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bot.ports.blobs import CHUNK_SIZE, BlobNotFoundError, BlobRef, blob_key, hash_stream

__all__ = ["LocalBlobStore", "check_key", "fsync_dir", "temp_path"]

_KEY_PATTERN = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})")
_SUFFIX_PATTERN = re.compile(r"[A-Za-z0-9._-]{0,32}")


def temp_path(folder: Path, suffix: str = "") -> Path:
    """A fresh file name in ``folder``; the suffix is checked (never a path)."""
    if not _SUFFIX_PATTERN.fullmatch(suffix):
        raise ValueError(f"unsafe temporary file suffix: {suffix!r}")
    return folder / f"{uuid.uuid4().hex}{suffix}"


def check_key(key: str) -> str:
    match = _KEY_PATTERN.fullmatch(key)
    if match is None or not match.group(3).startswith(match.group(1) + match.group(2)):
        raise ValueError(f"not a blob key: {key!r}")
    return key


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LocalBlobStore:
    """Blobs as files under ``root``; unfinished writes live in ``root/tmp``.

    Every blob file appears in one atomic rename of a complete, fsynced file, so a
    crash leaves either the whole blob or nothing (plus, at worst, a stray temporary
    file, which :meth:`sweep_temp` removes).
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    # --- the port ---------------------------------------------------------------------

    def new_temp_path(self, suffix: str = "") -> Path:
        return temp_path(self.tmp_dir, suffix)

    async def put_file(self, path: Path) -> BlobRef:
        return await asyncio.to_thread(self._put_file, Path(path))

    async def put_bytes(self, data: bytes) -> BlobRef:
        return await asyncio.to_thread(self._put_bytes, bytes(data))

    async def read_bytes(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise BlobNotFoundError(key) from None

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    async def copy_to(self, key: str, target: Path) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(shutil.copyfile, path, target)
        except FileNotFoundError:
            if not path.is_file():
                raise BlobNotFoundError(key) from None
            raise

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    def stored_keys(self) -> Iterator[str]:
        """Every stored blob's key, found on disk (lazily: a large store is not listed
        in memory)."""
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for second in sorted(first.glob("[0-9a-f][0-9a-f]")):
                for blob in sorted(second.iterdir()):
                    key = f"{first.name}/{second.name}/{blob.name}"
                    if _KEY_PATTERN.fullmatch(key) and blob.is_file():
                        yield key

    # --- housekeeping -----------------------------------------------------------------

    async def sweep_temp(self, older_than_seconds: float = 24 * 3600) -> int:
        """Remove temporary files older than this (downloads a crash left behind)."""
        return await asyncio.to_thread(self._sweep_temp, older_than_seconds)

    # --- blocking work, run in a worker thread ----------------------------------------

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _put_file(self, source: Path) -> BlobRef:
        with source.open("rb") as stream:
            sha256, size = hash_stream(stream)
            os.fsync(stream.fileno())
        ref = BlobRef(key=blob_key(sha256), size=size, sha256=sha256)
        target = self._path(ref.key)
        if source.resolve() == target.resolve():
            return ref  # handed its own blob back: nothing to do

        if self._holds(target, size):
            # Already stored (same content, hence same key): keep that copy.
            source.unlink(missing_ok=True)
            return ref

        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Atomic; a concurrent put of the same content just replaces equal bytes.
            os.replace(source, target)
        except OSError as error:
            if not _is_cross_device(error):
                raise
            self._copy_in(source, target)
            source.unlink(missing_ok=True)
        fsync_dir(target.parent)
        return ref

    def _put_bytes(self, data: bytes) -> BlobRef:
        temp = self.new_temp_path()
        try:
            with temp.open("xb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            return self._put_file(temp)
        finally:
            temp.unlink(missing_ok=True)

    def _copy_in(self, source: Path, target: Path) -> None:
        """Copy a file from another filesystem: into ``tmp`` first, then rename."""
        temp = self.new_temp_path()
        try:
            with source.open("rb") as reader, temp.open("xb") as writer:
                while chunk := reader.read(CHUNK_SIZE):
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

    @staticmethod
    def _holds(target: Path, size: int) -> bool:
        try:
            return target.stat().st_size == size
        except FileNotFoundError:
            return False

    def _sweep_temp(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in self.tmp_dir.iterdir():
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and entry.stat().st_mtime < cutoff:
                    entry.unlink()
                    removed += 1
        return removed


def _is_cross_device(error: OSError) -> bool:
    return error.errno == errno.EXDEV
