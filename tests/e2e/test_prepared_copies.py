"""Public copies are made right after the approval, before anyone taps Publish."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import FakeBotAPI
from tests.e2e.office import approved
from tests.e2e.office import publish_sweep as sweep
from tests.e2e.office import publishing_office as office


async def test_an_approved_items_photo_is_ready_before_it_is_published(
    fake_bot_api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    async with office(fake_bot_api, tmp_path, database_url) as o:
        renditions = Path(o.h.settings.data_dir) / "renditions"
        await approved(o)
        await o.h.settle()
        # The photo's web sizes were made in the background: their index is there...
        [index] = list(renditions.glob("*.json"))
        made = index.stat().st_mtime_ns
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        await sweep(o)
        # ...and publishing used them as they were.
        assert index.stat().st_mtime_ns == made
        assert list((Path(o.h.settings.data_dir) / "site" / "media").glob("*/*.webp"))
