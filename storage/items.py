"""Items read and moved on one session (the port :class:`bot.ports.items.ItemWork`).

An item read here stays in the session's identity map for the rest of the unit of work,
so the move's changes are applied to it and written once, with its version up by one:
the flush fails (:class:`bot.ports.units.Stale`) when another move came first.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.deputies import Away
from bot.core.item_changes import Changes
from bot.core.publication import DONE, OUTBOX_EVENTS
from bot.core.values import Event, Item, Person
from bot.core.workflow import FINAL_STATES, Action, State
from bot.ports.items import NewEvent, Written
from storage import absences
from storage import values as to_value
from storage.deliveries import write_after_move
from storage.item_changes import apply_changes, event_row
from storage.loading import WITH_FILES, WITH_ROLES, WITHOUT_ROLES
from storage.models import Event as EventRow
from storage.models import Item as ItemRow
from storage.models import Person as PersonRow
from storage.models import Publication
from storage.prompts import forget_prompt
from storage.sweeps import NOTICE_OWED, condition


class SqlItemWork:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._recorded: EventRow | None = None
        # The rows this unit read, for the move to change: no second read of them.
        self._read: dict[int, ItemRow] = {}

    async def _row(self, item_id: int) -> ItemRow:
        row = self._read.get(item_id)
        if row is None:
            row = await self._session.get(ItemRow, item_id, options=WITH_FILES)
            assert row is not None  # read by the move first
            self._read[item_id] = row
        return row

    # --- reading ---------------------------------------------------------------------

    async def item(self, item_id: int) -> Item | None:
        row = await self._session.get(ItemRow, item_id, options=WITH_FILES)
        if row is not None:
            self._read[item_id] = row
        return to_value.maybe_item(row)

    async def item_by_code(self, code: str) -> Item | None:
        found = await self._session.scalar(select(ItemRow).where(ItemRow.code == code))
        return to_value.maybe_item(found)

    async def person(self, person_id: int, *, roles: bool) -> Person | None:
        options = WITH_ROLES if roles else WITHOUT_ROLES
        return to_value.maybe_person(await self._session.get(PersonRow, person_id, options=options))

    async def history(self, item_id: int) -> list[Event]:
        result = await self._session.scalars(
            select(EventRow).where(EventRow.item_id == item_id).order_by(EventRow.id)
        )
        return [to_value.event(row) for row in result]

    async def last_event(self, item_id: int) -> Event | None:
        return to_value.maybe_event(
            await self._session.scalar(
                select(EventRow)
                .where(EventRow.item_id == item_id, EventRow.action.not_in(OUTBOX_EVENTS))
                .order_by(EventRow.id.desc())
                .limit(1)
            )
        )

    async def last_move(self, item_id: int) -> Event | None:
        found = await self._session.scalar(
            select(EventRow)
            .where(EventRow.item_id == item_id, EventRow.from_state != EventRow.to_state)
            .order_by(EventRow.id.desc())
            .limit(1)
        )
        return to_value.maybe_event(found)

    async def open_items_of(self, officer_id: int) -> list[Item]:
        final = [s.value for s in FINAL_STATES] + [State.PUBLISHED.value]
        result = await self._session.scalars(
            select(ItemRow)
            .where(ItemRow.officer_id == officer_id, ItemRow.state.not_in(final))
            .order_by(ItemRow.id.desc())
        )
        return [to_value.item(row) for row in result]

    async def due_for_publishing(self, now: datetime, auto: bool) -> list[tuple[int, bool]]:
        due = ItemRow.publish_at <= now
        if auto:
            due = due | ItemRow.publish_at.is_(None)
        result = await self._session.execute(
            select(ItemRow.id, ItemRow.publish_at)
            .where(ItemRow.state == State.APPROVED.value, due)
            .order_by(ItemRow.id)
        )
        return [(item_id, publish_at is not None) for item_id, publish_at in result]

    async def unannounced_publications(self) -> list[Item]:
        done = sorted(DONE)
        unfinished = (
            select(Publication.id)
            .where(Publication.item_id == ItemRow.id, Publication.status.not_in(done))
            .exists()
        )
        any_row = select(Publication.id).where(Publication.item_id == ItemRow.id).exists()
        # The notices owed come from their partial index; the history is not read.
        result = await self._session.scalars(
            select(ItemRow).where(condition(NOTICE_OWED), any_row, ~unfinished).order_by(ItemRow.id)
        )
        return [to_value.item(row) for row in result]

    async def deputising(self, person_id: int, day: date) -> Away | None:
        return await absences.deputising(self._session, person_id, day)

    # --- a move ----------------------------------------------------------------------

    async def forget_prompt(self, chat_id: int, person_id: int) -> None:
        await forget_prompt(self._session, chat_id, person_id)

    async def change(self, item_id: int, changes: Changes, now: datetime) -> None:
        apply_changes(await self._row(item_id), changes, now)

    def record(self, item_id: int, event: NewEvent) -> None:
        row = event_row(item_id, event)
        self._session.add(row)
        self._recorded = row

    async def set_current_draft(self, person_id: int, item_id: int) -> None:
        with self._session.no_autoflush:
            await self._session.execute(
                update(PersonRow).where(PersonRow.id == person_id).values(current_draft_id=item_id)
            )

    async def after_move(
        self,
        item_id: int,
        action: Action,
        changes_state: bool,
        actor_name: str,
        now: datetime,
        drawn_in: int | None,
        deputies_on: date | None,
    ) -> Written:
        with self._session.no_autoflush:
            item = await self._row(item_id)
        return await write_after_move(
            self._session, item, action, changes_state, actor_name, now, drawn_in, deputies_on
        )

    async def saved(self, item_id: int) -> tuple[Item, Event | None]:
        await self._session.flush()
        item = await self._row(item_id)
        event = None if self._recorded is None else to_value.event(self._recorded)
        return to_value.item(item), event
