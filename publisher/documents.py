"""Public copies of documents without who wrote them.

A PDF or an Office file carries its author, the last person who saved it, the company,
the template's path on someone's computer and the editing software, in metadata the
reader never sees on the page. The original is kept as it came (the archive); the copy
that goes public has that metadata removed and nothing else changed:

- **PDF** (with pikepdf, on qpdf): the document information dictionary and every XMP
  ``/Metadata`` stream (the catalog's, a page's, an image's) and application-private
  ``/PieceInfo`` are removed, and the file is written again whole, so earlier
  revisions kept by incremental saves go too.
- **DOCX, XLSX, PPTX** (zip packages): ``docProps/core.xml`` (creator, last modified
  by, title, dates), ``docProps/app.xml`` (company, manager, template, application) and
  ``docProps/custom.xml`` are replaced by empty ones of the same kind, so no package
  relationship breaks.
- **ODT**: ``meta.xml`` keeps its root and an empty ``office:meta``.

Entries are copied one by one in their order and compression (an ODT's ``mimetype``
stays first and stored), each through a small buffer.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from typing import IO

import pikepdf

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
CLEANED_TYPES = {PDF, ODT, *OOXML}

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EMPTY_OOXML = {
    "docProps/core.xml": _HEAD
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>',
    "docProps/app.xml": _HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"/>',
    "docProps/custom.xml": _HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    'docPropsVTypes"/>',
}
_ODF_VERSION = re.compile(rb'office:version="([0-9.]{1,8})"')


class UncleanableDocument(ValueError):
    """The document cannot be opened to remove its metadata; ``reason`` is the catalog
    key that says why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def clean_document(data: bytes, mime_type: str) -> bytes:
    """``data`` without its author metadata (see the module docstring)."""
    if mime_type == PDF:
        return clean_pdf(data)
    if mime_type in OOXML or mime_type == ODT:
        return clean_package(data, odt=mime_type == ODT)
    raise ValueError(f"not a document warta cleans: {mime_type}")


def clean_pdf(data: bytes) -> bytes:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise UncleanableDocument("password-protected PDF", "unpublishable.protected") from exc
    except pikepdf.PdfError as exc:
        raise UncleanableDocument(f"unreadable PDF: {exc}", "unpublishable.document") from exc
    with pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                for key in ("/Metadata", "/PieceInfo"):
                    if key in obj:
                        del obj[key]
        out = io.BytesIO()
        # A fresh file with a new /ID; no encryption (the public copy is for reading).
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    return out.getvalue()


def clean_package(data: bytes, *, odt: bool = False) -> bytes:
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w") as target,
        ):
            for info in source.infolist():
                replaced = _replacement(source, info.filename, odt)
                # The entry's own name, order, date and compression, never its comment.
                entry = zipfile.ZipInfo(info.filename, info.date_time)
                entry.compress_type = info.compress_type
                entry.external_attr = info.external_attr
                if replaced is not None:
                    target.writestr(entry, replaced)
                    continue
                with source.open(info) as reader, target.open(entry, "w") as writer:
                    _copy(reader, writer)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise UncleanableDocument(
            f"unreadable document package: {exc}", "unpublishable.document"
        ) from exc
    return out.getvalue()


def _replacement(source: zipfile.ZipFile, name: str, odt: bool) -> bytes | None:
    if odt:
        if name != "meta.xml":
            return None
        with source.open(name) as meta:
            head = meta.read(4096)
        found = _ODF_VERSION.search(head)
        version = found.group(1).decode() if found else "1.2"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            f'office:version="{version}"><office:meta/></office:document-meta>'
        ).encode()
    empty = _EMPTY_OOXML.get(name)
    return empty.encode() if empty is not None else None


def _copy(reader: IO[bytes], writer: IO[bytes]) -> None:
    shutil.copyfileobj(reader, writer, 1024 * 1024)
