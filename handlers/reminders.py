"""Reminders and escalations as people read them, and the job that writes them.

The sweep (``bot.usecases.remind``) writes the rows; the sender draws each one here when
it goes, from the item as it is then: a reminder whose step has been left meanwhile is
dropped, and its button carries the item's version at that moment.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.core import timefmt
from bot.core.card_facts import CardFacts
from bot.core.queue import Viewer
from bot.core.reminders import NEXT_MOVE, Stage, holder_purpose
from bot.core.text import esc
from bot.core.workflow import State
from bot.usecases.queue import queue_for
from handlers.buttons import button
from handlers.cards import STATE_ICON
from handlers.common import WartaContext, guarded
from handlers.queue import queue_line


def reminder_view(
    context: WartaContext, facts: CardFacts, state: str, stage: str, language: str
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The reminder's text and its one button; None when the step was left meanwhile."""
    item = facts.item
    if item.state != state or item.step_due_at is None:
        return None
    services = context.services
    t = services.t
    now = services.now()
    step = State(state)
    zone = services.zone
    since = timefmt.short(item.state_entered_at, zone, language, now)
    worked = services.steps.calendar.between(item.state_entered_at, now)
    waited = timefmt.duration(worked, t, language)
    left = services.steps.left(item.step_due_at, now)
    due = timefmt.deadline(item.step_due_at, now, left, zone, t, language)
    if Stage(stage) is Stage.LATE and left >= timedelta(0):
        # Sent at the late point itself: it is late, not "0 minutes left".
        clock = timefmt.short(item.step_due_at, zone, language, now)
        due = f"{clock} ({t('time.past_due', language)})"
    title = item.title or t("card.no_title", language)
    lines: list[str] = []
    if Stage(stage) is Stage.REMIND:
        lines.append("⏰ <b>" + esc(t("reminder.title", language, code=item.code)) + "</b>")
        lines.append(f"<b>{esc(title)}</b>")
        if step is State.COLLECTING:
            lines.append(esc(t("reminder.draft", language, since=since, waited=waited)))
        else:
            holder = _holder(step, facts, language, context)
            lines.append(
                esc(t("reminder.waiting", language, holder=holder, since=since, waited=waited))
            )
        lines.append("⏰ " + esc(t("card.due", language, due=due)))
        action = NEXT_MOVE[step]
        markup = InlineKeyboardMarkup(
            [[button(t(f"button.{action.value}", language), "act", action, item.id, item.version)]]
        )
    else:
        lines.append("⚠️ <b>" + esc(t("late.title", language, code=item.code)) + "</b>")
        lines.append(f"<b>{esc(title)}</b>")
        holder = _holder(step, facts, language, context)
        lines.append(esc(t("late.holder", language, holder=holder, since=since)))
        lines.append("⚠️ " + esc(t("card.due", language, due=due)))
        if facts.officer is not None:
            who = facts.officer.full_name + (f" · {item.section}" if item.section else "")
            lines.append("👤 " + esc(who))
        markup = InlineKeyboardMarkup([[button(t("button.history", language), "his", item.id)]])
    return "\n".join(lines), markup


def _holder(step: State, facts: CardFacts, language: str, context: WartaContext) -> str:
    t = context.services.t
    purpose = holder_purpose(step)
    if purpose is None or purpose.role is None:
        name = facts.officer.full_name if facts.officer is not None else "-"
        return t("late.officer", language, name=name)
    return t(f"role.{purpose.role.value}", language)


async def send_reminder(
    context: WartaContext,
    chat_id: int,
    facts: CardFacts,
    state: str,
    stage: str,
    language: str,
) -> bool | None:
    """Send one reminder row; None: nothing to say any more (the step was left)."""
    view = reminder_view(context, facts, state, stage, language)
    if view is None:
        return None
    text, markup = view
    sent = await guarded(
        context,
        chat_id,
        lambda cid: context.bot.send_message(
            cid, text, parse_mode=ParseMode.HTML, reply_markup=markup
        ),
    )
    return sent is not None


# The late items a digest names; the rest are counted, and /antrian lists them all.
DIGEST_LATE_LINES = 10


async def send_digest(context: WartaContext, chat_id: int, language: str) -> bool | None:
    """A team group's morning digest, drawn from its queue as it is now; None when
    nothing waits there (no message: a quiet morning needs none)."""
    services = context.services
    t = services.t
    purposes = frozenset(await services.chats.purposes_of(chat_id))
    if not purposes:
        return None  # the group was unbound since the digest was written
    now = services.now()
    steps = await queue_for(services.work.queue, services.steps, Viewer(purposes=purposes), now)
    if not steps:
        return None
    day = timefmt.day(now, services.zone, language)
    lines = ["☀️ <b>" + esc(t("digest.title", language, day=day)) + "</b>"]
    for step in steps:
        label = t(f"state.{step.state.value}", language)
        counts = t("digest.counts", language, n=len(step.lines), late=len(step.late))
        lines.append(f"{STATE_ICON[step.state]} <b>{esc(label)}</b>: {esc(counts)}")
        lines.extend(queue_line(line, context, language) for line in step.late[:DIGEST_LATE_LINES])
        hidden = len(step.late) - DIGEST_LATE_LINES
        if hidden > 0:
            lines.append(esc(t("queue.more", language, n=hidden)))
    lines.append(esc(t("digest.footer", language)))
    sent = await guarded(
        context,
        chat_id,
        lambda cid: context.bot.send_message(cid, "\n".join(lines), parse_mode=ParseMode.HTML),
    )
    return sent is not None
