"""What a received file really is, read from its content, and whether warta takes it.

Telegram tells what the sender's phone claims (a photo, a file named ``laporan.pdf``);
the bytes decide. A file is accepted when its content is one of the kinds an office
publishes (photos: JPEG, PNG, WebP, HEIC/HEIF; videos: MP4, MOV; documents: PDF, DOCX,
XLSX, PPTX, ODT), agrees with what it claims to be, and is whole: an empty file, a
truncated one, a picture whose size would take gigabytes to open (a "decompression
bomb") or an archive that unpacks to one are refused, each with a reason a catalog key
names. Only headers and structure are read; no picture is decoded at full size.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from pathlib import Path

import filetype
from PIL import Image
from pillow_heif import register_heif_opener

from bot.core.media_limits import MAX_PIXELS
from bot.ports.file_checks import Checked, FileRefused

# Pictures above this are not decoded here even at a reduced size (only their header
# and structure are read): decoding them whole would cost more memory than it tells.
DECODE_AT_MOST = 50_000_000

# HEIC/HEIF (iPhones) open like any picture; Pillow's own bomb guard starts where ours
# does, so a 200 MP phone photo is not mistaken for one.
register_heif_opener()
Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, MAX_PIXELS)
# An Office document or ODT that unpacks to more than this is refused (a zip bomb).
MAX_UNPACKED = 1024 * 1024 * 1024
_HEAD = 8192

PHOTOS = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/avif"}
VIDEOS = {"video/mp4", "video/quicktime", "video/x-m4v"}
_OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/",
}
_ODT = "application/vnd.oasis.opendocument.text"
DOCUMENTS = {"application/pdf", _ODT, *_OFFICE}


def check_file(path: Path, claimed_kind: str, claimed_mime: str | None = None) -> Checked:
    """The file at ``path`` as warta will keep it, or :class:`FileRefused`.

    ``claimed_kind`` is how it came (a Telegram photo, video, animation or document),
    ``claimed_mime`` the type the sender's app gave it (from its name)."""
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("empty")
    with path.open("rb") as stream:
        head = stream.read(_HEAD)
    guess = filetype.guess(head)
    found = str(guess.mime) if guess is not None else _plain_pdf(head)
    family = _family(found)
    if found is None or family is None:
        raise FileRefused("kind")
    mime = found
    if not _agrees(claimed_kind, claimed_mime, family):
        raise FileRefused("mismatch")
    if family == "photo":
        width, height = _check_picture(path)
        kind = "photo" if claimed_kind == "photo" else "document"
        return Checked(kind, mime, width, height)
    if family == "video":
        _check_boxes(path, size)
        kind = claimed_kind if claimed_kind in ("video", "animation") else "document"
        return Checked(kind, mime)
    if mime == "application/pdf":
        _check_pdf(path, size)
    else:
        _check_package(path, mime)
    return Checked("document", mime)


def _plain_pdf(head: bytes) -> str | None:
    # A PDF may have a few bytes of junk before its header (the format allows 1 KB).
    return "application/pdf" if b"%PDF-" in head[:1024] else None


def _family(mime: str | None) -> str | None:
    if mime in PHOTOS:
        return "photo"
    if mime in VIDEOS:
        return "video"
    if mime in DOCUMENTS:
        return "document"
    return None


def _agrees(claimed_kind: str, claimed_mime: str | None, family: str) -> bool:
    """Whether the content is what the message said it was (an .exe named .jpg, a PDF
    named .jpg, a "video" that is a picture: all disagree)."""
    if claimed_kind == "photo" and family != "photo":
        return False
    if claimed_kind in ("video", "animation") and family != "video":
        return False
    if not claimed_mime:
        return True
    claimed = claimed_mime.lower().split(";")[0].strip()
    if claimed.startswith("image/"):
        return family == "photo"
    if claimed.startswith("video/"):
        return family == "video"
    if claimed in DOCUMENTS or claimed in ("application/msword",):
        return family == "document"
    # "application/octet-stream" and the like claim nothing in particular.
    return True


def _check_picture(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FileRefused("too_many_pixels", {"mp": str(width * height // 1_000_000)})
            if image.format == "JPEG":
                # Decoded at an eighth of its size: the whole stream is still read, so
                # a cut-off file shows, cheaply.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
            elif image.format == "PNG":
                image.verify()  # every chunk's checksum, without decoding the pixels
            elif width * height <= DECODE_AT_MOST:
                image.load()
    except FileRefused:
        raise
    except Image.DecompressionBombError as bomb:
        # Pillow's own guard (far above ours) stopped it before we read its size.
        claimed = re.search(r"\((\d+) pixels\)", str(bomb))
        pixels = int(claimed.group(1)) if claimed else MAX_PIXELS
        raise FileRefused("too_many_pixels", {"mp": str(pixels // 1_000_000)}) from None
    except (OSError, SyntaxError, ValueError, IndexError, EOFError):
        raise FileRefused("corrupt") from None
    return width, height


def _check_boxes(path: Path, size: int) -> None:
    """MP4 and MOV are a chain of boxes; a cut-off file breaks the chain, and a video
    without its index (``moov``) cannot be played."""
    seen: set[bytes] = set()
    offset = 0
    with path.open("rb") as stream:
        while offset < size:
            stream.seek(offset)
            header = stream.read(16)
            if len(header) < 8:
                raise FileRefused("corrupt")
            length, name = struct.unpack(">I4s", header[:8])
            if length == 1:
                if len(header) < 16:
                    raise FileRefused("corrupt")
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:
                length = size - offset  # the last box runs to the end of the file
            if length < 8 or offset + length > size:
                raise FileRefused("corrupt")
            seen.add(name)
            offset += length
    if b"moov" not in seen:
        raise FileRefused("corrupt")


def _check_pdf(path: Path, size: int) -> None:
    with path.open("rb") as stream:
        stream.seek(max(0, size - 2048), os.SEEK_SET)
        tail = stream.read()
    if b"%%EOF" not in tail:
        raise FileRefused("corrupt")


def _check_package(path: Path, mime: str) -> None:
    """DOCX, XLSX, PPTX and ODT are zip packages with known parts inside."""
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            if sum(entry.file_size for entry in package.infolist()) > MAX_UNPACKED:
                raise FileRefused("corrupt")
            if mime == _ODT:
                whole = package.read("mimetype").strip() == _ODT.encode()
            else:
                whole = any(name.startswith(_OFFICE[mime]) for name in names)
            if not whole or package.testzip() is not None:
                raise FileRefused("corrupt")
    except FileRefused:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise FileRefused("corrupt") from None
