"""The running bot's sign of life: a file it touches every 30 s in the data folder.

``warta health`` (a container's health check, a monitoring probe) reads it: an old file
means the bot is not running or its event loop is stuck.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The running bot touches this file every HEARTBEAT_EVERY; older than HEARTBEAT_STALE
# means its event loop is stuck or it is not running.
HEARTBEAT_FILE = "heartbeat"
HEARTBEAT_EVERY = timedelta(seconds=30)
HEARTBEAT_STALE = timedelta(minutes=3)
# Written by a bot that stopped cleanly: a fresh file must not say "alive" after Ctrl+C.
STOPPED = "stopped"


def mark_stopped(data_dir: Path) -> None:
    """Say in the heartbeat file that the bot has stopped (best effort)."""
    # An unwritable file already reads as stale, which is the truth.
    with contextlib.suppress(OSError):
        (data_dir / HEARTBEAT_FILE).write_text(STOPPED + "\n", encoding="utf-8")


def heartbeat_state(data_dir: Path) -> tuple[bool, str]:
    """Whether a running warta touched its heartbeat recently, and a line saying so."""
    path = data_dir / HEARTBEAT_FILE
    try:
        touched = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False, "none yet (warta run has not started with this data folder)"
    age = datetime.now(UTC) - touched
    seconds = max(0, int(age.total_seconds()))
    if content.strip() == STOPPED:
        ago = f"{seconds // 60} min" if seconds >= 120 else f"{seconds} s"
        return False, f"STOPPED {ago} ago (`warta run` ended; start it again)"
    if age > HEARTBEAT_STALE:
        return False, f"STALE: last sign of life {seconds // 60} min ago (is `warta run` running?)"
    return True, f"alive ({seconds} s ago)"
