"""A file that cannot be made public, however it got in, is set aside at once: the item
goes out without it on every target and the publishers are told which file and why."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.harness import FakeBotAPI, sample_jpeg
from tests.e2e.office import (
    CHANNEL_ID,
    channel_posts,
    code_in,
    snapshot,
    to_official,
)
from tests.e2e.office import publish_sweep as sweep
from tests.e2e.office import publishing_office as office


async def test_a_photo_spoilt_in_storage_is_left_out_and_the_publishers_are_told(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        await o.officer.sends_photo(sample_jpeg(320, 240, (20, 90, 160)))
        await o.officer.sends_photo(sample_jpeg(320, 240, (200, 40, 40)))
        await o.officer.sends("Jembatan diperbaiki\nPerbaikan selesai hari ini.")
        code = code_in(o.officer.last_message().text)
        await to_official(o, code)

        # The second original goes bad on disk after it was taken in and checked (a
        # disk fault, a restore gone wrong): no public copy can be made of it, neither
        # ahead after the approval nor by any target.
        media = (await snapshot(database_url)).media_of(code)
        spoilt = Path(o.h.settings.data_dir) / "media" / str(media[1].blob_key)
        os.chmod(spoilt, 0o600)
        spoilt.write_bytes(b"\xff\xd8\xff\xe0 not a picture any more")
        await o.official.taps("Setujui", in_chat=o.officials_group)

        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        await sweep(o)

        # Every target published, with the good photo only, and nothing is retried.
        rows = await snapshot(database_url)
        item = rows.item(code)
        statuses = {p.target: p.status for p in rows.publications if p.item_id == item.id}
        assert statuses and set(statuses.values()) == {"published"}, statuses
        page = next((Path(o.h.settings.data_dir) / "site" / "berita").glob("*/index.html"))
        assert page.read_text().count("<picture>") == 1
        [post] = channel_posts(fake_bot_api)
        assert "photo" in post.data  # one photo: a single post, not an album

        # The publishers, the editors and the IT team's log group hear which file and why.
        for group in (o.publishers_group, o.web_group, o.log_group):
            notice = group.find("tidak dapat diterbitkan")
            assert code in (notice.text or "") and "rusak" in (notice.text or ""), group.label
        # The original stays in the record, with its reason; the history says so.
        [aside] = [m for m in rows.media_of(code) if m.refused]
        assert aside.id == media[1].id and aside.refused == "unpublishable.unreadable"
        assert any(e.action == "media_unpublishable" for e in rows.events_of(code))
        assert spoilt.exists()

        # Later sweeps send nothing again.
        calls = len(fake_bot_api.calls)
        await sweep(o)
        assert not [
            c for c in fake_bot_api.calls[calls:] if str(c.params.get("chat_id")) == str(CHANNEL_ID)
        ]
        assert len(channel_posts(fake_bot_api)) == 1
