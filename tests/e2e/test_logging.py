"""What an operator reads at INFO: one ``move`` line per move and one ``publish`` line
per attempt on a target (format in ``bot/shell/logs.py``), and never a secret."""

from __future__ import annotations

import logging
import shlex
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy.orm import SessionTransaction

from bot.core.logline import MOVES, PUBLISH
from storage.models import Item
from tests.e2e.harness import DEFAULT_TOKEN, CallbackAnswer, FakeBotAPI, sample_jpeg
from tests.e2e.office import Office, card, code_in, publish_sweep, running_office, snapshot

SECRET = "whsec-4f1c9e2b7a6d0385-do-not-log"


def fields(line: str) -> tuple[str, dict[str, str]]:
    """``event key=value …`` back into its parts (values may be quoted)."""
    event, *pairs = shlex.split(line)
    parsed = dict(pair.split("=", 1) for pair in pairs)
    return event, parsed


def lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[dict[str, str]]:
    found = []
    for record in caplog.records:
        if record.name != logger:
            continue
        message = record.getMessage()
        assert "\n" not in message
        event, parsed = fields(message)
        assert event == ("move" if logger == MOVES else "publish")
        assert int(parsed["duration_ms"]) >= 0
        parsed["_level"] = record.levelname
        found.append(parsed)
    return found


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)


@pytest.fixture
def info_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """INFO from every logger, as ``warta run`` writes it (httpx kept at WARNING there,
    like ``bot.shell.logs.configure`` does: its request URLs carry the token)."""
    # In this order: set_level also sets the capturing handler's level, to the last one.
    caplog.set_level(logging.WARNING, logger="httpx")
    caplog.set_level(logging.INFO)
    return caplog


async def album_to_approval(o: Office) -> str:
    """An officer's album with a caption, carried through IT, the editor and the official."""
    await o.officer.sends_album(
        [("photo", sample_jpeg(color=(30, 90, 150))), ("photo", sample_jpeg(color=(150, 90, 30)))],
        caption="Banjir di Sukamaju\nWarga dievakuasi ke balai RW 05.",
    )
    code = code_in(o.officer.last_text())
    await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
    await o.it.taps("Terima", in_chat=o.it_group, message=card(o.it_group, code))
    await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group, message=card(o.web_group, code))
    await o.official.taps(
        "Setujui", in_chat=o.officials_group, message=card(o.officials_group, code)
    )
    return code


async def test_whole_chain_logs_each_move_and_each_attempt_once(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    info_logs: pytest.LogCaptureFixture,
) -> None:
    async with running_office(fake_bot_api, tmp_path, database_url) as o:
        code = await album_to_approval(o)
        # Not a publisher: refused, and said so once.
        answer = await o.official.taps(
            "Terbitkan sekarang", in_chat=o.publishers_group, message=card(o.publishers_group, code)
        )
        assert answer.show_alert
        # A double tap on "publish now": one move, one stale attempt.
        publisher_card = card(o.publishers_group, code)
        data = next(
            d
            for text, d in (b for row in publisher_card.buttons for b in row)
            if "Terbitkan" in text
        )
        group, message_id = o.publishers_group.id, publisher_card.message_id
        first = fake_bot_api.press_button(o.publisher.id, group, message_id, data)
        second = fake_bot_api.press_button(o.publisher.id, group, message_id, data)
        await o.h.settle()
        answers = [
            CallbackAnswer.from_record(fake_bot_api.callback_queries[q]) for q in (first, second)
        ]
        assert [a.show_alert for a in answers].count(True) == 1
        assert "✅ Situs web" in card(o.publishers_group, code).text
        # Taken down by the official, with a reason.
        await o.official.taps(
            "Turunkan", in_chat=o.officials_group, message=card(o.officials_group, code)
        )
        await o.official.replies("Data korban belum terverifikasi", in_chat=o.officials_group)
        assert o.web_group.has("sudah dihapus dari semua tujuan")

    moves = lines(info_logs, MOVES)
    assert {m["item"] for m in moves} == {code}
    assert all(m["_level"] == "INFO" for m in moves)
    done = [m for m in moves if m["outcome"] == "ok"]
    # The draft is opened, and every file of the album is recorded as it arrives.
    assert [(m["action"], m["to"]) for m in done[:1]] == [("create", "collecting")]
    additions = [m for m in done if m["action"] in ("add_media", "edit_text")]
    assert sum(int(m.get("files", "0")) for m in additions) == 2
    assert all(m["actor"] == str(o.officer.id) and m["role"] == "officer" for m in additions)
    chain = [
        (m["action"], m["actor"], m["role"], m["from"], m["to"])
        for m in done
        if m.get("from") not in (None, m["to"])
    ]
    assert chain == [
        ("submit", str(o.officer.id), "officer", "collecting", "submitted"),
        ("accept", str(o.it.id), "it", "submitted", "editing"),
        ("to_official", str(o.editor.id), "editor", "editing", "review"),
        ("approve", str(o.official.id), "official", "review", "approved"),
        ("publish", str(o.publisher.id), "publisher", "approved", "published"),
        ("unpublish", str(o.official.id), "official", "published", "unpublished"),
    ]
    # Each committed move names the version it left the item at; every step bumps it.
    versions = [int(m["version"]) for m in done]
    assert versions == sorted(versions)
    steps = [int(m["version"]) for m in done if m.get("from") != m["to"]]
    assert len(set(steps)) == len(steps)
    refused = [m for m in moves if m["outcome"] == "refused"]
    assert [(m["action"], m["actor"], m["reason"]) for m in refused] == [
        ("publish", str(o.official.id), "error.wrong_role")
    ]
    stale = [m for m in moves if m["outcome"] == "stale"]
    assert [(m["action"], m["actor"], m["state"], m["moved_by"]) for m in stale] == [
        ("publish", str(o.publisher.id), "published", str(o.publisher.id))
    ]
    assert int(stale[0]["version"]) < int(stale[0]["current"])

    attempts = lines(info_logs, PUBLISH)
    slug = "banjir-di-sukamaju-" + code.lower()
    assert [(a["item"], a["target"], a["op"], a["attempt"], a["outcome"]) for a in attempts] == [
        (code, "site", "publish", "1", "ok"),
        (code, "site", "takedown", "1", "ok"),
    ]
    assert attempts[0]["url"] == f"http://127.0.0.1:8080/berita/{slug}/"
    assert all(a["_level"] == "INFO" for a in attempts)

    logged = everything_logged(info_logs)
    assert DEFAULT_TOKEN not in logged
    # What people typed (titles, reasons) stays in the database, not in the log.
    assert "Data korban" not in logged


async def test_a_move_whose_commit_fails_is_not_logged_as_done(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    info_logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = {"raise_handler_errors": False}
    async with running_office(fake_bot_api, tmp_path, database_url, harness_options=options) as o:
        await o.officer.sends_photo(sample_jpeg(color=(20, 90, 160)))
        await o.officer.sends("Banjir di Sukamaju\nWarga dievakuasi.")
        code = code_in(o.officer.last_text())
        commit = SessionTransaction.commit
        armed = [True]

        def failing_commit(self: SessionTransaction, _to_root: bool = False) -> None:
            # The database refuses the hand-over's transaction as it commits.
            if armed and any(
                isinstance(row, Item) and row.state == "submitted"
                for row in self.session.identity_map.values()
            ):
                armed.clear()
                raise RuntimeError("disk I/O error")
            commit(self, _to_root)

        monkeypatch.setattr(SessionTransaction, "commit", failing_commit)
        await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
        monkeypatch.undo()
        assert not armed, "the hand-over reached its commit"
        assert (await snapshot(database_url)).item(code).state == "collecting"

    submits = [m for m in lines(info_logs, MOVES) if m["action"] == "submit"]
    assert [(m["outcome"], m.get("reason"), m["_level"]) for m in submits] == [
        ("error", "RuntimeError", "WARNING")
    ]


@dataclass
class Cms:
    """An office CMS behind the webhook: answers with the statuses it is given."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.received += 1
        status = self.statuses.pop(0) if self.statuses else 200
        if status != 200:
            # A careless CMS that quotes its configuration in an error page.
            return web.Response(status=status, text=f"Traceback…\nsecret={SECRET}\nurl={self.url}")
        return web.json_response({"id": 7, "url": "https://cms.kota.example/berita/7"})


@pytest.fixture
async def cms() -> AsyncIterator[Cms]:
    state = Cms()
    app = web.Application()
    app.router.add_post("/hooks/warta", state.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hooks/warta"
    try:
        yield state
    finally:
        await runner.cleanup()


async def test_failing_target_logs_retry_with_its_kind_and_no_secret(
    fake_bot_api: FakeBotAPI,
    tmp_path: Path,
    database_url: str,
    cms: Cms,
    info_logs: pytest.LogCaptureFixture,
) -> None:
    cms.statuses = [500, 503]
    settings = {"webhook_url": cms.url, "webhook_secret": SECRET, "publish_alert_after": 2}
    async with running_office(fake_bot_api, tmp_path, database_url, **settings) as o:
        code = await album_to_approval(o)
        await o.publisher.taps("Terbitkan sekarang", in_chat=o.publishers_group)
        assert "🔁" in card(o.publishers_group, code).text
        o.clock.advance(seconds=31)
        await publish_sweep(o)
        o.clock.advance(seconds=61)
        await publish_sweep(o)
        assert cms.received == 3
        assert "✅" in card(o.publishers_group, code).text

    attempts = [
        (a["target"], a["attempt"], a["outcome"], a.get("reason"), a.get("next_in"), a["_level"])
        for a in lines(info_logs, PUBLISH)
    ]
    assert attempts == [
        ("site", "1", "ok", None, None, "INFO"),
        ("webhook", "1", "retry", "server", "30s", "INFO"),
        # The alert threshold (2) is reached: the operator should look.
        ("webhook", "2", "retry", "server", "60s", "WARNING"),
        ("webhook", "3", "ok", None, None, "INFO"),
    ]
    logged = everything_logged(info_logs)
    assert SECRET not in logged
    assert DEFAULT_TOKEN not in logged
    assert "Traceback…" not in logged, "the target's answer is not logged"
