"""What makes a post this installation's: its slug ends in the installation's mark.

Every installation has a random id, made once and kept with its data (the
``installation`` table: a restored backup keeps it, a fresh or reset database gets a new
one). The first 8 hex digits of it, the *mark*, end every post slug this installation
makes (``<title words>-<item code>-<mark>``) and begin every upload slug's tail, so a
look-up by slug finds only what this installation created: another installation (or
this one before a reset) publishing the same item code under the same title has another
mark. WordPress needs no plugin for that (post meta is not writable over REST unless it
is registered on the server), and a post's slug is what the REST API filters on exactly.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.ports.targets import Article, PublishError

# Reads this installation's id (from the database: it exists only once the schema is
# upgraded, after the targets are built).
InstallationSource = Callable[[], Awaitable[str]]

MARK_LENGTH = 8
_INSTALLATION_ID = re.compile(r"[0-9a-f]{8,64}")


def mark_of(installation_id: str) -> str:
    """The part of an installation id that goes into slugs: its first 8 hex digits."""
    cleaned = installation_id.strip().lower()
    if not _INSTALLATION_ID.fullmatch(cleaned):
        raise ValueError("an installation id is 8 to 64 hex digits")
    return cleaned[:MARK_LENGTH]


def scoped_slug(article: Article, mark: str) -> str:
    """The slug of the article's post made by the installation with this mark."""
    return f"{article.slug}-{mark}"


class Scope:
    """This installation's mark, read once from ``installation`` (a string or a source)."""

    def __init__(self, installation: str | InstallationSource | None) -> None:
        self._source: InstallationSource | None = None
        self._mark: str | None = None
        if isinstance(installation, str):
            self._mark = mark_of(installation)
        else:
            self._source = installation

    async def mark(self) -> str:
        if self._mark is not None:
            return self._mark
        if self._source is None:
            raise PublishError(
                "WordPress was set up without this installation's id: "
                "it may check the login but not publish",
                kind="setup",
            )
        try:
            value = await self._source()
        except PublishError:
            raise
        except Exception as exc:
            raise PublishError(
                f"cannot read this installation's id from the database ({type(exc).__name__})",
                kind="setup",
            ) from exc
        try:
            self._mark = mark_of(value)
        except ValueError:
            raise PublishError(
                "this installation's id in the database is not hex digits", kind="setup"
            ) from None
        return self._mark

    async def slug(self, article: Article) -> str:
        return scoped_slug(article, await self.mark())
