"""The generated website in a backup: every file read once, and on restore the folder's
content replaced as a whole (staged first, then swapped in).

``warta site build`` renders from the site folder's own record (``.warta/posts.json``)
and the public copies in ``media/``, not from the database, so the folder itself is
what a backup must hold. Internal to the backup modules (:mod:`storage.backup`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from storage.backup_files import CHUNK_SIZE, fsync_dir, place, unsafe_path_reason
from storage.backup_results import BackupError, BackupUsageError, os_reason

__all__ = [
    "SITE_PREFIX",
    "SiteReplacement",
    "StagedFile",
    "check_site_location",
    "inside",
    "site_has_content",
    "stage_site",
]

SITE_PREFIX = "site/"
#: The site's own record of its posts (``publisher.static_site``).
RECORD = ".warta/posts.json"
# Unfinished writes: the site writer's ``.<name>.<id>.part``, the public media folder's
# ``.<name>.part`` and restore's own ``.<name>.restoring``.
_TEMP_FILE = re.compile(r"\..+\.(?:part|restoring)", re.DOTALL)
# What an interrupted restore leaves at the top of the site folder.
_LEFTOVER = re.compile(r"\.warta-(?:restore|old)-.*", re.DOTALL)


@dataclass(frozen=True)
class StagedFile:
    member: str  # site/<relative path>
    path: Path  # the copy in the backup's staging folder
    size: int
    sha256: str


def check_site_location(site_dir: Path, data_dir: Path) -> None:
    """Refuse a site folder that is, or holds, the data folder: it would publish the
    database (and a restore of the site would replace it)."""
    if inside(data_dir, site_dir):
        raise BackupUsageError(
            f"The site folder {site_dir} holds the data folder {data_dir}: the website would "
            "publish the database; give the site a folder of its own (WARTA_SITE_DIR)."
        )


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (links resolved)."""
    return path.resolve().is_relative_to(folder.resolve())


def _walk(site_dir: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """The site's regular files as (relative path, path), and what is left out (links,
    special files, names no archive can carry), as ``relative path (why)``."""
    files: list[tuple[str, Path]] = []
    skipped: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        folder = site_dir / prefix if prefix else site_dir
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue  # no site yet, or a folder a publish just removed
        except OSError as error:
            reason = os_reason(error)
            raise BackupError(f"Cannot read the site folder {folder}: {reason}.") from None
        for entry in entries:
            rel = f"{prefix}/{entry.name}" if prefix else entry.name
            if not prefix and _LEFTOVER.fullmatch(entry.name):
                continue
            if entry.is_symlink():
                skipped.append(f"{_shown(rel)} (a link)")
            elif entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            elif not entry.is_file(follow_symlinks=False):
                skipped.append(f"{_shown(rel)} (not a regular file)")
            elif not _TEMP_FILE.fullmatch(entry.name):
                why = _name_problem(rel)
                if why is None:
                    files.append((rel, Path(entry.path)))
                else:
                    skipped.append(f"{rel!r} ({why})")
    files.sort()
    return files, skipped


def _shown(rel: str) -> str:
    """``rel`` as it may go into the manifest and a message (which are UTF-8)."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return repr(rel)
    return rel


def _name_problem(rel: str) -> str | None:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return "a name that is not UTF-8"
    return unsafe_path_reason(SITE_PREFIX + rel)


def site_has_content(site_dir: Path) -> bool:
    """Any file or link in the site folder (unfinished writes and leftovers of an
    interrupted restore aside)."""
    files, skipped = _walk(site_dir)
    return bool(files or skipped)


# --- backup ---------------------------------------------------------------------------


def stage_site(site_dir: Path, staging: Path) -> tuple[list[StagedFile], list[str]]:
    """Copy the site folder's files into ``staging``, hashing each while it is read.

    The record comes first, then the rest: a publish writes its public files and page
    before the record, so every post in the copied record has its files in the copy
    (see the module docstring of :mod:`storage.backup` for what else a concurrent
    publish may do). Returns the copies and the skipped entries.
    """
    staged: list[StagedFile] = []
    linked = (site_dir / RECORD).parent.is_symlink()  # left out, like every link
    record = None if linked else _copy_once(site_dir / RECORD, staging / RECORD)
    if record is not None:
        staged.append(StagedFile(SITE_PREFIX + RECORD, staging / RECORD, *record))
    files, skipped = _walk(site_dir)
    for rel, source in files:
        if rel == RECORD:
            continue  # read once, before everything else (or absent then)
        copied = _copy_once(source, staging / rel)
        if copied is not None:
            staged.append(StagedFile(SITE_PREFIX + rel, staging / rel, *copied))
    return staged, skipped


def _copy_once(source: Path, target: Path) -> tuple[int, str] | None:
    """Copy ``source`` to ``target`` in one read, returning (size, SHA-256); None when
    it is gone (or no longer a regular file): a publish removed it meanwhile."""
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            return None
        raise _unreadable(source, error) from None
    with os.fdopen(fd, "rb") as reader:
        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with target.open("xb") as writer:
            while True:
                try:
                    chunk = reader.read(CHUNK_SIZE)
                except OSError as error:
                    raise _unreadable(source, error) from None
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
    return size, digest.hexdigest()


def _unreadable(source: Path, error: OSError) -> BackupError:
    return BackupError(f"Cannot read {source}: {os_reason(error)}; nothing was backed up.")


# --- restore --------------------------------------------------------------------------


class SiteReplacement:
    """Replaces the site folder's content with the archive's.

    :meth:`stage` moves every verified file into a hidden folder inside the site folder
    (so on its filesystem: the step that may copy, and run out of space, while the site
    is untouched). :meth:`swap` then moves the old content out and the new in with a few
    renames, putting the old back if one fails. :meth:`cleanup` removes what is left.
    The folder itself stays (it may be a mount point or a link), and its parent need not
    be writable.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._staging: Path | None = None
        self._made = False
        self._done = False

    def stage(self, extracted: Path, members: list[str]) -> None:
        self._made = not self.site_dir.exists()
        self.site_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".warta-restore-", dir=self.site_dir))
        self._staging = staging
        folders = {staging}
        for member in members:
            target = staging / member.removeprefix(SITE_PREFIX)
            place(extracted / member, target)
            folders.update(p for p in target.parents if p.is_relative_to(staging))
        for folder in folders:
            fsync_dir(folder)

    def swap(self) -> None:
        staging = self._staging
        assert staging is not None, "stage() first"
        old = Path(tempfile.mkdtemp(prefix=".warta-old-", dir=self.site_dir))
        moved_out: list[str] = []
        moved_in: list[str] = []
        try:
            for name in sorted(os.listdir(self.site_dir)):
                if name not in (staging.name, old.name):
                    os.rename(self.site_dir / name, old / name)
                    moved_out.append(name)
            for name in sorted(os.listdir(staging)):
                os.rename(staging / name, self.site_dir / name)
                moved_in.append(name)
        except OSError:
            for name in moved_in:
                with contextlib.suppress(OSError):
                    os.rename(self.site_dir / name, staging / name)
            for name in moved_out:
                with contextlib.suppress(OSError):
                    os.rename(old / name, self.site_dir / name)
            with contextlib.suppress(OSError):
                old.rmdir()
            raise
        self._done = True
        fsync_dir(self.site_dir)
        shutil.rmtree(old, ignore_errors=True)

    def cleanup(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        if self._made and not self._done:
            with contextlib.suppress(OSError):
                self.site_dir.rmdir()  # only if still empty
