"""The ``warta`` command line: run the bot, and everything an operator does on the server.

Each subcommand prints one line per fact and, for an expected failure (no network, a
refused token, a database that cannot be reached, a folder that cannot be written, a
port in use), one sentence saying what to change, never a traceback. Exit codes: 0 ok,
1 something failed or needs attention, 2 the configuration or the command line is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.doctor import cmd_doctor, local_link_warnings, write_problem
from bot.cli.parser import build_parser
from bot.cli.token import (
    START_TRIES,
    ask_for_token,
    check_token,
    refused_message,
    unreachable_message,
)
from bot.core.heartbeat import heartbeat_state
from bot.core.months import Month
from bot.core.publication import UNCERTAIN
from bot.core.values import Publication
from bot.shell.config import ConfigError, Settings, load_settings
from bot.shell.logs import configure

log = logging.getLogger(__name__)


class OperatorError(Exception):
    """An expected failure, phrased as one sentence for the operator."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def version() -> str:
    try:
        return metadata.version("warta")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "unknown"


def _secrets(settings: Settings) -> list[str]:
    return settings.secret_values()


def _prepare_data_dir(settings: Settings) -> None:
    """The data folder must exist and be writable before anything is stored in it."""
    folder = settings.data_dir
    problem = write_problem(folder)
    if problem is not None:
        raise OperatorError(
            f"cannot write to the data folder {folder.resolve()} ({problem}); "
            "set WARTA_DATA_DIR to a folder this user may write, or give it to this user"
        )


def _upgrade(settings: Settings) -> None:
    from storage.db import upgrade_database

    upgrade_database(settings.effective_database_url)


def cmd_run(settings: Settings) -> int:
    """Check the token and the data folder, migrate, then poll until stopped."""
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.shell.app import build_application

    asked = ask_for_token(settings)
    if isinstance(asked, int):
        return asked
    settings = asked
    token = settings.token()  # fails with the BotFather explanation when missing
    configure(secrets=[token])
    _prepare_data_dir(settings)
    verdict = asyncio.run(check_token(settings, token, START_TRIES))
    if verdict.refused:
        raise OperatorError(refused_message(), code=2)
    if verdict.unreachable is not None:
        raise OperatorError(unreachable_message(settings, verdict.unreachable))
    _upgrade(settings)
    for warning in local_link_warnings(settings):
        log.warning("%s", warning)
    app = build_application(settings)
    try:
        app.run_polling(
            allowed_updates=Update.ALL_TYPES,
            timeout=settings.poll_timeout,
            bootstrap_retries=5,
        )
    except InvalidToken:
        raise OperatorError(refused_message(), code=2) from None
    except NetworkError as error:
        raise OperatorError(unreachable_message(settings, type(error).__name__)) from None
    return 0


def cmd_db(settings: Settings, action: str) -> int:
    """``upgrade`` applies the migrations (safe while the bot runs); ``status`` reports."""
    from storage.db import current_revision, head_revision

    configure(secrets=_secrets(settings))
    _prepare_data_dir(settings)
    url = settings.effective_database_url
    if action == "upgrade":
        before = current_revision(url)
        _upgrade(settings)
        after = current_revision(url)
        if before == after:
            print(f"database already at the newest revision ({after}); nothing to do")
        else:
            print(f"database upgraded from {before or 'empty'} to {after}")
        return 0
    current = current_revision(url)
    head = head_revision()
    if current == head:
        print(f"database revision: {current} (the newest)")
        return 0
    print(f"database revision: {current or 'none'} (newest: {head}; run `warta db upgrade`)")
    return 1


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
        trouble |= row.attempts > 0 or row.status == UNCERTAIN
        error = (row.last_error or "")[:70]
        print(
            f"{code:<15} {row.target:<10} {row.status:<10} {row.attempts:>5}  {next_try:<17} "
            f"{error}"
        )
    return 1 if trouble else 0


async def _open_publications(settings: Settings) -> list[tuple[str, Publication]]:
    from storage.db import create_engine, make_sessions
    from storage.publications import open_publications

    engine = create_engine(settings.effective_database_url)
    try:
        return await open_publications(make_sessions(engine))
    finally:
        await engine.dispose()


def cmd_site(settings: Settings, action: str, host: str, port: int) -> int:
    """``build`` regenerates every page; ``serve`` previews the site (built if missing)."""
    from bot.ports.targets import PublishError
    from bot.shell.wiring import blobs_for, public_files, static_site_from_settings
    from publisher.static_site import serve

    configure(secrets=_secrets(settings))
    site_dir = settings.effective_site_dir

    def build() -> int:
        files = public_files(settings, blobs_for(settings))
        site = static_site_from_settings(settings, files)
        try:
            count = asyncio.run(site.rebuild())
        except PublishError as error:
            raise OperatorError(f"site build failed: {error.message}") from None
        except OSError as error:
            raise OperatorError(
                f"cannot write the site into {site_dir.resolve()} ({error.strerror or error})"
            ) from None
        print(f"site rebuilt: {count} posts in {site_dir.resolve()}")
        return count

    if action == "build":
        build()
        return 0
    if not (site_dir / "index.html").is_file():
        build()  # a fresh install has nothing to show yet: an empty site is still a site

    def announce(url: str) -> None:
        print(f"serving {site_dir.resolve()} at {url} (Ctrl+C to stop)", flush=True)

    try:
        serve(site_dir, host, port, announce=announce)
    except OSError as error:
        reason = error.strerror or str(error)
        raise OperatorError(
            f"cannot listen on {host}:{port} ({reason}); another program may use that port: "
            "pick another with --port"
        ) from None
    return 0


def cmd_admin_link(settings: Settings, force: bool) -> int:
    """Print a fresh one-time link that makes whoever opens it an admin."""
    from bot.shell.wiring import people_service
    from bot.usecases.services import utc_now
    from storage.db import create_engine, make_sessions

    token = settings.token()
    configure(secrets=[token])
    _prepare_data_dir(settings)
    verdict = asyncio.run(check_token(settings, token))
    if verdict.refused:
        raise OperatorError(refused_message(), code=2)
    if verdict.unreachable is not None:
        raise OperatorError(unreachable_message(settings, verdict.unreachable))
    _upgrade(settings)

    async def make() -> tuple[int, str | None]:
        engine = create_engine(settings.effective_database_url)
        try:
            people = people_service(settings, make_sessions(engine))
            admins = await people.admins()
            if admins and not force:
                return len(admins), None
            return len(admins), (await people.bootstrap_invite(utc_now())).token
        finally:
            await engine.dispose()

    count, invite = asyncio.run(make())
    if invite is None:
        print(
            f"warta already has {count} admin(s); an admin invites more people in Telegram "
            "with /undang. To make another admin link anyway: warta admin link --force"
        )
        return 1
    print(
        "Open this one-time link in Telegram to become an admin "
        f"(valid {settings.invite_ttl_hours:g} h, works once):\n"
        f"  https://t.me/{verdict.username}?start={invite}"
    )
    return 0


def cmd_health(settings: Settings) -> int:
    """Exit 0 while a running warta shows signs of life (for Docker and monitoring)."""
    alive, line = heartbeat_state(settings.data_dir)
    print(line)
    return 0 if alive else 1


def _explain(error: BaseException, settings: Settings | None) -> str | None:
    """One sentence for an expected failure, None for a bug (which keeps its traceback)."""
    from storage.db import explain_database_error

    if settings is not None:
        message = explain_database_error(error, settings.effective_database_url)
        if message is not None:
            return message
    if isinstance(error, PermissionError):
        return f"permission denied: {error.filename or error} (run as the user that owns it)"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(version()).parse_args(argv)
    settings: Settings | None = None
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"warta: {error}", file=sys.stderr)
        return 2
    except OperatorError as error:
        print(f"warta: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        message = _explain(error, settings)
        if message is None:
            raise
        print(f"warta: {message}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    commands: dict[str, Callable[[], int]] = {
        "run": lambda: cmd_run(settings),
        "db": lambda: cmd_db(settings, args.action),
        "doctor": lambda: cmd_doctor(settings),
        "outbox": lambda: cmd_outbox(settings),
        "site": lambda: cmd_site(
            settings, args.action, getattr(args, "host", "127.0.0.1"), getattr(args, "port", 8080)
        ),
        "admin": lambda: cmd_admin_link(settings, args.force),
        "health": lambda: cmd_health(settings),
        "blobs": lambda: _blobs(settings),
        "audit": lambda: _audit(settings),
        "report": lambda: _report(settings, args.month, args.language, args.out),
        "archive": lambda: _archive(settings, args),
        "backup": lambda: _backup(settings, args.dest),
        "restore": lambda: _restore(settings, args.archive, args.force),
    }
    return commands[args.command]()


def _audit(settings: Settings) -> int:
    from bot.cli.audit import cmd_audit_verify

    configure(secrets=_secrets(settings))
    return cmd_audit_verify(settings)


def _report(settings: Settings, month: str | None, language: str | None, out: Path | None) -> int:
    from bot.cli.report import cmd_report

    chosen = _month_or_last(settings, month)
    configure(secrets=_secrets(settings))
    return cmd_report(settings, chosen, language or settings.default_language, out)


def _archive(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.archive import cmd_archive, cmd_archive_verify

    if args.action == "verify":
        if args.file is None or args.month or args.out:
            raise OperatorError("write: warta archive verify FILE", code=2)
        return cmd_archive_verify(args.file)
    if args.file is not None:
        raise OperatorError("write: warta archive [--month YYYY-MM] [--out FILE]", code=2)
    configure(secrets=_secrets(settings))
    return cmd_archive(settings, _month_or_last(settings, args.month), args.out)


def _month_or_last(settings: Settings, month: str | None) -> Month:
    """The month named, or the one before this one; an operator's sentence otherwise."""
    from bot.usecases.services import utc_now

    zone = ZoneInfo(settings.timezone)
    now = utc_now()
    try:
        chosen = Month.parse(month) if month else Month.of(now, zone).previous()
    except ValueError as error:
        raise OperatorError(str(error), code=2) from None
    if chosen.bounds(zone)[0] > now:
        raise OperatorError(f"{chosen} has not begun yet: there is nothing to report", code=2)
    return chosen


def _blobs(settings: Settings) -> int:
    from bot.cli.blobs import cmd_blobs_migrate

    configure(secrets=_secrets(settings))
    return cmd_blobs_migrate(settings)


def _backup(settings: Settings, dest: Path) -> int:
    from bot.cli.backup import cmd_backup

    configure(secrets=_secrets(settings))
    return cmd_backup(settings, dest)


def _restore(settings: Settings, archive: Path, force: bool) -> int:
    from bot.cli.backup import cmd_restore

    configure(secrets=_secrets(settings))
    return cmd_restore(settings, archive, force)


if __name__ == "__main__":
    sys.exit(main())
