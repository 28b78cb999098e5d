"""How one article is laid out as channel messages, before anything is sent.

The caption is :func:`bot.core.post.compose`, the same text the editor approved in the
preview, with a "read more" link to the website copy added where it fits. Photos and
videos go out as albums of at most ten (Telegram's limit), documents as albums of
their own. Nothing here talks to Telegram, so the layout can be read and tested alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

from bot.core.i18n import Translator
from bot.core.post import compose
from bot.core.text import CAPTION_LIMIT, TEXT_LIMIT, utf16_len
from bot.ports.targets import Article

#: Most items Telegram accepts in one album (sendMediaGroup takes 2-10).
ALBUM_LIMIT = 10


@dataclass(frozen=True)
class Upload:
    """One file ready to send: a Telegram file_id or the public bytes."""

    kind: Literal["photo", "video", "document"]
    media: str | bytes
    file_name: str | None


@dataclass(frozen=True)
class Text:
    html: str
    # The article's web address when this message carries it (its link preview).
    preview_url: str | None = None


def read_more_label(t: Translator, language: str) -> str:
    """The label of the link to the website copy ("Selengkapnya")."""
    return t("channel.read_more", language)


def post_texts(
    article: Article, *, has_visual_media: bool, more_label: str
) -> tuple[Text, list[Text]]:
    """The caption (or first message) and the follow-ups, with the web link placed
    where it fits: the caption, else the last follow-up, else a message of its own."""
    post = compose(article.title, article.body, article.category, article.section, has_visual_media)
    caption = Text(post.caption)
    follow_ups = [Text(text) for text in post.follow_ups]
    url = article.web_url
    if not url:
        return caption, follow_ups
    label = escape(more_label, quote=False)
    line = f'{label}: <a href="{escape(url, quote=True)}">{escape(url, quote=False)}</a>'
    limit = CAPTION_LIMIT if has_visual_media else TEXT_LIMIT
    if utf16_len(f"{caption.html}\n\n{line}") <= limit:
        return Text(f"{caption.html}\n\n{line}", url), follow_ups
    if follow_ups and utf16_len(f"{follow_ups[-1].html}\n\n{line}") <= TEXT_LIMIT:
        follow_ups[-1] = Text(f"{follow_ups[-1].html}\n\n{line}", url)
    else:
        follow_ups.append(Text(line, url))
    return caption, follow_ups


def albums(items: Sequence[Upload]) -> Iterator[Sequence[Upload]]:
    """Albums of at most 10, the last never a lone item (12 → 10 + 2, 11 → 9 + 2)."""
    start = 0
    while start < len(items):
        rest = len(items) - start
        size = ALBUM_LIMIT if rest != ALBUM_LIMIT + 1 else ALBUM_LIMIT - 1
        yield items[start : start + min(size, rest)]
        start += min(size, rest)
