"""First contact: invites, strangers, help, language and the command menus.

```mermaid
flowchart LR
    link[/t.me/bot?start=TOKEN/] --> redeem{invite valid?}
    redeem -- yes --> welcome[welcome by name + role + next step]
    redeem -- no --> sorry[polite explanation, whom to ask]
    stranger[anyone else writes] --> notregistered[who this bot is for; ask your admin]
```
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.text import esc
from bot.core.values import Person
from bot.core.workflow import Role, WorkflowError, summarize_roles
from bot.usecases.people import roles_of
from handlers.buttons import button
from handlers.common import (
    WartaContext,
    acting_person,
    answer_tap,
    edit_tapped,
    guarded,
    language_of,
    reply,
    telegram_user,
)
from handlers.tap_guard import Tapped, on_tap

# Commands per audience, in menu order; descriptions come from the catalogs.
BASE_COMMANDS = ("bantuan", "bahasa")
ROLE_COMMANDS: dict[Role, tuple[str, ...]] = {
    Role.OFFICER: ("baru", "draf"),
    Role.OFFICIAL: ("turunkan", "wakil", "laporan"),
    Role.ADMIN: ("undang", "orang", "wakil", "laporan"),
}
MEMBER_COMMANDS = ("antrian", "riwayat", "batal")
GROUP_COMMANDS = ("bantuan", "antrian", "riwayat", "batal", "ikat")


def _commands(names: tuple[str, ...], context: WartaContext, language: str) -> list[BotCommand]:
    return [BotCommand(name, context.services.t(f"command.{name}", language)) for name in names]


def commands_for(person: Person, context: WartaContext) -> list[BotCommand]:
    roles = roles_of(person)
    names: list[str] = []
    for role in summarize_roles(roles):
        names.extend(ROLE_COMMANDS.get(role, ()))
    if roles:
        names.extend(MEMBER_COMMANDS)
    names.extend(BASE_COMMANDS)
    return _commands(tuple(dict.fromkeys(names)), context, person.language)


async def set_default_menus(context: WartaContext) -> None:
    """The menus strangers and groups see; each person's own menu follows their roles."""
    bot = context.bot
    for language in ("id", "en"):
        code = None if language == context.services.settings.default_language else language
        await bot.set_my_commands(
            _commands(("start", *BASE_COMMANDS), context, language),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=code,
        )
        await bot.set_my_commands(
            _commands(GROUP_COMMANDS, context, language),
            scope=BotCommandScopeAllGroupChats(),
            language_code=code,
        )


async def update_menu(context: WartaContext, person: Person) -> None:
    commands = commands_for(person, context)
    # A menu is a convenience; never fail an onboarding over it.
    with contextlib.suppress(TelegramError):
        await guarded(
            context,
            person.id,
            lambda cid: context.bot.set_my_commands(commands, scope=BotCommandScopeChat(cid)),
        )


def role_names(person: Person, context: WartaContext, language: str) -> str:
    t = context.services.t
    return ", ".join(t(f"role.{r.value}", language) for r in summarize_roles(roles_of(person)))


def help_text(person: Person | None, context: WartaContext, language: str) -> str:
    t = context.services.t
    if person is None or not roles_of(person):
        return t("stranger", language)
    parts = [t("help.header", language, roles=esc(role_names(person, context, language)))]
    for role in summarize_roles(roles_of(person)):
        parts.append(t(f"help.{role.value}", language))
    parts.append(t("help.footer", language))
    return "\n\n".join(parts)


async def start(update: Update, context: WartaContext) -> None:
    """Redeem an invite from a deep link, or greet."""
    user = update.effective_user
    if user is None:
        return
    services = context.services
    payload = context.args[0] if context.args else None
    if payload:
        try:
            redeemed = await services.people.redeem(payload, telegram_user(user), services.now())
        except WorkflowError as error:
            person = await acting_person(update, context)
            language = language_of(person, context, update)
            await reply(update, services.t(error.key, language))
            return
        person = redeemed.person
        language = person.language
        role = services.t(f"role.{redeemed.role.value}", language)
        key = "welcome.again" if redeemed.already_had else "welcome.new"
        text = services.t(key, language, name=esc(person.full_name), role=esc(role))
        text += "\n\n" + services.t(f"welcome.next.{redeemed.role.value}", language)
        await reply(update, text)
        await update_menu(context, person)
        return
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    await reply(update, help_text(person, context, language))
    if person is not None:
        await update_menu(context, person)


async def show_help(update: Update, context: WartaContext) -> None:
    """Explain the person's own part of the SOP in a few lines."""
    person = await acting_person(update, context)
    await reply(update, help_text(person, context, language_of(person, context, update)))


async def choose_language(update: Update, context: WartaContext) -> None:
    """Offer Bahasa Indonesia or English."""
    person = await acting_person(update, context)
    language = language_of(person, context, update)
    markup = InlineKeyboardMarkup(
        [[button("🇮🇩 Bahasa Indonesia", "lang", "id"), button("🇬🇧 English", "lang", "en")]]
    )
    await reply(update, context.services.t("language.choose", language), reply_markup=markup)


@on_tap
async def tap_language(update: Update, context: WartaContext, tapped: Tapped) -> None:
    """``lang:<code>``: switch the person's language and redraw their menu."""
    query, person, code = tapped.query, tapped.person, tapped.tap.str_arg(0)
    if code not in ("id", "en"):
        text = context.services.t("error.bad_button", tapped.language)
        await answer_tap(query, text, show_alert=True)
        return
    await context.services.people.set_language(person.id, code)
    await answer_tap(query, context.services.t("language.set", code))
    await edit_tapped(query, context.services.t("language.set", code))
    await update_menu(context, replace(person, language=code))


async def stranger(update: Update, context: WartaContext) -> None:
    """Tell someone unregistered what this bot is and whom to ask."""
    await reply(update, context.services.t("stranger", language_of(None, context, update)))


async def bot_added(update: Update, context: WartaContext) -> None:
    """When the bot joins a group, say how an admin binds it."""
    member = update.my_chat_member
    if member is None or member.new_chat_member.user.id != context.bot.id:
        return
    if member.chat.type == ChatType.PRIVATE:
        # A person blocked or unblocked the bot: remember whether they can be reached.
        if member.new_chat_member.status in ("kicked", "left"):
            await context.services.people.mark_unreachable(member.chat.id)
        else:
            await acting_person(update, context)  # recognising them clears the flag
        return
    if member.new_chat_member.status not in ("member", "administrator"):
        return
    if member.old_chat_member.status in ("member", "administrator"):
        return
    language = context.services.settings.default_language
    await context.bot.send_message(
        member.chat.id, context.services.t("group.hello", language), parse_mode="HTML"
    )
