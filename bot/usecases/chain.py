"""Keeping the history's hash chain: chain what moves wrote, and once a day record the
chain's head outside the database, where rewriting the database cannot reach it: a line
in a file of the data folder and a message in the log group (the caller sends it)."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from bot.core.audit_chain import Anchor

_LINE = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d+) ([0-9a-f]{64})")


class Chain(Protocol):
    async def seal(self) -> int: ...

    async def head(self) -> tuple[int, str]: ...


def read_anchors(path: Path) -> tuple[Anchor, ...]:
    """The heads recorded in ``path`` (lines ``YYYY-MM-DD count hash``); none when the
    file is not there. Lines that are not heads are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    found = []
    for line in text.splitlines():
        match = _LINE.fullmatch(line.strip())
        if match:
            found.append(Anchor(int(match.group(2)), match.group(3), match.group(1)))
    return tuple(found)


async def keep_chain(chain: Chain, anchors: Path, now: datetime, zone: tzinfo) -> Anchor | None:
    """Chain every new event; on the first run of a day (office time), append the head
    to ``anchors`` and return it, to be posted. None otherwise, and while the history
    is empty."""
    await chain.seal()
    day = now.astimezone(zone).date().isoformat()
    recorded = read_anchors(anchors)
    if recorded and recorded[-1].day == day:
        return None
    count, head = await chain.head()
    if count == 0:
        return None
    anchor = Anchor(count, head, day)
    anchors.parent.mkdir(parents=True, exist_ok=True)
    with anchors.open("a", encoding="utf-8") as out:
        out.write(f"{day} {count} {head}\n")
    return anchor
