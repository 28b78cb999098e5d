"""Use cases on submissions: drafts, received files, and every move through the SOP.

Each public method is one transaction: it loads the item, asks :mod:`bot.core.workflow`
whether the move is allowed, applies it, appends an event and commits — or changes
nothing. A stale version (someone else moved the item first) raises
:class:`StaleItem` carrying the event that won, so the loser can be told who acted.

Each move is logged on ``warta.moves`` (:func:`log_move`, format in :mod:`bot.shell.logs`)
once its transaction committed; a refused or stale attempt is logged as such.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.core.deputies import Away, deputy_may_help
from bot.core.item_changes import Edit, move_changes, view_of
from bot.core.publication import (
    DONE,
    OUTBOX_EVENTS,
)
from bot.core.standards import StepClock
from bot.core.values import Event, Item, Person
from bot.core.workflow import (
    FINAL_STATES,
    SYSTEM_ACTOR,
    SYSTEM_NAME,
    SYSTEM_ROLE,
    Action,
    Actor,
    Role,
    State,
    Transition,
    WorkflowError,
    transition,
)
from bot.usecases.move_log import log_done, log_move, log_stale
from bot.usecases.moves import Outcome, StaleItem
from bot.usecases.people import roles_of
from storage import values
from storage.absences import deputising
from storage.card_facts import CardFacts
from storage.deliveries import write_after_move
from storage.item_changes import apply_changes
from storage.loading import WITHOUT_ROLES
from storage.models import Event as EventRow
from storage.models import Item as ItemRow
from storage.models import Person as PersonRow
from storage.models import Publication
from storage.prompts import forget_prompt
from storage.sweeps import NOTICE_OWED, condition


class _OlderVersion(Exception):
    """Inside a move: the caller's version is not the item's (becomes StaleItem)."""


def actor_of(person: Person) -> Actor:
    return Actor(person_id=person.id, roles=roles_of(person))


class ItemService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: StepClock,
        categories: list[str],
        publish_targets: Sequence[str] = (),
    ) -> None:
        self._sessions = sessions
        self.clock = clock
        self.categories = categories
        # The configured targets, in publishing order; each published item gets one
        # outbox row per target.
        self.publish_targets = tuple(publish_targets)

    # --- reading ---------------------------------------------------------------------

    async def get(self, item_id: int) -> Item | None:
        async with self._sessions() as session:
            return values.maybe_item(await session.get(ItemRow, item_id))

    async def get_by_code(self, code: str) -> Item | None:
        async with self._sessions() as session:
            found = await session.scalar(
                select(ItemRow).where(ItemRow.code == code.strip().upper())
            )
            return values.maybe_item(found)

    async def history(self, item_id: int) -> list[Event]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(EventRow).where(EventRow.item_id == item_id).order_by(EventRow.id)
            )
            return [values.event(row) for row in result]

    async def last_event(self, item_id: int) -> Event | None:
        async with self._sessions() as session:
            return values.maybe_event(await self._last_event(session, item_id))

    async def open_items_of(self, officer_id: int) -> list[Item]:
        """The officer's items that are not finished, newest first."""
        final = [s.value for s in FINAL_STATES] + [State.PUBLISHED.value]
        async with self._sessions() as session:
            result = await session.scalars(
                select(ItemRow)
                .where(ItemRow.officer_id == officer_id, ItemRow.state.not_in(final))
                .order_by(ItemRow.id.desc())
            )
            return [values.item(row) for row in result]

    async def last_move(self, item_id: int) -> Event | None:
        """The latest event that changed the item's state (edits since do not count)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(EventRow)
                .where(EventRow.item_id == item_id, EventRow.from_state != EventRow.to_state)
                .order_by(EventRow.id.desc())
                .limit(1)
            )
            return values.maybe_event(found)

    async def officer_of(self, item: Item) -> Person:
        async with self._sessions() as session:
            person = await session.get(PersonRow, item.officer_id)
            assert person is not None  # foreign key
            return values.person(person)

    async def due_for_publishing(self, now: datetime, auto: bool) -> list[tuple[int, bool]]:
        """Approved items whose scheduled time has come (all approved ones with
        auto-publish, unless a publisher scheduled them for later), each with whether
        it was scheduled."""
        due = ItemRow.publish_at <= now
        if auto:
            due = due | ItemRow.publish_at.is_(None)
        async with self._sessions() as session:
            result = await session.execute(
                select(ItemRow.id, ItemRow.publish_at)
                .where(ItemRow.state == State.APPROVED.value, due)
                .order_by(ItemRow.id)
            )
            return [(item_id, publish_at is not None) for item_id, publish_at in result]

    async def unannounced_publications(self) -> list[Item]:
        """Published (or taken down) items whose every target is done, but whose people
        were not yet told so (Telegram failed at that moment, or warta stopped)."""
        done = sorted(DONE)
        unfinished = (
            select(Publication.id)
            .where(Publication.item_id == ItemRow.id, Publication.status.not_in(done))
            .exists()
        )
        any_row = select(Publication.id).where(Publication.item_id == ItemRow.id).exists()
        async with self._sessions() as session:
            # The notices owed come from their partial index; the history is not read.
            result = await session.scalars(
                select(ItemRow)
                .where(condition(NOTICE_OWED), any_row, ~unfinished)
                .order_by(ItemRow.id)
            )
            return [values.item(row) for row in result]

    async def act(
        self,
        item_id: int,
        version: int | None,
        person: Person | None,
        action: Action,
        now: datetime,
        note: str | None = None,
        edit: Edit | None = None,
        answering: tuple[int, int] | None = None,
    ) -> Outcome:
        """Make one move in one unit of work. ``answering``: the (chat, person) whose
        question this move answers; the question is forgotten in the move's own commit,
        so a crash in between can lose neither the answer nor the move."""
        started = time.perf_counter()
        code: list[str] = []  # the item's code, once loaded (for the refusal's line)
        try:
            outcome = await self._act(
                item_id, version, person, action, now, note, edit, code, answering
            )
        except StaleItem as stale:
            log_stale(started, stale, action, person, version)
            raise
        except Exception as error:
            refused = isinstance(error, WorkflowError)
            log_move(
                started,
                "refused" if refused else "error",
                item=code[0] if code else None,
                action=action,
                actor=person,
                item_id=None if code else item_id,
                reason=error.key if isinstance(error, WorkflowError) else type(error).__name__,
                level=logging.INFO if refused else logging.WARNING,
            )
            raise
        log_done(started, outcome)
        return outcome

    def unit(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One unit of work: a transaction that commits when the block ends."""
        return self._sessions.begin()

    async def last_event_in(self, session: AsyncSession, item_id: int) -> Event | None:
        """:meth:`last_event`, inside the caller's unit of work."""
        return values.maybe_event(await self._last_event(session, item_id))

    async def _act(
        self,
        item_id: int,
        version: int | None,
        person: Person | None,
        action: Action,
        now: datetime,
        note: str | None,
        edit: Edit | None,
        code: list[str],
        answering: tuple[int, int] | None = None,
    ) -> Outcome:
        """The move itself, one transaction (committed when this returns)."""
        try:
            async with self._sessions.begin() as session:
                if answering is not None:
                    await forget_prompt(session, *answering)
                item = await session.get(ItemRow, item_id)
                if item is None:
                    raise WorkflowError("error.item_unknown")
                code.append(item.code)
                if version is not None and item.version != version:
                    # Not StaleItem(item) here: the rollback expires this row, and whoever
                    # explains the refusal reads it after the session is gone.
                    raise _OlderVersion
                # The card shows the officer's name: read with the move, the sender needs
                # no second read of the item for the rows the move writes.
                officer = person if person is not None and person.id == item.officer_id else None
                if officer is None:
                    row = await session.get(PersonRow, item.officer_id, options=WITHOUT_ROLES)
                    officer = values.maybe_person(row)
                outcome = await self.apply(
                    session, item, person, action, now, note, edit, officer=officer
                )
            return outcome
        except (StaleDataError, _OlderVersion):
            # Someone else's move came first (seen by the version, or by the update that
            # matched no row): read the item as it is now, outside the failed transaction.
            fresh = await self.get(item_id)
            assert fresh is not None
            raise StaleItem(fresh, await self.last_event(item_id)) from None

    async def apply(
        self,
        session: AsyncSession,
        item: ItemRow,
        person: Person | None,
        action: Action,
        now: datetime,
        note: str | None = None,
        edit: Edit | None = None,
        *,
        officer: Person | None = None,
        drawn_in: int | None = None,
    ) -> Outcome:
        """Inside the caller's unit of work, on the item it read: check the move with the
        workflow, apply it, append its event and write the messages it needs. The item
        is written once, at the caller's commit, with its version up by one (the
        commit fails if someone else's move came first). With the item's ``officer``
        the outcome carries the facts its messages need; ``drawn_in``: the chat whose
        card the caller draws itself (no row is written for it)."""
        move, away = await self.checked_move(session, item, person, action, now, note)
        # The core decides what the move changes; storage writes it to the rows.
        changes, event_note = move_changes(
            values.item(item),
            move,
            edit,
            now,
            categories=self.categories,
            clock=self.clock,
            targets=self.publish_targets,
        )
        apply_changes(item, changes, now)
        event = EventRow(
            item_id=item.id,
            actor_id=person.id if person is not None else None,
            actor_name=person.full_name if person is not None else SYSTEM_NAME,
            actor_role=move.role.value if person is not None else SYSTEM_ROLE,
            action=action.value,
            from_state=move.source.value,
            to_state=move.target.value,
            note=event_note,
            created_at=now,
            acting_for_id=away.official_id if away is not None else None,
            acting_for_name=away.official_name if away is not None else None,
        )
        session.add(event)
        if action is Action.SEND_BACK:
            # The returned draft becomes the one the officer's next files go to.
            with session.no_autoflush:
                await session.execute(
                    update(PersonRow)
                    .where(PersonRow.id == item.officer_id)
                    .values(current_draft_id=item.id)
                )
        # What people must see, written with the move: it cannot be lost.
        # Handed to the officials: deputies of officials away today get it too.
        to_officials = move.changes_state and move.target is State.REVIEW
        written = await write_after_move(
            session,
            item,
            action,
            move.changes_state,
            person.full_name if person is not None else SYSTEM_NAME,
            now,
            drawn_in,
            deputies_on=self.clock.calendar.local(now).date() if to_officials else None,
        )
        # Written now, not at the commit: the values handed on carry the item's new
        # version and the event's id (a move that lost the race fails here, as it would
        # at the commit).
        await session.flush()
        moved = values.item(item)
        facts = None
        if officer is not None:
            facts = CardFacts(
                moved, officer, values.event(event), dict(written.cards), written.rows
            )
        return Outcome(moved, move, person, written.chats, facts, written.drawn_in)

    async def checked_move(
        self,
        session: AsyncSession,
        item: ItemRow,
        person: Person | None,
        action: Action,
        now: datetime,
        note: str | None = None,
    ) -> tuple[Transition, Away | None]:
        """The move as the workflow allows it, inside the caller's unit of work, made by
        the person with their roles or, when only the official's role is missing and
        they act today for an official away (Plt/Plh), with it (and that absence).
        Raises :class:`WorkflowError` as :func:`transition` does."""
        view = view_of(values.item(item))
        if person is None:
            return transition(view, SYSTEM_ACTOR, action, now, note), None
        actor = actor_of(person)
        try:
            return transition(view, actor, action, now, note), None
        except WorkflowError as error:
            if not deputy_may_help(error):
                raise
            today = self.clock.calendar.local(now).date()
            away = await deputising(session, person.id, today)
            if away is None:
                raise
        deputy = Actor(person.id, actor.roles | {Role.OFFICIAL})
        return transition(view, deputy, action, now, note), away

    @staticmethod
    async def _last_event(session: AsyncSession, item_id: int) -> EventRow | None:
        """The latest thing a person (or the scheduler) did to the item."""
        return await session.scalar(
            select(EventRow)
            .where(EventRow.item_id == item_id, EventRow.action.not_in(OUTBOX_EVENTS))
            .order_by(EventRow.id.desc())
            .limit(1)
        )
