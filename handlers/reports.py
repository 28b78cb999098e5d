"""``/laporan [2026-11]``: the month's SOP report in the chat, for officials and admins.

The command only checks who asks and which month, answers at once, and leaves a
``report`` row for the sender: the report is made when it goes, in that chat's turn and
in a worker thread, so nobody else waits while the charts are drawn, and a restart in
between still delivers it. It arrives as the short summary, the two charts as one album
and the PDF and the spreadsheet as another.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from telegram import InputMediaDocument, InputMediaPhoto, Message, Update

from bot.core.months import Month
from bot.core.outgoing import Kind
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.report_tables import month_name_of
from bot.core.text import esc
from bot.core.workflow import Role
from bot.usecases.people import roles_of
from handlers.announce import Calls, send_text
from handlers.common import WartaContext, acting_person, guarded, language_of, reply

# Who may read the office's figures: the officials who answer for them, and the admins.
READERS = frozenset({Role.OFFICIAL, Role.ADMIN})


async def monthly_report(update: Update, context: WartaContext) -> None:
    """/laporan [YYYY-MM]: last month's report, or the month named."""
    services = context.services
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    t = services.t
    chat = update.effective_chat
    if person is None or not roles_of(person) or chat is None:
        await reply(update, t("stranger", language))
        return
    if not roles_of(person) & READERS:
        await reply(update, t("report.not_allowed", language))
        return
    now = services.now()
    zone = services.steps.calendar.zone
    try:
        month = Month.parse(context.args[0]) if context.args else Month.of(now, zone).previous()
    except ValueError:
        example = str(Month.of(now, zone).previous())
        given = esc((context.args or [""])[0][:20])
        await reply(update, t("report.bad_month", language, given=given, example=example))
        return
    if month.bounds(zone)[0] > now:
        await reply(
            update, t("report.future_month", language, month=month_name_of(month, t, language))
        )
        return
    await reply(update, t("report.making", language, month=month_name_of(month, t, language)))
    await context.sender.send(
        context, [OutgoingMessage(chat.id, Kind.REPORT, params={"month": str(month)})]
    )


async def send_report(
    context: WartaContext, chat_id: int, month_text: str, language: str, calls: Calls
) -> bool:
    """Make the month's report now and post it: summary, charts, files (for the sender)."""
    services = context.services
    if services.reports is None:
        return False  # a test set-up without reports
    files = await services.reports.make(Month.parse(month_text), services.now(), language)
    await calls(partial(send_text, context, chat_id, files.summary))
    photos = [InputMediaPhoto(path.read_bytes(), filename=path.name) for path in files.charts]
    await calls(partial(guarded, context, chat_id, partial(_album, context, photos)))
    documents = [_document(path) for path in (files.pdf, files.xlsx)]
    await calls(partial(guarded, context, chat_id, partial(_album, context, documents)))
    return True


def _document(path: Path) -> InputMediaDocument:
    return InputMediaDocument(path.read_bytes(), filename=path.name)


async def _album(
    context: WartaContext,
    media: list[InputMediaPhoto] | list[InputMediaDocument],
    chat_id: int,
) -> tuple[Message, ...]:
    return await context.bot.send_media_group(chat_id, media)
