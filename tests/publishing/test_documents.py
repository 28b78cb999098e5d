"""Documents go public without who wrote them: read back, the pages and parts are there,
the author, company and editing software are not; the original is untouched."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest

from bot.ports.targets import PublishError
from publisher.documents import (
    ODT,
    PDF,
    UncleanableDocument,
    clean_document,
)
from publisher.files import PublicFiles
from storage.blobs import LocalBlobStore
from tests.publishing.kit import stored_media

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECRETS = (b"Budi Santoso", b"Dinas Kominfo", b"C:\\Users\\budi", b"Microsoft Office Word")


def _pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    content = b"BT /F1 24 Tf 72 720 Td (Surat Edaran Nomor 12) Tj ET"
    page = pdf.pages[0]
    page.Contents = pdf.make_stream(content)
    page.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                  BaseFont=pikepdf.Name.Helvetica)
        )
    )  # fmt: skip
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = ["Budi Santoso"]
        xmp["xmp:CreatorTool"] = "Microsoft Office Word"
    pdf.docinfo["/Author"] = "Budi Santoso"
    pdf.docinfo["/Company"] = "Dinas Kominfo"
    pdf.docinfo["/Producer"] = "Microsoft Office Word"
    # An image with its own XMP, as cameras and editors leave them.
    image = pdf.make_stream(b"\x00\x00\x00", Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=1, Height=1, BitsPerComponent=8,
                            ColorSpace=pikepdf.Name.DeviceRGB)  # fmt: skip
    image.Metadata = pdf.make_stream(b"<x:xmpmeta>C:\\Users\\budi\\foto.jpg</x:xmpmeta>")
    page.Resources.XObject = pikepdf.Dictionary(Im1=image)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _docx_with_author() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("word/document.xml", "<w:document>Surat Edaran Nomor 12</w:document>")
        package.writestr(
            "docProps/core.xml",
            "<cp:coreProperties><dc:creator>Budi Santoso</dc:creator>"
            "<cp:lastModifiedBy>Budi Santoso</cp:lastModifiedBy></cp:coreProperties>",
        )
        package.writestr(
            "docProps/app.xml",
            "<Properties><Company>Dinas Kominfo</Company>"
            "<Template>C:\\Users\\budi\\Normal.dotm</Template>"
            "<Application>Microsoft Office Word</Application></Properties>",
        )
        package.comment = b"Budi Santoso"
    return out.getvalue()


def _odt_with_author() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:text>Surat Edaran Nomor 12</office:text>",
                         compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
        package.writestr(
            "meta.xml",
            '<office:document-meta office:version="1.3"><office:meta>'
            "<meta:initial-creator>Budi Santoso</meta:initial-creator>"
            "<meta:generator>Microsoft Office Word</meta:generator>"
            "</office:meta></office:document-meta>",
        )
    return out.getvalue()


def test_a_pdf_keeps_its_page_and_loses_its_author_everywhere() -> None:
    original = _pdf_with_author()
    assert all(secret in original for secret in SECRETS[:2])
    public = clean_document(original, PDF)
    for secret in SECRETS:
        assert secret not in public, secret
    with pikepdf.open(io.BytesIO(public)) as pdf:
        assert len(pdf.pages) == 1
        assert b"Surat Edaran Nomor 12" in pdf.pages[0].Contents.read_bytes()
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root


def test_a_docx_keeps_its_text_and_loses_its_author_company_and_template() -> None:
    public = clean_document(_docx_with_author(), DOCX)
    for secret in SECRETS:
        assert secret not in public, secret
    with zipfile.ZipFile(io.BytesIO(public)) as package:
        assert package.namelist() == [
            "[Content_Types].xml", "_rels/.rels", "word/document.xml",
            "docProps/core.xml", "docProps/app.xml",
        ]  # fmt: skip
        assert b"Surat Edaran Nomor 12" in package.read("word/document.xml")
        assert package.read("docProps/core.xml").rstrip().endswith(b"/>")


def test_an_odt_keeps_its_mimetype_first_and_stored() -> None:
    public = clean_document(_odt_with_author(), ODT)
    for secret in SECRETS:
        assert secret not in public, secret
    with zipfile.ZipFile(io.BytesIO(public)) as package:
        first = package.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert b'office:version="1.3"' in package.read("meta.xml")


@pytest.mark.parametrize(
    ("data", "mime"), [(b"%PDF-1.4 broken\n%%EOF\n", PDF), (b"PK\x03\x04", DOCX)]
)
def test_a_document_that_cannot_be_opened_says_why(data: bytes, mime: str) -> None:
    with pytest.raises(UncleanableDocument) as caught:
        clean_document(data, mime)
    assert caught.value.reason == "unpublishable.document"


async def test_the_public_copy_is_made_once_and_the_original_kept(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path / "media")
    original = _pdf_with_author()
    media = await stored_media(blobs, "document", original, "Surat Edaran 12.pdf", PDF)
    files = PublicFiles(blobs, tmp_path / "renditions")
    first = await files.get(media)
    assert b"Budi Santoso" not in await first.read() and first.mime_type == PDF
    assert await files.get(media) == first
    assert await blobs.read_bytes(str(media.blob_key)) == original
    broken = await stored_media(blobs, "document", b"%PDF-1.4 x\n%%EOF\n", "rusak.pdf", PDF)
    with pytest.raises(PublishError) as caught:
        await files.get(broken)
    assert caught.value.reason == "unpublishable.document"
