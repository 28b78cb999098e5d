"""The month's archive as others will check it, without warta (pure).

The archive is one ZIP holding one folder. Inside it, ``SHA256SUMS`` lists the SHA-256
of every other file in the format of coreutils' ``sha256sum``, so that
``sha256sum -c SHA256SUMS`` checks it on any Linux machine (and ``shasum -a 256 -c`` on a
Mac); ``manifest.json`` says what the month was, what the files are, and where the
month sits in the history's hash chain; ``BACA-SAYA.txt`` explains both in Indonesian
and English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.i18n import Translator

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
README = "BACA-SAYA.txt"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


@dataclass(frozen=True)
class PublicCopy:
    """A file as the public got it: in memory, or on disk when it may be large."""

    file_name: str
    content: bytes | None = None
    path: Path | None = None


@dataclass(frozen=True)
class NoPublicCopy:
    media_id: int
    reason: str


def folder_name(month: str) -> str:
    return f"arsip-{month}"


def sums_line(sha256: str, path: str) -> str:
    if "\n" in path or "\\" in path:
        raise ValueError(f"a file name the checksum list cannot hold: {path!r}")
    return f"{sha256}  {path}\n"


def read_sums(text: str) -> dict[str, str]:
    """``SHA256SUMS`` as path → hash; :class:`ValueError` names the first bad line."""
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{SUMS} line {number} is not '<sha256>  <file>'")
        listed[match.group(2)] = match.group(1)
    return listed


@dataclass(frozen=True)
class Problem:
    path: str
    what: str  # changed / missing / unlisted

    def __str__(self) -> str:
        return {
            "changed": f"{self.path}: its content differs from its SHA-256 in {SUMS}",
            "missing": f"{self.path}: listed in {SUMS} but not in the archive",
            "unlisted": f"{self.path}: in the archive but not listed in {SUMS}",
        }[self.what]


def compare(listed: Mapping[str, str], found: Mapping[str, str]) -> list[Problem]:
    """What differs between the list and the files found (path → SHA-256), by path."""
    problems = [
        Problem(path, "missing" if path not in found else "changed")
        for path, digest in listed.items()
        if found.get(path) != digest
    ]
    problems += [Problem(path, "unlisted") for path in found if path not in listed]
    return sorted(problems, key=lambda problem: problem.path)


def readme(t: Translator, *, month: str, office: str, sop: str, items: int, files: int) -> str:
    """``BACA-SAYA.txt``: for whoever opens the archive, in Indonesian and then English
    (the catalogs' ``archive.readme``), whatever the office's own language."""
    params = {
        "month": month,
        "office": office,
        "sop": sop,
        "items": items,
        "files": files,
        "folder": folder_name(month),
        "sums": SUMS,
        "manifest": MANIFEST,
    }
    return "\n\n".join(t("archive.readme", language, **params) for language in ("id", "en")) + "\n"


def member_path(name: str, root: str) -> str | None:
    """A ZIP member's path inside the archive's folder; None for folders and anything
    outside it (which :func:`compare` reports as unlisted under its full name)."""
    if name.endswith("/"):
        return None
    prefix = f"{root}/"
    return name[len(prefix) :] if name.startswith(prefix) else f"../{name}"
