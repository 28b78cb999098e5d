"""Use cases on submissions: drafts, received files, and every move through the SOP.

Each public method is one transaction: it loads the item, asks :mod:`bot.workflow`
whether the move is allowed, applies it, appends an event and commits — or changes
nothing. A stale version (someone else moved the item first) raises
:class:`StaleItem` carrying the event that won, so the loser can be told who acted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.people import roles_of
from bot.text import split_title_body
from bot.workflow import (
    FINAL_STATES,
    Action,
    Actor,
    ItemView,
    Role,
    State,
    TimeStandards,
    Transition,
    WorkflowError,
    due_at,
    transition,
)
from storage.models import CodeCounter, Event, Item, Media, Person

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


@dataclass(frozen=True)
class IncomingMedia:
    kind: str
    telegram_file_id: str
    telegram_unique_id: str
    media_group_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    source_message_id: int | None = None


@dataclass
class DraftUpdate:
    item: Item
    created: bool
    media: list[Media] = field(default_factory=list)


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
        code_prefix: str,
        zone: ZoneInfo,
        categories: list[str],
    ) -> None:
        self._sessions = sessions
        self._standards = standards
        self._prefix = code_prefix
        self._zone = zone
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

    async def officer_of(self, item: Item) -> Person:
        async with self._sessions() as session:
            person = await session.get(Person, item.officer_id)
            assert person is not None  # foreign key
            return person

    async def undelivered(self, states: frozenset[State], older_than: datetime) -> list[Item]:
        """Items whose current step was never handed to its people (crash, Telegram down)."""
        async with self._sessions() as session:
            result = await session.scalars(
                select(Item)
                .where(
                    Item.state.in_([s.value for s in states]),
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

    async def pending_downloads(self, limit: int = 50) -> list[Media]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(Media)
                .where(Media.blob_key.is_(None), Media.download_attempts < 10)
                .order_by(Media.id)
                .limit(limit)
            )
            return list(result)

    # --- drafts (SOP step 1) ---------------------------------------------------------

    async def current_draft(self, person: Person) -> Item | None:
        if person.current_draft_id is None:
            return None
        item = await self.get(person.current_draft_id)
        if item is None or item.state != State.COLLECTING.value:
            return None
        return item

    async def new_draft(self, person: Person, now: datetime) -> Item:
        if Role.OFFICER not in roles_of(person):
            raise WorkflowError("error.wrong_role", role=Role.OFFICER.value)
        for attempt in range(5):
            try:
                async with self._sessions.begin() as session:
                    item = await self._create_item(session, person, now)
                    return item
            except IntegrityError:
                # Two drafts raced for the same number; the counter moved, try again.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    async def _create_item(self, session: AsyncSession, person: Person, now: datetime) -> Item:
        year = now.astimezone(self._zone).year
        number = await self._next_number(session, year)
        state = State.COLLECTING
        item = Item(
            code=f"{self._prefix}-{year}-{number:04d}",
            state=state.value,
            officer_id=person.id,
            section=person.section,
            created_at=now,
            updated_at=now,
            state_entered_at=now,
            step_due_at=due_at(state, now, self._standards),
            media=[],
        )
        session.add(item)
        await session.flush()
        session.add(
            Event(
                item_id=item.id,
                actor_id=person.id,
                actor_name=person.full_name,
                actor_role=Role.OFFICER.value,
                action="created",
                to_state=state.value,
                created_at=now,
            )
        )
        db_person = await session.get(Person, person.id)
        if db_person is not None:
            db_person.current_draft_id = item.id
        person.current_draft_id = item.id
        return item

    async def _next_number(self, session: AsyncSession, year: int) -> int:
        bumped = await session.execute(
            update(CodeCounter)
            .where(CodeCounter.year == year)
            .values(last=CodeCounter.last + 1)
            .returning(CodeCounter.last)
        )
        number = bumped.scalar_one_or_none()
        if number is not None:
            return int(number)
        session.add(CodeCounter(year=year, last=1))
        await session.flush()
        return 1

    async def select_draft(self, person: Person, item_id: int) -> Item:
        async with self._sessions.begin() as session:
            item = await session.get(Item, item_id)
            if item is None or item.officer_id != person.id:
                raise WorkflowError("error.item_unknown")
            if item.state != State.COLLECTING.value:
                raise WorkflowError("error.not_now", state=item.state)
            db_person = await session.get(Person, person.id)
            assert db_person is not None
            db_person.current_draft_id = item.id
            person.current_draft_id = item.id
            return item

    async def receive(
        self,
        person: Person,
        now: datetime,
        files: list[IncomingMedia],
        text: str | None = None,
    ) -> DraftUpdate:
        """Put files and/or text into the officer's open draft, opening one if needed.

        The first line of the first text becomes the title and the rest the body;
        later text is appended to the body, so nothing an officer typed is dropped.
        """
        actor = actor_of(person)
        draft = await self.current_draft(person)
        created = False
        if draft is None:
            draft = await self.new_draft(person, now)
            created = True
        async with self._sessions.begin() as session:
            item = await session.get(Item, draft.id, with_for_update=True)
            assert item is not None
            action = Action.ADD_MEDIA if files else Action.EDIT_TEXT
            transition(view_of(item), actor, action, now)
            added: list[Media] = []
            position = max((m.position for m in item.media), default=0)
            for incoming in files:
                position += 1
                media = Media(
                    item_id=item.id,
                    kind=incoming.kind,
                    telegram_file_id=incoming.telegram_file_id,
                    telegram_unique_id=incoming.telegram_unique_id,
                    media_group_id=incoming.media_group_id,
                    file_name=incoming.file_name,
                    mime_type=incoming.mime_type,
                    size=incoming.size,
                    source_message_id=incoming.source_message_id,
                    position=position,
                    received_at=now,
                )
                item.media.append(media)
                added.append(media)
                session.add(
                    self._receipt(
                        item, person, Action.ADD_MEDIA, now, f"#{position} {incoming.kind}"
                    )
                )
            if text and text.strip():
                self._absorb_text(item, text)
                session.add(self._receipt(item, person, Action.EDIT_TEXT, now, text.strip()[:2000]))
            item.updated_at = now
            await session.flush()
            return DraftUpdate(item=item, created=created, media=added)

    @staticmethod
    def _receipt(item: Item, person: Person, action: Action, now: datetime, note: str) -> Event:
        """What the officer added to a draft, for the record."""
        state = State(item.state).value
        return Event(
            item_id=item.id,
            actor_id=person.id,
            actor_name=person.full_name,
            actor_role=Role.OFFICER.value,
            action=action.value,
            from_state=state,
            to_state=state,
            note=note,
            created_at=now,
        )

    @staticmethod
    def _absorb_text(item: Item, text: str) -> None:
        if not (item.title or "").strip():
            title, body = split_title_body(text, MAX_TITLE_LENGTH)
            item.title = title
            if body:
                item.body = f"{item.body}\n\n{body}" if item.body else body
        else:
            addition = text.strip()
            item.body = f"{item.body}\n\n{addition}" if item.body else addition
        if item.body and len(item.body) > MAX_BODY_LENGTH:
            raise WorkflowError("error.body_too_long", limit=MAX_BODY_LENGTH)

    async def attach_blob(self, media_id: int, key: str, size: int, sha256: str) -> None:
        async with self._sessions.begin() as session:
            media = await session.get(Media, media_id)
            if media is not None:
                media.blob_key = key
                media.size = size
                media.sha256 = sha256

    async def note_download_failure(self, media_id: int) -> None:
        async with self._sessions.begin() as session:
            media = await session.get(Media, media_id)
            if media is not None:
                media.download_attempts += 1

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

    async def count_by_state(self) -> dict[str, int]:
        async with self._sessions() as session:
            rows = await session.execute(select(Item.state, func.count()).group_by(Item.state))
            return {state: int(count) for state, count in rows.all()}
