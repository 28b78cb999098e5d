"""The outbox's rules with fake targets, on real SQLite and PostgreSQL.

Fake targets keep their "remote" posts in memory, so a test can crash the worker right
after a remote success and check that nothing is published twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import values
from bot.core.publish_policy import RetryPolicy
from bot.core.standards import StepClock, TimeStandards
from bot.core.workflow import Action, WorkflowError
from bot.ports.targets import Article, CannotTell, PublishedRef, PublishError
from bot.shell.config import load_settings
from bot.shell.office_calendar import office_calendar
from bot.usecases.items import ItemService
from bot.usecases.outbox import Outbox
from storage import values as to_value
from storage.db import create_engine, make_sessions
from storage.items import SqlItemWork
from storage.models import Event, Item, Person, Publication, RoleGrant
from storage.publications import PublicationStore
from storage.units import units

START = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
OFFICIAL_ID, PUBLISHER_ID, OFFICER_ID = 11, 12, 10


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs (not even except Exception)."""


@dataclass
class FakeTarget:
    name: str
    searchable: bool = True
    # Behaviour of the next publish calls, consumed in order: "ok", "fail",
    # "ambiguous", "crash_after" (remote success, then the process dies).
    script: list[str] = field(default_factory=list)
    remote: dict[str, PublishedRef] = field(default_factory=dict)
    publishes: int = 0
    removals: list[str] = field(default_factory=list)
    seen_web_urls: list[str | None] = field(default_factory=list)
    fail_removal: bool = False

    async def publish(self, article: Article, ref: PublishedRef | None) -> PublishedRef:
        mode = self.script.pop(0) if self.script else "ok"
        if mode == "fail":
            raise PublishError(f"{self.name} is down", kind="server")
        if mode == "ambiguous":
            raise PublishError(f"{self.name} timed out", ambiguous=True)
        self.publishes += 1
        self.seen_web_urls.append(article.web_url)
        made = ref or PublishedRef(
            remote_id=f"{self.name}-{article.key}",
            url=f"https://{self.name}.example/{article.slug}",
            data={"n": self.publishes},
        )
        self.remote[article.key] = made
        if mode == "crash_after":
            raise Crash
        return made

    async def locate(self, article: Article) -> PublishedRef | None:
        if not self.searchable:
            raise CannotTell
        return self.remote.get(article.key)

    async def unpublish(self, article: Article, ref: PublishedRef) -> None:
        if self.fail_removal:
            raise PublishError("cannot remove")
        self.removals.append(ref.remote_id)
        self.remote.pop(article.key, None)


@dataclass
class Listener:
    events: list[tuple[object, ...]] = field(default_factory=list)

    async def changed(self, item_id: int) -> None:
        self.events.append(("changed", item_id))

    async def finished(self, item_id: int, removal: bool) -> None:
        self.events.append(("finished", item_id, removal))

    async def alert(self, item_id: int, target: str, error: PublishError, attempts: int) -> None:
        self.events.append(("alert", item_id, target, attempts))

    async def uncertain(self, item_id: int, target: str) -> None:
        self.events.append(("uncertain", item_id, target))

    def of(self, kind: str) -> list[tuple[object, ...]]:
        return [e for e in self.events if e[0] == kind]


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    items: ItemService
    clock: Clock
    targets: dict[str, FakeTarget]
    listener: Listener
    item_id: int
    policy: RetryPolicy

    def outbox(self) -> Outbox:
        """A fresh worker, as after a restart."""
        store = PublicationStore(self.sessions)
        return Outbox(store, self.targets, self.policy, self.clock, self.listener)

    async def person(self, person_id: int) -> values.Person:
        async with self.sessions() as session:
            found = await session.get(Person, person_id)
            assert found is not None
            return to_value.person(found)

    async def act(self, person_id: int | None, action: Action, note: str | None = None) -> None:
        person = await self.person(person_id) if person_id is not None else None
        await self.items.act(self.item_id, None, person, action, self.clock(), note=note)

    async def rows(self) -> dict[str, Publication]:
        async with self.sessions() as session:
            result = await session.scalars(
                select(Publication).where(Publication.item_id == self.item_id)
            )
            return {row.target: row for row in result}

    async def statuses(self) -> dict[str, str]:
        return {name: row.status for name, row in (await self.rows()).items()}


def _targets(*names: str, **options: dict[str, object]) -> dict[str, FakeTarget]:
    return {n: FakeTarget(n, **options.get(n, {})) for n in names}  # type: ignore[arg-type]


@pytest.fixture
async def world(migrated_database_url: str) -> AsyncIterator[World]:
    engine = create_engine(migrated_database_url)
    sessions = make_sessions(engine)
    clock = Clock()
    async with sessions.begin() as session:
        for pid, name, role in (
            (OFFICER_ID, "Rina", "officer"),
            (OFFICIAL_ID, "Agus", "official"),
            (PUBLISHER_ID, "Dedi", "publisher"),
        ):
            session.add(Person(id=pid, full_name=name, created_at=START))
            session.add(RoleGrant(person_id=pid, role=role, granted_at=START))
        await session.flush()
        item = Item(
            code="PKP-2026-0001",
            state="approved",
            officer_id=OFFICER_ID,
            section="Bidang Pengawasan",
            title="Banjir di Sukamaju",
            body="Warga dievakuasi.",
            category="Berita",
            created_at=START,
            updated_at=START,
            state_entered_at=START,
        )
        session.add(item)
        await session.flush()
        item_id = item.id
    targets = _targets("site", "wordpress", "channel")
    services = ItemService(
        units(sessions, SqlItemWork),
        StepClock(TimeStandards(), office_calendar(load_settings())),
        ["Berita"],
        publish_targets=list(targets),
    )
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=30), alert_after=3)
    yield World(sessions, services, clock, targets, Listener(), item_id, policy)
    await engine.dispose()


# --- the rules alone ------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=5), alert_after=5)
    delays = [policy.delay(n).total_seconds() for n in range(0, 8)]
    assert delays == [0, 30, 60, 120, 240, 300, 300, 300]
    assert policy.delay(10_000) == timedelta(minutes=5)
    assert not policy.should_alert(4, alerted=False)
    assert policy.should_alert(5, alerted=False)
    assert not policy.should_alert(6, alerted=True)


# --- publishing -----------------------------------------------------------------------


async def test_publish_writes_one_row_per_target_and_each_goes_out_once(world: World) -> None:
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    rows = await world.rows()
    assert set(rows) == {"site", "wordpress", "channel"}
    assert all(r.status == "pending" and r.next_attempt_at == START for r in rows.values())

    steps = await world.outbox().run_due()
    # Websites first, so the channel can link to the article.
    assert [s.target for s in steps] == ["site", "wordpress", "channel"]
    assert await world.statuses() == dict.fromkeys(rows, "published")
    assert [t.publishes for t in world.targets.values()] == [1, 1, 1]
    assert world.targets["channel"].seen_web_urls == [
        "https://wordpress.example/banjir-di-sukamaju-pkp-2026-0001"
    ]
    assert world.listener.of("finished") == [("finished", world.item_id, False)]
    # One redraw of the item's cards for the whole pass, before the confirmation.
    assert world.listener.events == [
        ("changed", world.item_id),
        ("finished", world.item_id, False),
    ]
    # Nothing is due any more: a second pass does nothing.
    assert await world.outbox().run_due() == []
    assert [t.publishes for t in world.targets.values()] == [1, 1, 1]


async def test_crash_after_remote_success_never_duplicates(world: World) -> None:
    world.targets["wordpress"].script = ["crash_after"]
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    with pytest.raises(Crash):
        await world.outbox().run_due()
    row = (await world.rows())["wordpress"]
    assert row.status == "pending" and row.in_flight_since is not None
    assert world.targets["wordpress"].publishes == 1

    # After the restart the worker finds the post instead of making a second one.
    steps = await world.outbox().run_due()
    assert ("wordpress", "found") in [(s.target, s.result) for s in steps]
    assert world.targets["wordpress"].publishes == 1
    row = (await world.rows())["wordpress"]
    assert row.status == "published"
    assert row.remote_id == "wordpress-PKP-2026-0001"
    assert row.in_flight_since is None
    assert await world.statuses() == {
        "site": "published",
        "wordpress": "published",
        "channel": "published",
    }


async def test_unsearchable_target_after_a_crash_asks_a_person(world: World) -> None:
    world.targets["channel"] = FakeTarget("channel", searchable=False, script=["crash_after"])
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    with pytest.raises(Crash):
        await world.outbox().run_due()
    await world.outbox().run_due()
    assert (await world.statuses())["channel"] == "uncertain"
    assert world.targets["channel"].publishes == 1  # not sent again on its own
    assert world.listener.of("uncertain") == [("uncertain", world.item_id, "channel")]
    assert world.listener.of("finished") == []

    # The publisher looked, found nothing, and asks for another try.
    await world.act(PUBLISHER_ID, Action.RETRY)
    await world.outbox().run_due()
    assert (await world.statuses())["channel"] == "published"
    assert world.targets["channel"].publishes == 2
    assert world.listener.of("finished") == [("finished", world.item_id, False)]


async def test_ambiguous_failure_is_looked_up_before_sending_again(world: World) -> None:
    world.targets["site"].script = ["ambiguous"]
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    await world.outbox().run_due()
    row = (await world.rows())["site"]
    assert row.status == "pending" and row.ambiguous and row.attempts == 1
    world.clock.advance(seconds=30)
    await world.outbox().run_due()
    row = (await world.rows())["site"]
    assert row.status == "published" and not row.ambiguous
    assert world.targets["site"].publishes == 1


async def test_one_target_down_the_others_publish_and_it_retries(world: World) -> None:
    world.targets["wordpress"].script = ["fail"] * 4
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    outbox = world.outbox()
    await outbox.run_due()
    statuses = await world.statuses()
    assert statuses["site"] == "published"
    assert statuses["wordpress"] == "pending"
    # The channel waits for the website link while WordPress is still retrying.
    assert statuses["channel"] == "pending"
    row = (await world.rows())["wordpress"]
    assert row.attempts == 1 and row.last_error == "wordpress is down"
    assert row.error_kind == "server"
    assert row.next_attempt_at == START + timedelta(seconds=30)

    # Not due yet: nothing happens.
    world.clock.advance(seconds=10)
    assert [s.target for s in await outbox.run_due()] == []

    world.clock.advance(seconds=20)
    await outbox.run_due()  # attempt 2 fails; next in 60 s
    world.clock.advance(seconds=60)
    await outbox.run_due()  # attempt 3 fails: alert, and the channel stops waiting
    rows = await world.rows()
    assert rows["wordpress"].attempts == 3
    assert world.listener.of("alert") == [("alert", world.item_id, "wordpress", 3)]
    assert rows["channel"].status == "published"
    # Without WordPress, the channel links to the static site.
    assert world.targets["channel"].seen_web_urls == [
        "https://site.example/banjir-di-sukamaju-pkp-2026-0001"
    ]
    assert world.listener.of("finished") == []

    world.clock.advance(seconds=120)
    await outbox.run_due()  # attempt 4 fails, no second alert
    world.clock.advance(seconds=240)
    await outbox.run_due()  # WordPress is back
    rows = await world.rows()
    assert rows["wordpress"].status == "published"
    assert rows["wordpress"].attempts == 4
    assert len(world.listener.of("alert")) == 1
    assert world.listener.of("finished") == [("finished", world.item_id, False)]
    assert [t.publishes for t in world.targets.values()] == [1, 1, 1]


async def test_publisher_retry_makes_a_failing_target_due_now(world: World) -> None:
    world.targets["wordpress"].script = ["fail"]
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    await world.outbox().run_due()
    with pytest.raises(WorkflowError) as refused:
        await world.act(OFFICIAL_ID, Action.RETRY)
    assert refused.value.key == "error.wrong_role"
    await world.act(PUBLISHER_ID, Action.RETRY)
    assert (await world.rows())["wordpress"].next_attempt_at == START
    await world.outbox().run_due()
    assert (await world.statuses())["wordpress"] == "published"
    # Nothing left to retry: the rules refuse a second retry.
    with pytest.raises(WorkflowError) as nothing:
        await world.act(PUBLISHER_ID, Action.RETRY)
    assert nothing.value.key == "error.nothing_to_retry"


# --- scheduling and the system actor -------------------------------------------------


async def test_schedule_and_system_publish(world: World) -> None:
    from bot.core.item_changes import Edit

    publisher = await world.person(PUBLISHER_ID)
    at = START + timedelta(hours=5)
    await world.items.act(
        world.item_id, None, publisher, Action.SCHEDULE, START, edit=Edit(publish_at=at)
    )
    assert await world.items.due_for_publishing(START, auto=False) == []
    assert await world.items.due_for_publishing(at, auto=False) == [(world.item_id, True)]
    with pytest.raises(WorkflowError):
        await world.items.act(
            world.item_id, None, publisher, Action.SCHEDULE, START, edit=Edit(publish_at=START)
        )
    world.clock.now = at
    await world.act(None, Action.PUBLISH, note="scheduled")
    async with world.sessions() as session:
        item = await session.get(Item, world.item_id)
        assert item is not None and item.state == "published" and item.publish_at is None
        event = await session.scalar(select(Event).order_by(Event.id.desc()).limit(1))
        assert event is not None
        assert (event.actor_id, event.actor_name, event.actor_role) == (None, "warta", "system")
    assert await world.statuses() == dict.fromkeys(("site", "wordpress", "channel"), "pending")


async def test_auto_publish_picks_every_unscheduled_approved_item(world: World) -> None:
    assert await world.items.due_for_publishing(START, auto=True) == [(world.item_id, False)]
    assert await world.items.due_for_publishing(START, auto=False) == []


# --- takedown ---------------------------------------------------------------------------


async def test_takedown_removes_from_every_target(world: World) -> None:
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    await world.outbox().run_due()
    await world.act(OFFICIAL_ID, Action.UNPUBLISH, note="Data keliru")
    assert set((await world.statuses()).values()) == {"removing"}
    await world.outbox().run_due()
    assert set((await world.statuses()).values()) == {"removed"}
    assert world.targets["wordpress"].removals == ["wordpress-PKP-2026-0001"]
    assert world.targets["channel"].removals == ["channel-PKP-2026-0001"]
    assert world.listener.of("finished")[-1] == ("finished", world.item_id, True)


async def test_takedown_before_anything_went_out_cancels(world: World) -> None:
    world.targets["channel"].script = ["fail"]
    world.targets["site"].script = ["fail"]
    world.targets["wordpress"].script = ["fail"]
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    await world.outbox().run_due()
    await world.act(OFFICIAL_ID, Action.UNPUBLISH, note="Batal")
    assert set((await world.statuses()).values()) == {"cancelled"}
    world.clock.advance(hours=1)
    assert await world.outbox().run_due() == []
    assert all(t.publishes == 0 and not t.removals for t in world.targets.values())


async def test_takedown_while_a_publication_is_in_flight_still_removes_it(world: World) -> None:
    gate = asyncio.Event()
    release = asyncio.Event()
    site = world.targets["site"]
    original = site.publish

    async def slow_publish(article: Article, ref: PublishedRef | None) -> PublishedRef:
        gate.set()
        await release.wait()
        return await original(article, ref)

    site.publish = slow_publish  # type: ignore[method-assign]
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    worker = asyncio.create_task(world.outbox().run_due())
    await gate.wait()
    await world.act(OFFICIAL_ID, Action.UNPUBLISH, note="Salah kirim")
    release.set()
    await worker
    assert (await world.statuses())["site"] == "removing"
    await world.outbox().run_due()
    assert (await world.statuses())["site"] == "removed"
    assert site.removals == ["site-PKP-2026-0001"]


async def test_failed_removal_retries_and_alerts(world: World) -> None:
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    await world.outbox().run_due()
    world.targets["wordpress"].fail_removal = True
    await world.act(OFFICIAL_ID, Action.UNPUBLISH, note="Data keliru")
    outbox = world.outbox()
    for wait in (0, 30, 60):
        world.clock.advance(seconds=wait)
        await outbox.run_due()
    rows = await world.rows()
    assert rows["wordpress"].status == "removing" and rows["wordpress"].attempts == 3
    assert world.listener.of("alert") == [("alert", world.item_id, "wordpress", 3)]
    # A takedown has no retry button: the outbox keeps trying on its own.
    with pytest.raises(WorkflowError):
        await world.act(PUBLISHER_ID, Action.RETRY)
    world.targets["wordpress"].fail_removal = False
    world.clock.advance(seconds=119)
    await outbox.run_due()
    assert (await world.statuses())["wordpress"] == "removing"
    world.clock.advance(seconds=1)
    await outbox.run_due()
    assert set((await world.statuses()).values()) == {"removed"}


async def test_a_row_taken_down_before_its_claim_is_not_sent(world: World) -> None:
    """The worker claims a row with one conditional UPDATE: a takedown that committed
    after the pass read the row, but before the claim, wins."""
    await world.act(PUBLISHER_ID, Action.PUBLISH)
    outbox = world.outbox()
    rows = await world.rows()
    site_id = rows["site"].id
    await world.act(OFFICIAL_ID, Action.UNPUBLISH, note="Salah kirim")
    assert (await world.statuses())["site"] == "cancelled"
    assert not await outbox._claim(site_id, START)
    assert (await world.rows())["site"].in_flight_since is None
    # A row still waiting for its publication is claimed.
    other = (await world.rows())["channel"].id
    async with world.sessions.begin() as session:
        row = await session.get(Publication, other)
        assert row is not None
        row.status = "pending"
    assert await outbox._claim(other, START)
    assert (await world.rows())["channel"].in_flight_since == START
