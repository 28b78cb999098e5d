"""The Bot API calls that post one article's messages to the channel.

A single photo or video is sent as itself, several as an album with the caption on the
first item; documents likewise. Every text is Telegram HTML, already escaped by
:mod:`.layout`, and the message that carries the web link previews that link.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    Bot,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode

from publisher.channel.layout import Text, Upload


class Poster:
    """Sends messages to one channel, waiting ``read_timeout`` seconds for each answer
    (an album upload can take a while to be processed)."""

    def __init__(self, bot: Bot, chat_id: str | int, *, read_timeout: float) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._read_timeout = read_timeout

    async def visuals(self, album: Sequence[Upload], caption: str | None) -> list[Message]:
        if len(album) == 1:
            item = album[0]
            if item.kind == "video":
                return [
                    await self._bot.send_video(
                        self._chat_id,
                        item.media,
                        caption=caption,
                        parse_mode=ParseMode.HTML,
                        filename=item.file_name,
                        supports_streaming=True,
                        read_timeout=self._read_timeout,
                    )
                ]
            return [
                await self._bot.send_photo(
                    self._chat_id,
                    item.media,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    filename=item.file_name,
                    read_timeout=self._read_timeout,
                )
            ]
        media: list[InputMediaPhoto | InputMediaVideo] = []
        for index, item in enumerate(album):
            text = caption if index == 0 else None
            if item.kind == "video":
                media.append(
                    InputMediaVideo(
                        item.media,
                        caption=text,
                        parse_mode=ParseMode.HTML,
                        filename=item.file_name,
                        supports_streaming=True,
                    )
                )
            else:
                media.append(
                    InputMediaPhoto(
                        item.media, caption=text, parse_mode=ParseMode.HTML, filename=item.file_name
                    )
                )
        return list(
            await self._bot.send_media_group(self._chat_id, media, read_timeout=self._read_timeout)
        )

    async def documents(self, album: Sequence[Upload]) -> list[Message]:
        if len(album) == 1:
            item = album[0]
            return [
                await self._bot.send_document(
                    self._chat_id,
                    item.media,
                    filename=item.file_name,
                    read_timeout=self._read_timeout,
                )
            ]
        media = [InputMediaDocument(item.media, filename=item.file_name) for item in album]
        return list(
            await self._bot.send_media_group(self._chat_id, media, read_timeout=self._read_timeout)
        )

    async def text(self, text: Text) -> Message:
        return await self._bot.send_message(
            self._chat_id,
            text.html,
            parse_mode=ParseMode.HTML,
            link_preview_options=(
                LinkPreviewOptions(url=text.preview_url) if text.preview_url else None
            ),
            read_timeout=self._read_timeout,
        )
