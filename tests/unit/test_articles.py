"""How stored items become public articles: names of files, order of media."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("given", "public"),
    [
        ("Surat Edaran (final).pdf", "Surat-Edaran-final.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\\\Users\\\\rina\\\\Laporan Kegiatan.DOCX", "Laporan-Kegiatan.docx"),
        ("Üsulan anggaran.xlsx", "Usulan-anggaran.xlsx"),
        ("..pdf", "dokumen-3.pdf"),
        ("tanpa-ekstensi", "tanpa-ekstensi"),
    ],
)
def test_document_names_are_safe_and_readable(given: str, public: str) -> None:
    from types import SimpleNamespace

    from bot.ports.articles import public_name

    media = SimpleNamespace(kind="document", file_name=given, mime_type=None)
    assert public_name("judul-pkp-2026-0001", 3, media) == public  # type: ignore[arg-type]


def test_photos_are_named_after_the_article() -> None:
    from types import SimpleNamespace

    from bot.ports.articles import public_name

    photo = SimpleNamespace(kind="photo", file_name=None, mime_type="image/jpeg")
    assert public_name("judul-pkp-2026-0001", 2, photo) == "judul-pkp-2026-0001-2.jpg"  # type: ignore[arg-type]
