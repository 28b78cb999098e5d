"""Making one move and explaining refusals, shared by buttons and typed answers."""

from __future__ import annotations

from datetime import datetime

from babel.dates import get_day_names
from telegram import Update

from bot.core import timefmt
from bot.core.item_changes import Edit
from bot.core.values import Person
from bot.core.when import WhenError
from bot.core.workflow import Action, WorkflowError
from bot.usecases.moves import Outcome, StaleItem
from handlers.common import WartaContext

OWN_ADDITIONS = ("add_media", "edit_text")


def explain(error: WorkflowError, context: WartaContext, language: str) -> str:
    """A refusal in words: role and state names are translated, too."""
    t = context.services.t
    params = dict(error.params)
    if "role" in params:
        params["role"] = t(f"role.{params['role']}", language)
    if "state" in params:
        params["state"] = t(f"state.{params['state']}", language)
    return t(error.key, language, **params)


def explain_when(error: WhenError, context: WartaContext, language: str) -> str:
    """Why a typed or tapped publication time was refused, with its values in words."""
    services = context.services
    params = dict(error.params)
    at = params.get("at")
    if isinstance(at, datetime):
        params["at"] = timefmt.short(at, services.zone, language, services.now())
    days = get_day_names("wide", locale=language)
    for name in ("weekday", "actual"):
        value = params.get(name)
        if isinstance(value, int):
            params[name] = days[value]
    return services.t(error.key, language, **params)


def stale_text(
    stale: StaleItem, context: WartaContext, language: str, viewer_id: int | None = None
) -> str:
    """Who moved the item first, and when — for the person who tapped too late."""
    t = context.services.t
    event = stale.last_event
    state = t(f"state.{stale.item.state}", language)
    if event is not None and event.actor_id == viewer_id and event.action in OWN_ADDITIONS:
        # Their own newest file or text changed the card under their finger.
        return t("stale.own_addition", language)
    if event is None:
        return t("stale.plain", language, code=stale.item.code, state=state)
    when = timefmt.short(event.created_at, context.services.zone, language, context.services.now())
    return t(
        "stale.by",
        language,
        code=stale.item.code,
        action=t(f"event.{event.action}", language),
        name=event.actor_name or "-",
        when=when,
        state=state,
    )


async def perform(
    update: Update,
    context: WartaContext,
    person: Person,
    item_id: int,
    version: int | None,
    action: Action,
    note: str | None = None,
    edit: Edit | None = None,
    answering: tuple[int, int] | None = None,
) -> Outcome:
    """Make the move (one transaction; ``answering``: the question it answers, forgotten
    in the same commit). The caller answers the person first and then calls
    :func:`handlers.announce.announce`, so a tap is acknowledged at once even when the
    hand-over uploads take a while."""
    services = context.services
    return await services.items.act(
        item_id,
        version,
        person,
        action,
        services.now(),
        note=note,
        edit=edit,
        answering=answering,
    )
