"""Fetching a received file's bytes from where the chat app keeps them, as a port
(``handlers.telegram_files`` fetches from Telegram)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.core.values import Media


class FetchFailed(Exception):
    """The file could not be fetched this time (worth another try); ``kind`` names the
    failure, never the address (it carries the bot token)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Fetch(Protocol):
    async def __call__(self, media: Media, target: Path) -> None:
        """Write the file to ``target`` (a fresh path), streamed; :class:`FetchFailed`
        or :class:`OSError` when it cannot this time."""
        ...
