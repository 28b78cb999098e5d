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

from bot.core.card_facts import CardSpot
from bot.core.item_changes import Changes, absorb_text, enter_step, view_of
from bot.core.standards import StepClock
from bot.core.values import Event, Item, Media, Person
from bot.core.workflow import Action, Role, State, WorkflowError, transition
from bot.ports.drafts import DraftWork, IncomingMedia, NewDraft
from bot.ports.items import NewEvent
from bot.ports.units import Conflict, Units
from bot.usecases.items import actor_of
from bot.usecases.move_log import log_move
from bot.usecases.people import roles_of


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
        units: Units[DraftWork],
        clock: StepClock,
        code_prefix: str,
        zone: ZoneInfo,
    ) -> None:
        self._units = units
        self._clock = clock
        self._prefix = code_prefix
        self._zone = zone

    async def _get(self, item_id: int) -> Item | None:
        async with self._units.read() as work:
            return await work.item(item_id)

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
                async with self._units() as work:
                    item = await self._create_item(work, person, now)
            except Conflict:
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

    async def _create_item(self, work: DraftWork, person: Person, now: datetime) -> Item:
        year = now.astimezone(self._zone).year
        number = await work.next_number(year)
        state = State.COLLECTING
        draft = NewDraft(f"{self._prefix}-{year}-{number:04d}", person.id, person.section)
        item = await work.create(draft, enter_step(state, now, self._clock), now)
        work.record(
            item.id,
            NewEvent(
                actor_id=person.id,
                actor_name=person.full_name,
                actor_role=Role.OFFICER.value,
                action="created",
                from_state=None,
                to_state=state.value,
                note=None,
                at=now,
            ),
        )
        await work.set_current_draft(person.id, item.id)
        return item

    async def select_draft(self, person: Person, item_id: int) -> Item:
        async with self._units() as work:
            item = await work.item(item_id)
            if item is None or item.officer_id != person.id:
                raise WorkflowError("error.item_unknown")
            if item.state != State.COLLECTING.value:
                raise WorkflowError("error.not_now", state=item.state)
            await work.set_current_draft(person.id, item.id)
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
            except Conflict:
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
        async with self._units() as work:
            item = None
            if item_id is not None:
                item = await work.locked(item_id)
            created = item is None or item.state != State.COLLECTING.value
            if item is None or created:
                item = await self._create_item(work, person, now)
            code.append(item.code)
            transition(view_of(item), actor, action, now)
            position = max((m.position for m in item.media), default=0)
            for incoming in files:
                position += 1
                await work.add_media(item.id, incoming, position, now)
                receipt = f"#{position} {incoming.kind}"
                work.record(item.id, self._receipt(item, person, Action.ADD_MEDIA, now, receipt))
            refused = None
            fields: dict[str, object] = {"updated_at": now}
            if text and text.strip():
                try:
                    fields["title"], fields["body"] = absorb_text(item.title, item.body, text)
                except WorkflowError as error:
                    if not files:
                        raise
                    # A caption too long must not cost the officer the photo under it.
                    refused = error
                else:
                    note = text.strip()[:2000]
                    work.record(item.id, self._receipt(item, person, Action.EDIT_TEXT, now, note))
            await work.change(item.id, Changes(fields), now)
            card = await work.card_in(item.id, person.id)
            # Written now: the values carry the new version and the files' ids.
            saved, added, events = await work.saved(item.id)
            receipts = [e for e in events if e.action == action.value]
            return DraftUpdate(
                item=saved,
                created=created,
                media=added,
                text_refused=refused,
                last_event=receipts[-1] if receipts else None,
                card=card,
            )

    @staticmethod
    def _receipt(item: Item, person: Person, action: Action, now: datetime, note: str) -> NewEvent:
        """What the officer added to a draft, for the record."""
        state = State(item.state).value
        return NewEvent(
            actor_id=person.id,
            actor_name=person.full_name,
            actor_role=Role.OFFICER.value,
            action=action.value,
            from_state=state,
            to_state=state,
            note=note,
            at=now,
        )

    async def note_download_failure(self, media_id: int) -> int:
        """Count a failed download; returns how many there have been."""
        async with self._units() as work:
            return await work.note_download_failure(media_id)

    async def pending_downloads(self, limit: int = 50) -> list[Media]:
        async with self._units.read() as work:
            return await work.pending_downloads(limit)
