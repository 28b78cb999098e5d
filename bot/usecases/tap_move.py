"""A tap on a card's move button, read and made in one unit of work.

Who tapped, the item and its files are read once, in the same transaction that makes
the move and writes its messages; it commits once. Everything a tap can meet on the way
(an unknown item, someone who does not take part, an older version of the card, a move
the workflow refuses, a move that needs a reason or a confirmation first) comes back as
a value for the handler to answer with; nothing is sent from here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from bot.core.values import Item, Person
from bot.core.workflow import Action, WorkflowError, may_follow, needs_reason
from bot.ports.units import Stale
from bot.usecases.items import ItemService, actor_of
from bot.usecases.move_log import log_done, log_move, log_stale
from bot.usecases.moves import Outcome, StaleItem
from bot.usecases.people import PeopleService, TelegramUser


@dataclass(frozen=True)
class Tapped:
    """What became of the tap. ``person`` is the tapper as just read; exactly one of
    the rest says what happened (``item`` alone: the move needs words or a yes first)."""

    person: Person
    item: Item | None = None
    outcome: Outcome | None = None
    refusal: WorkflowError | None = None
    stale: StaleItem | None = None


async def tap_move(
    items: ItemService,
    people: PeopleService,
    user: TelegramUser,
    item_id: int,
    version: int,
    action: Action,
    now: datetime,
    *,
    ask_first: bool,
    drawn_in: int | None = None,
) -> Tapped | None:
    """Make the tapped move, or say why not. None: the tapper is not known as they are
    now (a stranger, or a new name), for the caller's slower path that registers them.
    With ``ask_first`` the move is only checked, not made. ``drawn_in``: the chat whose
    card the caller redraws itself, from the outcome's facts (no row is written for it)."""
    started = time.perf_counter()
    try:
        async with items.units() as work:
            # Each read is one statement: the rows and their collections joined.
            person = await work.person(user.id, roles=True)
            if person is None or not people.is_current(person, user):
                return None
            item = await work.item(item_id)
            if item is None:
                return Tapped(person, refusal=WorkflowError("error.item_unknown"))
            if not may_follow(actor_of(person), item.officer_id):
                return Tapped(person, refusal=WorkflowError("error.not_participant"))
            if item.version != version:
                stale = StaleItem(item, await work.last_event(item.id))
                log_stale(started, stale, action, person, version)
                return Tapped(person, stale=stale)
            try:
                # The tapper is checked before anyone is asked for a reason (a deputy of
                # an official away, with the official's powers).
                note = "-" if needs_reason(action) else None
                await items.checked_move(work, item, person, action, now, note)
            except WorkflowError as error:
                log_refusal(started, item, action, person, error)
                return Tapped(person, item=item, refusal=error)
            if ask_first:
                return Tapped(person, item=item)
            # The card shows the officer's name (their roles are not needed).
            officer: Person | None = person
            if item.officer_id != person.id:
                officer = await work.person(item.officer_id, roles=False)
            outcome = await items.apply(
                work, item, person, action, now, officer=officer, drawn_in=drawn_in
            )
    except Stale:
        # Another move on the item committed between our read and our commit; the
        # rollback expired what was read, so it is read again.
        fresh = await items.get(item_id)
        again = await people.get(user.id)
        assert fresh is not None and again is not None
        stale = StaleItem(fresh, await items.last_event(item_id))
        log_stale(started, stale, action, user, version)
        return Tapped(again, stale=stale)
    except Exception as error:
        # Not a refusal: the database failed the move (it changed nothing); the error
        # handler reports it, the line says the move did not happen.
        log_move(
            started,
            "error",
            item=None,
            action=action,
            actor=user,
            item_id=item_id,
            reason=type(error).__name__,
            level=logging.WARNING,
        )
        raise
    log_done(started, outcome)
    return Tapped(person, item=outcome.item, outcome=outcome)


def log_refusal(
    started: float, item: Item, action: Action, person: Person, error: WorkflowError
) -> None:
    log_move(
        started,
        "refused",
        item=item.code,
        action=action,
        actor=person,
        state=item.state,
        version=item.version,
        reason=error.key,
    )
