"""``warta`` command line: run the bot, manage the database, check the set-up.

warta run            start the bot (long polling)
warta db upgrade     apply database migrations
warta db status      show the schema revision
warta doctor         check configuration, database and data folder
warta outbox         publications still on their way (or stuck), per item and target
warta site build     regenerate the static website from its own record
warta site serve     preview the static website on this computer
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure

if TYPE_CHECKING:
    from telegram import Bot

BOTFATHER_HELP = """\
warta needs a Telegram bot token (WARTA_TELEGRAM_TOKEN).

  1. In Telegram, open @BotFather and send /newbot.
  2. Choose a display name, then a username ending in "bot".
  3. BotFather replies with a token like 123456789:AA...; paste it below.

It is kept in the .env file in this folder (readable only by you) and never logged.
"""


def _ask_for_token(settings: Settings) -> Settings:
    """On a terminal, ask for the missing token once and remember it in .env."""
    if settings.telegram_token is not None or not sys.stdin.isatty():
        return settings
    print(BOTFATHER_HELP)
    token = getpass.getpass("Token: ").strip()
    if not token:
        return settings
    env_file = Path(".env")
    with env_file.open("a", encoding="utf-8") as handle:
        handle.write(f"WARTA_TELEGRAM_TOKEN={token}\n")
    env_file.chmod(0o600)
    os.environ["WARTA_TELEGRAM_TOKEN"] = token
    return load_settings()


def _secrets(settings: Settings) -> list[str]:
    return [settings.telegram_token.get_secret_value()] if settings.telegram_token else []


def cmd_run(settings: Settings) -> int:
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from storage.db import upgrade_database

    settings = _ask_for_token(settings)
    token = settings.token()  # fails with the BotFather explanation when missing
    configure(secrets=[token])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.effective_database_url)
    app = build_application(settings)
    try:
        # A weak network at start-up is retried a few times before giving up.
        app.run_polling(
            allowed_updates=Update.ALL_TYPES,
            timeout=settings.poll_timeout,
            bootstrap_retries=5,
        )
    except InvalidToken:
        print(
            "warta: Telegram rejected WARTA_TELEGRAM_TOKEN; check it with @BotFather.",
            file=sys.stderr,
        )
        return 2
    except NetworkError as error:
        print(
            f"warta: cannot reach the Bot API at {settings.telegram_api_url} "
            f"({type(error).__name__}); check the network or WARTA_TELEGRAM_API_URL.",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_db(settings: Settings, action: str) -> int:
    from storage.db import current_revision, head_revision, upgrade_database

    configure(secrets=_secrets(settings))
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    if action == "upgrade":
        upgrade_database(url)
        print(f"database at revision {current_revision(url)}")
    else:
        current = current_revision(url)
        head = head_revision()
        print(f"database revision: {current or 'none'} (newest: {head})")
        return 0 if current == head else 1
    return 0


def cmd_doctor(settings: Settings) -> int:
    from storage.db import current_revision, head_revision

    problems = 0
    print(f"data folder      {settings.data_dir.resolve()}")
    print(f"database         {'custom' if settings.database_url else 'embedded SQLite'}")
    try:
        current = current_revision(settings.effective_database_url)
        state = "up to date" if current == head_revision() else f"needs upgrade ({current})"
        print(f"schema           {state}")
    except Exception as error:  # report, don't crash: this is the diagnostic command
        problems += 1
        print(f"schema           unreachable: {type(error).__name__}")
    if settings.telegram_token is None:
        problems += 1
        print("token            MISSING")
    else:
        reached = asyncio.run(_check_telegram(settings))
        problems += not reached.startswith("@")
        print(f"telegram         {reached}")
    print(f"admins           {len(settings.admin_ids) or 'NONE (set WARTA_ADMIN_IDS)'}")
    problems += not settings.admin_ids
    print(f"bot API          {settings.telegram_api_url}")
    for label, verdict in asyncio.run(_check_publishing(settings)):
        problems += verdict.startswith(("FAILED", "NONE"))
        print(f"{label:<17}{verdict}")
    return 1 if problems else 0


async def _check_publishing(settings: Settings) -> list[tuple[str, str]]:
    """Each enabled publishing target, checked without publishing anything."""
    from publisher.wiring import public_files, target_names
    from storage.blobs import LocalBlobStore

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
            if _is_local(settings.site_url) and ("channel" in names or "webhook" in names):
                # Not a failure (a preview is fine), but the public would get dead links.
                lines.append(
                    (
                        "",
                        "WARNING: WARTA_SITE_URL is a local address; the channel and the "
                        "webhook would link the public to it. Set the site's public address.",
                    )
                )
        except OSError as error:
            lines.append(("static site", f"FAILED: cannot write {site_dir} ({error.strerror})"))
    if "wordpress" in names:
        from publisher.model import PublishError
        from publisher.wordpress import wordpress_from_settings

        files = public_files(settings, LocalBlobStore(settings.media_dir))
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
    return lines


def _is_local(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


async def _check_channel(settings: Settings) -> str:
    """The bot must be an admin of the channel that may post and delete messages."""
    from telegram import ChatMemberAdministrator, ChatMemberOwner
    from telegram.error import TelegramError

    from publisher.channel import normalize_channel_id

    if settings.telegram_token is None:
        return "FAILED: no token to check it with"
    chat_id = normalize_channel_id(settings.channel_id or "")
    bot = _bot(settings)
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


def cmd_outbox(settings: Settings) -> int:
    """What the outbox still has to do; exit 1 when something is failing or unsure."""
    configure(secrets=_secrets(settings))
    rows = asyncio.run(_open_publications(settings))
    if not rows:
        print("outbox empty: every publication and takedown is done")
        return 0
    trouble = False
    print(f"{'item':<15} {'target':<10} {'status':<10} {'tries':>5}  next try (UTC)    last error")
    for code, row in rows:
        next_try = row.next_attempt_at.strftime("%Y-%m-%d %H:%M") if row.next_attempt_at else "-"
        trouble |= row.attempts > 0 or row.status == "uncertain"
        error = (row.last_error or "")[:70]
        print(
            f"{code:<15} {row.target:<10} {row.status:<10} {row.attempts:>5}  {next_try:<17} "
            f"{error}"
        )
    return 1 if trouble else 0


async def _open_publications(settings: Settings) -> list[tuple[str, Any]]:
    from sqlalchemy import select

    from storage.db import create_engine, make_sessions
    from storage.models import Item, Publication

    engine = create_engine(settings.effective_database_url)
    try:
        async with make_sessions(engine)() as session:
            result = await session.execute(
                select(Item.code, Publication)
                .join(Item, Item.id == Publication.item_id)
                .where(Publication.status.in_(("pending", "removing", "uncertain")))
                .order_by(Publication.item_id, Publication.id)
            )
            return [(code, publication) for code, publication in result]
    finally:
        await engine.dispose()


def cmd_site(settings: Settings, action: str, host: str, port: int) -> int:
    from publisher.files import PublicFiles
    from publisher.model import PublishError
    from publisher.static_site import serve, static_site_from_settings
    from storage.blobs import LocalBlobStore

    configure(secrets=_secrets(settings))
    site_dir = settings.effective_site_dir
    if action == "build":
        files = PublicFiles(LocalBlobStore(settings.media_dir), settings.data_dir / "renditions")
        site = static_site_from_settings(settings, files)
        try:
            count = asyncio.run(site.rebuild())
        except PublishError as error:
            print(f"warta: site build failed: {error.message}", file=sys.stderr)
            return 1
        print(f"site rebuilt: {count} posts in {site_dir.resolve()}")
        return 0
    if not (site_dir / "index.html").is_file():
        print(
            f"warta: no site in {site_dir.resolve()} yet; run `warta site build` first.",
            file=sys.stderr,
        )
        return 1

    def announce(url: str) -> None:
        print(f"serving {site_dir.resolve()} at {url} (Ctrl+C to stop)", flush=True)

    try:
        serve(site_dir, host, port, announce=announce)
    except OSError as error:
        print(f"warta: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def _bot(settings: Settings) -> Bot:
    """A plain Bot API client on the configured server, for one-off checks."""
    from telegram import Bot

    return Bot(
        settings.token(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
    )


async def _check_telegram(settings: Settings) -> str:
    """Ask the Bot API who we are: proves the URL and the token in one call."""
    from telegram.error import InvalidToken, TelegramError

    bot = _bot(settings)
    try:
        async with bot:
            return f"@{bot.username}"
    except InvalidToken:
        return "token REJECTED by the Bot API"
    except TelegramError as error:
        return f"UNREACHABLE ({type(error).__name__})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="warta", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot")
    db = sub.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade", "status"])
    sub.add_parser("doctor", help="check the set-up")
    sub.add_parser("outbox", help="publications on their way or stuck")
    site = sub.add_parser("site", help="the static website")
    site_sub = site.add_subparsers(dest="action", required=True)
    site_sub.add_parser("build", help="regenerate every page (after changing templates)")
    site_serve = site_sub.add_parser("serve", help="preview the site on this computer")
    site_serve.add_argument("--host", default="127.0.0.1")
    site_serve.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "run":
            return cmd_run(settings)
        if args.command == "db":
            return cmd_db(settings, args.action)
        if args.command == "outbox":
            return cmd_outbox(settings)
        if args.command == "site":
            host, port = getattr(args, "host", "127.0.0.1"), getattr(args, "port", 8080)
            return cmd_site(settings, args.action, host, port)
        return cmd_doctor(settings)
    except ConfigError as error:
        print(f"warta: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
