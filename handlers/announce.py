"""Telling people: how a card, an album, a preview is drawn in a chat.

A move writes the messages it needs as rows (``storage.deliveries``); the sender
(``handlers.sender``) draws each one with the functions here. :func:`announce` is what a
handler calls after a committed move: it only wakes the sender (and the outbox), so a
tap never waits for messages to other chats.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar

from telegram import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.card_facts import CardSpot
from bot.core.notices import starts_outbox
from bot.core.outgoing import card_redraws
from bot.core.post import compose
from bot.core.purposes import Purpose
from bot.core.text import esc
from bot.core.values import Event, Item, Media, Person
from bot.core.workflow import Action
from bot.ports.articles import article_of
from bot.usecases.moves import Outcome
from handlers.card_menus import menu_keyboard
from handlers.cards import CardView, live_media, render_card
from handlers.common import WartaContext, guarded

log = logging.getLogger(__name__)
T = TypeVar("T")

PREPARE_JOB = "prepare"
VISUAL_KINDS = ("photo", "video")
ALBUM_LIMIT = 10
# A card row may ask for the card's list of files instead of its main buttons.


async def chat_language(context: WartaContext, chat_id: int) -> str:
    if chat_id > 0:
        person = await context.services.people.get(chat_id)
        if person is not None:
            return person.language
    return context.services.settings.default_language


async def draw_card(
    context: WartaContext,
    item: Item,
    chat_id: int,
    audience: str,
    language: str,
    officer: Person | None,
    last: Event | None,
    existing: CardSpot | None,
    repost: bool = False,
    menu: str | None = None,
) -> tuple[int, int] | None:
    """Draw the item's one card in this chat from facts already read (only the sender
    calls this): edit it in place, or post it anew at the bottom (``repost``) when new
    messages have pushed it out of sight. Returns where the card is now, (chat id,
    message id), or None when the chat cannot be reached. Records nothing: the caller
    keeps the card's place."""
    services = context.services
    view = render_card(item, audience, language, services, officer, last)
    keyboard = None if menu is None else menu_keyboard(menu, item, language, services)
    if keyboard is not None:
        # A menu in place of the card's buttons (files, categories, times, a yes).
        view = CardView(view.text, keyboard)
    if existing is not None and not repost:
        try:
            await guarded(
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
            return chat_id, existing.message_id
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
        return None
    if existing is not None and existing.message_id != sent.message_id:
        await _delete_quietly(context, chat_id, existing.message_id)
    return sent.chat_id, sent.message_id


async def _delete_quietly(context: WartaContext, chat_id: int, message_id: int) -> None:
    try:
        await context.bot.delete_message(chat_id, message_id)
    except BadRequest:
        # Too old to delete (48 h) or already gone; the old card simply stays.
        log.debug("could not delete old card %s/%s", chat_id, message_id)


async def refresh_cards(context: WartaContext, item: Item) -> None:
    """Every card of the item drawn again, through the sender (for jobs: the outbox's
    progress); a move writes its own redraws with it."""
    cards = {c.chat_id: c.audience for c in await context.services.chats.cards_of(item.id)}
    await context.sender.send(context, card_redraws(item.id, cards))


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


class Calls:
    """The Telegram calls of one message that takes several (files, a preview), counted
    so that a try after a failure skips the ones that went: a 429 or an error means that
    call sent nothing, and the calls before it must not arrive twice."""

    def __init__(self, skip: int = 0) -> None:
        self.skip = skip
        self.made = 0  # calls reached, including one that failed

    async def __call__(self, make: Callable[[], Awaitable[T]]) -> T | None:
        self.made += 1
        if self.made <= self.skip:
            return None
        return await make()

    @property
    def done(self) -> int:
        """How many calls went (all but the one that failed, when one did)."""
        return max(self.skip, self.made - 1)


async def send_media(
    context: WartaContext,
    chat_id: int,
    media: Sequence[Media],
    caption: str | None = None,
    calls: Calls | None = None,
) -> None:
    """Post files to a chat as albums (a lone file as itself)."""
    call = calls or Calls()
    # Animations (GIFs) cannot join an album; they go one by one.
    for m in media:
        if m.kind == "animation":
            animation = partial(_send_animation, context, m.telegram_file_id)
            await call(partial(guarded, context, chat_id, animation))
    for album in _albums(media, caption):
        if len(album) > 1:
            await call(partial(guarded, context, chat_id, partial(_send_album, context, album)))
        else:
            await call(partial(guarded, context, chat_id, partial(_send_one, context, album[0])))


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


async def send_preview(
    context: WartaContext, chat_id: int, item: Item, calls: Calls | None = None
) -> None:
    """Post the item exactly as the public will see it."""
    call = calls or Calls()
    media = live_media(item)
    visual = [m for m in media if m.kind in VISUAL_KINDS]
    post = compose(item.title, item.body, item.category, item.section, bool(visual))
    if visual:
        # The cover leads the album, as it will on the channel.
        if item.cover_media_id is not None:
            visual.sort(key=lambda m: m.id != item.cover_media_id)
        ordered = visual + [m for m in media if m.kind not in VISUAL_KINDS]
        await send_media(context, chat_id, ordered, caption=post.caption, calls=call)
    else:
        await call(partial(send_text, context, chat_id, post.caption))
        await send_media(context, chat_id, media, calls=call)
    for part in post.follow_ups:
        await call(partial(send_text, context, chat_id, part))


async def send_text(context: WartaContext, chat_id: int, text: str) -> Message | None:
    return await guarded(
        context,
        chat_id,
        lambda cid: context.bot.send_message(
            cid, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        ),
    )


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
    """Everything people must see after one committed move: its messages were written
    with it, so the sender is only woken; the outbox is started when it has work."""
    action = outcome.transition.action
    auto = context.services.settings.auto_publish
    if kick_outbox and starts_outbox(action, auto_publish=auto):
        # The outbox has work: start it now, in the job queue.
        kick(context)
    elif action is Action.APPROVE:
        # Publishing comes next: have its public copies ready by then.
        prepare_soon(context, outcome.item)
    context.sender.wake(context, outcome.chats, outcome.facts)


def prepare_soon(context: WartaContext, item: Item) -> None:
    """Make the item's public copies in the job queue (the tap is answered first), from
    the item as the move left it (no read of its own)."""
    job_queue = context.application.job_queue
    if job_queue is not None:
        job_queue.run_once(
            _prepare,  # type: ignore[arg-type]  # PTB types jobs with the default context
            0,
            data=item,
            name=f"{PREPARE_JOB}-{item.id}",
        )


async def _prepare(context: WartaContext) -> None:
    assert context.job is not None and isinstance(context.job.data, Item)
    item = context.job.data
    article = article_of(item, context.services.now())
    ready = await context.public_files.prepare(article)
    log.info("%s: %d of %d files ready to publish", item.code, ready, len(article.media))


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


async def tell_log_chat(context: WartaContext, text: str) -> None:
    chat_id = await context.services.chats.chat_for(Purpose.LOG)
    if chat_id is None:
        return
    await guarded(context, chat_id, lambda cid: context.bot.send_message(cid, text[:4000]))
