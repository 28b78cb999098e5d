"""Telling people: the cards in every chat, the hand-over messages, the outcomes.

Runs after a move has been committed, so a failure here can leave a card out of date
but never an item half-moved. Each step of the chain goes to its team chat when one is
bound, otherwise to each holder of the role in private, so a small office can start
without groups.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from telegram import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.chats import Purpose, purpose_for_role
from bot.items import Outcome
from bot.post import compose
from bot.publication import CANCELLED, DONE, REMOVED
from bot.text import esc, excerpt
from bot.workflow import HANDOVER_STATES, Action, Role, State, holder_role
from handlers.cards import live_media, render_card
from handlers.common import WartaContext, guarded
from storage.models import Item, Media, Person

log = logging.getLogger(__name__)

VISUAL_KINDS = ("photo", "video")
# A move younger than this is still being announced by its own handler (uploads can
# wait on Telegram's rate limits); the sweep leaves it alone so nothing goes twice.
DELIVERY_GRACE = timedelta(minutes=5)
ALBUM_LIMIT = 10


async def chat_language(context: WartaContext, chat_id: int) -> str:
    if chat_id > 0:
        person = await context.services.people.get(chat_id)
        if person is not None:
            return person.language
    return context.services.settings.default_language


async def show_card(
    context: WartaContext,
    item: Item,
    chat_id: int,
    audience: str,
    *,
    repost: bool = False,
) -> bool:
    """Draw the item's one card in this chat: edit it in place, or post it anew at the
    bottom (``repost``) when new messages have pushed it out of sight. Returns whether
    the chat has the card now (False when the chat cannot be reached)."""
    services = context.services
    language = await chat_language(context, chat_id)
    officer = await services.items.officer_of(item)
    last = await services.items.last_event(item.id)
    view = render_card(item, audience, language, services, officer, last)
    existing = await services.chats.card(item.id, chat_id)
    if existing is not None and not repost:
        try:
            edited = await guarded(
                context,
                chat_id,
                lambda cid: context.bot.edit_message_text(
                    view.text,
                    chat_id=cid,
                    message_id=existing.message_id,
                    reply_markup=view.markup,
                    parse_mode=ParseMode.HTML,
                ),
            )
            if existing.audience != audience:
                await services.chats.save_card(item.id, chat_id, existing.message_id, audience)
            del edited
            return True
        except BadRequest as error:
            if "not found" not in error.message.lower():
                raise
            # The card was deleted in the chat: fall through and post a new one.
    sent = await guarded(
        context,
        chat_id,
        lambda cid: context.bot.send_message(
            cid, view.text, reply_markup=view.markup, parse_mode=ParseMode.HTML
        ),
    )
    if sent is None:
        return False
    await services.chats.save_card(item.id, sent.chat_id, sent.message_id, audience)
    if existing is not None and existing.message_id != sent.message_id:
        await _delete_quietly(context, chat_id, existing.message_id)
    return True


async def redraw(context: WartaContext, item: Item, chat_id: int) -> None:
    """Draw the card again in that chat (as its audience sees it), if it has one there."""
    card = await context.services.chats.card(item.id, chat_id)
    if card is not None:
        await show_card(context, item, chat_id, card.audience)


async def _delete_quietly(context: WartaContext, chat_id: int, message_id: int) -> None:
    try:
        await context.bot.delete_message(chat_id, message_id)
    except BadRequest:
        # Too old to delete (48 h) or already gone; the old card simply stays.
        log.debug("could not delete old card %s/%s", chat_id, message_id)


async def refresh_cards(context: WartaContext, item: Item) -> None:
    for card in await context.services.chats.cards_of(item.id):
        await show_card(context, item, card.chat_id, card.audience)


AlbumItem = InputMediaPhoto | InputMediaVideo | InputMediaDocument


def _album_item(media: Media, caption: str | None) -> AlbumItem:
    mode = ParseMode.HTML if caption else None
    if media.kind == "photo":
        return InputMediaPhoto(media.telegram_file_id, caption=caption, parse_mode=mode)
    if media.kind == "video":
        return InputMediaVideo(media.telegram_file_id, caption=caption, parse_mode=mode)
    return InputMediaDocument(media.telegram_file_id, caption=caption, parse_mode=mode)


def _albums(media: Sequence[Media], caption: str | None) -> list[list[AlbumItem]]:
    """Photos and videos together, documents apart; at most ten per album. The caption
    goes on the very first item, as Telegram shows an album's caption under it."""
    visual = [m for m in media if m.kind in VISUAL_KINDS]
    documents = [m for m in media if m.kind == "document"]
    albums: list[list[AlbumItem]] = []
    pending_caption = caption
    for group in (visual, documents):
        for start in range(0, len(group), ALBUM_LIMIT):
            album = []
            for m in group[start : start + ALBUM_LIMIT]:
                album.append(_album_item(m, pending_caption))
                pending_caption = None
            albums.append(album)
    return albums


async def send_media(
    context: WartaContext, chat_id: int, media: Sequence[Media], caption: str | None = None
) -> None:
    """Post files to a chat as albums (a lone file as itself)."""
    # Animations (GIFs) cannot join an album; they go one by one.
    for m in media:
        if m.kind == "animation":
            await guarded(context, chat_id, partial(_send_animation, context, m.telegram_file_id))
    for album in _albums(media, caption):
        if len(album) > 1:
            await guarded(context, chat_id, partial(_send_album, context, album))
        else:
            await guarded(context, chat_id, partial(_send_one, context, album[0]))


async def _send_animation(context: WartaContext, file_id: str, chat_id: int) -> Message:
    return await context.bot.send_animation(chat_id, file_id)


async def _send_album(
    context: WartaContext, album: list[AlbumItem], chat_id: int
) -> tuple[Message, ...]:
    return await context.bot.send_media_group(chat_id, album)


async def _send_one(context: WartaContext, one: AlbumItem, chat_id: int) -> Message:
    bot = context.bot
    media = one.media
    assert isinstance(media, str)  # always a Telegram file id here
    caption = one.caption if isinstance(one.caption, str) else None
    mode = ParseMode.HTML if caption else None
    if isinstance(one, InputMediaPhoto):
        return await bot.send_photo(chat_id, media, caption=caption, parse_mode=mode)
    if isinstance(one, InputMediaVideo):
        return await bot.send_video(chat_id, media, caption=caption, parse_mode=mode)
    return await bot.send_document(chat_id, media, caption=caption, parse_mode=mode)


async def send_preview(context: WartaContext, chat_id: int, item: Item) -> None:
    """Post the item exactly as the public will see it."""
    media = live_media(item)
    visual = [m for m in media if m.kind in VISUAL_KINDS]
    post = compose(item.title, item.body, item.category, item.section, bool(visual))
    if visual:
        # The cover leads the album, as it will on the channel.
        if item.cover_media_id is not None:
            visual.sort(key=lambda m: m.id != item.cover_media_id)
        ordered = visual + [m for m in media if m.kind not in VISUAL_KINDS]
        await send_media(context, chat_id, ordered, caption=post.caption)
    else:
        await _send_text(context, chat_id, post.caption)
        await send_media(context, chat_id, media)
    for part in post.follow_ups:
        await _send_text(context, chat_id, part)


async def _send_text(context: WartaContext, chat_id: int, text: str) -> Message | None:
    return await guarded(
        context,
        chat_id,
        lambda cid: context.bot.send_message(
            cid, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        ),
    )


async def notify(context: WartaContext, chat_id: int, key: str, **params: object) -> None:
    """A short new message, in the chat's language (parameters are escaped here)."""
    language = await chat_language(context, chat_id)
    text = context.services.t(key, language, **{k: esc(v) for k, v in params.items()})
    await _send_text(context, chat_id, text)


async def targets(context: WartaContext, purpose: Purpose) -> list[int]:
    """The team chat for ``purpose`` or, when none is bound, each holder in private."""
    chat_id = await context.services.chats.chat_for(purpose)
    if chat_id is not None:
        return [chat_id]
    role = purpose.role
    if role is None:
        return []
    holders = await context.services.people.holders(role)
    return [p.id for p in holders if not p.unreachable]


@dataclass(frozen=True)
class Reach:
    """How many of a step's chats now hold the item's card."""

    reached: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.reached == self.total


async def hand_over(
    context: WartaContext, item: Item, purpose: Purpose, *, preview: bool = False
) -> Reach:
    """Give the item to the next step's people: its files (or preview) and its card.

    One group may serve several steps (a webmaster group that edits and publishes):
    when the item only changes hands inside that group, its files are already there,
    so only the card moves on.
    """
    audience = purpose.value
    chats = await targets(context, purpose)
    reached = 0
    failures: list[TelegramError] = []
    for chat_id in chats:
        try:
            existing = await context.services.chats.card(item.id, chat_id)
            seen_here = existing is not None and existing.audience != audience
            if not seen_here:
                if preview:
                    await send_preview(context, chat_id, item)
                else:
                    await send_media(context, chat_id, live_media(item))
            reached += await show_card(context, item, chat_id, audience, repost=True)
        except TelegramError as error:
            # One chat's trouble must not keep the item from the others.
            failures.append(error)
    if failures:
        raise failures[0]
    return Reach(reached, len(chats))


# Moves after which the publication outbox has new work.
OUTBOX_MOVES = frozenset({Action.PUBLISH, Action.UNPUBLISH, Action.RETRY})
SWEEP_JOB = "publish-sweep"
KICK_JOB = "publish-now"


def kick(context: WartaContext) -> None:
    """Run the publishing sweep now, in the job queue (so the tap is answered first)."""
    job_queue = context.application.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(SWEEP_JOB):
        job_queue.run_once(job.callback, 0, name=KICK_JOB)
        return


async def announce(context: WartaContext, outcome: Outcome, *, kick_outbox: bool = True) -> None:
    """Everything people must see after one committed move."""
    auto = outcome.transition.action is Action.APPROVE and context.services.settings.auto_publish
    if kick_outbox and (outcome.transition.action in OUTBOX_MOVES or auto):
        # The outbox has work: start it now, in the job queue, while the cards redraw.
        kick(context)
    await refresh_cards(context, outcome.item)
    if outcome.transition.changes_state:
        await deliver(context, outcome.item)
    publications = outcome.item.publications
    if outcome.transition.action is Action.UNPUBLISH and all(
        p.status in (CANCELLED, REMOVED) for p in publications
    ):
        # Taken down before anything went out: there is nothing for the outbox to do,
        # so the confirmation that it is gone everywhere comes now.
        await publication_done(context, outcome.item)
    if outcome.transition.action is Action.CONFIRM_OUT and all(
        p.status in DONE for p in publications
    ):
        # The last uncertain target was confirmed by a person: the item is out.
        await publication_done(context, outcome.item)


def links_text(context: WartaContext, item: Item, language: str) -> str:
    """One line per target that published the item, with its link."""
    lines = []
    for publication in item.publications:
        label = esc(context.services.t(f"target.{publication.target}", language))
        if publication.status == "published" and publication.url:
            url = esc(publication.url)
            lines.append(f'{label}: <a href="{url}">{url}</a>')
        elif publication.status == "published":
            lines.append(f"{label}: ✓")
    return "\n".join(lines)


async def publication_done(context: WartaContext, item: Item) -> None:
    """Every target has the item (or none has it any more): tell the webmaster group and
    the officer (and, for a takedown, the officials), with the links; then record that
    it was said. Telegram failing here leaves it unrecorded, and the publishing sweep
    says it again."""
    removal = item.state == State.UNPUBLISHED.value
    officer = await context.services.items.officer_of(item)
    chats = await targets(context, Purpose.EDITOR)
    if removal:
        chats += await targets(context, Purpose.OFFICIAL)
    if not officer.unreachable:
        chats.append(officer.id)
    key = "notify.removed_everywhere" if removal else "notify.published"
    for chat_id in dict.fromkeys(chats):
        language = await chat_language(context, chat_id)
        text = context.services.t(
            key, language, code=esc(item.code), title=esc(excerpt(item.title, 80))
        )
        links = "" if removal else links_text(context, item, language)
        await _send_text(context, chat_id, text + ("\n" + links if links else ""))
    notice = "removed" if removal else "published"
    await context.services.items.mark_publication_announced(item.id, notice)


# Which notice the officer, IT and editors get when the official (or the publisher, or
# an official taking it down) decides.
OUTCOME_NOTICES = {
    Action.APPROVE.value: "notify.approved",
    Action.REJECT.value: "notify.rejected",
    Action.HOLD.value: "notify.held",
    Action.UNPUBLISH.value: "notify.unpublished",
}


async def deliver(context: WartaContext, item: Item, *, first: bool = True) -> None:
    """Tell the people of the item's new state what they must know, then record that it
    was done: the outcome for those before, the hand-over for those next.

    Called right after a move and again by the sweep for any item whose delivery did not
    complete (Telegram down, a crash between the commit and the messages), so every
    notice can be re-sent, never lost.
    """
    services = context.services
    state = State(item.state)
    move = await services.items.last_move(item.id)
    name = (move.actor_name if move is not None else None) or "-"
    action = move.action if move is not None else None
    code, title, note = item.code, excerpt(item.title, 80), item.last_note or ""
    officer = await services.items.officer_of(item)
    if state is State.COLLECTING and action == Action.SEND_BACK.value:
        await notify(
            context, officer.id, "notify.sent_back", code=code, title=title, name=name, note=note
        )
        await show_card(context, item, officer.id, "officer", repost=True)
    if action in OUTCOME_NOTICES:
        for chat_id in await _earlier_chain(context, officer):
            await notify(
                context,
                chat_id,
                OUTCOME_NOTICES[action],
                code=code,
                title=title,
                name=name,
                note=note,
            )
    complete = True
    role = holder_role(state) if state in HANDOVER_STATES else None
    purpose = purpose_for_role(role) if role is not None else None
    if purpose is not None:
        reach = await _hand_over_step(context, item, state, purpose, name)
        complete = reach.complete
        if reach.reached == 0 and first:
            # Nobody to hand it to: say so once; the sweep delivers when someone appears.
            await _warn_nobody(context, item, purpose)
    if complete:
        await services.items.mark_delivered(item.id, state)


async def _hand_over_step(
    context: WartaContext, item: Item, state: State, purpose: Purpose, name: str
) -> Reach:
    if state is State.EDITING and item.last_note:
        # Back from the official with a note: the editors need the note and their card.
        chats = await targets(context, purpose)
        reached = 0
        for chat_id in chats:
            await notify(
                context,
                chat_id,
                "notify.changes",
                code=item.code,
                title=excerpt(item.title, 80),
                name=name,
                note=item.last_note,
            )
            reached += await show_card(context, item, chat_id, purpose.value, repost=True)
        return Reach(reached, len(chats))
    preview = state in (State.REVIEW, State.APPROVED)
    return await hand_over(context, item, purpose, preview=preview)


async def redeliver(context: WartaContext) -> None:
    """Job: finish hand-overs that an error or a restart interrupted."""
    services = context.services
    grace = services.now() - DELIVERY_GRACE
    for item in await services.items.undelivered(older_than=grace):
        log.info("re-delivering %s (%s)", item.code, item.state)
        try:
            await deliver(context, item, first=False)
        except TelegramError:
            # One stuck item must not hold up the others; it is tried again next time.
            log.warning("re-delivery of %s failed", item.code, exc_info=True)


async def _warn_nobody(context: WartaContext, item: Item, purpose: Purpose) -> None:
    """Tell the admins (and the log group) that a step has no one to receive it."""
    step = purpose.value
    chats = await targets(context, Purpose.LOG)
    admins = await context.services.people.holders(Role.ADMIN)
    chats += [p.id for p in admins if not p.unreachable and p.id not in chats]
    for chat_id in chats:
        language = await chat_language(context, chat_id)
        group = context.services.t(f"purpose.{step}", language)
        await notify(context, chat_id, "notify.nobody", code=item.code, group=group)


async def _earlier_chain(context: WartaContext, officer: Person) -> list[int]:
    """The officer, the IT team and the editors: everyone before the official."""
    chats = [officer.id]
    for purpose in (Purpose.IT, Purpose.EDITOR):
        for chat_id in await targets(context, purpose):
            if chat_id not in chats:
                chats.append(chat_id)
    return chats


async def tell_log_chat(context: WartaContext, text: str) -> None:
    chat_id = await context.services.chats.chat_for(Purpose.LOG)
    if chat_id is None:
        return
    await guarded(context, chat_id, lambda cid: context.bot.send_message(cid, text[:4000]))
