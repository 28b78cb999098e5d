"""``warta doctor``: every part of the set-up checked, one line each, nothing changed.

Exit 1 when something would stop warta working (no token, an unreachable database, a
refused token, a failing publishing target, no admin); warnings (links to a local
address) are printed but do not fail the check.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.cli.token import check_token
from bot.core.heartbeat import heartbeat_state
from bot.shell.config import Settings
from bot.shell.wiring import people_service

if TYPE_CHECKING:
    from telegram import Bot


def cmd_doctor(settings: Settings) -> int:
    """Print one line per check; exit 1 when any check failed."""
    from storage.db import current_revision, explain_database_error, head_revision

    problems = 0
    print(f"data folder      {settings.data_dir.resolve()} ({_writable(settings)})")
    problems += not _writable(settings).startswith("writable")
    print(f"database         {'custom' if settings.database_url else 'embedded SQLite'}")
    url = settings.effective_database_url
    schema_ok = False
    try:
        current = current_revision(url)
        schema_ok = current is not None
        if current is None:
            state = "not created yet (`warta run` or `warta db upgrade` creates it)"
        elif current == head_revision():
            state = "up to date"
        else:
            state = f"needs upgrade (at {current}; `warta db upgrade`)"
        print(f"schema           {state}")
    except Exception as error:  # report, don't crash: this is the diagnostic command
        problems += 1
        reason = explain_database_error(error, url) or type(error).__name__
        print(f"schema           UNREACHABLE: {reason}")
    if settings.telegram_token is None:
        problems += 1
        print(
            "token            MISSING (set WARTA_TELEGRAM_TOKEN, or run `warta run` on a "
            "terminal to enter it)"
        )
    else:
        verdict = asyncio.run(check_token(settings, settings.token()))
        if verdict.username:
            reached = f"@{verdict.username}"
        elif verdict.refused:
            reached = "token REFUSED by the Bot API (get the current one from @BotFather)"
        else:
            reached = f"UNREACHABLE ({verdict.unreachable})"
        problems += verdict.username is None
        print(f"telegram         {reached}")
    admins = asyncio.run(_admins(settings)) if schema_ok else set(settings.admin_ids)
    if admins:
        print(f"admins           {len(admins)}")
    else:
        problems += 1
        print(
            "admins           NONE (open the link `warta admin link` prints, "
            "or set WARTA_ADMIN_IDS)"
        )
    originals = asyncio.run(_check_originals(settings))
    problems += originals.startswith("FAILED")
    print(f"media originals  {originals}")
    if settings.watermark_image is not None:
        mark = _check_watermark(settings.watermark_image)
        problems += mark.startswith("FAILED")
        print(f"watermark        {mark}")
    print(f"bot API          {settings.telegram_api_url}")
    print(f"heartbeat        {heartbeat_state(settings.data_dir)[1]}")
    for label, verdict_text in asyncio.run(_check_publishing(settings)):
        problems += verdict_text.startswith(("FAILED", "NONE"))
        print(f"{label:<17}{verdict_text}")
    return 1 if problems else 0


def _check_watermark(path: Path) -> str:
    """The logo WARTA_WATERMARK_IMAGE names must open as a picture: publishing stops
    (a set-up error on every photo) until it does."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as logo:
            size = f"{logo.width}x{logo.height}"
            transparent = (
                "with" if "A" in logo.getbands() or "transparency" in logo.info else "without"
            )
    except (OSError, UnidentifiedImageError, ValueError) as error:
        reason = (
            error.strerror if isinstance(error, OSError) and error.strerror else "not a picture"
        )
        return f"FAILED: cannot read {path} ({reason}; set WARTA_WATERMARK_IMAGE to a PNG)"
    return f"{path} ({size}, {transparent} transparency)"


async def _check_originals(settings: Settings) -> str:
    """Where the originals are kept, and that warta may write there."""
    if settings.blob_store != "s3":
        problem = write_problem(settings.media_dir)
        where = str(settings.media_dir.resolve())
        return f"FAILED: cannot write {where} ({problem})" if problem else f"{where} (local)"
    from bot.ports.blobs import BlobStoreError
    from bot.shell.wiring import blobs_for
    from storage.s3_blobs import S3BlobStore

    store = blobs_for(settings)
    assert isinstance(store, S3BlobStore)
    try:
        await store.check()
    except BlobStoreError as error:
        return f"FAILED: {error}"
    return f"{store.location.describe()} (S3; a probe was written, read and deleted)"


def write_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold warta's data (made if missing), or None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".warta-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return str(error.strerror or error)
    return None


def _writable(settings: Settings) -> str:
    problem = write_problem(settings.data_dir)
    return "writable" if problem is None else f"NOT WRITABLE: {problem}"


async def _admins(settings: Settings) -> set[int]:
    from storage.db import create_engine, make_sessions

    engine = create_engine(settings.effective_database_url)
    try:
        people = people_service(settings, make_sessions(engine))
        return await people.admins()
    finally:
        await engine.dispose()


def local_link_warnings(settings: Settings) -> list[str]:
    """People would be sent links to this computer itself: dead on their phones."""
    from bot.shell.wiring import target_names

    names = target_names(settings)
    warnings = []
    if "site" in names and is_local(settings.site_url):
        warnings.append(
            f"WARTA_SITE_URL is a local address ({settings.site_url}): officers and "
            "publishers (and the channel and the webhook, if set) would get links that do "
            "not open on their phones. Set the site's public address, e.g. "
            "https://warta.kota.go.id"
        )
    elif names and names != ["site"] and is_local(settings.site_url):
        warnings.append(
            f"WARTA_SITE_URL is a local address ({settings.site_url}): the channel and the "
            "webhook would link the public to it. Set the site's public address."
        )
    if settings.wordpress_url and is_local(settings.wordpress_url):
        warnings.append(
            f"WARTA_WORDPRESS_URL is a local address ({settings.wordpress_url}): the links "
            "to posts that people get would not open on their phones."
        )
    return warnings


def is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return (
        host in ("localhost", "::1", "0.0.0.0")
        or host.startswith("127.")
        or host.endswith(".localhost")
    )


async def _check_publishing(settings: Settings) -> list[tuple[str, str]]:
    """Each enabled publishing target, checked without publishing anything."""
    from bot.shell.wiring import blobs_for, public_files, target_names

    names = target_names(settings)
    lines = [("publishing to", ", ".join(names) if names else "NONE (approved items stay put)")]
    if "site" in names:
        site_dir = settings.effective_site_dir
        try:
            site_dir.mkdir(parents=True, exist_ok=True)
            probe = site_dir / ".warta-doctor"
            probe.write_text("ok")
            probe.unlink()
            lines.append(("static site", f"{site_dir.resolve()} → {settings.site_url}"))
        except OSError as error:
            lines.append(("static site", f"FAILED: cannot write {site_dir} ({error.strerror})"))
    if "wordpress" in names:
        from bot.ports.targets import PublishError
        from bot.shell.wiring import wordpress_from_settings

        files = public_files(settings, blobs_for(settings))
        wordpress = wordpress_from_settings(settings, files)
        assert wordpress is not None
        try:
            name = await wordpress.check()
            lines.append(("wordpress", f"{settings.wordpress_url} as {name}"))
        except PublishError as error:
            lines.append(("wordpress", f"FAILED: {error.message}"))
        finally:
            await wordpress.aclose()
    if "channel" in names:
        lines.append(("channel", await _check_channel(settings)))
    if "webhook" in names:
        lines.append(("webhook", f"{settings.webhook_url} (signed with HMAC-SHA256)"))
    # Not failures (a trial run on one computer is fine), but people would get dead links.
    lines.extend(("", f"WARNING: {warning}") for warning in local_link_warnings(settings))
    return lines


async def _check_channel(settings: Settings) -> str:
    """The bot must be an admin of the channel that may post and delete messages."""
    from telegram import ChatMemberAdministrator, ChatMemberOwner
    from telegram.error import TelegramError

    from publisher.channel import normalize_channel_id

    if settings.telegram_token is None:
        return "FAILED: no token to check it with"
    chat_id = normalize_channel_id(settings.channel_id or "")
    bot = telegram_client(settings)
    try:
        async with bot:
            chat = await bot.get_chat(chat_id)
            member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as error:
        return f"FAILED: {chat_id} not reachable ({type(error).__name__}: {error.message})"
    if isinstance(member, ChatMemberOwner):
        return f"{chat.title or chat_id}: bot is the owner"
    if not isinstance(member, ChatMemberAdministrator):
        return f"FAILED: the bot is not an admin of {chat.title or chat_id}"
    missing = [
        right
        for right, granted in (
            ("post messages", member.can_post_messages),
            ("delete messages", member.can_delete_messages),
        )
        if not granted
    ]
    if missing:
        return f"FAILED: in {chat.title or chat_id} the bot may not {' or '.join(missing)}"
    return f"{chat.title or chat_id}: bot is an admin that may post and delete"


def telegram_client(settings: Settings) -> Bot:
    """A plain Bot API client on the configured server, for one-off checks."""
    from telegram import Bot

    return Bot(
        settings.token(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
    )
