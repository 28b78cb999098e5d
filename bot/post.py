"""The public form of an item: what the channel and the website will show.

The editor's preview and (later) the publishers use the same function, so the preview
is exactly what goes out. Text is escaped for Telegram HTML here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import CAPTION_LIMIT, TEXT_LIMIT, esc, split_for_messages, utf16_len


@dataclass(frozen=True)
class PublicPost:
    # Caption on the first photo/video of the album (or the whole message without media).
    caption: str
    # The rest of a long text, posted right after the album; empty when it all fits.
    follow_ups: tuple[str, ...]


def compose(
    title: str | None,
    body: str | None,
    category: str | None,
    section: str | None,
    has_visual_media: bool,
) -> PublicPost:
    head = f"<b>{esc(title or '')}</b>"
    footer_parts = [part for part in (category, section) if part]
    footer = ("\n\n" + esc(" · ".join(footer_parts))) if footer_parts else ""
    body_html = esc(body.strip()) if body else ""
    whole = head + (f"\n\n{body_html}" if body_html else "") + footer
    limit = CAPTION_LIMIT if has_visual_media else TEXT_LIMIT
    if utf16_len(whole) <= limit:
        return PublicPost(caption=whole, follow_ups=())
    # Too long for one caption: the title (and footer) stay on the media, the full
    # text follows as its own messages, split at paragraph breaks.
    caption = head + footer
    if utf16_len(caption) > limit:
        caption = f"<b>{esc((title or '')[: limit // 2])}…</b>"
    body_plain = body.strip() if body else ""
    # Escaping can lengthen text; split the plain text with room to spare.
    parts = split_for_messages(body_plain, TEXT_LIMIT - 500)
    return PublicPost(caption=caption, follow_ups=tuple(esc(p) for p in parts))
