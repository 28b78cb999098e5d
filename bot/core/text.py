"""Plain-text helpers that keep messages inside Telegram's limits.

Telegram counts message length in UTF-16 code units (4096 for text, 1024 for a
caption) and callback data in bytes (64), so the limits here are measured the same way.
"""

from __future__ import annotations

import html

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
ELLIPSIS = "…"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_title_body(text: str, title_limit: int) -> tuple[str, str]:
    """First non-empty line is the title, the rest is the body."""
    lines = text.strip().splitlines()
    if not lines:
        return "", ""
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    if len(title) > title_limit:
        # A caption typed as one long paragraph: keep it all, the title is its start.
        room = title[: title_limit - 1]
        cut = room.rsplit(" ", 1)[0] if " " in room else room
        body = f"{title}\n{body}".strip()
        title = cut.rstrip(" ,.;:") + ELLIPSIS
    return title, body


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` UTF-16 units at a word boundary, marking the cut."""
    if utf16_len(text) <= limit:
        return text
    if limit < 1:
        return ""
    budget = limit - 1
    cut = text
    while utf16_len(cut) > budget:
        cut = cut[: max(0, len(cut) - max(1, (utf16_len(cut) - budget) // 2))]
    spaced = cut.rsplit(" ", 1)[0]
    if len(spaced) > len(cut) * 0.8:
        cut = spaced
    return cut.rstrip() + ELLIPSIS


def excerpt(text: str | None, limit: int = 200) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return truncate(flat, limit)


def esc(text: object) -> str:
    """Escape for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=False)


def split_for_messages(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split long plain text into message-sized parts at paragraph or line breaks."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        window = rest[:limit]
        while utf16_len(window) > limit:
            window = window[:-1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        # Positions are in characters here, so compare with the window's own length.
        if cut < len(window) // 2:
            cut = len(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
