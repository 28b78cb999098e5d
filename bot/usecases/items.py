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
from datetime import datetime

from bot.core.card_facts import CardFacts
from bot.core.deputies import Away, deputy_may_help
from bot.core.item_changes import Edit, move_changes, view_of
from bot.core.standards import StepClock
from bot.core.values import Event, Item, Person
from bot.core.workflow import (
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
from bot.ports.items import ItemWork, NewEvent
from bot.ports.units import Stale, Units
from bot.usecases.move_log import log_done, log_move, log_stale
from bot.usecases.moves import Outcome, StaleItem
from bot.usecases.people import roles_of


class _OlderVersion(Exception):
    """Inside a move: the caller's version is not the item's (becomes StaleItem)."""


def actor_of(person: Person) -> Actor:
    return Actor(person_id=person.id, roles=roles_of(person))


class ItemService:
    def __init__(
        self,
        units: Units[ItemWork],
        clock: StepClock,
        categories: list[str],
        publish_targets: Sequence[str] = (),
    ) -> None:
        # Public: a use case that makes a move in a unit of work of its own (a tap)
        # opens it here and hands its work to :meth:`apply`.
        self.units = units
        self.clock = clock
        self.categories = categories
        # The configured targets, in publishing order; each published item gets one
        # outbox row per target.
        self.publish_targets = tuple(publish_targets)

    # --- reading ---------------------------------------------------------------------

    async def get(self, item_id: int) -> Item | None:
        async with self.units.read() as work:
            return await work.item(item_id)

    async def get_by_code(self, code: str) -> Item | None:
        async with self.units.read() as work:
            return await work.item_by_code(code.strip().upper())

    async def history(self, item_id: int) -> list[Event]:
        async with self.units.read() as work:
            return await work.history(item_id)

    async def last_event(self, item_id: int) -> Event | None:
        async with self.units.read() as work:
            return await work.last_event(item_id)

    async def open_items_of(self, officer_id: int) -> list[Item]:
        """The officer's items that are not finished, newest first."""
        async with self.units.read() as work:
            return await work.open_items_of(officer_id)

    async def last_move(self, item_id: int) -> Event | None:
        """The latest event that changed the item's state (edits since do not count)."""
        async with self.units.read() as work:
            return await work.last_move(item_id)

    async def officer_of(self, item: Item) -> Person:
        async with self.units.read() as work:
            person = await work.person(item.officer_id, roles=True)
        assert person is not None  # foreign key
        return person

    async def due_for_publishing(self, now: datetime, auto: bool) -> list[tuple[int, bool]]:
        """Approved items whose scheduled time has come (all approved ones with
        auto-publish, unless a publisher scheduled them for later), each with whether
        it was scheduled."""
        async with self.units.read() as work:
            return await work.due_for_publishing(now, auto)

    async def unannounced_publications(self) -> list[Item]:
        """Published (or taken down) items whose every target is done, but whose people
        were not yet told so (Telegram failed at that moment, or warta stopped)."""
        async with self.units.read() as work:
            return await work.unannounced_publications()

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
        """The move itself, one unit of work (committed when this returns)."""
        try:
            async with self.units() as work:
                if answering is not None:
                    await work.forget_prompt(*answering)
                item = await work.item(item_id)
                if item is None:
                    raise WorkflowError("error.item_unknown")
                code.append(item.code)
                if version is not None and item.version != version:
                    raise _OlderVersion
                # The card shows the officer's name: read with the move, the sender needs
                # no second read of the item for the rows the move writes.
                officer = person if person is not None and person.id == item.officer_id else None
                if officer is None:
                    officer = await work.person(item.officer_id, roles=False)
                outcome = await self.apply(
                    work, item, person, action, now, note, edit, officer=officer
                )
            return outcome
        except (Stale, _OlderVersion):
            # Someone else's move came first (seen by the version, or by the write that
            # matched no row): read the item as it is now, in a unit of its own.
            fresh = await self.get(item_id)
            assert fresh is not None
            raise StaleItem(fresh, await self.last_event(item_id)) from None

    async def apply(
        self,
        work: ItemWork,
        item: Item,
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
        workflow, apply what the core decides it changes, append its event and write the
        messages it needs. The item is written once, with its version up by one (the
        unit fails with :class:`Stale` if someone else's move came first). With the
        item's ``officer`` the outcome carries the facts its messages need;
        ``drawn_in``: the chat whose card the caller draws itself (no row is written)."""
        move, away = await self.checked_move(work, item, person, action, now, note)
        changes, event_note = move_changes(
            item,
            move,
            edit,
            now,
            categories=self.categories,
            clock=self.clock,
            targets=self.publish_targets,
        )
        await work.change(item.id, changes, now)
        work.record(
            item.id,
            NewEvent(
                actor_id=person.id if person is not None else None,
                actor_name=person.full_name if person is not None else SYSTEM_NAME,
                actor_role=move.role.value if person is not None else SYSTEM_ROLE,
                action=action.value,
                from_state=move.source.value,
                to_state=move.target.value,
                note=event_note,
                at=now,
                acting_for_id=away.official_id if away is not None else None,
                acting_for_name=away.official_name if away is not None else None,
            ),
        )
        if action is Action.SEND_BACK:
            # The returned draft becomes the one the officer's next files go to.
            await work.set_current_draft(item.officer_id, item.id)
        # What people must see, written with the move: it cannot be lost.
        # Handed to the officials: deputies of officials away today get it too.
        to_officials = move.changes_state and move.target is State.REVIEW
        written = await work.after_move(
            item.id,
            action,
            move.changes_state,
            person.full_name if person is not None else SYSTEM_NAME,
            now,
            drawn_in,
            self.clock.calendar.local(now).date() if to_officials else None,
        )
        # Written now, not at the commit: the values handed on carry the item's new
        # version and the event's id (a move that lost the race fails here).
        moved, event = await work.saved(item.id)
        facts = None
        if officer is not None:
            facts = CardFacts(moved, officer, event, dict(written.cards), written.rows)
        return Outcome(moved, move, person, written.chats, facts, written.drawn_in)

    async def checked_move(
        self,
        work: ItemWork,
        item: Item,
        person: Person | None,
        action: Action,
        now: datetime,
        note: str | None = None,
    ) -> tuple[Transition, Away | None]:
        """The move as the workflow allows it, made by the person with their roles or,
        when only the official's role is missing and they act today for an official
        away (Plt/Plh), with it (and that absence). Raises :class:`WorkflowError` as
        :func:`transition` does."""
        view = view_of(item)
        if person is None:
            return transition(view, SYSTEM_ACTOR, action, now, note), None
        actor = actor_of(person)
        try:
            return transition(view, actor, action, now, note), None
        except WorkflowError as error:
            if not deputy_may_help(error):
                raise
            today = self.clock.calendar.local(now).date()
            away = await work.deputising(person.id, today)
            if away is None:
                raise
        deputy = Actor(person.id, actor.roles | {Role.OFFICIAL})
        return transition(view, deputy, action, now, note), away
