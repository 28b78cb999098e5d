"""``warta audit verify``: check the history's hash chain end to end."""

from __future__ import annotations

import asyncio
import time

from bot.shell.config import Settings
from bot.usecases.chain import read_anchors


def cmd_audit_verify(settings: Settings) -> int:
    """Exit 0 when every chained event holds and matches the heads recorded outside the
    database; 1 naming the first event that was edited, deleted or moved."""
    from storage.audit import ChainStore, Verdict
    from storage.db import create_engine

    anchors_file = settings.data_dir / "audit" / "chain-heads.txt"
    anchors = read_anchors(anchors_file)

    async def check() -> Verdict:
        engine = create_engine(settings.effective_database_url)
        try:
            return await ChainStore(engine).verify(anchors)
        finally:
            await engine.dispose()

    started = time.perf_counter()
    verdict = asyncio.run(check())
    seconds = time.perf_counter() - started
    print(f"events checked   {verdict.count} in {seconds:.1f} s")
    print(f"chain head       {verdict.head}")
    where = anchors_file if anchors else f"none yet in {anchors_file}"
    print(f"heads recorded   {len(anchors) if anchors else where}")
    if verdict.unsealed:
        print(
            f"not yet chained  {verdict.unsealed} (the running bot chains new events every minute)"
        )
    if verdict.finding is not None:
        print(f"FAILED           {verdict.finding.detail}")
        return 1
    print("chain            OK: no event was edited, deleted or moved")
    return 0
