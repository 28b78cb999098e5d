"""``/wakil``: an official away, and who acts for them (Plt/Plh), in a few taps.

An official records their own absence; an admin records one for any official. Four
questions, each a row of buttons: from when (today, tomorrow, the coming Monday), how
long, why, and who acts meanwhile (or nobody). Every tap is checked: only the official
themselves or an admin.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core import timefmt
from bot.core.deputies import Away, Period, Reason, Start, may_record
from bot.core.text import esc
from bot.core.workflow import Role, WorkflowError
from bot.usecases.deputies import absences_from, cancel_absence, record_absence
from bot.usecases.people import roles_of
from handlers.buttons import Tap, button
from handlers.common import (
    WartaContext,
    acting_person,
    answer_tap,
    edit_tapped,
    is_private,
    language_of,
    reply,
)
from handlers.tap_guard import Tapped, on_tap

NOBODY = 0


async def deputies(update: Update, context: WartaContext) -> None:
    """/wakil: the absences recorded from today, and buttons to record one."""
    services = context.services
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    t = services.t
    if person is None or not roles_of(person):
        await reply(update, t("stranger", language))
        return
    roles = roles_of(person)
    if not roles & {Role.OFFICIAL, Role.ADMIN}:
        await reply(update, t("deputy.not_allowed", language))
        return
    if not is_private(update):
        await reply(update, t("deputy.private_only", language))
        return
    today = services.steps.calendar.local(services.now()).date()
    mine = None if Role.ADMIN in roles else person.id
    aways = await absences_from(services.work.absences, today, mine)
    lines = ["🗓 <b>" + esc(t("deputy.title", language)) + "</b>"]
    lines += [esc(away_line(away, context, language)) for away in aways] or [
        esc(t("deputy.none", language))
    ]
    rows = [
        [button(t("deputy.cancel", language, what=short_away(a, language)), "wkx", a.id)]
        for a in aways
    ]
    if Role.OFFICIAL in roles:
        lines.append("")
        lines.append(esc(t("deputy.ask_start", language, official=person.full_name)))
        rows += start_rows(person.id, context, language)
    if Role.ADMIN in roles:
        officials = [p for p in await services.people.holders(Role.OFFICIAL) if p.id != person.id]
        if officials:
            lines.append("")
            lines.append(esc(t("deputy.for_other", language)))
            rows += [
                [button(t("deputy.record_for", language, official=p.full_name), "wko", p.id)]
                for p in officials
            ]
    await reply(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


def away_line(away: Away, context: WartaContext, language: str) -> str:
    t = context.services.t
    deputy = away.deputy_name or t("deputy.nobody", language)
    return t(
        "deputy.line",
        language,
        official=away.official_name,
        start=timefmt.date_short(away.starts_on, language),
        end=timefmt.date_short(away.ends_on, language),
        reason=t(f"deputy.reason.{away.reason.value}", language),
        deputy=deputy,
    )


def short_away(away: Away, language: str) -> str:
    return f"{away.official_name}, {timefmt.date_short(away.starts_on, language)}"


def start_rows(
    official_id: int, context: WartaContext, language: str
) -> list[list[InlineKeyboardButton]]:
    t = context.services.t
    return [
        [
            button(t(f"deputy.start.{start.value}", language), "wks", official_id, start)
            for start in Start
        ]
    ]


@on_tap
async def tap(update: Update, context: WartaContext, guarded: Tapped) -> None:
    """The buttons of /wakil: ``wko`` (an admin picks the official), ``wks`` (from when),
    ``wkl`` (how long), ``wkr`` (why), ``wkd`` (who acts), ``wkx`` (cancel)."""
    query, person, language, tapped = guarded.query, guarded.person, guarded.language, guarded.tap
    services = context.services
    t = services.t
    roles = roles_of(person)
    admin = Role.ADMIN in roles
    if tapped.verb == "wkx":
        done = await _cancel(context, tapped.int_arg(0), person.id, admin)
        await answer_tap(query, t("deputy.cancelled" if done else "deputy.gone", language))
        if done:
            await edit_tapped(query, esc(t("deputy.cancelled", language)), parse_mode="HTML")
        return
    official_id = tapped.int_arg(0)
    if not may_record(frozenset(roles), person.id, official_id):
        await answer_tap(query, t("deputy.not_allowed", language), show_alert=True)
        return
    found = await services.people.get(official_id)
    if found is None or Role.OFFICIAL not in roles_of(found):
        await answer_tap(query, t("deputy.not_official", language), show_alert=True)
        return
    name = found.full_name
    try:
        chosen = _choices(tapped)
    except ValueError:
        await answer_tap(query, t("error.bad_button", language), show_alert=True)
        return
    await _next_question(update, context, tapped, person.id, name, chosen, language)


def _choices(tapped: Tap) -> tuple[Start | None, Period | None, Reason | None]:
    """The answers a button carries so far (ValueError: a forged one)."""
    count = len(tapped.args)
    start = Start(tapped.str_arg(1)) if count > 1 else None
    period = Period(tapped.str_arg(2)) if count > 2 else None
    reason = Reason(tapped.str_arg(3)) if count > 3 else None
    return start, period, reason


async def _next_question(
    update: Update,
    context: WartaContext,
    tapped: Tap,
    recorder: int,
    name: str,
    chosen: tuple[Start | None, Period | None, Reason | None],
    language: str,
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    t = services.t
    official_id = tapped.int_arg(0)
    start, period, reason = chosen
    rows: list[list[InlineKeyboardButton]]
    if start is None:  # wko: an admin picked the official
        rows = start_rows(official_id, context, language)
        key = "deputy.ask_start"
    elif period is None:  # wks
        labels = [
            button(t(f"deputy.period.{p.value}", language), "wkl", official_id, start, p)
            for p in Period
        ]
        rows, key = [labels[:2], labels[2:]], "deputy.ask_period"
    elif reason is None:  # wkl
        reasons = [
            button(t(f"deputy.reason.{r.value}", language), "wkr", official_id, start, period, r)
            for r in Reason
        ]
        rows, key = [reasons[:2], reasons[2:]], "deputy.ask_reason"
    elif tapped.verb == "wkr":
        candidates = await services.people.deputy_candidates(official_id)
        rows = [
            [
                button(
                    ("⭐ " if official else "") + who,
                    "wkd",
                    official_id,
                    start,
                    period,
                    reason,
                    pid,
                )
            ]
            for pid, who, official in candidates
        ]
        nobody = t("deputy.nobody", language)
        rows.append([button(nobody, "wkd", official_id, start, period, reason, NOBODY)])
        key = "deputy.ask_deputy"
    else:  # wkd: record it
        await _record(update, context, recorder, official_id, chosen, tapped.int_arg(4), language)
        return
    await answer_tap(query)
    text = esc(t(key, language, official=name))
    await edit_tapped(query, text, parse_mode="HTML", reply_markup=InlineKeyboardMarkup(rows))


async def _record(
    update: Update,
    context: WartaContext,
    recorder: int,
    official_id: int,
    chosen: tuple[Start | None, Period | None, Reason | None],
    deputy_id: int,
    language: str,
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    t = services.t
    start, period, reason = chosen
    assert start is not None and period is not None and reason is not None
    try:
        recorded = await record_absence(
            services.work.absences,
            services.steps.calendar,
            official_id,
            start,
            period,
            reason,
            None if deputy_id == NOBODY else deputy_id,
            recorder,
            services.now(),
        )
    except WorkflowError as error:
        await answer_tap(query, t(error.key, language), show_alert=True)
        return
    await answer_tap(query, t("deputy.recorded_short", language))
    key = "deputy.recorded" if recorded.away.deputy_id else "deputy.recorded_nobody"
    text = t(key, language, what=away_line(recorded.away, context, language))
    await edit_tapped(query, esc(text), parse_mode="HTML")
    if recorded.chats:
        context.sender.wake(context, recorded.chats)


async def _cancel(context: WartaContext, absence_id: int, official_id: int, admin: bool) -> bool:
    services = context.services
    now = services.now()
    if not admin:
        return await cancel_absence(services.work.absences, absence_id, official_id, now)
    today = services.steps.calendar.local(now).date()
    for away in await absences_from(services.work.absences, today):
        if away.id == absence_id:
            return await cancel_absence(services.work.absences, absence_id, away.official_id, now)
    return False
