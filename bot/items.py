"""Use cases on submissions: drafts, received files, and every move through the SOP.

Each public method is one transaction: it loads the item, asks :mod:`bot.workflow`
whether the move is allowed, applies it, appends an event and commits — or changes
nothing. A stale version (someone else moved the item first) raises
:class:`StaleItem` carrying the event that won, so the loser can be told who acted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.people import roles_of
from bot.workflow import (
    FINAL_STATES,
    Action,
    Actor,
    ItemView,
    State,
    TimeStandards,
    Transition,
    WorkflowError,
    due_at,
    transition,
)
from storage.models import Event, Item, Person

MAX_TITLE_LENGTH = 300
MAX_BODY_LENGTH = 20_000


class StaleItem(Exception):
    """The button or prompt refers to an older version of the item."""

    def __init__(self, item: Item, last_event: Event | None) -> None:
        super().__init__(item.code)
        self.item = item
        self.last_event = last_event


@dataclass
class Outcome:
    item: Item
    officer: Person
    transition: Transition
    actor: Person


@dataclass(frozen=True)
class Edit:
    """The content carried by an edit action."""

    title: str | None = None
    body: str | None = None
    category: str | None = None
    media_id: int | None = None


def actor_of(person: Person) -> Actor:
    return Actor(person_id=person.id, roles=roles_of(person))


def view_of(item: Item) -> ItemView:
    live = [m for m in item.media if not m.dropped]
    return ItemView(
        state=State(item.state),
        officer_id=item.officer_id,
        media_count=len(live),
        has_text=bool((item.title or "").strip() or (item.body or "").strip()),
        has_title=bool((item.title or "").strip()),
    )


class ItemService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        standards: TimeStandards,
        categories: list[str],
    ) -> None:
        self._sessions = sessions
        self._standards = standards
        self.categories = categories

    # --- reading ---------------------------------------------------------------------

    async def get(self, item_id: int) -> Item | None:
        async with self._sessions() as session:
            return await session.get(Item, item_id)

    async def get_by_code(self, code: str) -> Item | None:
        async with self._sessions() as session:
            return await session.scalar(select(Item).where(Item.code == code.strip().upper()))

    async def history(self, item_id: int) -> list[Event]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(Event).where(Event.item_id == item_id).order_by(Event.id)
            )
            return list(result)

    async def last_event(self, item_id: int) -> Event | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(Event).where(Event.item_id == item_id).order_by(Event.id.desc()).limit(1)
            )

    async def open_items_of(self, officer_id: int) -> list[Item]:
        """The officer's items that are not finished, newest first."""
        final = [s.value for s in FINAL_STATES] + [State.PUBLISHED.value]
        async with self._sessions() as session:
            result = await session.scalars(
                select(Item)
                .where(Item.officer_id == officer_id, Item.state.not_in(final))
                .order_by(Item.id.desc())
            )
            return list(result)

    async def last_move(self, item_id: int) -> Event | None:
        """The latest event that changed the item's state (edits since do not count)."""
        async with self._sessions() as session:
            return await session.scalar(
                select(Event)
                .where(Event.item_id == item_id, Event.from_state != Event.to_state)
                .order_by(Event.id.desc())
                .limit(1)
            )

    async def officer_of(self, item: Item) -> Person:
        async with self._sessions() as session:
            person = await session.get(Person, item.officer_id)
            assert person is not None  # foreign key
            return person

    async def undelivered(self, older_than: datetime) -> list[Item]:
        """Items whose last move was never fully announced (crash, Telegram down)."""
        async with self._sessions() as session:
            result = await session.scalars(
                select(Item)
                .where(
                    (Item.delivered_state.is_(None)) | (Item.delivered_state != Item.state),
                    Item.state_entered_at < older_than,
                )
                .order_by(Item.id)
            )
            return list(result)

    async def mark_delivered(self, item_id: int, state: State) -> None:
        # A Core update: delivery bookkeeping must not bump the version that buttons carry.
        async with self._sessions.begin() as session:
            await session.execute(
                update(Item)
                .where(Item.id == item_id, Item.state == state.value)
                .values(delivered_state=state.value)
            )

    # --- moves through the SOP -------------------------------------------------------

    async def act(
        self,
        item_id: int,
        version: int | None,
        person: Person,
        action: Action,
        now: datetime,
        note: str | None = None,
        edit: Edit | None = None,
    ) -> Outcome:
        try:
            async with self._sessions.begin() as session:
                item = await session.get(Item, item_id)
                if item is None:
                    raise WorkflowError("error.item_unknown")
                if version is not None and item.version != version:
                    raise StaleItem(item, await self._last_event(session, item.id))
                move = transition(view_of(item), actor_of(person), action, now, note)
                event_note = self._apply_edit(item, action, edit) if edit else move.note
                if move.changes_state:
                    item.state = move.target.value
                    item.delivered_state = None  # the new step still has to reach its people
                    item.state_entered_at = now
                    item.step_due_at = due_at(move.target, now, self._standards)
                    if move.note:
                        item.last_note = move.note
                    elif move.target is not State.COLLECTING:
                        item.last_note = None
                item.updated_at = now
                session.add(
                    Event(
                        item_id=item.id,
                        actor_id=person.id,
                        actor_name=person.full_name,
                        actor_role=move.role.value,
                        action=action.value,
                        from_state=move.source.value,
                        to_state=move.target.value,
                        note=event_note,
                        created_at=now,
                    )
                )
                officer = await session.get(Person, item.officer_id)
                assert officer is not None
                if action is Action.SEND_BACK:
                    # The returned draft becomes the one the officer's next files go to.
                    officer.current_draft_id = item.id
                await session.flush()
                return Outcome(item=item, officer=officer, transition=move, actor=person)
        except StaleDataError:
            fresh = await self.get(item_id)
            assert fresh is not None
            raise StaleItem(fresh, await self.last_event(item_id)) from None

    @staticmethod
    async def _last_event(session: AsyncSession, item_id: int) -> Event | None:
        return await session.scalar(
            select(Event).where(Event.item_id == item_id).order_by(Event.id.desc()).limit(1)
        )

    def _apply_edit(self, item: Item, action: Action, edit: Edit) -> str | None:
        """Apply an editor's change; returns what the history should say about it."""
        if action is Action.EDIT_TITLE:
            title = (edit.title or "").strip()
            if not title:
                raise WorkflowError("error.title_empty")
            if len(title) > MAX_TITLE_LENGTH:
                raise WorkflowError("error.title_too_long", limit=MAX_TITLE_LENGTH)
            item.title = title
            return title
        if action is Action.EDIT_BODY:
            body = (edit.body or "").strip()
            if len(body) > MAX_BODY_LENGTH:
                raise WorkflowError("error.body_too_long", limit=MAX_BODY_LENGTH)
            item.body = body or None
            return None
        if action is Action.SET_CATEGORY:
            if edit.category not in self.categories:
                raise WorkflowError("error.category_unknown")
            item.category = edit.category
            return edit.category
        media = next((m for m in item.media if m.id == edit.media_id), None)
        if media is None or media.dropped:
            raise WorkflowError("error.media_unknown")
        if action is Action.DROP_MEDIA:
            # An editor must leave something to publish; an officer's draft may be emptied.
            editing = item.state == State.EDITING.value
            if editing and sum(1 for m in item.media if not m.dropped) <= 1 and not item.body:
                raise WorkflowError("error.last_media")
            media.dropped = True
            if item.cover_media_id == media.id:
                item.cover_media_id = None
        elif action is Action.SET_COVER:
            if media.kind != "photo":
                raise WorkflowError("error.cover_not_photo")
            item.cover_media_id = media.id
        return f"#{media.position} {media.kind}"
