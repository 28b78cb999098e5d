"""A whole office on the fake Telegram: an admin, one person per role, bound team groups.

Everyone is onboarded the way a real office would do it — the admin makes invite links
with /undang and each person opens theirs — so every scenario also exercises onboarding.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers.deadlines import REMINDER_JOB
from storage.db import create_engine, make_sessions
from storage.models import Card, Event, Invite, Item, Media, Publication, RoleGrant, TeamChat
from storage.models import Person as PersonRow
from tests.e2e.harness import FakeBotAPI, Group, Harness, Person, StoredMessage, sample_jpeg

ADMIN_ID = 1000
INVITE_LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")


class Clock:
    """A clock the test moves by hand (warta reads it through ``build_application``)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class SmallOffice:
    h: Harness
    clock: Clock
    admin: Person


@dataclass
class Office:
    h: Harness
    clock: Clock
    admin: Person
    officer: Person
    it: Person
    editor: Person
    official: Person
    official2: Person
    publisher: Person
    it_group: Group
    web_group: Group
    officials_group: Group
    publishers_group: Group
    log_group: Group


async def invite(admin: Person, role: str, section: str | None = None) -> str:
    """Make an invite as the admin would and return the token from the link."""
    command = f"/undang {role}" + (f" {section}" if section else "")
    await admin.sends(command)
    match = INVITE_LINK.search(admin.last_text())
    assert match, f"no invite link in: {admin.last_text()!r}"
    return match.group(1)


async def onboard(
    h: Harness, admin: Person, user_id: int, name: str, role: str, **kw: Any
) -> Person:
    token = await invite(admin, role, kw.pop("section", None))
    person = h.person(user_id, name, **kw)
    await person.opens_link(token)
    assert "Selamat datang" in person.last_text(), person.last_text()
    return person


async def bind(h: Harness, admin: Person, group: Group, purpose: str) -> None:
    await h.add_bot_to(group, by=admin)
    await admin.sends(f"/ikat {purpose}", in_chat=group)
    assert "Grup ini sekarang" in group.last_text(), group.last_text()


@asynccontextmanager
async def admin_only_office(
    server: FakeBotAPI, tmp_path: Path, database_url: str, **settings: Any
) -> AsyncIterator[SmallOffice]:
    """A fresh install: only the configured admin has written to the bot, no groups."""
    clock = Clock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))  # Thursday 09.00 WIB
    h = Harness.for_warta(
        server, tmp_path / "data", database_url, admin_ids=[ADMIN_ID], clock=clock, **settings
    )
    async with h:
        pause_reminders(h)
        admin = h.person(ADMIN_ID, "Admin Kominfo", username="admin")
        await admin.sends("/start")
        yield SmallOffice(h, clock, admin)


def pause_reminders(h: Harness) -> None:
    """The reminder sweep runs only when a test says so (:func:`reminder_sweep`): tests
    move the clock by hours in a second, and a sweep in between would add messages."""
    for job in h.app.job_queue.get_jobs_by_name(REMINDER_JOB):
        job.enabled = False


async def reminder_sweep(h: Harness) -> None:
    """Run the reminder sweep once, as the job queue does every minute."""
    job = h.app.job_queue.get_jobs_by_name(REMINDER_JOB)[0]
    await job.run(h.app)
    await h.settle()


@asynccontextmanager
async def running_office(
    server: FakeBotAPI, tmp_path: Path, database_url: str, **settings: Any
) -> AsyncIterator[Office]:
    settings.setdefault("group_messages_per_minute", 600)
    async with admin_only_office(server, tmp_path, database_url, **settings) as small:
        h, admin = small.h, small.admin
        officer = await onboard(h, admin, 2001, "Rina Wati", "petugas", section="Bidang Pengawasan")
        it = await onboard(h, admin, 2002, "Budi Santoso", "it", username="budi")
        editor = await onboard(h, admin, 2003, "Sari Dewi", "editor")
        official = await onboard(h, admin, 2004, "Agus Salim", "pejabat")
        official2 = await onboard(h, admin, 2005, "Maya Putri", "pejabat")
        publisher = await onboard(h, admin, 2006, "Dedi Kurnia", "publisher")
        groups = {
            "it": h.group(-100101, "Tim IT"),
            "editor": h.group(-100102, "Webmaster"),
            "official": h.group(-100103, "Pejabat"),
            "publisher": h.group(-100104, "Publisher"),
            "log": h.group(-100105, "Log warta"),
        }
        for purpose, group in groups.items():
            await bind(h, admin, group, purpose)
        yield Office(
            h=h,
            clock=small.clock,
            admin=admin,
            officer=officer,
            it=it,
            editor=editor,
            official=official,
            official2=official2,
            publisher=publisher,
            it_group=groups["it"],
            web_group=groups["editor"],
            officials_group=groups["official"],
            publishers_group=groups["publisher"],
            log_group=groups["log"],
        )


def card(chat: Any, code: str) -> Any:
    """The latest message in a chat that is the card of item ``code``."""
    # A card's first line is "<icon> <code> — <state>".
    cards = [m for m in chat.messages() if m.text and f"{code} — " in m.text.split("\n")[0]]
    assert cards, f"no card for {code} in {chat!r}"
    return cards[-1]


def code_in(text: str) -> str:
    match = re.search(r"PKP-\d{4}-\d{4}", text)
    assert match, f"no item code in {text!r}"
    return match.group(0)


async def to_editor(o: Office, code: str) -> None:
    """The officer hands item ``code`` over and the IT team accepts it."""
    await o.officer.taps("Serahkan ke Tim IT", message=card(o.officer.chat, code))
    await o.it.taps("Terima", in_chat=o.it_group, message=card(o.it_group, code))


async def to_official(o: Office, code: str) -> None:
    """Item ``code`` goes the whole way to the officials, unchanged by the editor."""
    await to_editor(o, code)
    await o.editor.taps("Kirim ke pejabat", in_chat=o.web_group, message=card(o.web_group, code))


# --------------------------------------------------------------------------------------
# What the bot stored
# --------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """The database's rows at one moment (read with a separate, disposed engine)."""

    items: list[Item]
    media: list[Media]
    events: list[Event]
    people: dict[int, PersonRow]
    roles: dict[int, set[str]]
    invites: list[Invite]
    team_chats: dict[str, int]
    cards: list[Card]
    publications: list[Publication] = field(default_factory=list)

    def item(self, code: str) -> Item:
        found = [i for i in self.items if i.code == code]
        assert found, f"no item {code} in {[i.code for i in self.items]}"
        return found[0]

    def media_of(self, code: str) -> list[Media]:
        item = self.item(code)
        return [m for m in self.media if m.item_id == item.id]

    def events_of(self, code: str) -> list[Event]:
        item = self.item(code)
        return [e for e in self.events if e.item_id == item.id]

    def cards_of(self, code: str) -> list[Card]:
        item = self.item(code)
        return [c for c in self.cards if c.item_id == item.id]


async def snapshot(database_url: str) -> Snapshot:
    """What the database holds right now."""
    engine = create_engine(database_url)
    try:
        async with make_sessions(engine)() as session:
            people = {
                p.id: p for p in await session.scalars(select(PersonRow).order_by(PersonRow.id))
            }
            roles: dict[int, set[str]] = {pid: set() for pid in people}
            for grant in await session.scalars(select(RoleGrant)):
                roles.setdefault(grant.person_id, set()).add(grant.role)
            return Snapshot(
                items=list(await session.scalars(select(Item).order_by(Item.id))),
                media=list(await session.scalars(select(Media).order_by(Media.id))),
                events=list(await session.scalars(select(Event).order_by(Event.id))),
                people=people,
                roles=roles,
                invites=list(await session.scalars(select(Invite).order_by(Invite.created_at))),
                team_chats={t.purpose: t.chat_id for t in await session.scalars(select(TeamChat))},
                cards=list(await session.scalars(select(Card).order_by(Card.id))),
                publications=list(
                    await session.scalars(select(Publication).order_by(Publication.id))
                ),
            )
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------

#: The office's public channel on the fake Telegram (the bot is one of its admins).
CHANNEL_ID = -1001234


def publishing_office(
    server: FakeBotAPI, tmp_path: Path, database_url: str, **settings: Any
) -> Any:
    """:func:`running_office` with the public channel configured as a target, next to
    the static site (on by default)."""
    server.add_channel(CHANNEL_ID, "Warta Kota", username="wartakota")
    settings.setdefault("channel_id", str(CHANNEL_ID))
    return running_office(server, tmp_path, database_url, **settings)


async def approved(
    o: Office,
    title: str = "Banjir di Sukamaju",
    body: str = "Warga dievakuasi ke balai RW 05. Info: www.kota.go.id/banjir",
) -> str:
    """An officer's photo and text, carried through IT, the editor and the official."""
    await o.officer.sends_photo(sample_jpeg(color=(20, 90, 160)))
    await o.officer.sends(f"{title}\n{body}")
    code = code_in(o.officer.last_message().text)
    await to_official(o, code)
    await o.official.taps("Setujui", in_chat=o.officials_group)
    return code


async def publish_sweep(o: Office) -> None:
    """Run the publishing sweep once, as the job queue does every 15 seconds."""
    job = o.h.app.job_queue.get_jobs_by_name("publish-sweep")[0]
    await job.run(o.h.app)
    await o.h.settle()


def channel_posts(server: FakeBotAPI) -> list[StoredMessage]:
    """What the public sees in the channel now."""
    return [m for m in server.chats[CHANNEL_ID].messages.values() if not m.deleted]
