"""SOP step 1: an officer's drafts and what goes into them.

Files and text from the officer land in their open draft (one is opened when needed),
each addition recorded as an event; originals are attached once downloaded. Like
:mod:`bot.usecases.items`, each public method is one transaction, and each new draft and each
addition is logged on ``warta.moves`` once committed (:func:`bot.usecases.items.log_move`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.card_facts import CardSpot
from bot.core.item_changes import absorb_text, enter_step, view_of
from bot.core.standards import StepClock
from bot.core.values import Event, Item, Media, Person
from bot.core.workflow import Action, Role, State, WorkflowError, transition
from bot.usecases.items import actor_of
from bot.usecases.move_log import log_move
from bot.usecases.people import roles_of
from storage import values
from storage.item_changes import apply_changes
from storage.models import Card, CodeCounter
from storage.models import Event as EventRow
from storage.models import Item as ItemRow
from storage.models import Media as MediaRow
from storage.models import Person as PersonRow


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
    # Why the text that came with the files was refused (the files are kept anyway).
    text_refused: WorkflowError | None = None
    # What the draft card needs, read with the addition: the receipt just written and
    # where the card is in the officer's chat (None: nowhere yet).
    last_event: Event | None = None
    card: CardSpot | None = None


class DraftService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: StepClock,
        code_prefix: str,
        zone: ZoneInfo,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._prefix = code_prefix
        self._zone = zone

    async def _get(self, item_id: int) -> Item | None:
        async with self._sessions() as session:
            return values.maybe_item(await session.get(ItemRow, item_id))

    async def current_draft(self, person: Person) -> Item | None:
        if person.current_draft_id is None:
            return None
        item = await self._get(person.current_draft_id)
        if item is None or item.state != State.COLLECTING.value:
            return None
        return item

    async def new_draft(self, person: Person, now: datetime) -> Item:
        started = time.perf_counter()
        if Role.OFFICER not in roles_of(person):
            log_move(
                started,
                "refused",
                item=None,
                action="create",
                actor=person,
                reason="error.wrong_role",
            )
            raise WorkflowError("error.wrong_role", role=Role.OFFICER.value)
        for attempt in range(5):
            try:
                async with self._sessions.begin() as session:
                    item = values.item(await self._create_item(session, person, now))
            except IntegrityError:
                # Two drafts raced for the same number; the counter moved, try again.
                if attempt == 4:
                    raise
                continue
            log_move(
                started,
                "ok",
                item=item.code,
                action="create",
                actor=person,
                role=Role.OFFICER.value,
                to=item.state,
                version=item.version,
            )
            return item
        raise AssertionError("unreachable")

    async def _create_item(self, session: AsyncSession, person: Person, now: datetime) -> ItemRow:
        year = now.astimezone(self._zone).year
        number = await self._next_number(session, year)
        state = State.COLLECTING
        item = ItemRow(
            code=f"{self._prefix}-{year}-{number:04d}",
            officer_id=person.id,
            section=person.section,
            created_at=now,
            updated_at=now,
            delivered_state=state.value,  # a new draft has nobody to tell
            media=[],
            publications=[],
        )
        apply_changes(item, enter_step(state, now, self._clock), now)
        session.add(item)
        await session.flush()
        session.add(
            EventRow(
                item_id=item.id,
                actor_id=person.id,
                actor_name=person.full_name,
                actor_role=Role.OFFICER.value,
                action="created",
                to_state=state.value,
                created_at=now,
            )
        )
        await session.execute(
            update(PersonRow).where(PersonRow.id == person.id).values(current_draft_id=item.id)
        )
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
            item = await session.get(ItemRow, item_id)
            if item is None or item.officer_id != person.id:
                raise WorkflowError("error.item_unknown")
            if item.state != State.COLLECTING.value:
                raise WorkflowError("error.not_now", state=item.state)
            db_person = await session.get(PersonRow, person.id)
            assert db_person is not None
            db_person.current_draft_id = item.id
            return values.item(item)

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
        started = time.perf_counter()
        action = Action.ADD_MEDIA if files else Action.EDIT_TEXT
        code: list[str] = []  # the draft's code, once read (for a refusal's line)
        if Role.OFFICER not in roles_of(person):
            log_move(
                started,
                "refused",
                item=None,
                action=action,
                actor=person,
                reason="error.wrong_role",
            )
            raise WorkflowError("error.wrong_role", role=Role.OFFICER.value)
        open_draft = person.current_draft_id
        for attempt in range(5):
            try:
                # The open draft is read, or a new one opened, in the addition's own
                # transaction: one commit for the officer's message.
                received = await self._receive(person, open_draft, files, text, now, action, code)
                break
            except IntegrityError:
                # Two new drafts raced for the same number; the counter moved, try again.
                if attempt == 4:
                    raise
            except WorkflowError as error:
                item = code[-1] if code else None
                log_move(
                    started, "refused", item=item, action=action, actor=person, reason=error.key
                )
                raise
        else:  # pragma: no cover - the loop either breaks or raises
            raise AssertionError("unreachable")
        if received.created:
            log_move(
                started,
                "ok",
                item=received.item.code,
                action="create",
                actor=person,
                role=Role.OFFICER.value,
                to=State.COLLECTING.value,
                version=1,
            )
        refused = received.text_refused
        log_move(
            started,
            "ok",
            item=received.item.code,
            action=action,
            actor=person,
            role=Role.OFFICER.value,
            from_=received.item.state,
            to=received.item.state,
            version=received.item.version,
            files=len(received.media) if files else None,
            text_refused=refused.key if refused is not None else None,
        )
        return received

    async def _receive(
        self,
        person: Person,
        item_id: int | None,
        files: list[IncomingMedia],
        text: str | None,
        now: datetime,
        action: Action,
        code: list[str],
    ) -> DraftUpdate:
        """The addition itself, one transaction (committed when this returns), into
        ``item_id`` while it is still the officer's open draft, else into a new one."""
        actor = actor_of(person)
        async with self._sessions.begin() as session:
            item = None
            if item_id is not None:
                item = await session.get(ItemRow, item_id, with_for_update=True)
            created = item is None or item.state != State.COLLECTING.value
            if item is None or created:
                item = await self._create_item(session, person, now)
            code.append(item.code)
            transition(view_of(values.item(item)), actor, action, now)
            added: list[MediaRow] = []
            position = max((m.position for m in item.media), default=0)
            for incoming in files:
                position += 1
                media = MediaRow(
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
            refused = None
            if text and text.strip():
                try:
                    item.title, item.body = absorb_text(item.title, item.body, text)
                except WorkflowError as error:
                    if not files:
                        raise
                    # A caption too long must not cost the officer the photo under it.
                    refused = error
                else:
                    note = text.strip()[:2000]
                    session.add(self._receipt(item, person, Action.EDIT_TEXT, now, note))
            item.updated_at = now
            receipts = [
                e for e in session.new if isinstance(e, EventRow) and e.action == action.value
            ]
            card = await session.scalar(
                select(Card).where(Card.item_id == item.id, Card.chat_id == person.id)
            )
            # Written now: the values carry the new version and the files' ids.
            await session.flush()
            return DraftUpdate(
                item=values.item(item),
                created=created,
                media=[values.media(m) for m in added],
                text_refused=refused,
                last_event=values.event(receipts[-1]) if receipts else None,
                card=None if card is None else CardSpot(card.message_id, card.audience),
            )

    @staticmethod
    def _receipt(
        item: ItemRow, person: Person, action: Action, now: datetime, note: str
    ) -> EventRow:
        """What the officer added to a draft, for the record."""
        state = State(item.state).value
        return EventRow(
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

    async def note_download_failure(self, media_id: int) -> int:
        """Count a failed download; returns how many there have been."""
        async with self._sessions.begin() as session:
            media = await session.get(MediaRow, media_id)
            if media is None:
                return 0
            media.download_attempts += 1
            return media.download_attempts

    async def pending_downloads(self, limit: int = 50) -> list[Media]:
        async with self._sessions() as session:
            result = await session.scalars(
                select(MediaRow)
                # Never given up on: an original is part of the record. Fresh failures
                # first, so one file that keeps failing does not hold up the others.
                .where(MediaRow.blob_key.is_(None), MediaRow.refused.is_(None))
                .order_by(MediaRow.download_attempts, MediaRow.id)
                .limit(limit)
            )
            return [values.media(row) for row in result]
