"""The public form of an item: what the channel and the website will show.

The editor's preview and (later) the publishers use the same function, so the preview
is exactly what goes out. Text is escaped for Telegram HTML here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.text import CAPTION_LIMIT, TEXT_LIMIT, esc, split_for_messages, utf16_len


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
        caption = _bold_within(title or "", limit)
    body_plain = body.strip() if body else ""
    return PublicPost(caption=caption, follow_ups=tuple(_escaped_parts(body_plain, TEXT_LIMIT)))


def _bold_within(title: str, limit: int) -> str:
    """The title in bold, shortened until its escaped form fits ``limit``."""
    cut = title
    while cut and utf16_len(f"<b>{esc(cut)}…</b>") > limit:
        cut = cut[: len(cut) * 3 // 4]
    return f"<b>{esc(cut)}…</b>"


def _escaped_parts(text: str, limit: int) -> list[str]:
    """Split plain text so that every part still fits ``limit`` once escaped (escaping
    turns one ``&`` into five characters, so a plain split alone is not enough)."""
    parts: list[str] = []
    pending = split_for_messages(text, limit)
    while pending:
        piece = pending.pop(0)
        escaped = esc(piece)
        if utf16_len(escaped) <= limit:
            parts.append(escaped)
            continue
        # Split this piece smaller, in proportion to how much escaping grew it.
        smaller = max(1, utf16_len(piece) * limit // utf16_len(escaped) - 1)
        pending[0:0] = split_for_messages(piece, smaller)
    return parts
