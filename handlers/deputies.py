"""``/wakil``: an official away, and who acts for them (Plt/Plh), in a few taps.

An official records their own absence; an admin records one for any official. Three
questions, each a row of buttons: how long (from today), why, and who acts meanwhile
(or nobody). Every tap is checked: only the official themselves or an admin.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import timefmt
from bot.deputies import Away, Period, Reason
from bot.people import roles_of
from bot.text import esc
from bot.usecases.deputies import absences_from, cancel_absence, record_absence
from bot.workflow import Role, WorkflowError
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
from handlers.sender import sender_of

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
    aways = await absences_from(services.sessions, today, mine)
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
        lines.append(esc(t("deputy.ask_period", language, official=person.full_name)))
        rows += period_rows(person.id, context, language)
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


def period_rows(
    official_id: int, context: WartaContext, language: str
) -> list[list[InlineKeyboardButton]]:
    t = context.services.t
    labels = [
        button(t(f"deputy.period.{p.value}", language), "wkl", official_id, p.value) for p in Period
    ]
    return [labels[:2], labels[2:]]


async def tap(update: Update, context: WartaContext, tapped: Tap) -> None:
    """The buttons of /wakil: ``wko`` (an admin picks the official), ``wkl`` (how long),
    ``wkr`` (why), ``wkd`` (who acts), ``wkx`` (cancel)."""
    query = update.callback_query
    assert query is not None
    services = context.services
    t = services.t
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    if person is None:
        await answer_tap(query, t("stranger.short", language), show_alert=True)
        return
    roles = roles_of(person)
    admin = Role.ADMIN in roles
    if tapped.verb == "wkx":
        done = await _cancel(context, tapped.int_arg(0), person.id, admin)
        await answer_tap(query, t("deputy.cancelled" if done else "deputy.gone", language))
        if done:
            await edit_tapped(query, esc(t("deputy.cancelled", language)), parse_mode="HTML")
        return
    official_id = tapped.int_arg(0)
    if not (admin or (official_id == person.id and Role.OFFICIAL in roles)):
        await answer_tap(query, t("deputy.not_allowed", language), show_alert=True)
        return
    found = await services.people.get(official_id)
    if found is None or Role.OFFICIAL not in roles_of(found):
        await answer_tap(query, t("deputy.not_official", language), show_alert=True)
        return
    name = found.full_name
    if tapped.verb == "wko":
        await answer_tap(query)
        text = esc(t("deputy.ask_period", language, official=name))
        markup = InlineKeyboardMarkup(period_rows(official_id, context, language))
        await edit_tapped(query, text, parse_mode="HTML", reply_markup=markup)
        return
    try:
        period = Period(tapped.str_arg(1))
    except ValueError:
        await answer_tap(query, t("error.bad_button", language), show_alert=True)
        return
    if tapped.verb == "wkl":
        await answer_tap(query)
        rows = [
            [
                button(t(f"deputy.reason.{r.value}", language), "wkr", official_id, period, r)
                for r in list(Reason)[i : i + 2]
            ]
            for i in (0, 2)
        ]
        text = esc(t("deputy.ask_reason", language, official=name))
        await edit_tapped(query, text, parse_mode="HTML", reply_markup=InlineKeyboardMarkup(rows))
        return
    try:
        reason = Reason(tapped.str_arg(2))
    except ValueError:
        await answer_tap(query, t("error.bad_button", language), show_alert=True)
        return
    if tapped.verb == "wkr":
        await answer_tap(query)
        candidates = await services.people.deputy_candidates(official_id)
        rows = [
            [button(("⭐ " if is_official else "") + who, "wkd", official_id, period, reason, pid)]
            for pid, who, is_official in candidates
        ]
        rows.append(
            [button(t("deputy.nobody", language), "wkd", official_id, period, reason, NOBODY)]
        )
        text = esc(t("deputy.ask_deputy", language, official=name))
        await edit_tapped(query, text, parse_mode="HTML", reply_markup=InlineKeyboardMarkup(rows))
        return
    # wkd: record it.
    deputy_id = tapped.int_arg(3)
    try:
        recorded = await record_absence(
            services.sessions,
            services.steps.calendar,
            official_id,
            period,
            reason,
            None if deputy_id == NOBODY else deputy_id,
            person.id,
            services.now(),
        )
    except WorkflowError as error:
        await answer_tap(query, t(error.key, language), show_alert=True)
        return
    await answer_tap(query, t("deputy.recorded_short", language))
    key = "deputy.recorded" if recorded.away.deputy_id else "deputy.recorded_nobody"
    text = t(key, language, what=away_line(recorded.away, context, language))
    await edit_tapped(query, esc(text), parse_mode="HTML")
    sender = sender_of(context)
    if sender is not None and recorded.chats:
        sender.wake(context, recorded.chats)


async def _cancel(context: WartaContext, absence_id: int, official_id: int, admin: bool) -> bool:
    services = context.services
    now = services.now()
    if not admin:
        return await cancel_absence(services.sessions, absence_id, official_id, now)
    today = services.steps.calendar.local(now).date()
    for away in await absences_from(services.sessions, today):
        if away.id == absence_id:
            return await cancel_absence(services.sessions, absence_id, away.official_id, now)
    return False
