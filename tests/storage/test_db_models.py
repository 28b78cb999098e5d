"""Model behaviour on both back ends: optimistic locking, UTC datetimes, constraints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.models import Card, Invite, Item, Media, Person, RoleGrant

NOW = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
JAKARTA = timezone(timedelta(hours=7))

Sessions = async_sessionmaker[AsyncSession]


def person(person_id: int = 1001) -> Person:
    return Person(id=person_id, full_name="Siti", language="id", created_at=NOW)


def item(officer_id: int = 1001, code: str = "PKP-2026-0001") -> Item:
    return Item(
        code=code,
        state="collecting",
        officer_id=officer_id,
        created_at=NOW,
        updated_at=NOW,
        state_entered_at=NOW,
    )


async def add_item(sessions: Sessions, code: str = "PKP-2026-0001") -> int:
    async with sessions() as session:
        if await session.get(Person, 1001) is None:
            session.add(person())
            await session.flush()
        new = item(code=code)
        session.add(new)
        await session.commit()
        return new.id


async def test_new_item_starts_at_version_1(sessions: Sessions) -> None:
    item_id = await add_item(sessions)
    async with sessions() as session:
        loaded = await session.get(Item, item_id)
        assert loaded is not None
        assert loaded.version == 1
        loaded.state = "submitted"
        await session.commit()
        assert loaded.version == 2


async def test_second_writer_of_a_stale_item_fails(sessions: Sessions) -> None:
    item_id = await add_item(sessions)
    async with sessions() as first, sessions() as second:
        mine = await first.get(Item, item_id)
        theirs = await second.get(Item, item_id)
        assert mine is not None and theirs is not None
        mine.title = "first"
        theirs.title = "second"
        await first.commit()
        with pytest.raises(StaleDataError):
            await second.commit()
        await second.rollback()

    async with sessions() as session:
        stored = await session.get(Item, item_id)
        assert stored is not None
        assert (stored.title, stored.version) == ("first", 2)


async def test_utc_datetime_round_trips_aware_values(sessions: Sessions) -> None:
    local = datetime(2026, 3, 1, 15, 0, 0, 250000, tzinfo=JAKARTA)
    async with sessions() as session:
        session.add(
            Invite(
                token="t-aware",
                role="officer",
                created_by=1,
                created_at=local,
                expires_at=local + timedelta(hours=72),
            )
        )
        await session.commit()

    async with sessions() as session:
        invite = await session.scalar(select(Invite).where(Invite.token == "t-aware"))
        assert invite is not None
        assert invite.created_at == local
        assert invite.created_at.utcoffset() == timedelta(0)
        assert invite.created_at == datetime(2026, 3, 1, 8, 0, 0, 250000, tzinfo=UTC)
        assert invite.used_at is None


async def test_utc_datetime_compares_across_zones(sessions: Sessions) -> None:
    async with sessions() as session:
        session.add(person())
        await session.flush()
        early, late = item(code="PKP-2026-0001"), item(code="PKP-2026-0002")
        # 09:00+07:00 is 02:00 UTC: earlier than 03:00 UTC despite the larger wall clock.
        early.step_due_at = datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA)
        late.step_due_at = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
        session.add_all([early, late])
        await session.commit()

    async with sessions() as session:
        cutoff = datetime(2026, 3, 1, 9, 30, tzinfo=JAKARTA)  # 02:30 UTC
        due = await session.scalars(select(Item.code).where(Item.step_due_at <= cutoff))
        assert list(due) == ["PKP-2026-0001"]
        ordered = await session.scalars(select(Item.code).order_by(Item.step_due_at))
        assert list(ordered) == ["PKP-2026-0001", "PKP-2026-0002"]


async def test_utc_datetime_rejects_naive_values(sessions: Sessions) -> None:
    async with sessions() as session:
        session.add(
            Invite(
                token="t-naive",
                role="officer",
                created_by=1,
                created_at=datetime(2026, 3, 1, 8, 0),
                expires_at=NOW,
            )
        )
        with pytest.raises(StatementError) as caught:
            await session.commit()
        assert isinstance(caught.value.orig, ValueError)
        assert "naive" in str(caught.value.orig)


async def test_one_grant_per_role_per_person(sessions: Sessions) -> None:
    async with sessions() as session:
        session.add(person())
        await session.flush()
        session.add(RoleGrant(person_id=1001, role="officer", granted_at=NOW))
        session.add(RoleGrant(person_id=1001, role="editor", granted_at=NOW))
        await session.commit()

    async with sessions() as session:
        session.add(RoleGrant(person_id=1001, role="officer", granted_at=NOW))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_one_card_per_item_per_chat(sessions: Sessions) -> None:
    first = await add_item(sessions, "PKP-2026-0001")
    second = await add_item(sessions, "PKP-2026-0002")
    async with sessions() as session:
        session.add(Card(item_id=first, chat_id=-100, message_id=1, audience="it"))
        session.add(Card(item_id=first, chat_id=-200, message_id=2, audience="editor"))
        session.add(Card(item_id=second, chat_id=-100, message_id=3, audience="it"))
        await session.commit()

    async with sessions() as session:
        session.add(Card(item_id=first, chat_id=-100, message_id=4, audience="it"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_item_codes_are_unique(sessions: Sessions) -> None:
    await add_item(sessions, "PKP-2026-0001")
    with pytest.raises(IntegrityError):
        await add_item(sessions, "PKP-2026-0001")


async def test_foreign_keys_are_enforced(sessions: Sessions) -> None:
    async with sessions() as session:
        session.add(RoleGrant(person_id=424242, role="officer", granted_at=NOW))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_deleting_an_item_clears_drafts_and_cascades(sessions: Sessions) -> None:
    """The people <-> items cycle: the draft pointer is set to NULL, media go with it."""
    item_id = await add_item(sessions)
    async with sessions() as session:
        officer = await session.get(Person, 1001)
        assert officer is not None
        officer.current_draft_id = item_id
        session.add(
            Media(
                item_id=item_id,
                kind="photo",
                telegram_file_id="f",
                telegram_unique_id="u",
                received_at=NOW,
            )
        )
        session.add(Card(item_id=item_id, chat_id=-100, message_id=1, audience="it"))
        await session.commit()

    async with sessions() as session:
        await session.execute(delete(Item).where(Item.id == item_id))
        await session.commit()

    async with sessions() as session:
        officer = await session.get(Person, 1001)
        assert officer is not None
        assert officer.current_draft_id is None
        assert list(await session.scalars(select(Media))) == []
        assert list(await session.scalars(select(Card))) == []


async def test_deleting_a_person_removes_their_roles(sessions: Sessions) -> None:
    async with sessions() as session:
        session.add(person(7))
        await session.flush()
        session.add(RoleGrant(person_id=7, role="admin", granted_at=NOW))
        await session.commit()

    async with sessions() as session:
        await session.execute(delete(Person).where(Person.id == 7))
        await session.commit()
        assert list(await session.scalars(select(RoleGrant))) == []
