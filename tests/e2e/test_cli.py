"""The operator's command line, run as an operator would, against the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from tests.e2e.harness import DEFAULT_TOKEN, FakeBotAPI


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_bot_api: FakeBotAPI) -> Path:
    for name in ("WARTA_TELEGRAM_TOKEN", "WARTA_DATABASE_URL", "WARTA_ADMIN_IDS", "WARTA_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARTA_TELEGRAM_API_URL", f"{fake_bot_api.url}/bot")
    monkeypatch.setenv("WARTA_TELEGRAM_FILE_URL", f"{fake_bot_api.url}/file/bot")
    return tmp_path


async def test_doctor_and_db_commands(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before anything is set up, doctor says what is missing and fails.
    assert await asyncio.to_thread(main, ["doctor"]) == 1
    out = capsys.readouterr().out
    assert "token            MISSING" in out and "admins           NONE" in out
    assert "WARTA_ADMIN_IDS" in out and "warta admin link" in out

    # The schema is created by `db upgrade`; `db status` then agrees.
    assert await asyncio.to_thread(main, ["db", "status"]) == 1
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(main, ["db", "status"]) == 0
    assert (operator_env / "data" / "warta.sqlite3").exists()
    capsys.readouterr()

    # With a token and an admin, doctor reaches the Bot API and passes.
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_ADMIN_IDS", "1000")
    assert await asyncio.to_thread(main, ["doctor"]) == 0
    out = capsys.readouterr().out
    assert "@warta_test_bot" in out and "up to date" in out
    assert DEFAULT_TOKEN not in out


async def test_run_without_token_explains_botfather(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No terminal to ask on: the command stops with the explanation, exit code 2.
    assert await asyncio.to_thread(main, ["run"]) == 2
    err = capsys.readouterr().err
    assert "@BotFather" in err and "WARTA_TELEGRAM_TOKEN" in err


async def test_bad_configuration_names_the_variable(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_SLA_REVIEW_MINUTES", "soon")
    assert await asyncio.to_thread(main, ["doctor"]) == 2
    err = capsys.readouterr().err
    assert "WARTA_SLA_REVIEW_MINUTES" in err and DEFAULT_TOKEN not in err


async def test_doctor_checks_each_publishing_target(
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_bot_api: FakeBotAPI,
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_ADMIN_IDS", "1000")
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    fake_bot_api.add_channel(-100777, "Warta Kota", username="wartakota")
    monkeypatch.setenv("WARTA_CHANNEL_ID", "@wartakota")
    monkeypatch.setenv("WARTA_WEBHOOK_URL", "https://cms.example/hook")
    monkeypatch.setenv("WARTA_WEBHOOK_SECRET", "s3cret-value")
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["doctor"]) == 0
    out = capsys.readouterr().out
    assert "publishing to    site, channel, webhook" in out
    assert "WARNING: WARTA_SITE_URL is a local address" in out
    assert "Warta Kota: bot is an admin that may post and delete" in out
    assert "s3cret-value" not in out

    monkeypatch.setenv("WARTA_SITE_URL", "https://warta.kota.go.id")
    assert await asyncio.to_thread(main, ["doctor"]) == 0
    assert "WARNING" not in capsys.readouterr().out

    # The bot lost its admin rights: doctor says so and fails.
    fake_bot_api.set_member_status(-100777, fake_bot_api.bot_id, "member")
    assert await asyncio.to_thread(main, ["doctor"]) == 1
    assert "FAILED: the bot is not an admin of Warta Kota" in capsys.readouterr().out

    # A WordPress that cannot be reached is reported, not crashed on.
    monkeypatch.setenv("WARTA_WORDPRESS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WARTA_WORDPRESS_USER", "humas")
    monkeypatch.setenv("WARTA_WORDPRESS_APP_PASSWORD", "abcd efgh ijkl")
    assert await asyncio.to_thread(main, ["doctor"]) == 1
    out = capsys.readouterr().out
    assert "wordpress        FAILED" in out and "abcd efgh" not in out
