"""``warta archive verify``: check a month's ZIP against its own ``SHA256SUMS``, reading
each file in chunks (what ``sha256sum -c`` does after unzipping, without unzipping)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.archive_manifest import MANIFEST, SUMS, Problem, compare, member_path, read_sums

CHUNK = 1024 * 1024


class NotAnArchive(ValueError):
    """The file is not a ZIP, or not one warta wrote."""


@dataclass(frozen=True)
class ArchiveCheck:
    root: str
    files: int
    problems: list[Problem]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_archive(path: Path) -> ArchiveCheck:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise NotAnArchive(f"{path} is not a readable ZIP file ({error})") from None
    with archive:
        names = archive.namelist()
        roots = {name.split("/", 1)[0] for name in names}
        sums_names = [name for name in names if name.endswith(f"/{SUMS}")]
        if len(sums_names) != 1:
            raise NotAnArchive(f"{path} has no {SUMS} in its folder: not a warta archive")
        root = sums_names[0][: -len(SUMS) - 1]
        if roots != {root}:
            raise NotAnArchive(f"{path} holds more than the folder {root}/")
        try:
            listed = read_sums(archive.read(sums_names[0]).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise NotAnArchive(f"{path}: {error}") from None
        found: dict[str, str] = {}
        for info in archive.infolist():
            inside = member_path(info.filename, root)
            if inside is None or inside == SUMS:
                continue
            digest = hashlib.sha256()
            try:
                with archive.open(info) as reading:
                    while chunk := reading.read(CHUNK):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError):  # its bytes no longer match the ZIP's CRC
                found[inside] = "unreadable"
                continue
            found[inside] = digest.hexdigest()
        manifest: dict[str, Any] = {}
        if MANIFEST in found:
            try:
                manifest = json.loads(archive.read(f"{root}/{MANIFEST}"))
            except ValueError:
                manifest = {}
    return ArchiveCheck(root, len(found), compare(listed, found), manifest)
