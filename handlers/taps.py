"""Button taps on item cards: every tap is answered, every tapper is checked.

A tap carries (action, item, version). An old version means the item moved on: the
tapper is told who moved it, and the card is redrawn. The tapper's roles are checked
by the workflow rules, not by the chat the button is in. Moves that need words
(reasons, a new title) ask first and act on the reply. A tap turned away here, before
any transaction (old version, wrong person), is logged on ``warta.moves`` like the
refusals of :meth:`bot.items.ItemService.act`.
"""

from __future__ import annotations

import contextlib
import time

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.items import actor_of, view_of
from bot.move_log import log_stale
from bot.moves import Edit, StaleItem
from bot.people import roles_of
from bot.queue import card_audience
from bot.text import esc, split_for_messages
from bot.usecases.tap_move import log_refusal, tap_move
from bot.workflow import Action, State, WorkflowError, may_follow, needs_reason, transition
from handlers import admin, deputies, publishing, start
from handlers.announce import (
    MEDIA_MENU,
    announce,
    redraw,
    redraw_from,
    send_preview,
    show_card,
    show_menu,
)
from handlers.buttons import Tap, button, decode
from handlers.cards import category_keyboard, history_text, media_keyboard
from handlers.common import (
    WartaContext,
    acting_person,
    answer_tap,
    edit_tapped,
    language_of,
    telegram_user,
)
from handlers.outcomes import explain, stale_text
from handlers.prompts import ask
from handlers.queue import viewer_of
from handlers.sender import sender_of
from handlers.tap_moves import move_from_tap
from storage.models import Item, Person

PROMPT_FOR = {
    Action.SEND_BACK: ("send_back", "prompt.send_back"),
    Action.REQUEST_CHANGES: ("changes", "prompt.changes"),
    Action.REJECT: ("reject", "prompt.reject"),
    Action.EDIT_TITLE: ("edit_title", "prompt.edit_title"),
    Action.EDIT_BODY: ("edit_body", "prompt.edit_body"),
    Action.HOLD: ("hold", "prompt.hold"),
    Action.UNPUBLISH: ("unpublish", "prompt.unpublish"),
}
CONFIRM_FIRST = frozenset({Action.WITHDRAW})
# The move behind each menu of a card (the editor's category, media and cover; the
# publisher's schedule): the rule a tapper is checked against before it opens.
MENU_ACTIONS = {
    "cat": Action.SET_CATEGORY,
    "cov": Action.SET_COVER,
    "sch": Action.SCHEDULE,
    "med": Action.DROP_MEDIA,
    "drop": Action.DROP_MEDIA,
}


async def on_tap(update: Update, context: WartaContext) -> None:
    """Route a button tap by its verb."""
    query = update.callback_query
    if query is None:
        return
    tap = decode(query.data)
    # A move: read and made in one unit of work, answered from what it found.
    action = tap.action if tap is not None and tap.verb in ("act", "ok") else None
    if tap is not None and action is not None and await _tap_move(update, context, tap, action):
        return
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    t = context.services.t
    if tap is None:
        await answer_tap(query, t("error.bad_button", language), show_alert=True)
        return
    if tap.verb == "lang":
        await start.tap_language(update, context, tap)
        return
    if person is None:
        await answer_tap(query, t("stranger.short", language), show_alert=True)
        return
    admin_taps = {
        "inv": admin.tap_invite,
        "ppl": admin.tap_person,
        "rol": admin.tap_role,
        "rvk": admin.tap_role,
        "bind": admin.tap_bind,
    }
    if tap.verb in admin_taps:
        await admin_taps[tap.verb](update, context, tap)
        return
    if tap.verb.startswith("wk"):
        await deputies.tap(update, context, tap)
        return
    item = await _item_for(tap, context)
    if item is None:
        await answer_tap(query, t("error.item_unknown", language), show_alert=True)
        return
    if not may_follow(actor_of(person), item.officer_id):
        await answer_tap(query, t("error.not_participant", language), show_alert=True)
        return
    await _item_tap(update, context, person, item, tap, language)


async def _tap_move(update: Update, context: WartaContext, tap: Tap, action: Action) -> bool:
    """The fast path of a move button; False when the tapper must be registered first
    (the general path does that, and the move)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.message is not None
    if user is None or user.is_bot:
        return False
    services = context.services
    try:
        item_id, version = tap.int_arg(1), tap.int_arg(2)
    except AssertionError:
        return False
    confirmed = tap.verb == "ok"
    ask_first = action in PROMPT_FOR or (action in CONFIRM_FIRST and not confirmed)
    chat_id = query.message.chat.id
    # The tapped card is redrawn here, first and from what the move read, when that
    # chat's limits let an edit go at once; otherwise the sender draws it in turn.
    sender = sender_of(context)
    drawn_in = None
    if not ask_first and sender is not None and sender.may_edit_now(chat_id):
        drawn_in = chat_id
    tapped = await tap_move(
        services.items,
        services.people,
        telegram_user(user),
        item_id,
        version,
        action,
        services.now(),
        ask_first=ask_first,
        drawn_in=drawn_in,
    )
    if tapped is None:
        return False
    person = tapped.person
    language = language_of(person, context, update)
    if tapped.stale is not None:
        await answer_tap(query, stale_text(tapped.stale, context, language, person.id), True)
        await redraw(context, tapped.stale.item, chat_id)
    elif tapped.refusal is not None:
        await answer_tap(query, explain(tapped.refusal, context, language), show_alert=True)
    elif tapped.outcome is not None:
        await answer_tap(query, services.t(f"done.{action.value}", language))
        facts = tapped.outcome.facts
        if tapped.outcome.drawn_in is not None and facts is not None:
            await redraw_from(context, facts, tapped.outcome.drawn_in, language)
        await announce(context, tapped.outcome)
    elif tapped.item is not None:
        await _ask_first(update, context, person, tapped.item, action, language)
    return True


async def _item_for(tap: Tap, context: WartaContext) -> Item | None:
    index = 1 if tap.verb in ("act", "ok") else 0
    try:
        item_id = tap.int_arg(index)
    except AssertionError:
        return None
    return await context.services.items.get(item_id)


async def _item_tap(
    update: Update,
    context: WartaContext,
    person: Person,
    item: Item,
    tap: Tap,
    language: str,
) -> None:
    started = time.perf_counter()
    query = update.callback_query
    assert query is not None and query.message is not None
    services = context.services
    t = services.t
    chat_id = query.message.chat.id
    verb = tap.verb
    if verb == "his":
        events = await services.items.history(item.id)
        await answer_tap(query)
        await context.bot.send_message(
            chat_id, history_text(item, events, language, services), parse_mode="HTML"
        )
        return
    if verb == "full":
        await answer_tap(query)
        for part in split_for_messages(f"{item.title or ''}\n\n{item.body or ''}".strip(), 3500):
            await context.bot.send_message(chat_id, esc(part), parse_mode="HTML")
        return
    if verb == "pre":
        await answer_tap(query, t("preview.sending", language))
        await send_preview(context, chat_id, item)
        return
    if verb == "card":
        await answer_tap(query)
        await redraw(context, item, chat_id)
        return
    if verb == "open":
        # From the queue: the card at the bottom of this chat, as this chat sees it.
        await answer_tap(query)
        roles = frozenset(roles_of(person))
        viewer = await viewer_of(context, query.message.chat, roles, person.id)
        audience = card_audience(viewer, State(item.state), item.officer_id)
        await show_card(context, item, chat_id, audience, repost=True)
        return
    if verb == "add":
        await _add_more(update, context, person, item, language)
        return
    # Everything below acts on a specific version of the item.
    version = tap.int_arg(2) if verb in ("act", "ok") else tap.int_arg(1)
    if version != item.version:
        stale = StaleItem(item, await services.items.last_event(item.id))
        tried: Action | str = tap.action if tap.action is not None else verb
        log_stale(started, stale, MENU_ACTIONS.get(verb, tried), person, version)
        await answer_tap(query, stale_text(stale, context, language, person.id), show_alert=True)
        await redraw(context, item, chat_id)
        return
    if verb in ("act", "ok"):
        action = tap.action
        if action is None:
            await answer_tap(query, t("error.bad_button", language), show_alert=True)
            return
        await _act(update, context, person, item, action, confirmed=verb == "ok", language=language)
        return
    # Menus behind a card: the editor's category, media list, drop and cover; the
    # publisher's schedule.
    await _content_tap(update, context, person, item, tap, language)


async def _add_more(
    update: Update, context: WartaContext, person: Person, item: Item, language: str
) -> None:
    query = update.callback_query
    assert query is not None
    t = context.services.t
    try:
        await context.services.drafts.select_draft(person, item.id)
    except WorkflowError as error:
        await answer_tap(query, explain(error, context, language), show_alert=True)
        return
    await answer_tap(query, t("draft.add_more", language))


async def _act(
    update: Update,
    context: WartaContext,
    person: Person,
    item: Item,
    action: Action,
    *,
    confirmed: bool,
    language: str,
) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    services = context.services
    # Check the tapper first, so nobody is asked for a reason they may not give.
    started = time.perf_counter()
    try:
        transition(
            view_of(item),
            actor_of(person),
            action,
            services.now(),
            note="-" if needs_reason(action) else None,
        )
    except WorkflowError as error:
        log_refusal(started, item, action, person, error)
        await answer_tap(query, explain(error, context, language), show_alert=True)
        return
    if action in PROMPT_FOR or (action in CONFIRM_FIRST and not confirmed):
        await _ask_first(update, context, person, item, action, language)
        return
    await move_from_tap(update, context, person, item, action, language)


async def _ask_first(
    update: Update, context: WartaContext, person: Person, item: Item, action: Action, language: str
) -> None:
    """The move needs words (a reason, a title) or a yes before it is made."""
    query = update.callback_query
    assert query is not None
    t = context.services.t
    if action in PROMPT_FOR:
        kind, question = PROMPT_FOR[action]
        await answer_tap(query, t("prompt.toast", language))
        await ask(update, context, person, kind, language, question, item)
        return
    await answer_tap(query)
    markup = InlineKeyboardMarkup(
        [
            [button(t(f"confirm.{action.value}", language), "ok", action, item.id, item.version)],
            [button(t("button.keep", language), "card", item.id)],
        ]
    )
    with contextlib.suppress(BadRequest):
        await edit_tapped(query, reply_markup=markup)


async def _content_tap(
    update: Update, context: WartaContext, person: Person, item: Item, tap: Tap, language: str
) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    services = context.services
    t = services.t
    # Check the tapper against the rule behind this menu before showing anything.
    guard = MENU_ACTIONS.get(tap.verb, Action.DROP_MEDIA)
    started = time.perf_counter()
    try:
        transition(view_of(item), actor_of(person), guard, services.now())
    except WorkflowError as error:
        log_refusal(started, item, guard, person, error)
        await answer_tap(query, explain(error, context, language), show_alert=True)
        return
    if tap.verb == "sch":
        await publishing.tap_schedule(update, context, person, item, tap, language)
        return
    if tap.verb == "med":
        await answer_tap(query)
        await edit_tapped(query, reply_markup=media_keyboard(item, language, services))
        return
    if tap.verb == "cat" and tap.int_arg(2) < 0:
        await answer_tap(query)
        await edit_tapped(query, reply_markup=category_keyboard(item, language, services))
        return
    if tap.verb == "cat":
        index = tap.int_arg(2)
        if index >= len(services.items.categories):
            await answer_tap(query, t("error.category_unknown", language), show_alert=True)
            return
        action, edit = Action.SET_CATEGORY, Edit(category=services.items.categories[index])
    elif tap.verb == "drop":
        action, edit = Action.DROP_MEDIA, Edit(media_id=tap.int_arg(2))
    else:
        action, edit = Action.SET_COVER, Edit(media_id=tap.int_arg(2))
    outcome = await move_from_tap(update, context, person, item, action, language, edit)
    if outcome is None:
        return
    if action is not Action.SET_CATEGORY and any(not m.dropped for m in outcome.item.media):
        # Stay in the media list so several files can be dropped in a row: the card's
        # redraw after the move shows the list (the sender draws it after the move's).
        await show_menu(context, outcome.item.id, query.message.chat.id, MEDIA_MENU)
