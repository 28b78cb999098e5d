"""The public channel as a publishing target: posting an article all or nothing,
taking it down, and the channel's address as the operator writes it.

Images are always uploaded from :class:`~publisher.files.PublicFiles` (re-encoded
without EXIF/GPS): re-sending the officer's own ``file_id`` would publish a photo sent
"as a file" with its metadata. Videos and other documents are re-sent by ``file_id``
when Telegram gave us one (no upload), else uploaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Bot, Message
from telegram.error import TelegramError

from bot.core.i18n import DEFAULT_LANGUAGE, Translator
from bot.ports.targets import Article, ArticleMedia, CannotTell, PublishedRef, PublishError
from publisher.channel.errors import publish_error
from publisher.channel.layout import Upload, albums, post_texts, read_more_label
from publisher.channel.posting import Poster
from publisher.channel.takedown import Remover, takedown_notice
from publisher.files import PublicFiles, needs_cleaning

if TYPE_CHECKING:
    pass


class TelegramChannel:
    """The public channel as a publishing :class:`~bot.ports.targets.Target`.

    ``language`` is the language of the words warta adds to a post itself (the "read
    more" link, the takedown notice); the article's own text is as the editor approved.
    """

    name = "channel"

    def __init__(
        self,
        bot: Bot,
        chat_id: str | int,
        files: PublicFiles,
        *,
        timeout: float = 30.0,
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._files = files
        t = Translator()
        self._more_label = read_more_label(t, language)
        # How long to wait for Telegram's answer to one request (an album upload can
        # take a while to be processed); uploads themselves use the bot's write timeout.
        self._poster = Poster(bot, chat_id, read_timeout=timeout)
        self._remover = Remover(bot, notice=takedown_notice(t, language), read_timeout=timeout)

    # ------------------------------------------------------------------ the port

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        if ref is not None:
            # A channel post is not updated in place: it stays as it went out.
            return ref
        # Everything that can fail without Telegram (a file not downloaded yet, an
        # unreadable image) fails here, before the first message is posted.
        visuals = [await self._prepare(m) for m in article.visual_media]
        documents = [await self._prepare(m) for m in article.documents]
        caption, follow_ups = post_texts(
            article, has_visual_media=bool(visuals), more_label=self._more_label
        )

        posted: list[Message] = []
        text_ids: list[int] = []
        try:
            if visuals:
                for index, album in enumerate(albums(visuals)):
                    first_caption = caption.html if index == 0 else None
                    posted += await self._poster.visuals(album, first_caption)
                texts = follow_ups
            else:
                texts = [caption, *follow_ups]
            for text in texts:
                message = await self._poster.text(text)
                posted.append(message)
                text_ids.append(message.message_id)
            for album in albums(documents):
                posted += await self._poster.documents(album)
        except TelegramError as exc:
            error = self._error(exc)
            ids = [m.message_id for m in posted]
            raise await self._remover.undo(self._chat_id, ids, error) from exc

        first = posted[0]
        username = first.chat.username or _username_of(self._chat_id)
        return PublishedRef(
            remote_id=str(first.message_id),
            url=f"https://t.me/{username}/{first.message_id}" if username else None,
            data={
                "chat_id": first.chat.id,
                "message_ids": [m.message_id for m in posted],
                # Which messages are text (the rest have captions): for the takedown.
                "text_message_ids": text_ids,
            },
        )

    async def locate(self, article: Article) -> PublishedRef | None:
        raise CannotTell(
            "a Telegram channel cannot be searched: look in the channel whether the "
            f"post for {article.key} is there before it is sent again"
        )

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        chat_id = ref.data.get("chat_id", self._chat_id)
        message_ids = [int(i) for i in ref.data.get("message_ids") or [ref.remote_id]]
        known_text = ref.data.get("text_message_ids")
        text_ids = {int(i) for i in known_text} if known_text is not None else None
        try:
            await self._remover.take_down(chat_id, message_ids, text_ids)
        except TelegramError as exc:
            raise self._error(exc) from exc

    # ------------------------------------------------------------------ helpers

    async def _prepare(self, media: ArticleMedia) -> Upload:
        # Never an image or a video by file_id: Telegram keeps a file byte for byte, so
        # the officer's original (with its GPS position) would be what the public gets.
        if media.telegram_file_id and not needs_cleaning(media):
            return Upload(media.kind, media.telegram_file_id, None)
        public = await self._files.get(media)
        # PTB sends an upload from memory: a video is read whole here (Telegram takes
        # 50 MB from a bot, 2 GB through a self-hosted Bot API server).
        return Upload(media.kind, await public.read(), public.file_name)

    def _error(self, exc: TelegramError) -> PublishError:
        return publish_error(exc, token=self._bot.token, chat_id=self._chat_id)


def _username_of(chat_id: str | int) -> str | None:
    if isinstance(chat_id, str) and chat_id.startswith("@"):
        return chat_id[1:]
    return None


def normalize_channel_id(value: str) -> str | int:
    """``-1001234567890`` → the number; ``@kota``, ``kota`` or ``https://t.me/kota`` →
    ``"@kota"`` (what the Bot API accepts as a channel's chat_id)."""
    text = value.strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip("/")
    if text.lstrip("-").isdigit():
        return int(text)
    return text if text.startswith("@") else f"@{text}"
