"""Typed input, only when asked: reasons, a new title or body, an officer's section.

The question is a ForceReply message (so it also reaches the bot in groups with privacy
mode on) and a row in ``prompts``; the next text from that person in that chat is the
answer, ``/batal`` drops the question.

```mermaid
stateDiagram-v2
    [*] --> asked: a button that needs words
    asked --> done: the person replies with text
    asked --> [*]: /batal, or 12 hours pass
    done --> [*]: the move is made, cards refresh
```
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import ForceReply, Update
from telegram.constants import ChatType

from bot.core import timefmt
from bot.core.item_changes import Edit
from bot.core.text import esc
from bot.core.values import Item, Person
from bot.core.when import WhenError, parse_when
from bot.core.workflow import Action, WorkflowError
from bot.usecases.chats import PendingPrompt
from bot.usecases.moves import StaleItem
from handlers.announce import announce
from handlers.common import WartaContext, acting_person, language_of, reply
from handlers.outcomes import explain, explain_when, perform, stale_text

# Refusals the person can fix by typing again; the question is asked anew.
RETRYABLE = frozenset(
    {
        "error.reason_required",
        "error.reason_too_long",
        "error.title_empty",
        "error.title_too_long",
        "error.body_too_long",
        "error.section_required",
        "error.section_too_long",
        "error.alt_too_long",
        "when.unreadable",
        "when.in_past",
        "when.too_far",
        "when.time_missing",
        "when.invalid_date",
        "when.weekday_mismatch",
        "when.invalid_time",
        "when.day_part_mismatch",
        "error.schedule_past",
    }
)

ITEM_PROMPTS = {
    "send_back": Action.SEND_BACK,
    "changes": Action.REQUEST_CHANGES,
    "reject": Action.REJECT,
    "edit_title": Action.EDIT_TITLE,
    "edit_body": Action.EDIT_BODY,
    "hold": Action.HOLD,
    "unpublish": Action.UNPUBLISH,
    "schedule": Action.SCHEDULE,
    # ``alt:<media id>``: the question names the photo it is about.
    "alt": Action.SET_ALT,
}


# Questions that are not about an item are answered by the module that asked them:
# it registers its answer function here (``@answered_by("section")``), so this module
# needs no import of theirs.
PromptAnswer = Callable[[Update, WartaContext, Person, str], Awaitable[None]]
_ANSWERS: dict[str, PromptAnswer] = {}


def answered_by(kind: str) -> Callable[[PromptAnswer], PromptAnswer]:
    """Register the function that takes the typed answer to questions of ``kind``."""

    def register(function: PromptAnswer) -> PromptAnswer:
        if kind in _ANSWERS or kind in ITEM_PROMPTS:
            raise ValueError(f"prompt kind {kind!r} is answered twice")
        _ANSWERS[kind] = function
        return function

    return register


async def ask(
    update: Update,
    context: WartaContext,
    person: Person,
    kind: str,
    language: str,
    question_key: str,
    item: Item | None = None,
    **facts: str,
) -> None:
    """Ask one person for text in this chat (``facts``: more for the question's text)."""
    # A mention makes ForceReply(selective) open the reply box for this person only.
    name = f'<a href="tg://user?id={person.id}">{esc(person.full_name)}</a>'
    code = esc(item.code) if item else ""
    zone = timefmt.zone_label(context.services.zone)
    text = context.services.t(
        question_key, language, name=name, code=code, zone=zone,
        **{key: esc(value) for key, value in facts.items()},
    )  # fmt: skip
    await _send_question(
        update,
        context,
        person,
        kind,
        language,
        text,
        item.id if item else None,
        item.version if item else None,
    )


async def _send_question(
    update: Update,
    context: WartaContext,
    person: Person,
    kind: str,
    language: str,
    text: str,
    item_id: int | None,
    item_version: int | None,
) -> None:
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    t = services.t
    previous = await services.chats.pending(chat.id, person.id, services.now())
    if previous is not None and (previous.kind, previous.item_id) != (kind, item_id):
        # One open question per person and chat: say plainly that the older one is gone.
        text += "\n" + t("prompt.replaced", language)
    await services.chats.ask(
        chat.id, person.id, kind, services.now(), item_id=item_id, item_version=item_version
    )
    placeholder = t(f"prompt.placeholder.{kind.partition(':')[0]}", language)[:64]
    sent = await context.bot.send_message(
        chat.id,
        text + "\n" + t("prompt.how_to_cancel", language),
        parse_mode="HTML",
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
    )
    await services.chats.set_prompt_message(chat.id, person.id, sent.message_id)


async def answer(update: Update, context: WartaContext, person: Person, text: str) -> bool:
    """Treat ``text`` as the answer to this person's open question. False if none."""
    chat = update.effective_chat
    if chat is None:
        return False
    services = context.services
    pending = await services.chats.pending(chat.id, person.id, services.now())
    if pending is None:
        return False
    language = language_of(person, context, update)
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.is_bot
    if to_bot and replied is not None and replied.message_id != pending.message_id:
        # A reply to an older question that a newer one replaced: never apply it to
        # the newer question's item.
        await reply(update, services.t("prompt.old_question", language))
        return True
    if chat.type != ChatType.PRIVATE and not to_bot:
        # In a group only a reply to the question is an answer; other talk is just talk.
        return False
    action = ITEM_PROMPTS.get(pending.kind.partition(":")[0])
    owner = _ANSWERS.get(pending.kind)
    if owner is None and action is not None and pending.item_id is not None:
        await _answer_move(update, context, person, pending, pending.item_id, action, text)
        return True
    # Not a move on an item: the question goes first, its owner answers it.
    await services.chats.forget(chat.id, person.id)
    if owner is not None:
        try:
            await owner(update, context, person, text)
        except (WorkflowError, WhenError) as error:
            await _refused(update, context, person, pending, error, language)
    return True


async def _answer_move(
    update: Update,
    context: WartaContext,
    person: Person,
    pending: PendingPrompt,
    item_id: int,
    action: Action,
    text: str,
) -> None:
    """The typed words make the move the question was about."""
    chat_id = person_chat(update)
    language = language_of(person, context, update)
    try:
        note, edit = _words(context, action, text, pending.kind.partition(":")[2])
        # The question is forgotten in the move's own commit: a crash in between loses
        # nothing (the question stays open until the move is made).
        outcome = await perform(
            update,
            context,
            person,
            item_id,
            pending.item_version,
            action,
            note=note,
            edit=edit,
            answering=(chat_id, person.id),
        )
    except StaleItem as stale:
        await context.services.chats.forget(chat_id, person.id)
        await reply(update, esc(stale_text(stale, context, language, person.id)))
        return
    except (WorkflowError, WhenError) as error:
        await _refused(update, context, person, pending, error, language)
        return
    await reply(update, context.services.t("prompt.thanks", language))
    await announce(context, outcome)


def person_chat(update: Update) -> int:
    """The chat of an update already known to have one."""
    assert update.effective_chat is not None
    return update.effective_chat.id


def _words(
    context: WartaContext, action: Action, text: str, about: str
) -> tuple[str | None, Edit | None]:
    """What the typed text is to the move: its note (a reason), or its new content
    (``about``: what the question named besides the item, e.g. the photo)."""
    if action is Action.SET_ALT:
        return None, Edit(media_id=int(about) if about.isdigit() else -1, alt=text)
    if action is Action.EDIT_TITLE:
        return None, Edit(title=text)
    if action is Action.EDIT_BODY:
        return None, Edit(body=text)
    if action is Action.SCHEDULE:
        return None, _schedule_edit(context, text)
    return text, None


async def _refused(
    update: Update,
    context: WartaContext,
    person: Person,
    pending: PendingPrompt,
    error: WorkflowError | WhenError,
    language: str,
) -> None:
    """Say why the answer was refused; ask again when typing again can fix it."""
    services = context.services
    problem = esc(
        explain(error, context, language)
        if isinstance(error, WorkflowError)
        else explain_when(error, context, language)
    )
    if error.key not in RETRYABLE:
        await services.chats.forget(person_chat(update), person.id)
        await reply(update, problem)
        return
    # Ask again at once, as a reply prompt, so the corrected text reaches the bot
    # (in a group with privacy mode on, only replies to the bot do).
    mention = f'<a href="tg://user?id={person.id}">{esc(person.full_name)}</a>'
    again = services.t("prompt.again", language, name=mention, problem=problem)
    await _send_question(
        update,
        context,
        person,
        pending.kind,
        language,
        again,
        pending.item_id,
        pending.item_version,
    )


def _schedule_edit(context: WartaContext, text: str) -> Edit:
    """A typed publication time; raises WhenError for what cannot be read."""
    services = context.services
    return Edit(publish_at=parse_when(text, services.now(), services.zone))


async def cancel(update: Update, context: WartaContext) -> None:
    """/batal: drop the open question, if any."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    chat = update.effective_chat
    if chat is None:
        return
    if person is None:
        await reply(update, context.services.t("stranger", language))
        return
    services = context.services
    pending = await services.chats.pending(chat.id, person.id, services.now())
    dropped = await services.chats.forget(chat.id, person.id)
    key = "prompt.cancelled" if dropped else "prompt.nothing_to_cancel"
    await reply(update, services.t(key, language))
    if pending is not None and pending.item_id is not None:
        # The question came from a menu behind the card (schedule, reasons): put the
        # card back as it was, so its buttons are the ones the step really offers.
        await context.sender.show_card(context, pending.item_id, chat.id)


async def group_text(update: Update, context: WartaContext) -> None:
    """Text in a group counts only as the answer to a question the bot asked that person."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if update.effective_chat is None or update.effective_chat.type == ChatType.PRIVATE:
        return
    person = await acting_person(update, context)
    if person is None:
        return
    await answer(update, context, person, message.text)
