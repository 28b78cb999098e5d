"""The ``warta`` command line's grammar: subcommands, their descriptions and options.

Kept apart from :mod:`bot.cli`, which runs them, so the help texts read in one place.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def build_parser(version: str) -> argparse.ArgumentParser:
    """Every subcommand with a one-line summary, a description and its options explained."""
    parser = argparse.ArgumentParser(
        prog="warta",
        description="warta: the Telegram bot that runs the office's publishing SOP.",
        epilog=(
            "Configuration comes from WARTA_* environment variables or a .env file in the "
            "current folder (see the README). Run `warta COMMAND --help` for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"warta {version}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, details: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=f"{summary}. {details}".strip())

    command(
        "run",
        "Start the bot (long polling) until stopped",
        "Asks for the bot token on a terminal when WARTA_TELEGRAM_TOKEN is not set, checks it "
        "with Telegram, applies database migrations, and prints a first-admin link while "
        "there is no admin.",
    )
    db = command("db", "Database schema: apply migrations or show the revision")
    db.add_argument(
        "action",
        choices=["upgrade", "status"],
        help="upgrade: apply new migrations (safe while the bot runs; forward only, back up "
        "first); status: show the revision, exit 1 when an upgrade is due",
    )
    command(
        "doctor",
        "Check the whole set-up without changing anything",
        "Data folder, database, token, admins, heartbeat and each publishing target; exit 1 "
        "when something needs fixing.",
    )
    command(
        "outbox",
        "List publications and takedowns still on their way or stuck",
        "Exit 1 when one is failing or its outcome is unsure.",
    )
    site = command("site", "The generated static website")
    site_sub = site.add_subparsers(dest="action", required=True, metavar="ACTION")
    site_sub.add_parser(
        "build",
        help="regenerate every page (after changing templates or settings)",
        description="Regenerate every page of the static site from its own record.",
    )
    site_serve = site_sub.add_parser(
        "serve",
        help="preview the site on this computer (built first when missing)",
        description="Serve the static site folder over HTTP for a preview; not for the public.",
    )
    site_serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (%(default)s)"
    )
    site_serve.add_argument(
        "--port", type=int, default=8080, help="port to listen on (%(default)s)"
    )
    admin = command("admin", "Admins of this warta")
    admin_sub = admin.add_subparsers(dest="action", required=True, metavar="ACTION")
    link = admin_sub.add_parser(
        "link",
        help="print a fresh one-time link that makes its opener an admin",
        description="Print a one-time first-admin link (e.g. when warta runs as a service "
        "and its start-up message is in the journal).",
    )
    link.add_argument(
        "--force", action="store_true", help="make a link even when there are admins already"
    )
    command(
        "health",
        "Exit 0 while the running bot shows signs of life",
        "Reads the heartbeat the bot writes in the data folder every 30 s (for container "
        "health checks and monitoring).",
    )
    blobs = command("blobs", "Where the media originals are kept")
    blobs_sub = blobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    blobs_sub.add_parser(
        "migrate",
        help="copy every original from the local folder to the S3 bucket (WARTA_S3_*)",
        description="Copy every original from the data folder's media store to the "
        "configured S3 bucket, each checked by its SHA-256; safe to run again, nothing "
        "local is deleted. Then set WARTA_BLOB_STORE=s3 and restart.",
    )
    audit = command(
        "audit",
        "The history's hash chain (the supervision record)",
        "Every event is chained to the one before it by SHA-256; the running bot posts "
        "the chain's head to the log group once a day and keeps it in "
        "<data dir>/audit/chain-heads.txt.",
    )
    audit_sub = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    audit_sub.add_parser(
        "verify",
        help="check every event of the history against the chain and the recorded heads",
        description="Read the whole history in order and name the first event that was "
        "edited, deleted or moved since it was recorded; exit 1 if there is one.",
    )
    report = command(
        "report",
        "Write a month's SOP report: charts (PNG), a PDF for the archive and a spreadsheet",
        "Items handed over per section and outcome, working time per step against its "
        "standard, late steps, reminders and escalations, publication per target. Written "
        "to <data dir>/reports/<month>/; the summary is printed.",
    )
    report.add_argument(
        "--month",
        help="the month as YYYY-MM, e.g. 2026-11 (default: the month before this one)",
    )
    report.add_argument(
        "--language",
        choices=["id", "en"],
        help="the report's language (default: WARTA_DEFAULT_LANGUAGE)",
    )
    report.add_argument("--out", type=Path, help="another folder for the files")
    archive = command(
        "archive",
        "Write a month's archive (one ZIP) or check one",
        "The ZIP holds every item active in the month with its originals, public copies, "
        "data and history, the month's report, and SHA256SUMS for `sha256sum -c`. Written to "
        "<data dir>/archive/arsip-<month>.zip; the running bot writes each month's after it ends.",
    )
    archive.add_argument(
        "action", nargs="?", choices=["verify"], help="verify: check FILE against its SHA256SUMS"
    )
    archive.add_argument("file", nargs="?", type=Path, help="the ZIP to check (with verify)")
    archive.add_argument(
        "--month", help="the month as YYYY-MM (default: the month before this one)"
    )
    archive.add_argument("--out", type=Path, help="another file name for the ZIP")
    backup = command(
        "backup",
        "Write one archive of the database, the media originals and the website",
        "Consistent while the bot runs; a manifest lists the SHA-256 of every file.",
    )
    backup.add_argument("dest", type=Path, help="a folder (a dated file is made in it) or a file")
    restore = command(
        "restore",
        "Restore an archive made by `warta backup` into the configured data and site folders",
        "Checks every SHA-256 before writing anything.",
    )
    restore.add_argument("archive", type=Path, help="the archive file")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace the data of a data folder, site folder or database that already has data",
    )
    return parser
