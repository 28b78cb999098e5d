"""The editor describes a photo in chat; the description is the website's alt text."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import card, code_in, snapshot, to_editor
from tests.e2e.office import publish_sweep as sweep
from tests.e2e.office import publishing_office as office

DESCRIPTION = "Petugas membersihkan saluran air di Jalan Merdeka"


async def test_an_editor_describes_a_photo_and_the_site_reads_it_out(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(sample_jpeg(320, 240, (20, 90, 160)))
        await o.officer.sends_photo(sample_jpeg(320, 240, (200, 40, 40)))
        await o.officer.sends("Saluran air dibersihkan\nKerja bakti warga dan petugas.")
        code = code_in(o.officer.last_message().text)
        await to_editor(o, code)

        await o.editor.taps("Media", in_chat=o.web_group, message=card(o.web_group, code))
        listing = card(o.web_group, code)
        assert "📝 Deskripsi foto 1" in listing.button_texts
        await o.editor.taps("Deskripsi foto 1", in_chat=o.web_group, message=listing)
        question = o.web_group.last()
        assert question.force_reply and "deskripsi foto 1" in (question.text or "")

        # Too long: said politely, and asked again.
        await o.editor.replies("panjang " * 50, in_chat=o.web_group)
        assert "terlalu panjang" in o.web_group.last_text()
        assert o.web_group.last().force_reply
        await o.editor.replies(DESCRIPTION, in_chat=o.web_group)
        assert "Tersimpan" in o.web_group.last_text()
        rows = await snapshot(database_url)
        first, second = rows.media_of(code)
        assert (first.alt, second.alt) == (DESCRIPTION, None)
        assert any(e.action == "set_alt" for e in rows.events_of(code))

        # The media list shows which photos are described.
        await o.editor.taps("Media", in_chat=o.web_group, message=card(o.web_group, code))
        listing = card(o.web_group, code)
        assert "📝 Deskripsi foto 1 ✓" in listing.button_texts
        assert "📝 Deskripsi foto 2" in listing.button_texts
        await o.editor.taps("Kembali", in_chat=o.web_group, message=listing)

        await o.editor.taps(
            "Kirim ke pejabat", in_chat=o.web_group, message=card(o.web_group, code)
        )
        await o.official.taps("Setujui", in_chat=o.officials_group)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        await sweep(o)

        page = next((Path(o.h.settings.data_dir) / "site" / "berita").glob("*/index.html"))
        html = page.read_text()
        assert f'alt="{DESCRIPTION}"' in html
        # The photo nobody described keeps the description made from the title.
        assert 'alt="Saluran air dibersihkan — foto 2"' in html


async def test_a_dash_gives_the_photo_its_default_description_back(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(sample_jpeg(320, 240, (20, 90, 160)))
        await o.officer.sends("Taman kota\nPenanaman pohon.")
        code = code_in(o.officer.last_message().text)
        await to_editor(o, code)
        for answer in (DESCRIPTION, "-"):
            await o.editor.taps("Media", in_chat=o.web_group, message=card(o.web_group, code))
            listing = card(o.web_group, code)
            await o.editor.taps("Deskripsi foto 1", in_chat=o.web_group, message=listing)
            await o.editor.replies(answer, in_chat=o.web_group)
            assert "Tersimpan" in o.web_group.last_text()
        [photo] = (await snapshot(database_url)).media_of(code)
        assert photo.alt is None
