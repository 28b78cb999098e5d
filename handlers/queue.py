"""``/antrian``: what waits at each step, late first, with a button to open each card."""

from __future__ import annotations

from datetime import timedelta

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.core import timefmt
from bot.core.queue import Line, Step, Viewer
from bot.core.text import esc, excerpt
from bot.core.workflow import Role, State
from bot.usecases.people import roles_of
from bot.usecases.queue import queue_for
from handlers.buttons import button
from handlers.cards import STATE_ICON
from handlers.common import WartaContext, acting_person, language_of, reply

# A phone screen: this many lines per step, this many card buttons in all.
LINES_PER_STEP = 12
BUTTONS = 20


async def show_queue(update: Update, context: WartaContext) -> None:
    """/antrian: in a team group its own step; in private the steps of one's roles
    (officials and admins: every step)."""
    services = context.services
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    t = services.t
    chat = update.effective_chat
    if person is None or not roles_of(person) or chat is None:
        await reply(update, t("stranger", language))
        return
    viewer = await viewer_of(context, chat, frozenset(roles_of(person)), person.id)
    if chat.type != ChatType.PRIVATE and not viewer.in_group:
        await reply(update, t("queue.unbound_group", language))
        return
    now = services.now()
    steps = await queue_for(services.work.queue, services.steps, viewer, now)
    text, markup = queue_view(steps, context, language)
    await reply(update, text, reply_markup=markup)


async def viewer_of(
    context: WartaContext, chat: Chat, roles: frozenset[Role], person_id: int
) -> Viewer:
    """A team group sees as its purposes; a person in private as their roles."""
    if chat.type == ChatType.PRIVATE:
        return Viewer(roles=roles, person_id=person_id)
    purposes = frozenset(await context.services.chats.purposes_of(chat.id))
    return Viewer(purposes=purposes, roles=roles, person_id=person_id)


def queue_view(
    steps: list[Step], context: WartaContext, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    services = context.services
    t = services.t
    now = services.now()
    header = "📋 <b>" + esc(t("queue.title", language)) + "</b> · "
    header += esc(timefmt.short(now, services.zone, language))
    if not steps:
        return header + "\n\n" + esc(t("queue.empty", language)), None
    parts = [header]
    shown: list[Line] = []
    for step in steps:
        lines = [
            f"{STATE_ICON[step.state]} <b>{esc(t(f'state.{step.state.value}', language))}</b>"
            f" ({len(step.lines)})"
        ]
        for line in step.lines[:LINES_PER_STEP]:
            lines.append(queue_line(line, context, language))
            shown.append(line)
        hidden = len(step.lines) - LINES_PER_STEP
        if hidden > 0:
            lines.append(esc(t("queue.more", language, n=hidden)))
        parts.append("\n".join(lines))
    buttons = [button(line.waiting.code, "open", line.waiting.item_id) for line in shown[:BUTTONS]]
    rows: list[list[InlineKeyboardButton]] = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n\n".join(parts), InlineKeyboardMarkup(rows)


def queue_line(line: Line, context: WartaContext, language: str) -> str:
    """``⚠️ PKP-2026-0001 · Judul — terlambat 35 mnt kerja``."""
    services = context.services
    t = services.t
    item = line.waiting
    what = f"{item.code} · {excerpt(item.title or t('card.no_title', language), 40)}"
    if item.state is State.COLLECTING:
        what += f" · {item.officer_name}"
    if line.left is None:
        return "🗓 " + esc(what)
    if not line.late:
        left = t("time.work_left", language, d=timefmt.duration(line.left, t, language))
        return "⏰ " + esc(f"{what} — {left}")
    if line.left < timedelta(0):
        late = t("time.work_late", language, d=timefmt.duration(-line.left, t, language))
    else:
        late = t("time.past_due", language)
    return "⚠️ " + esc(f"{what} — {late}")
