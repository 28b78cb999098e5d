"""``warta archive``: write a month's ZIP, or check one with ``warta archive verify``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.months import Month
from bot.shell.archive_check import ArchiveCheck, NotAnArchive, check_archive
from bot.shell.config import Settings
from bot.usecases.archive import ArchiveWritten


def cmd_archive(settings: Settings, month: Month, out: Path | None) -> int:
    from bot.shell.wiring import blobs_for, month_archives
    from bot.usecases.services import utc_now
    from storage.db import create_engine, make_sessions

    async def write() -> ArchiveWritten:
        engine = create_engine(settings.effective_database_url)
        try:
            archives = month_archives(settings, make_sessions(engine), blobs_for(settings))
            return await archives.write(month, utc_now(), out)
        finally:
            await engine.dispose()

    written = asyncio.run(write())
    chain = written.chain
    print(f"archive          {written.path}")
    print(f"items            {written.items}")
    print(f"files            {written.files} ({written.size / 1024 / 1024:.1f} MiB)")
    if chain.first is not None and chain.last is not None:
        print(f"chain first      #{chain.first.seq} {chain.first.hash}")
        print(f"chain last       #{chain.last.seq} {chain.last.hash}")
    if chain.unsealed:
        print(
            f"not yet chained  {chain.unsealed} events of the month (the running bot chains them)"
        )
    print(f"check it with    warta archive verify {written.path}")
    return 0


def cmd_archive_verify(path: Path) -> int:
    try:
        checked: ArchiveCheck = check_archive(path)
    except NotAnArchive as error:
        print(f"FAILED           {error}")
        return 1
    chain = checked.manifest.get("chain") or {}
    print(f"archive          {path}")
    print(f"month            {checked.manifest.get('month', '?')}")
    print(f"files checked    {checked.files}")
    for end in ("first", "last"):
        mark = chain.get(end)
        if mark:
            print(f"chain {end:<10} #{mark.get('seq')} {mark.get('hash')}")
    if checked.problems:
        for problem in checked.problems[:20]:
            print(f"FAILED           {problem}")
        if len(checked.problems) > 20:
            print(f"                 and {len(checked.problems) - 20} more")
        return 1
    print("archive          OK: every file matches SHA256SUMS")
    return 0
