"""Officers' plain text, made safe for HTML pages.

Text typed in Telegram is plain text: it is escaped, split into paragraphs, and web
addresses become links. The result then goes through the nh3 sanitizer (Ammonia) with a
three-tag allow-list as a second line of defence, so no caption can inject a script or
an attribute into the website, WordPress or a webhook consumer's page.
"""

from __future__ import annotations

import re

import nh3
from markupsafe import escape

_ALLOWED_TAGS = {"p", "br", "a"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}
_LINK_REL = "nofollow noopener noreferrer"
# http(s) addresses and bare www. ones; trailing punctuation stays outside the link.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)


def _linkify_escaped(line: str) -> str:
    """Escape one line of plain text and turn its web addresses into links."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(line):
        out.append(str(escape(line[last : match.start()])))
        shown = match.group(0)
        href = shown if shown.lower().startswith(("http://", "https://")) else f"https://{shown}"
        out.append(f'<a href="{escape(href)}">{escape(shown)}</a>')
        last = match.end()
    out.append(str(escape(line[last:])))
    return "".join(out)


def text_to_html(text: str | None) -> str:
    """Paragraphs (blank-line separated) as ``<p>``, line breaks as ``<br>``, links
    clickable; sanitized. Empty text gives an empty string."""
    if not text or not text.strip():
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip().replace("\r\n", "\n")) if p]
    html = "".join(
        "<p>" + "<br>".join(_linkify_escaped(line) for line in para.split("\n")) + "</p>"
        for para in paragraphs
    )
    return sanitize(html)


def sanitize(html: str) -> str:
    """Keep only paragraphs, line breaks and http(s) links (which open safely)."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=_LINK_REL,
    )


def excerpt(text: str | None, limit: int = 200) -> str:
    """The first ``limit`` characters of plain text on one line, cut at a word."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "…"
