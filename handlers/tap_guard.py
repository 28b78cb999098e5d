"""The one guard every button tap passes before its handler runs.

Each verb has one line in :data:`RULES`: where its item and card version sit in the
callback data, whether only admins may tap it, and which workflow move the tapper is
checked against before a menu opens. :func:`on_tap` turns a handler that takes a
:class:`Tapped` into a PTB callback: it decodes the button, recognises the person, loads
the item once, checks participation, version and rule, and answers every refusal itself
(a forged button, a stranger, an old card, a move the tapper may not make), so a
handler only ever sees a tap it may act on and the error handler never sees a button.

The move buttons (``act``/``ok``) first try their own faster path, which reads and
checks everything inside the move's unit of work (:mod:`bot.usecases.tap_move`); they
come here only when the tapper must be registered first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from telegram import CallbackQuery, Update

from bot.core.item_changes import view_of
from bot.core.values import Item, Person
from bot.core.workflow import Action, Role, WorkflowError, may_follow, needs_reason, transition
from bot.usecases.items import actor_of
from bot.usecases.move_log import log_stale
from bot.usecases.moves import StaleItem
from bot.usecases.people import roles_of
from bot.usecases.tap_move import log_refusal
from handlers.buttons import VERBS, Tap, decode
from handlers.common import WartaContext, acting_person, answer_tap, language_of
from handlers.outcomes import explain, stale_text

TAPPED_ACTION = "tapped"  # the move is the one the button names (act/ok)


@dataclass(frozen=True)
class Rule:
    """How the guard treats one verb. ``item``/``version``: argument positions of the
    item id and of the card version the button was drawn for; ``checks``: the move the
    tapper must be allowed to make before the handler runs."""

    item: int | None = None
    version: int | None = None
    admin: bool = False
    checks: Action | str | None = None


_CARD = Rule(item=0)
_MOVE = Rule(item=1, version=2, checks=TAPPED_ACTION)


def _menu(action: Action) -> Rule:
    return Rule(item=0, version=1, checks=action)


_ADMIN = Rule(admin=True)
_PERSON = Rule()

RULES: dict[str, Rule] = {
    "act": _MOVE,
    "ok": _MOVE,
    "card": _CARD,
    "open": _CARD,
    "his": _CARD,
    "full": _CARD,
    "pre": _CARD,
    "add": _CARD,
    "med": _menu(Action.DROP_MEDIA),
    "drop": _menu(Action.DROP_MEDIA),
    "cov": _menu(Action.SET_COVER),
    "alt": _menu(Action.SET_ALT),
    "cat": _menu(Action.SET_CATEGORY),
    "sch": _menu(Action.SCHEDULE),
    "inv": _ADMIN,
    "ppl": _ADMIN,
    "rol": _ADMIN,
    "rvk": _ADMIN,
    "bind": _ADMIN,
    "lang": _PERSON,
    "wko": _PERSON,
    "wks": _PERSON,
    "wkl": _PERSON,
    "wkr": _PERSON,
    "wkd": _PERSON,
    "wkx": _PERSON,
}
assert RULES.keys() == VERBS.keys(), "every verb needs its line in RULES"


@dataclass(frozen=True)
class Tapped:
    """A tap that passed the guard: the decoded button, who tapped (registered), in
    which chat and language, and the item its rule names (loaded once)."""

    query: CallbackQuery
    tap: Tap
    person: Person
    language: str
    chat_id: int
    loaded: Item | None = None

    @property
    def item(self) -> Item:
        """The item of an item verb (its rule names one, so the guard loaded it)."""
        assert self.loaded is not None, f"{self.tap.verb} names no item"
        return self.loaded


TapHandler = Callable[[Update, WartaContext, Tapped], Awaitable[None]]
Callback = Callable[[Update, WartaContext], Awaitable[None]]


def pattern(verbs: Iterable[str]) -> re.Pattern[str]:
    """The callback data of exactly these verbs (for ``CallbackQueryHandler``)."""
    names = sorted(verbs)
    unknown = set(names) - VERBS.keys()
    assert not unknown, f"no such verbs: {unknown}"
    return re.compile("^(?:" + "|".join(map(re.escape, names)) + "):")


# Registered last: a button whose verb no handler knows (an old or forged one).
ANY_BUTTON = re.compile(r"(?s).*")


def on_tap(handler: TapHandler) -> Callback:
    """The PTB callback that guards ``handler``."""

    async def guarded_tap(update: Update, context: WartaContext) -> None:
        query = update.callback_query
        if query is None:
            return
        tap = decode(query.data)
        if tap is None:
            await refuse_button(update, context)
            return
        tapped = await admit(update, context, tap)
        if tapped is not None:
            await handler(update, context, tapped)

    guarded_tap.__name__ = guarded_tap.__qualname__ = handler.__name__
    guarded_tap.__doc__ = handler.__doc__
    return guarded_tap


async def refuse_button(update: Update, context: WartaContext) -> None:
    """A button that is malformed, forged, or of a kind warta no longer draws."""
    query = update.callback_query
    if query is None:
        return
    language = language_of(None, context, update)
    if update.effective_user is not None:
        person = await context.services.people.get(update.effective_user.id)
        language = language_of(person, context, update)
    await answer_tap(query, context.services.t("error.bad_button", language), show_alert=True)


async def admit(update: Update, context: WartaContext, tap: Tap) -> Tapped | None:
    """Everything the verb's rule asks for, loaded once and checked; None when the tap
    was refused (and answered)."""
    query = update.callback_query
    assert query is not None and query.message is not None
    started = time.perf_counter()
    services = context.services
    t = services.t
    rule = RULES[tap.verb]
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    if person is None:
        await answer_tap(query, t("stranger.short", language), show_alert=True)
        return None
    if rule.admin and Role.ADMIN not in roles_of(person):
        await answer_tap(query, t("error.admin_only", language), show_alert=True)
        return None
    tapped = Tapped(query, tap, person, language, query.message.chat.id)
    if rule.item is None:
        return tapped
    item = await services.items.get(tap.int_arg(rule.item))
    if item is None:
        await answer_tap(query, t("error.item_unknown", language), show_alert=True)
        return None
    if not may_follow(actor_of(person), item.officer_id):
        await answer_tap(query, t("error.not_participant", language), show_alert=True)
        return None
    action = tap.action if rule.checks == TAPPED_ACTION else rule.checks
    if rule.checks == TAPPED_ACTION and action is None:
        await answer_tap(query, t("error.bad_button", language), show_alert=True)
        return None
    if rule.version is not None and tap.int_arg(rule.version) != item.version:
        stale = StaleItem(item, await services.items.last_event(item.id))
        log_stale(started, stale, action or tap.verb, person, tap.int_arg(rule.version))
        await answer_tap(query, stale_text(stale, context, language, person.id), show_alert=True)
        await context.sender.show_card(context, item.id, tapped.chat_id)
        return None
    if isinstance(action, Action):
        try:
            # A move that needs words is checked as if they were given, so nobody is
            # asked for a reason they may not give.
            note = "-" if needs_reason(action) else None
            transition(view_of(item), actor_of(person), action, services.now(), note=note)
        except WorkflowError as error:
            log_refusal(started, item, action, person, error)
            await answer_tap(query, explain(error, context, language), show_alert=True)
            return None
    return Tapped(query, tap, person, language, tapped.chat_id, item)
