"""A fresh install with no admin configured: the console shows the way in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.harness import FakeBotAPI, Harness
from tests.e2e.office import INVITE_LINK, snapshot


async def test_first_admin_by_console_link(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    async with Harness.for_warta(fake_bot_api, data, database_url, admin_ids=[]) as h:
        printed = capsys.readouterr().out
        match = re.search(r"https://t\.me/\w+\?start=([\w-]+)", printed)
        assert match and "first admin" in printed
        boss = h.person(5000, "Kepala Bidang")
        await boss.opens_link(match.group(1))
        assert "Admin" in boss.last_text()
        await boss.sends("/undang it")
        assert INVITE_LINK.search(boss.last_text())
        # The link worked once; nobody else can use it.
        other = h.person(5001, "Orang Lain")
        await other.opens_link(match.group(1))
        assert "sudah dipakai" in other.last_text()

    # Next start: there is an admin now, so no link is printed.
    async with Harness.for_warta(fake_bot_api, data, database_url, admin_ids=[]):
        assert "first admin" not in capsys.readouterr().out
    db = await snapshot(database_url)
    assert db.roles[5000] == {"admin"}
