"""One move made from a tap: answer the tap, then tell everyone.

Shared by the card taps (:mod:`handlers.taps`) and the menus behind a card (the
schedule menu in :mod:`handlers.publishing`), so neither imports the other.
"""

from __future__ import annotations

from telegram import Update

from bot.core.item_changes import Edit
from bot.core.values import Item, Person
from bot.core.workflow import Action, WorkflowError
from bot.usecases.moves import Outcome, StaleItem
from handlers.announce import announce
from handlers.common import WartaContext, answer_tap
from handlers.outcomes import explain, perform, stale_text


async def move_from_tap(
    update: Update,
    context: WartaContext,
    person: Person,
    item: Item,
    action: Action,
    language: str,
    edit: Edit | None = None,
) -> Outcome | None:
    """Make the move for the tapped version, answer the tap, then tell everyone."""
    query = update.callback_query
    assert query is not None and query.message is not None
    try:
        outcome = await perform(update, context, person, item.id, item.version, action, edit=edit)
    except StaleItem as stale:
        await answer_tap(query, stale_text(stale, context, language, person.id), show_alert=True)
        await context.sender.show_card(context, stale.item.id, query.message.chat.id)
        return None
    except WorkflowError as error:
        await answer_tap(query, explain(error, context, language), show_alert=True)
        return None
    await answer_tap(query, context.services.t(f"done.{action.value}", language))
    await announce(context, outcome)
    return outcome
