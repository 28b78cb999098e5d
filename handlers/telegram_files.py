"""Bring a file Telegram holds onto this machine without holding it in memory or
stopping the event loop.

PTB's ``File.download_to_drive`` reads the whole file into memory and then writes it
in one blocking call: a 500 MB video costs 1 GB and stalls every other chat for
seconds. Here the file is streamed in chunks, each written from a worker thread, so
memory stays flat and other updates are answered meanwhile. With a self-hosted Bot API
server in ``--local`` mode the file is already on this disk: it is copied in a thread.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from urllib import parse

import httpx
from telegram import Bot, File
from telegram.error import TelegramError

from bot.core.values import Media
from bot.ports.downloads import FetchFailed

CHUNK = 1024 * 1024
# A slow uplink may take long in all, but never a minute without a byte.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class FetchError(OSError):
    """The file could not be fetched this time (the download sweep tries again). The
    message names the failure's kind only: the download URL carries the bot token."""


async def fetch(telegram_file: File, target: Path, *, local_mode: bool) -> int:
    """Write the file to ``target`` (a fresh path); returns its size in bytes."""
    source = telegram_file.file_path
    if not source:
        raise FetchError("Telegram gave no path for the file")
    if local_mode and not source.startswith(("http://", "https://")):
        path = Path(source.removeprefix("file://"))
        return await asyncio.to_thread(_copy, path, target)
    return await _stream(_encoded(source), target)


def _copy(source: Path, target: Path) -> int:
    with source.open("rb") as reader, target.open("xb") as writer:
        shutil.copyfileobj(reader, writer, CHUNK)
    return target.stat().st_size


def _encoded(url: str) -> str:
    # As PTB does: names with spaces or non-ASCII characters must be quoted.
    parts = parse.urlsplit(url)
    return parse.urlunsplit(parts._replace(path=parse.quote(parts.path)))


async def _stream(url: str, target: Path) -> int:
    size = 0
    try:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != httpx.codes.OK:
                raise FetchError(f"Telegram answered HTTP {response.status_code}")
            writer = await asyncio.to_thread(target.open, "xb")
            try:
                async for chunk in response.aiter_bytes(CHUNK):
                    await asyncio.to_thread(writer.write, chunk)
                    size += len(chunk)
            finally:
                await asyncio.to_thread(writer.close)
    except httpx.HTTPError as error:
        raise FetchError(f"download interrupted ({type(error).__name__})") from None
    return size


class TelegramFetch:
    """:class:`bot.ports.downloads.Fetch` from Telegram: the file's path asked for, then
    streamed (:func:`fetch`)."""

    def __init__(self, bot: Bot, *, local_mode: bool) -> None:
        self._bot = bot
        self._local_mode = local_mode

    async def __call__(self, media: Media, target: Path) -> None:
        try:
            telegram_file = await self._bot.get_file(media.telegram_file_id)
            await fetch(telegram_file, target, local_mode=self._local_mode)
        except TelegramError as error:
            raise FetchFailed(type(error).__name__) from error
