"""The menus a card can show in place of its buttons, drawn by the sender.

A handler asks for a menu by name (``Sender.show_card(..., menu=...)``); the sender
draws the card with that keyboard in the chat's turn, from the item as it is then.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core import timefmt
from bot.core.values import Item
from bot.core.when import quick_choices
from bot.core.workflow import Action
from bot.usecases.services import Services
from handlers.buttons import button
from handlers.cards import category_keyboard, media_keyboard

MEDIA_MENU = "media"  # the files, to drop one or choose the cover
CATEGORY_MENU = "categories"
SCHEDULE_MENU = "schedule"  # quick publishing times, or type one
CONFIRM_MENU = "confirm"  # "confirm:<action>": yes, or keep the card as it is


def confirm_menu(action: Action) -> str:
    return f"{CONFIRM_MENU}:{action.value}"


def menu_keyboard(
    menu: str, item: Item, language: str, services: Services
) -> InlineKeyboardMarkup | None:
    """The keyboard of that menu, or None for a name this version does not know (a
    row written by another version: the card is drawn with its own buttons)."""
    if menu == MEDIA_MENU:
        return media_keyboard(item, language, services)
    if menu == CATEGORY_MENU:
        return category_keyboard(item, language, services)
    if menu == SCHEDULE_MENU:
        return schedule_keyboard(item, language, services)
    kind, _, action = menu.partition(":")
    if kind == CONFIRM_MENU:
        try:
            return confirm_keyboard(item, Action(action), language, services)
        except ValueError:
            return None
    return None


def schedule_keyboard(item: Item, language: str, services: Services) -> InlineKeyboardMarkup:
    t = services.t
    rows = []
    now = services.now()
    shown_on = now.astimezone(services.zone).strftime("%Y%m%d")
    for choice in quick_choices(now, services.zone):
        label = t(choice.label_key, language, **choice.params)
        key = choice.key
        if "hours" in choice.params:
            # "In 3 hours" says nothing about the clock; show it.
            label += " · " + timefmt.short(choice.at, services.zone, language, now)
        else:
            # "Tomorrow" means the day after the one the menu was shown on.
            key += f"_{shown_on}"
        rows.append([button(label, "sch", item.id, item.version, key)])
    rows.append([button(t("button.schedule_type", language), "sch", item.id, item.version, "type")])
    rows.append([button(t("button.back", language), "card", item.id)])
    return InlineKeyboardMarkup(rows)


def confirm_keyboard(
    item: Item, action: Action, language: str, services: Services
) -> InlineKeyboardMarkup:
    t = services.t
    return InlineKeyboardMarkup(
        [
            [button(t(f"confirm.{action.value}", language), "ok", action, item.id, item.version)],
            [button(t("button.keep", language), "card", item.id)],
        ]
    )
