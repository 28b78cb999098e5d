"""What a received file is, read from its bytes: every kind warta refuses, and why."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from PIL import Image

# Importing it registers the HEIC/HEIF opener the samples below are made with.
from bot.ports.file_checks import Checked, FileRefused
from storage.file_checks import check_file
from tests.fakebotapi.samples import png_header_only

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _picture(fmt: str, size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def _box(name: bytes, body: bytes = b"", length: int | None = None) -> bytes:
    return struct.pack(">I4s", length or 8 + len(body), name) + body


def _mp4(*, moov: bool = True, cut: int = 0) -> bytes:
    data = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    if moov:
        data += _box(b"moov", b"\x00" * 32)
    data += _box(b"mdat", b"\x01" * 400)
    return data[: len(data) - cut] if cut else data


def _package(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


DOCX_BYTES = _package({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _check(tmp_path: Path, data: bytes, kind: str, mime: str | None = None) -> Checked:
    path = tmp_path / "received"
    path.write_bytes(data)
    return check_file(path, kind, mime)


@pytest.mark.parametrize(
    ("data", "kind", "mime", "expected"),
    [
        (_picture("JPEG"), "photo", "image/jpeg", ("photo", "image/jpeg")),
        (_picture("PNG"), "document", "image/png", ("document", "image/png")),
        (_picture("WEBP"), "document", "image/webp", ("document", "image/webp")),
        (_picture("HEIF"), "document", "image/heic", ("document", "image/heic")),
        (_mp4(), "video", "video/mp4", ("video", "video/mp4")),
        (_mp4(), "animation", "video/mp4", ("animation", "video/mp4")),
        (PDF, "document", "application/pdf", ("document", "application/pdf")),
        (DOCX_BYTES, "document", DOCX, ("document", DOCX)),
        (PDF, "document", "application/octet-stream", ("document", "application/pdf")),
    ],
)
def test_accepted_files(
    tmp_path: Path, data: bytes, kind: str, mime: str, expected: tuple[str, str]
) -> None:
    checked = _check(tmp_path, data, kind, mime)
    assert (checked.kind, checked.mime) == expected


def test_a_photo_keeps_its_size(tmp_path: Path) -> None:
    checked = _check(tmp_path, _picture("JPEG", (1200, 900)), "photo", "image/jpeg")
    assert (checked.width, checked.height) == (1200, 900)


def _truncated_jpeg() -> bytes:
    whole = _picture("JPEG", (1600, 1200))
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("data", "kind", "mime", "reason"),
    [
        (b"", "document", "image/jpeg", "empty"),
        (_truncated_jpeg(), "document", "image/jpeg", "corrupt"),
        (png_header_only(30000, 30000), "document", "image/png", "too_many_pixels"),
        (b"MZ\x90\x00" + b"\x00" * 200, "document", "image/jpeg", "kind"),  # an .exe
        (PDF, "document", "image/jpeg", "mismatch"),  # a PDF named .jpg
        (_picture("JPEG"), "video", "video/mp4", "mismatch"),
        (PDF[:-8], "document", "application/pdf", "corrupt"),  # no end
        (_mp4(cut=100), "video", "video/mp4", "corrupt"),
        (_mp4(moov=False), "video", "video/mp4", "corrupt"),
        (_package({"notes.txt": b"hello"}), "document", "application/zip", "kind"),
        (_package({"[Content_Types].xml": b"<x/>"}), "document", DOCX, "kind"),
        (b"just some text\n" * 20, "document", "text/plain", "kind"),
    ],
    ids=[
        "zero-byte",
        "truncated-jpeg",
        "png-bomb",
        "exe-as-jpg",
        "pdf-as-jpg",
        "photo-as-video",
        "truncated-pdf",
        "truncated-mp4",
        "mp4-without-index",
        "plain-zip",
        "docx-without-document",
        "text-file",
    ],
)
def test_refused_files(tmp_path: Path, data: bytes, kind: str, mime: str, reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        _check(tmp_path, data, kind, mime)
    assert refused.value.reason == reason
    assert refused.value.key == f"intake.refused.{reason}"


def test_a_bomb_says_how_big_it_claims_to_be(tmp_path: Path) -> None:
    with pytest.raises(FileRefused) as refused:
        _check(tmp_path, png_header_only(30000, 30000), "document", "image/png")
    assert refused.value.params == {"mp": "900"}


def test_a_200_megapixel_phone_photo_is_not_a_bomb(tmp_path: Path) -> None:
    # Only its header is read at this size: no pixels are decoded.
    checked = _check(tmp_path, png_header_only(16320, 12240), "document", "image/png")
    assert (checked.width, checked.height) == (16320, 12240)
