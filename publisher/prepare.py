"""Making an item's public copies ahead of publishing.

An approved item is usually published minutes later, or at a scheduled time. Its
photos' renditions, its videos' cleaned copies and posters and its documents' cleaned
copies are made right after the approval, in the background, so the publisher's tap is
answered by targets that find everything ready. What cannot be made is left for the
publishing itself, which reports it properly (a file set aside, a retry).
"""

from __future__ import annotations

import logging

from bot.ports.targets import Article, PublishError
from publisher.files import PublicFiles, is_image, is_mp4

log = logging.getLogger(__name__)


async def prepare(files: PublicFiles, article: Article) -> int:
    """Make every public copy of ``article`` that is not made yet; returns how many
    files are ready."""
    ready = 0
    for media in article.media:
        try:
            if is_image(media):
                await files.renditions(media)
            else:
                await files.get(media)
                if is_mp4(media):
                    await files.poster(media)
        except PublishError as error:
            log.info("%s: %s left for publishing (%s)", article.key, media.file_name, error.kind)
            continue
        ready += 1
    return ready


class AheadOfPublishing:
    """:class:`bot.ports.targets.PublicCopies` on the public files."""

    def __init__(self, files: PublicFiles) -> None:
        self._files = files

    async def prepare(self, article: Article) -> int:
        return await prepare(self._files, article)
