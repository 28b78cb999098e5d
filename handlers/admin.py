"""Setting the office up: invites per role, people and their roles, binding team chats."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.core.outgoing import Kind
from bot.core.outgoing import Message as OutgoingMessage
from bot.core.purposes import Purpose
from bot.core.text import TEXT_LIMIT, esc, utf16_len
from bot.core.values import Invite, Person
from bot.core.workflow import Role, WorkflowError, summarize_roles
from bot.usecases.people import roles_of
from handlers.buttons import Tap, button
from handlers.common import (
    WartaContext,
    acting_person,
    answer_tap,
    edit_tapped,
    has_role,
    is_private,
    language_of,
    reply,
)
from handlers.prompts import answered_by, ask
from handlers.start import role_names, update_menu
from handlers.tap_guard import Tapped, on_tap

PROMPT_SECTION = "section"
PEOPLE_BUTTONS = 98


def split_lines(lines: list[str], limit: int) -> list[str]:
    """Group whole lines into messages of at most ``limit`` (lines hold HTML tags)."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        cost = utf16_len(line) + 1
        if current and size + cost > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += cost
    if current:
        parts.append("\n".join(current))
    return parts


async def _admin(
    update: Update, context: WartaContext, *, tell: bool = True
) -> tuple[Person | None, str]:
    """The acting admin, or None (after saying so, unless it was a button tap)."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    if not has_role(person, Role.ADMIN):
        key = "error.admin_only" if person is not None else "stranger.short"
        if update.callback_query is not None:
            await answer_tap(
                update.callback_query, context.services.t(key, language), show_alert=True
            )
        elif tell:
            await reply(update, context.services.t(key, language))
        return None, language
    return person, language


def _role_from(text: str) -> Role | None:
    aliases = {
        "petugas": Role.OFFICER,
        "officer": Role.OFFICER,
        "it": Role.IT,
        "timit": Role.IT,
        "editor": Role.EDITOR,
        "webmaster": Role.EDITOR,
        "pejabat": Role.OFFICIAL,
        "official": Role.OFFICIAL,
        "publisher": Role.PUBLISHER,
        "penerbit": Role.PUBLISHER,
        "admin": Role.ADMIN,
    }
    return aliases.get(text.lower().replace(" ", ""))


async def invite(update: Update, context: WartaContext) -> None:
    """/undang [role] [section]: make a one-time invite link, or offer the roles."""
    admin, language = await _admin(update, context)
    if admin is None:
        return
    t = context.services.t
    if update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE:
        await reply(update, t("invite.private_only", language))
        return
    args = context.args or []
    role = _role_from(args[0]) if args else None
    if role is None:
        rows = [
            [button(t(f"role.{r.value}", language), "inv", r.value)]
            for r in summarize_roles(set(Role))
        ]
        await reply(
            update, t("invite.choose_role", language), reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    section = " ".join(args[1:]) or None
    if role is Role.OFFICER and section is None:
        await ask_section(update, context, admin, language)
        return
    await _make_invite(update, context, admin, role, section, language)


async def ask_section(update: Update, context: WartaContext, admin: Person, language: str) -> None:
    await ask(update, context, admin, PROMPT_SECTION, language, "prompt.section")


async def _make_invite(
    update: Update,
    context: WartaContext,
    admin: Person,
    role: Role,
    section: str | None,
    language: str,
) -> None:
    services = context.services
    try:
        created = await services.people.create_invite(admin, role, section, services.now())
    except WorkflowError as error:
        await reply(update, services.t(error.key, language, **error.params))
        return
    await reply(update, invite_text(created, context, language))


def invite_text(created: Invite, context: WartaContext, language: str) -> str:
    services = context.services
    from bot.core import timefmt

    link = f"https://t.me/{context.bot.username}?start={created.token}"
    role = services.t(f"role.{created.role}", language)
    if created.section:
        role += f" · {created.section}"
    expires = timefmt.full(created.expires_at, services.zone, language)
    return services.t(
        "invite.created", language, role=esc(role), link=esc(link), expires=esc(expires)
    )


@on_tap
async def tap_invite(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``inv:<role>``: an admin chose a role for a new invite."""
    admin, language = tapped.person, tapped.language
    role = _role_from(tapped.tap.str_arg(0))
    if role is None:
        await _bad_button(context, tapped)
        return
    await answer_tap(tapped.query)
    if role is Role.OFFICER:
        await ask_section(update, context, admin, language)
        return
    await _make_invite(update, context, admin, role, None, language)


@answered_by(PROMPT_SECTION)
async def section_given(update: Update, context: WartaContext, admin: Person, text: str) -> None:
    """The admin typed the officer's section: make the invite (a refusal propagates, so
    the question is asked again)."""
    services = context.services
    created = await services.people.create_invite(admin, Role.OFFICER, text, services.now())
    await reply(update, invite_text(created, context, admin.language))


async def people(update: Update, context: WartaContext) -> None:
    """/orang: everyone registered, one button each to change their roles."""
    admin, language = await _admin(update, context)
    if admin is None:
        return
    t = context.services.t
    if not is_private(update):
        # The list holds names, usernames and sections: not for a team group.
        await reply(update, t("people.private_only", language))
        return
    everyone = await context.services.people.list_people()
    lines = [t("people.title", language, n=len(everyone))]
    names = []
    for person in everyone:
        roles = role_names(person, context, language) or t("people.no_roles", language)
        section = f" · {person.section}" if person.section else ""
        lines.append(f"• <b>{esc(person.full_name)}</b>{esc(section)} — {esc(roles)}")
        names.append(button(person.full_name[:40], "ppl", person.id))
    # Two names a row keeps the keyboard short on a phone; Telegram caps buttons at 100.
    rows = [names[i : i + 2] for i in range(0, min(len(names), PEOPLE_BUTTONS), 2)]
    parts = split_lines(lines, TEXT_LIMIT - 96)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        markup = InlineKeyboardMarkup(rows) if last and rows else None
        await reply(update, part, reply_markup=markup)


def person_keyboard(person: Person, context: WartaContext, language: str) -> InlineKeyboardMarkup:
    t = context.services.t
    held = roles_of(person)
    rows = []
    for role in summarize_roles(set(Role)):
        mark = "✅" if role in held else "▫️"
        rows.append(
            [
                button(
                    f"{mark} {t(f'role.{role.value}', language)}",
                    "rol",
                    person.id,
                    role.value,
                    0 if role in held else 1,
                )
            ]
        )
    rows.append([button(t("button.revoke_all", language), "rvk", person.id)])
    return InlineKeyboardMarkup(rows)


def person_text(person: Person, context: WartaContext, language: str) -> str:
    t = context.services.t
    roles = role_names(person, context, language) or t("people.no_roles", language)
    return t(
        "people.person",
        language,
        name=esc(person.full_name),
        username=esc("@" + person.username if person.username else "-"),
        section=esc(person.section or "-"),
        roles=esc(roles),
    )


@on_tap
async def tap_person(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``ppl:<person>``: one person's roles, each a button."""
    query, language = tapped.query, tapped.language
    person = await context.services.people.get(tapped.tap.int_arg(0))
    await answer_tap(query)
    if person is None:
        return
    await edit_tapped(
        query,
        person_text(person, context, language),
        parse_mode="HTML",
        reply_markup=person_keyboard(person, context, language),
    )


@on_tap
async def tap_role(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``rol:<person>:<role>:<0|1>`` grants or revokes one role, ``rvk:<person>`` all."""
    query, admin, language, tap = tapped.query, tapped.person, tapped.language, tapped.tap
    services = context.services
    try:
        if tap.verb == "rvk":
            person = await services.people.revoke_all(admin, tap.int_arg(0), services.now())
        else:
            role = Role(tap.str_arg(1))
            person = await services.people.set_role(
                admin, tap.int_arg(0), role, bool(tap.int_arg(2)), services.now()
            )
    except (WorkflowError, ValueError) as error:
        key = error.key if isinstance(error, WorkflowError) else "error.bad_button"
        await answer_tap(query, services.t(key, language), show_alert=True)
        return
    await answer_tap(query, services.t("people.saved", language))
    await _tell_person(context, person, tap)
    await edit_tapped(
        query,
        person_text(person, context, language),
        parse_mode="HTML",
        reply_markup=person_keyboard(person, context, language),
    )
    await update_menu(context, person)


async def _tell_person(context: WartaContext, person: Person, tap: Tap) -> None:
    """Let the person know their part changed, in their own language."""
    if tap.verb == "rvk":
        told = OutgoingMessage(person.id, Kind.NOTICE, key="people.told_revoked_all")
    else:
        key = "people.told_granted" if tap.int_arg(2) else "people.told_revoked"
        role = {"role": f"role.{tap.str_arg(1)}"}  # translated in their language
        told = OutgoingMessage(person.id, Kind.NOTICE, key=key, params=role, translate=("role",))
    await context.sender.send(context, [told])


async def bind(update: Update, context: WartaContext) -> None:
    """/ikat <purpose> inside a group: this group becomes the IT team / webmaster / ... chat."""
    admin, language = await _admin(update, context)
    if admin is None:
        return
    t = context.services.t
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        await reply(update, t("bind.group_only", language))
        return
    args = context.args or []
    purpose = _purpose_from(args[0]) if args else None
    if purpose is None:
        rows = [[button(t(f"purpose.{p.value}", language), "bind", p.value)] for p in Purpose]
        await reply(update, t("bind.choose", language), reply_markup=InlineKeyboardMarkup(rows))
        return
    await _bind(update, context, admin, purpose, language)


def _purpose_from(text: str) -> Purpose | None:
    aliases = {
        "it": Purpose.IT,
        "timit": Purpose.IT,
        "editor": Purpose.EDITOR,
        "webmaster": Purpose.EDITOR,
        "pejabat": Purpose.OFFICIAL,
        "official": Purpose.OFFICIAL,
        "publisher": Purpose.PUBLISHER,
        "penerbit": Purpose.PUBLISHER,
        "log": Purpose.LOG,
    }
    return aliases.get(text.lower())


async def _bind(
    update: Update, context: WartaContext, admin: Person, purpose: Purpose, language: str
) -> None:
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    t = services.t
    await services.chats.bind(admin, purpose, chat.id, chat.title, services.now())
    text = t("bind.done", language, purpose=esc(t(f"purpose.{purpose.value}", language)))
    purposes = await services.chats.purposes_of(chat.id)
    if len(purposes) > 1:
        names = ", ".join(t(f"purpose.{p.value}", language) for p in purposes)
        text += "\n" + t("bind.all", language, purposes=esc(names))
    await context.bot.send_message(chat.id, text, parse_mode="HTML")


@on_tap
async def tap_bind(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``bind:<purpose>``: this group becomes the chat of that purpose."""
    purpose = _purpose_from(tapped.tap.str_arg(0))
    if purpose is None:
        await _bad_button(context, tapped)
        return
    await answer_tap(tapped.query)
    await _bind(update, context, tapped.person, purpose, tapped.language)


async def _bad_button(context: WartaContext, tapped: Tapped) -> None:
    text = context.services.t("error.bad_button", tapped.language)
    await answer_tap(tapped.query, text, show_alert=True)
