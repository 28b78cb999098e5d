"""The operator's first hour, tried as a new office IT officer would: every expected
failure ends in one sentence (never a traceback), and the commands say what they do."""

from __future__ import annotations

import asyncio
import re
import socket
import sys
from pathlib import Path

import pytest

import bot.cli
import bot.cli.token
from bot.cli import main
from tests.e2e.harness import DEFAULT_TOKEN, FakeBotAPI, Harness

# A token of the shape @BotFather hands out (the fake server is told to accept it).
REAL_SHAPED = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_bot_api: FakeBotAPI) -> Path:
    for name in ("WARTA_TELEGRAM_TOKEN", "WARTA_DATABASE_URL", "WARTA_ADMIN_IDS", "WARTA_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("_WARTA_TOKEN_FROM_PROMPT", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARTA_TELEGRAM_API_URL", f"{fake_bot_api.url}/bot")
    monkeypatch.setenv("WARTA_TELEGRAM_FILE_URL", f"{fake_bot_api.url}/file/bot")
    return tmp_path


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


# --- the token ------------------------------------------------------------------------


def _terminal(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed = iter(answers)
    monkeypatch.setattr(bot.cli.token.getpass, "getpass", lambda prompt="": next(typed))


async def test_prompt_refuses_a_malformed_and_an_unknown_token_before_saving(
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_bot_api: FakeBotAPI,
) -> None:
    fake_bot_api.token = REAL_SHAPED
    unknown = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDzzzz"
    _terminal(monkeypatch, ["not-a-token", unknown, ""])
    assert await run("run") == 2
    out = capsys.readouterr().out
    assert "does not look like a bot token" in out
    assert "Telegram does not know this token" in out
    assert "nothing was saved" in out
    assert not (operator_env / ".env").exists()


async def test_prompt_saves_a_token_telegram_accepts(
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_bot_api: FakeBotAPI,
) -> None:
    fake_bot_api.token = REAL_SHAPED
    _terminal(monkeypatch, [REAL_SHAPED])
    # Stop right after the prompt: the data folder is a file, so `run` refuses politely.
    (operator_env / "data").write_text("not a folder")
    assert await run("run") == 1
    captured = capsys.readouterr()
    assert "Token saved in" in captured.out and "@warta_test_bot" in captured.out
    env_file = operator_env / ".env"
    assert env_file.read_text() == f"WARTA_TELEGRAM_TOKEN={REAL_SHAPED}\n"
    assert env_file.stat().st_mode & 0o777 == 0o600
    assert "cannot write to the data folder" in captured.err
    assert REAL_SHAPED not in captured.err
    _no_traceback(captured.err)


async def test_prompt_with_telegram_unreachable_saves_nothing(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_API_URL", f"http://127.0.0.1:{_closed_port()}/bot")
    _terminal(monkeypatch, [REAL_SHAPED])
    assert await run("run") == 1
    out = capsys.readouterr().out
    assert "cannot reach the Bot API" in out and "Nothing was saved" in out
    assert not (operator_env / ".env").exists()


async def test_run_with_a_refused_token_in_env_file_is_one_sentence(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (operator_env / ".env").write_text("WARTA_TELEGRAM_TOKEN=not-a-token\n")
    assert await run("run") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Telegram refused the bot token in WARTA_TELEGRAM_TOKEN" in err
    assert str(operator_env / ".env") in err and "@BotFather" in err
    assert "not-a-token" not in err


async def test_run_with_the_network_down_is_one_sentence(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_TELEGRAM_API_URL", f"http://127.0.0.1:{_closed_port()}/bot")
    monkeypatch.setattr(bot.cli, "START_TRIES", (0.0, 0.0))
    assert await run("run") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "cannot reach the Bot API at http://127.0.0.1:" in err
    assert DEFAULT_TOKEN not in err


# --- the database ---------------------------------------------------------------------


async def test_a_database_that_cannot_be_used_says_why(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    port = _closed_port()
    monkeypatch.setenv("WARTA_DATABASE_URL", f"postgres://warta:sandi-rahasia@127.0.0.1:{port}/x")
    assert await run("db", "upgrade") == 1
    err = capsys.readouterr().err
    assert "connection refused" in err and "'x' on 127.0.0.1" in err
    assert "sandi-rahasia" not in err
    _no_traceback(err)
    assert await run("doctor") == 1
    out = capsys.readouterr().out
    assert "schema           UNREACHABLE: cannot connect to PostgreSQL database 'x'" in out


@pytest.mark.skipif(
    not __import__("os").environ.get("WARTA_TEST_DATABASE_URL"), reason="needs PostgreSQL"
)
async def test_a_missing_postgresql_database_is_named(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy.engine import make_url

    server = make_url(__import__("os").environ["WARTA_TEST_DATABASE_URL"])
    plain = server.set(drivername="postgresql", database="warta_no_such_db")
    monkeypatch.setenv("WARTA_DATABASE_URL", plain.render_as_string(hide_password=False))
    assert await run("db", "status") == 1
    err = capsys.readouterr().err
    assert 'database "warta_no_such_db" does not exist' in err
    assert "createdb" in err
    _no_traceback(err)


async def test_db_upgrade_while_the_bot_runs(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    async with Harness.for_warta(fake_bot_api, data, database_url, admin_ids=[1000]) as h:
        boss = h.person(1000, "Kepala Bidang")
        monkeypatch.setenv("WARTA_DATA_DIR", str(data))
        monkeypatch.setenv("WARTA_DATABASE_URL", database_url)
        capsys.readouterr()
        assert await run("db", "upgrade") == 0
        assert "already at the newest revision" in capsys.readouterr().out
        # The running bot did not notice.
        await boss.sends("/bantuan")
        assert boss.last_text()


# --- admins, health, the site ---------------------------------------------------------


async def test_admins_made_through_the_link_count_and_admin_link_makes_one(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    for name in ("WARTA_ADMIN_IDS", "WARTA_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_TELEGRAM_API_URL", f"{fake_bot_api.url}/bot")
    monkeypatch.setenv("WARTA_DATA_DIR", str(data))
    monkeypatch.setenv("WARTA_DATABASE_URL", database_url)
    monkeypatch.setenv("WARTA_SITE_URL", "https://warta.kota.go.id")

    # Under systemd the start-up link is in the journal: the operator asks for one.
    assert await run("admin", "link") == 0
    link = re.search(r"https://t\.me/warta_test_bot\?start=([\w-]+)", capsys.readouterr().out)
    assert link
    async with Harness.for_warta(fake_bot_api, data, database_url, admin_ids=[]) as h:
        boss = h.person(5000, "Kepala Bidang")
        await boss.opens_link(link.group(1))
        assert "Admin" in boss.last_text()
        capsys.readouterr()
        assert await run("doctor") == 0
        out = capsys.readouterr().out
        assert "admins           1" in out and "NONE" not in out
        assert "heartbeat        alive" in out
        assert await run("health") == 0

    # A bot that stopped cleanly is not "alive", however fresh its last beat was.
    capsys.readouterr()
    assert await run("health") == 1
    assert "STOPPED" in capsys.readouterr().out

    # With an admin there, a new link needs --force.
    capsys.readouterr()
    assert await run("admin", "link") == 1
    assert "already has 1 admin" in capsys.readouterr().out
    assert await run("admin", "link", "--force") == 0
    assert "?start=" in capsys.readouterr().out


async def test_health_without_a_running_bot_fails(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run("health") == 1
    assert "none yet" in capsys.readouterr().out


async def test_site_serve_builds_a_fresh_site_and_names_a_busy_port(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert await run("site", "serve", "--port", str(port)) == 1
    captured = capsys.readouterr()
    assert "site rebuilt: 0 posts" in captured.out
    assert (operator_env / "data" / "site" / "index.html").is_file()
    assert f"cannot listen on 127.0.0.1:{port}" in captured.err and "--port" in captured.err
    _no_traceback(captured.err)


async def test_doctor_warns_of_local_links_even_without_channel(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_ADMIN_IDS", "1000")
    assert await run("doctor") == 0  # a warning, not a failure
    out = capsys.readouterr().out
    assert "WARNING: WARTA_SITE_URL is a local address (http://127.0.0.1:8080)" in out
    assert "officers" in out


async def test_doctor_checks_the_watermark(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("WARTA_ADMIN_IDS", "1000")
    logo = operator_env / "logo.png"
    logo.write_bytes(b"not a picture")
    monkeypatch.setenv("WARTA_WATERMARK_IMAGE", str(logo))
    assert await run("doctor") == 1
    captured = capsys.readouterr()
    assert f"watermark        FAILED: cannot read {logo} (not a picture" in captured.out
    _no_traceback(captured.err)
    Image.new("RGBA", (120, 40), (255, 255, 255, 128)).save(logo)
    assert await run("doctor") == 0
    assert f"watermark        {logo} (120x40, with transparency)" in capsys.readouterr().out


async def test_doctor_on_a_fresh_service_install_lists_everything_to_do(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # deploy/warta.env.example copied as it is: the token line is there but empty.
    monkeypatch.setenv("WARTA_TELEGRAM_TOKEN", "")
    monkeypatch.setenv("WARTA_ADMIN_IDS", "")
    assert await run("doctor") == 1
    captured = capsys.readouterr()
    assert "schema           not created yet" in captured.out
    assert "None" not in captured.out
    assert "token            MISSING (set WARTA_TELEGRAM_TOKEN" in captured.out
    assert "admins           NONE" in captured.out  # it went on after the missing token
    _no_traceback(captured.err)


# --- help -----------------------------------------------------------------------------


def test_help_version_and_every_subcommand_explained(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert re.fullmatch(r"warta \S+\n", capsys.readouterr().out)
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    assert "``" not in top and "`warta COMMAND --help`" in top
    commands = ["run", "db", "doctor", "outbox", "site", "admin", "health", "backup", "restore"]
    for name in commands:
        assert re.search(rf"^\s+{name}\s+\S", top, re.MULTILINE), name
        with pytest.raises(SystemExit):
            main([name, "--help"])
        page = capsys.readouterr().out
        # A description under the usage line, not only the usage.
        assert len(page.strip().splitlines()) >= 4, (name, page)
    for argv in (["site", "serve", "--help"], ["admin", "link", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        page = capsys.readouterr().out
        assert "--port" in page or "--force" in page
