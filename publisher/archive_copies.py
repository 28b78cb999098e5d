"""The public copies of an item's files, for the monthly archive: exactly what the
targets were given (:class:`publisher.files.PublicFiles`, made once and kept), under the
names the public saw. Only for items that went out; a file that could not be made
public is named with the reason instead.
"""

from __future__ import annotations

from bot.core import values
from bot.core.archive_manifest import NoPublicCopy, PublicCopy
from bot.ports.articles import article_of
from bot.ports.targets import PublishError
from publisher.files import PublicFiles


class ArchiveCopies:
    def __init__(self, files: PublicFiles) -> None:
        self._files = files

    async def of(self, item: values.Item) -> dict[int, PublicCopy | NoPublicCopy]:
        published = [p.published_at for p in item.publications if p.published_at is not None]
        if not published:
            return {}
        found: dict[int, PublicCopy | NoPublicCopy] = {}
        for media in article_of(item, min(published)).media:
            assert media.media_id is not None  # article_of names every file's row
            if media.blob_key is None:
                found[media.media_id] = NoPublicCopy(media.media_id, "not downloaded")
                continue
            try:
                public = await self._files.get(media)
            except PublishError as error:
                found[media.media_id] = NoPublicCopy(media.media_id, str(error))
                continue
            found[media.media_id] = PublicCopy(public.file_name, public.content, public.path)
        return found
