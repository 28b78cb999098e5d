"""Translation catalogs: every string a user sees comes from ``bot/locales/<lang>.po``.

Message ids are symbolic keys (``card.status.submitted``) rather than English source
text, so a wording change in one language never orphans the other. The catalogs are
gettext PO files read with Babel, editable with any PO tool; placeholders use
``str.format`` names (``{name}``), and a test checks both catalogs carry the same keys
and the same placeholders.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

# The catalogs stay beside the package data of ``bot`` (pyproject: package-data).
LOCALES_DIR = Path(__file__).parent.parent / "locales"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@cache
def load_catalog(language: str) -> Mapping[str, str]:
    path = LOCALES_DIR / f"{language}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    for message in catalog:
        if message.id and isinstance(message.id, str) and isinstance(message.string, str):
            messages[message.id] = message.string
    return messages


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _SafeParams(dict[str, object]):
    """Leave an unknown ``{name}`` visible instead of raising in front of a user."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def normalize_language(code: str | None, fallback: str = DEFAULT_LANGUAGE) -> str:
    if not code:
        return fallback
    short = code.split("-")[0].lower()
    return short if short in LANGUAGES else fallback


class Translator:
    """Looks up a key in one language, falling back to Indonesian, then to the key."""

    def __init__(self, default_language: str = DEFAULT_LANGUAGE) -> None:
        self.default_language = default_language

    def __call__(self, key: str, language: str | None = None, /, **params: object) -> str:
        lang = normalize_language(language, self.default_language)
        text = load_catalog(lang).get(key) or load_catalog(DEFAULT_LANGUAGE).get(key) or key
        if not params:
            return text
        return text.format_map(_SafeParams(params))

    def has(self, key: str) -> bool:
        return key in load_catalog(DEFAULT_LANGUAGE)
