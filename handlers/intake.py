"""SOP step 1: an officer sends photos, videos, documents and text from a phone.

Every file goes into the officer's open draft (one is opened when needed) and is
downloaded at once into the blob store. An album arrives as separate updates sharing a
``media_group_id`` with no end marker, so the draft card is redrawn by a short
debounced job instead of once per file: the officer sees one card, after the last file.

```mermaid
flowchart TD
    file[photo / video / document] --> big{over download limit?}
    big -- yes --> refuse[explain, keep nothing]
    big -- no --> draft[into the open draft, row first]
    draft --> download[download the original, sha256]
    download --> card[redraw the card once the album settles]
    text[text] --> prompt{question open?}
    prompt -- yes --> answer[answer it]
    prompt -- no --> draft
```
"""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot.core.card_facts import CardFacts
from bot.core.outgoing import Kind
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.text import esc
from bot.core.values import Media, Person
from bot.core.workflow import Role, WorkflowError
from bot.ports.drafts import IncomingMedia
from bot.usecases.downloads import bring_in
from bot.usecases.drafts import DraftUpdate
from handlers.announce import tell_log_chat
from handlers.common import WartaContext, acting_person, has_role, language_of, reply
from handlers.outcomes import explain
from handlers.prompts import answer
from handlers.start import help_text
from handlers.telegram_files import TelegramFetch

log = logging.getLogger(__name__)

CARD_JOB = "draft-card-{item_id}"


def incoming_media(message: Message) -> IncomingMedia | None:
    """The one file in a message, described the same way whatever its kind."""
    if message.photo:
        largest = message.photo[-1]
        return IncomingMedia(
            kind="photo",
            telegram_file_id=largest.file_id,
            telegram_unique_id=largest.file_unique_id,
            media_group_id=message.media_group_id,
            mime_type="image/jpeg",
            size=largest.file_size,
            source_message_id=message.message_id,
        )
    for kind in ("video", "animation", "document"):
        attachment = getattr(message, kind)
        if attachment is not None:
            return IncomingMedia(
                kind=kind,
                telegram_file_id=attachment.file_id,
                telegram_unique_id=attachment.file_unique_id,
                media_group_id=message.media_group_id,
                file_name=getattr(attachment, "file_name", None),
                mime_type=getattr(attachment, "mime_type", None),
                size=attachment.file_size,
                source_message_id=message.message_id,
            )
    return None


async def _officer(update: Update, context: WartaContext) -> Person | None:
    """The officer sending material, or None after explaining why they cannot."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    if person is None:
        await reply(update, context.services.t("stranger", language))
        return None
    if not has_role(person, Role.OFFICER):
        await reply(update, context.services.t("intake.not_officer", language))
        return None
    return person


async def on_file(update: Update, context: WartaContext) -> None:
    """Take a photo, video or document into the open draft and keep its original."""
    message = update.effective_message
    if message is None:
        return
    person = await _officer(update, context)
    if person is None:
        return
    services = context.services
    language = person.language
    incoming = incoming_media(message)
    if incoming is None:
        return
    limit = services.settings.max_download_bytes
    if incoming.size is not None and incoming.size > limit:
        await reply(
            update,
            services.t("intake.too_big", language, limit=services.settings.max_download_mb),
        )
        # The caption may still carry the title; keep the words even if the file is refused.
        if message.caption:
            await _take_text(update, context, person, message.caption, redraw=True)
        return
    try:
        received = await services.drafts.receive(
            person, services.now(), [incoming], text=message.caption
        )
    except WorkflowError as error:
        await reply(update, esc(explain(error, context, language)))
        return
    if received.text_refused is not None:
        refusal = explain(received.text_refused, context, language)
        await reply(update, esc(services.t("intake.file_kept", language, problem=refusal)))
    for media in received.media:
        await download(context, media)
    schedule_card(context, received.item.id, person.id)


async def download(context: WartaContext, media: Media) -> bool:
    """Fetch the original into the blob store; a failure is retried by the sweep."""
    services = context.services
    fetch = TelegramFetch(context.bot, local_mode=services.settings.telegram_local_mode)
    fetched = await bring_in(services.originals, fetch, media, services.now())
    if fetched.wake:
        context.sender.wake(context, fetched.wake)
    if fetched.stuck is not None:
        attempts, kind = fetched.stuck
        text = services.t(
            "log.download_stuck",
            services.settings.default_language,
            media=media.id,
            item=media.item_id,
            attempts=attempts,
            error=kind,
        )
        await tell_log_chat(context, text)
    return fetched.kept


async def retry_downloads(context: WartaContext) -> None:
    """Job: fetch originals whose first download failed (network blips, restarts)."""
    for media in await context.services.drafts.pending_downloads():
        await download(context, media)


async def show_draft(context: WartaContext, received: DraftUpdate, person: Person) -> None:
    """Redraw the draft card after a text: at once, from what the addition read, unless
    an album is still arriving for that draft (then once it has settled)."""
    job_queue = context.job_queue
    assert job_queue is not None
    if job_queue.get_jobs_by_name(CARD_JOB.format(item_id=received.item.id)):
        schedule_card(context, received.item.id, person.id)
        return
    cards = {} if received.card is None else {person.id: received.card}
    facts = CardFacts(received.item, person, received.last_event, cards)
    # New messages pushed the old card up the chat: it is posted again at the bottom.
    await context.sender.draw_now(
        context, facts, person.id, person.language, audience="officer", repost=True
    )


def schedule_card(context: WartaContext, item_id: int, chat_id: int) -> None:
    """Redraw the draft card once the album has stopped arriving."""
    job_queue = context.job_queue
    assert job_queue is not None
    name = CARD_JOB.format(item_id=item_id)
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_once(
        _draw_draft_card,  # type: ignore[arg-type]  # PTB types jobs with the default context
        when=context.services.settings.album_settle_seconds,
        data=item_id,
        chat_id=chat_id,
        name=name,
    )


async def _draw_draft_card(context: WartaContext) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, int) and job.chat_id is not None
    # New files pushed the old card up the chat: post it again at the bottom.
    await context.sender.show_card(context, job.data, job.chat_id, "officer", repost=True)


async def on_private_text(update: Update, context: WartaContext) -> None:
    """Answer an open question, else add the text to the officer's draft, else help."""
    message = update.effective_message
    if message is None or not message.text:
        return
    person = await acting_person(update, context)
    if person is None:
        await reply(update, context.services.t("stranger", language_of(None, context, update)))
        return
    if await answer(update, context, person, message.text):
        return
    if not has_role(person, Role.OFFICER):
        await reply(update, help_text(person, context, person.language))
        return
    await _take_text(update, context, person, message.text, redraw=True)


async def _take_text(
    update: Update, context: WartaContext, person: Person, text: str, *, redraw: bool
) -> None:
    services = context.services
    try:
        received = await services.drafts.receive(person, services.now(), [], text=text)
    except WorkflowError as error:
        await reply(update, esc(explain(error, context, person.language)))
        return
    if redraw:
        await show_draft(context, received, person)


async def new_draft(update: Update, context: WartaContext) -> None:
    """/baru: start a fresh draft; the next files go into it."""
    person = await _officer(update, context)
    if person is None:
        return
    services = context.services
    item = await services.drafts.new_draft(person, services.now())
    await reply(update, services.t("draft.started", person.language, code=esc(item.code)))
    await context.sender.show_card(context, item.id, person.id, "officer")


async def list_drafts(update: Update, context: WartaContext) -> None:
    """/draf: every unfinished item of this officer, each with its card."""
    person = await _officer(update, context)
    if person is None:
        return
    services = context.services
    language = person.language
    items = await services.items.open_items_of(person.id)
    if not items:
        await reply(update, services.t("draft.none", language))
        return
    current = await services.drafts.current_draft(person)
    await reply(update, services.t("draft.list", language, n=len(items)))
    # The cards, then which one is open, in this order: all of it in the chat's turn.
    rows = [OutgoingMessage(person.id, Kind.CARD, i.id, "officer", repost=True) for i in items]
    if current is not None:
        params = {"code": current.code}  # escaped by the sender, as every notice's
        rows.append(OutgoingMessage(person.id, Kind.NOTICE, key="draft.current", params=params))
    await context.sender.send(context, rows)


async def edited(update: Update, context: WartaContext) -> None:
    """An edit of an already-sent message: say it does not change what was received."""
    person = await acting_person(update, context)
    if person is None or not has_role(person, Role.OFFICER):
        return
    await reply(update, context.services.t("intake.edit_ignored", person.language))


async def unsupported(update: Update, context: WartaContext) -> None:
    """Stickers, voice notes, locations, contacts...: say what the bot can take."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    if person is None:
        await reply(update, context.services.t("stranger", language))
        return
    await reply(update, context.services.t("intake.unsupported", language))
