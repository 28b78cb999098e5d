"""Publishing to the office's public Telegram channel (the bot is one of its admins).

One article becomes, in this order: its photos and videos as an album (Telegram allows
10 per album, so more make several albums; a single one is a plain photo or video) with
the caption on the first item, the rest of a long text as follow-up messages, then the
documents as their own album. An article without photos or videos is a text message,
followed by its documents. The caption is :func:`bot.post.compose`, the same text the
editor approved in the preview, plus a "Selengkapnya" link to the website copy when
there is one.

Images are always uploaded from :class:`~publisher.files.PublicFiles` (re-encoded without
EXIF/GPS): re-sending the officer's own ``file_id`` would publish a photo sent "as a
file" with its metadata. Videos and other documents are re-sent by ``file_id`` when
Telegram gave us one (no upload), else uploaded.

A post is all or nothing: when a later message fails, the messages already posted are
deleted again, so a retry does not duplicate them. A channel cannot be searched, so
after an ambiguous failure (a timeout after sending) :meth:`TelegramChannel.locate`
says :class:`~publisher.model.CannotTell` and a person checks the channel. A published
post is never edited in place; taking it down deletes its messages, or, for those
Telegram no longer lets a bot delete, replaces their text with a short notice.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from telegram import (
    Bot,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.post import compose
from bot.text import CAPTION_LIMIT, TEXT_LIMIT, utf16_len
from publisher.files import PublicFiles, needs_cleaning
from publisher.http import NEVER_SENT
from publisher.model import Article, ArticleMedia, CannotTell, PublishedRef, PublishError

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "ALBUM_LIMIT",
    "TAKEDOWN_NOTICE",
    "TelegramChannel",
    "channel_from_settings",
    "normalize_channel_id",
]

log = logging.getLogger(__name__)

#: Most items Telegram accepts in one album (sendMediaGroup takes 2-10).
ALBUM_LIMIT = 10
#: Most message ids one deleteMessages call accepts.
DELETE_CHUNK = 100
#: What a post that can no longer be deleted says after a takedown.
TAKEDOWN_NOTICE = "Informasi ini telah dicabut."
MORE_LABEL = "Selengkapnya"


@dataclass(frozen=True)
class _Upload:
    """One file ready to send: a Telegram file_id or the public bytes."""

    kind: Literal["photo", "video", "document"]
    media: str | bytes
    file_name: str | None


@dataclass(frozen=True)
class _Text:
    html: str
    # The article's web address when this message carries it (its link preview).
    preview_url: str | None = None


class TelegramChannel:
    """The public channel as a publishing :class:`~publisher.model.Target`."""

    name = "channel"

    def __init__(
        self,
        bot: Bot,
        chat_id: str | int,
        files: PublicFiles,
        *,
        timeout: float = 30.0,
    ) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._files = files
        # How long to wait for Telegram's answer to one request (an album upload can
        # take a while to be processed); uploads themselves use the bot's write timeout.
        self._read_timeout = timeout

    # ------------------------------------------------------------------ the port

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        if ref is not None:
            # A channel post is not updated in place: it stays as it went out.
            return ref
        # Everything that can fail without Telegram (a file not downloaded yet, an
        # unreadable image) fails here, before the first message is posted.
        visuals = [await self._prepare(m) for m in article.visual_media]
        documents = [await self._prepare(m) for m in article.documents]
        caption, follow_ups = _texts(article, has_visual_media=bool(visuals))

        posted: list[Message] = []
        text_ids: list[int] = []
        try:
            if visuals:
                for index, album in enumerate(_albums(visuals)):
                    posted += await self._send_visuals(album, caption.html if index == 0 else None)
                texts = follow_ups
            else:
                texts = [caption, *follow_ups]
            for text in texts:
                message = await self._send_text(text)
                posted.append(message)
                text_ids.append(message.message_id)
            for album in _albums(documents):
                posted += await self._send_documents(album)
        except TelegramError as exc:
            raise await self._undo(posted, self._error(exc)) from exc

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
            stuck: list[int] = []
            for chunk in _chunks(message_ids, DELETE_CHUNK):
                stuck += await self._delete(chat_id, chunk)
            for message_id in stuck:
                is_text = None if text_ids is None else message_id in text_ids
                await self._take_down(chat_id, message_id, is_text)
        except TelegramError as exc:
            raise self._error(exc) from exc

    # ------------------------------------------------------------------ posting

    async def _prepare(self, media: ArticleMedia) -> _Upload:
        # Never an image or a video by file_id: Telegram keeps a file byte for byte, so
        # the officer's original (with its GPS position) would be what the public gets.
        if media.telegram_file_id and not needs_cleaning(media):
            return _Upload(media.kind, media.telegram_file_id, None)
        public = await self._files.get(media)
        return _Upload(media.kind, public.data, public.file_name)

    async def _send_visuals(self, album: Sequence[_Upload], caption: str | None) -> list[Message]:
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

    async def _send_documents(self, album: Sequence[_Upload]) -> list[Message]:
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

    async def _send_text(self, text: _Text) -> Message:
        return await self._bot.send_message(
            self._chat_id,
            text.html,
            parse_mode=ParseMode.HTML,
            link_preview_options=(
                LinkPreviewOptions(url=text.preview_url) if text.preview_url else None
            ),
            read_timeout=self._read_timeout,
        )

    async def _undo(self, posted: list[Message], error: PublishError) -> PublishError:
        """Delete what a failed publish had already posted, so a retry starts clean."""
        if not posted:
            return error
        ids = [m.message_id for m in posted]
        try:
            for chunk in _chunks(ids, DELETE_CHUNK):
                await self._bot.delete_messages(
                    self._chat_id, chunk, read_timeout=self._read_timeout
                )
        except TelegramError as exc:
            log.warning("could not remove a partly posted channel post %s: %s", ids, exc)
            return PublishError(
                f"{error.message}; {len(ids)} message(s) of the post are already in the "
                "channel and could not be removed: check the channel before publishing again",
                ambiguous=True,
                kind=error.kind,
            )
        return PublishError(
            f"{error.message} (the {len(ids)} message(s) already posted were removed again)",
            ambiguous=error.ambiguous,
            kind=error.kind,
        )

    # ------------------------------------------------------------------ taking down

    async def _delete(self, chat_id: Any, message_ids: list[int]) -> list[int]:
        """Delete these messages; return those Telegram no longer lets the bot delete."""
        try:
            if await self._bot.delete_messages(
                chat_id, message_ids, read_timeout=self._read_timeout
            ):
                return []
        except BadRequest as exc:
            if _says(exc, "not found"):
                return []
            if not _says(exc, "can't be deleted", "cant be deleted", "can not be deleted"):
                raise
        # One of them cannot be deleted (older than 48 hours, say): go one by one.
        stuck: list[int] = []
        for message_id in message_ids:
            try:
                await self._bot.delete_message(chat_id, message_id, read_timeout=self._read_timeout)
            except BadRequest as exc:
                if _says(exc, "not found"):
                    continue
                if not _says(exc, "can't be deleted", "cant be deleted", "can not be deleted"):
                    raise
                stuck.append(message_id)
        return stuck

    async def _take_down(self, chat_id: Any, message_id: int, is_text: bool | None) -> None:
        """Replace a message's text (or caption) with the takedown notice."""
        # The kind recorded at posting first; the other one if Telegram disagrees.
        for as_text in (True, False) if is_text else (False, True):
            try:
                if as_text:
                    await self._bot.edit_message_text(
                        TAKEDOWN_NOTICE,
                        chat_id=chat_id,
                        message_id=message_id,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                        read_timeout=self._read_timeout,
                    )
                else:
                    await self._bot.edit_message_caption(
                        chat_id=chat_id,
                        message_id=message_id,
                        caption=TAKEDOWN_NOTICE,
                        read_timeout=self._read_timeout,
                    )
                return
            except BadRequest as exc:
                if _says(exc, "not modified", "message to edit not found"):
                    return  # already says so, or gone
                if _says(exc, "no text in the message", "no caption in the message"):
                    continue  # the other kind of message: try the other edit
                raise
        raise PublishError(f"message {message_id} could neither be deleted nor edited")

    # ------------------------------------------------------------------ errors

    def _error(self, exc: TelegramError) -> PublishError:
        """Telegram's failure in words for the publisher, without the bot token."""
        detail = exc.message.replace(self._bot.token, "<token>")
        if isinstance(exc, RetryAfter):
            return PublishError(
                f"Telegram asks to wait {_retry_seconds(exc)} seconds before posting to "
                "the channel again (flood control)",
                kind="busy",
            )
        if isinstance(exc, Forbidden):
            return PublishError(
                f"the bot may not post in the channel ({detail}): add it to the channel "
                "as an administrator allowed to post messages",
                kind="permission",
            )
        if isinstance(exc, InvalidToken):
            return PublishError("Telegram rejected the bot token", kind="login")
        if isinstance(exc, BadRequest):
            if _says(exc, "chat not found"):
                return PublishError(
                    f"Telegram channel {self._chat_id} not found: check WARTA_CHANNEL_ID "
                    "and that the bot was added to the channel",
                    kind="not_found",
                )
            if _says(exc, "administrator rights", "not enough rights", "chat_admin_required"):
                return PublishError(
                    "the bot is not an administrator of the channel allowed to post "
                    f"messages ({detail})",
                    kind="permission",
                )
            return PublishError(f"Telegram refused the post: {detail}", kind="refused")
        if isinstance(exc, NetworkError):
            if isinstance(exc.__cause__, NEVER_SENT):
                return PublishError(f"Telegram could not be reached ({detail})", kind="unreachable")
            return PublishError(
                f"no answer from Telegram ({detail or type(exc).__name__}); the post may "
                "have reached the channel",
                ambiguous=True,
                kind="timeout",
            )
        return PublishError(f"Telegram error: {detail}")


# ---------------------------------------------------------------------- helpers


def _texts(article: Article, *, has_visual_media: bool) -> tuple[_Text, list[_Text]]:
    """The caption (or first message) and the follow-ups, with the web link placed
    where it fits: the caption, else the last follow-up, else a message of its own."""
    post = compose(article.title, article.body, article.category, article.section, has_visual_media)
    caption = _Text(post.caption)
    follow_ups = [_Text(text) for text in post.follow_ups]
    url = article.web_url
    if not url:
        return caption, follow_ups
    line = f'{MORE_LABEL}: <a href="{escape(url, quote=True)}">{escape(url, quote=False)}</a>'
    limit = CAPTION_LIMIT if has_visual_media else TEXT_LIMIT
    if utf16_len(f"{caption.html}\n\n{line}") <= limit:
        return _Text(f"{caption.html}\n\n{line}", url), follow_ups
    if follow_ups and utf16_len(f"{follow_ups[-1].html}\n\n{line}") <= TEXT_LIMIT:
        follow_ups[-1] = _Text(f"{follow_ups[-1].html}\n\n{line}", url)
    else:
        follow_ups.append(_Text(line, url))
    return caption, follow_ups


def _albums(items: Sequence[_Upload]) -> Iterator[Sequence[_Upload]]:
    """Albums of at most 10, the last never a lone item (12 → 10 + 2, 11 → 9 + 2)."""
    start = 0
    while start < len(items):
        rest = len(items) - start
        size = ALBUM_LIMIT if rest != ALBUM_LIMIT + 1 else ALBUM_LIMIT - 1
        yield items[start : start + min(size, rest)]
        start += min(size, rest)


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _says(exc: TelegramError, *phrases: str) -> bool:
    text = exc.message.lower()
    return any(phrase in text for phrase in phrases)


def _retry_seconds(exc: RetryAfter) -> int:
    with warnings.catch_warnings():
        # PTB 22 warns about the int form; either form is read the same way here.
        warnings.simplefilter("ignore")
        value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(1, round(seconds))


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


def channel_from_settings(
    settings: Settings, bot: Bot, files: PublicFiles
) -> TelegramChannel | None:
    """The channel target when ``WARTA_CHANNEL_ID`` is set, else None."""
    if not settings.channel_id:
        return None
    return TelegramChannel(
        bot,
        normalize_channel_id(settings.channel_id),
        files,
        timeout=settings.publish_timeout_seconds,
    )
