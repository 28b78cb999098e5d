"""The editor's menus behind a card: the category list, the media list, dropping a file,
choosing the cover and describing a photo. The guard has checked the tapper against the
menu's move and the card's version before any of these runs."""

from __future__ import annotations

from telegram import Update

from bot.core.item_changes import Edit
from bot.core.workflow import Action
from handlers.card_menus import CATEGORY_MENU, MEDIA_MENU
from handlers.cards import live_media
from handlers.common import WartaContext, answer_tap
from handlers.prompts import ask
from handlers.tap_guard import Tapped, on_tap
from handlers.tap_moves import move_from_tap


@on_tap
async def media_list(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``med:<item>:<version>``: the files, each with its drop and cover buttons."""
    await answer_tap(tapped.query)
    await context.sender.show_card(context, tapped.item.id, tapped.chat_id, menu=MEDIA_MENU)


@on_tap
async def category(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``cat:<item>:<version>:<index>``: open the list (index -1) or choose one."""
    services, index = context.services, tapped.tap.int_arg(2)
    if index < 0:
        await answer_tap(tapped.query)
        menu = CATEGORY_MENU
        await context.sender.show_card(context, tapped.item.id, tapped.chat_id, menu=menu)
        return
    categories = services.items.categories
    if index >= len(categories):
        text = services.t("error.category_unknown", tapped.language)
        await answer_tap(tapped.query, text, show_alert=True)
        return
    edit = Edit(category=categories[index])
    await move_from_tap(
        update, context, tapped.person, tapped.item, Action.SET_CATEGORY, tapped.language, edit
    )


@on_tap
async def describe(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``alt:<item>:<version>:<media>``: ask for the photo's description."""
    item, media_id = tapped.item, tapped.tap.int_arg(2)
    photo = next((m for m in live_media(item) if m.id == media_id), None)
    if photo is None or photo.kind != "photo":
        text = context.services.t("error.alt_not_photo", tapped.language)
        await answer_tap(tapped.query, text, show_alert=True)
        return
    await answer_tap(tapped.query)
    await ask(
        update, context, tapped.person, f"alt:{photo.id}", tapped.language, "prompt.alt",
        item, n=str(photo.position),
    )  # fmt: skip


@on_tap
async def drop_or_cover(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``drop:`` / ``cov:<item>:<version>:<media>``: drop a file, or make it the cover."""
    action = Action.DROP_MEDIA if tapped.tap.verb == "drop" else Action.SET_COVER
    edit = Edit(media_id=tapped.tap.int_arg(2))
    outcome = await move_from_tap(
        update, context, tapped.person, tapped.item, action, tapped.language, edit
    )
    if outcome is not None and any(not m.dropped for m in outcome.item.media):
        # Stay in the media list so several files can be dropped in a row: the card's
        # redraw after the move shows the list (the sender draws it after the move's).
        await context.sender.show_card(context, outcome.item.id, tapped.chat_id, menu=MEDIA_MENU)
