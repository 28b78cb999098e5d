"""Files on disk for backup and restore: the media originals, safe relative paths, and
moving a verified file into place.

Internal to the backup modules (:mod:`storage.backup`). The blob store's own helpers
(key format, hashing, directory fsync) are reused so the two never disagree.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from bot.ports.blobs import CHUNK_SIZE, hash_stream
from storage.blobs import check_key, fsync_dir

__all__ = [
    "CHUNK_SIZE",
    "fsync_dir",
    "has_media",
    "hash_file",
    "install_media",
    "is_blob_key",
    "list_blobs",
    "place",
    "unsafe_path_reason",
]


_HEX2 = re.compile(r"[0-9a-f]{2}")


def is_blob_key(key: str) -> bool:
    """``ab/cd/abcd...``: a key as the blob store makes them."""
    try:
        check_key(key)
    except ValueError:
        return False
    return True


def hash_file(path: Path) -> tuple[int, str]:
    """(size, hex SHA-256) of the file at ``path``."""
    with path.open("rb") as stream:
        sha256, size = hash_stream(stream)
    return size, sha256


def unsafe_path_reason(name: str) -> str | None:
    """Why ``name`` may not become a path under a folder (None: it is a plain relative
    path of ``/``-separated names, none empty, ``.`` or ``..``)."""
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "an absolute path"
    if "\\" in name or "\x00" in name:
        return "an unusual path"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "a path leaving the archive"
    if any(p in ("", ".") for p in parts):
        return "an unusual path"
    return None


# --- media originals ------------------------------------------------------------------


def list_blobs(media_dir: Path) -> list[tuple[str, Path, int]]:
    """Complete blobs only: ``ab/cd/<sha256>`` files (not ``tmp/``, not links)."""
    found: list[tuple[str, Path, int]] = []
    for first in _subdirs(media_dir):
        for second in _subdirs(first):
            with os.scandir(second) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    key = f"{first.name}/{second.name}/{entry.name}"
                    if is_blob_key(key) and entry.is_file(follow_symlinks=False):
                        found.append((key, Path(entry.path), entry.stat().st_size))
    return found


def _subdirs(folder: Path) -> Iterator[Path]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(
                e.name
                for e in entries
                if _HEX2.fullmatch(e.name) and e.is_dir(follow_symlinks=False)
            )
    except FileNotFoundError:
        return
    for name in names:
        yield folder / name


def has_media(media_dir: Path) -> bool:
    """Any file in the media folder other than partial downloads in ``tmp/``."""
    if not media_dir.is_dir():
        return False
    for root, dirs, files in os.walk(media_dir):
        if Path(root) == media_dir:
            dirs[:] = [d for d in dirs if d != "tmp"]
        if files:
            return True
    return False


def install_media(staging: Path, media_dir: Path, members: list[str]) -> None:
    """Add the verified ``media/<key>`` files under ``staging`` to the media folder."""
    touched: set[Path] = set()
    for member in members:
        key = member.removeprefix("media/")
        target = media_dir / key
        source = staging / member
        try:
            if target.stat().st_size == source.stat().st_size:
                continue  # already there: same name, same content
        except FileNotFoundError:
            pass
        place(source, target)
        touched.add(target.parent)
    for folder in touched:
        fsync_dir(folder)


# --- moving into place ----------------------------------------------------------------


def place(source: Path, target: Path) -> None:
    """Move a verified file into place atomically (copying across filesystems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    temp = target.with_name(f".{target.name}.restoring")
    try:
        with source.open("rb") as reader, temp.open("wb") as writer:
            shutil.copyfileobj(reader, writer, CHUNK_SIZE)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    source.unlink(missing_ok=True)
