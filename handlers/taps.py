"""The move buttons of a card (``act``/``ok``): every tap is answered, every tapper checked.

A tap carries (action, item, version). The fast path reads the tapper and the item, checks
them and makes the move in one unit of work (:mod:`bot.usecases.tap_move`); a tapper who
must be registered first (or whose name changed) goes through the shared guard
(:mod:`handlers.tap_guard`) instead. An old version means the item moved on: the tapper is
told who moved it, and the card is redrawn. Moves that need words (reasons, a new title)
or a yes ask first and act on the reply.
"""

from __future__ import annotations

from telegram import Update

from bot.core.values import Item, Person
from bot.core.workflow import Action
from bot.usecases.tap_move import tap_move
from handlers.announce import announce
from handlers.buttons import decode
from handlers.card_menus import confirm_menu
from handlers.common import WartaContext, answer_tap, language_of, telegram_user
from handlers.outcomes import explain, stale_text
from handlers.prompts import ask
from handlers.tap_guard import admit, refuse_button
from handlers.tap_moves import move_from_tap

VERBS = ("act", "ok")
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


def _asks_first(action: Action, confirmed: bool) -> bool:
    return action in PROMPT_FOR or (action in CONFIRM_FIRST and not confirmed)


async def on_move(update: Update, context: WartaContext) -> None:
    """``act:<action>:<item>:<version>`` and its confirmation ``ok:...``."""
    query = update.callback_query
    if query is None:
        return
    tap = decode(query.data)
    action = tap.action if tap is not None else None
    if tap is None or action is None:
        await refuse_button(update, context)
        return
    if await _fast_move(update, context, action, tap.int_arg(1), tap.int_arg(2), tap.verb == "ok"):
        return
    tapped = await admit(update, context, tap)
    if tapped is None:
        return
    confirmed = tap.verb == "ok"
    if _asks_first(action, confirmed):
        await _ask_first(update, context, tapped.person, tapped.item, action, tapped.language)
        return
    await move_from_tap(update, context, tapped.person, tapped.item, action, tapped.language)


async def _fast_move(
    update: Update,
    context: WartaContext,
    action: Action,
    item_id: int,
    version: int,
    confirmed: bool,
) -> bool:
    """The move read, checked and made in one unit of work; False when the tapper must be
    registered first (the guard's path does that, and the move)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and query.message is not None
    if user is None or user.is_bot:
        return False
    services = context.services
    ask_first = _asks_first(action, confirmed)
    chat_id = query.message.chat.id
    # The tapped card is redrawn here, first and from what the move read, when that
    # chat's limits let an edit go at once; otherwise the sender draws it in turn.
    drawn_in = None
    if not ask_first and context.sender.may_edit_now(chat_id):
        drawn_in = chat_id
    result = await tap_move(
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
    if result is None:
        return False
    person = result.person
    language = language_of(person, context, update)
    if result.stale is not None:
        await answer_tap(query, stale_text(result.stale, context, language, person.id), True)
        await context.sender.show_card(context, result.stale.item.id, chat_id)
    elif result.refusal is not None:
        await answer_tap(query, explain(result.refusal, context, language), show_alert=True)
    elif result.outcome is not None:
        await answer_tap(query, services.t(f"done.{action.value}", language))
        facts = result.outcome.facts
        if result.outcome.drawn_in is not None and facts is not None:
            await context.sender.draw_now(context, facts, result.outcome.drawn_in, language)
        await announce(context, result.outcome)
    elif result.item is not None:
        await _ask_first(update, context, person, result.item, action, language)
    return True


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
    assert query.message is not None
    menu = confirm_menu(action)
    await context.sender.show_card(context, item.id, query.message.chat.id, menu=menu)
