"""The bot token on the operator's console: asked for once, checked, then kept in ``.env``.

A token is checked twice before it is saved: its shape (a bot id, a colon, 35 letters,
digits, ``-`` or ``_``), then ``getMe`` on the configured Bot API, so a typo never lands
in ``.env`` to fail on the next start. At every start the token is checked with
``getMe`` again, and a refused or unreachable token ends in one sentence that says
which variable, where it is set and how to change it.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.shell.config import Settings, load_settings

TOKEN_VARIABLE = "WARTA_TELEGRAM_TOKEN"
# What @BotFather hands out: "123456789:AAE…" (the part after the colon is 35 long today;
# a little slack keeps a future length from being refused).
TOKEN_SHAPE = re.compile(r"^[0-9]{5,16}:[A-Za-z0-9_-]{30,64}$")
PROMPT_TRIES = 3
_FROM_PROMPT = "_WARTA_TOKEN_FROM_PROMPT"
# Start-up on a weak network: getMe is tried this many times, this far apart (seconds).
START_TRIES = (0.0, 2.0, 5.0)

BOTFATHER_HELP = """\
warta needs a Telegram bot token (WARTA_TELEGRAM_TOKEN).

  1. In Telegram, open @BotFather and send /newbot.
  2. Choose a display name, then a username ending in "bot".
  3. BotFather replies with a token like 123456789:AAE...; paste it below.

It is checked with Telegram, then kept in the .env file in this folder (readable only
by you) and never logged.
"""


@dataclass(frozen=True)
class TokenCheck:
    """What the Bot API said of a token: the bot's username, or why not."""

    username: str | None = None
    refused: bool = False
    unreachable: str | None = None  # the network fault, in a few words


def looks_like_token(text: str) -> bool:
    return TOKEN_SHAPE.fullmatch(text) is not None


async def check_token(
    settings: Settings, token: str, tries: tuple[float, ...] = (0.0,)
) -> TokenCheck:
    """Ask the Bot API who the token belongs to; retry only network faults."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    fault = "no answer"
    for delay in tries:
        await asyncio.sleep(delay)
        bot = Bot(
            token, base_url=settings.telegram_api_url, base_file_url=settings.telegram_file_url
        )
        try:
            async with bot:
                return TokenCheck(username=bot.username)
        except InvalidToken:
            return TokenCheck(refused=True)
        except NetworkError as error:
            fault = _few_words(error)
        except TelegramError as error:  # e.g. a proxy answering something else
            fault = _few_words(error)
    return TokenCheck(unreachable=fault)


def _few_words(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text.removeprefix("httpx.")


def token_source() -> str:
    """Where the operator set the token, so the message can say where to change it.

    pydantic-settings prefers the environment over ``.env``; a token typed at the prompt
    is put in both, and the file is where it lives.
    """
    if TOKEN_VARIABLE in os.environ and not os.environ.get(_FROM_PROMPT):
        return "the environment (for a service: its EnvironmentFile)"
    return f"the file {Path('.env').resolve()}"


def refused_message() -> str:
    return (
        f"Telegram refused the bot token in {TOKEN_VARIABLE} (set in {token_source()}); "
        "get the current one from @BotFather (/mybots → API Token) and replace it there."
    )


def unreachable_message(settings: Settings, fault: str) -> str:
    return (
        f"cannot reach the Bot API at {settings.telegram_api_url} ({fault}); check this "
        "server's internet connection (or WARTA_TELEGRAM_API_URL) and start warta again."
    )


def ask_for_token(settings: Settings) -> Settings | int:
    """On a terminal, ask for the missing token, check it, and remember it in ``.env``.

    Returns the settings with the token, or an exit code when nothing was saved.
    """
    if settings.telegram_token is not None or not sys.stdin.isatty():
        return settings
    print(BOTFATHER_HELP)
    for _ in range(PROMPT_TRIES):
        token = getpass.getpass("Token: ").strip()
        if not token:
            print("No token given; nothing was saved. Run warta again when you have one.")
            return 2
        if not looks_like_token(token):
            print(
                "That does not look like a bot token: it is digits, a colon, then about 35 "
                "letters and digits (123456789:AAE...). Copy the whole token from BotFather."
            )
            continue
        verdict = asyncio.run(check_token(settings, token))
        if verdict.refused:
            print(
                "Telegram does not know this token (revoked, or a character is missing). "
                "Send /mybots to @BotFather, pick the bot, then API Token, and paste it."
            )
            continue
        if verdict.unreachable is not None:
            print(f"warta: {unreachable_message(settings, verdict.unreachable)} Nothing was saved.")
            return 1
        _save(token)
        print(f"Token saved in {Path('.env').resolve()} for @{verdict.username}.\n")
        return load_settings()
    print("No valid token after three tries; nothing was saved.")
    return 2


def _save(token: str) -> None:
    env_file = Path(".env")
    env_file.touch(mode=0o600, exist_ok=True)
    env_file.chmod(0o600)
    with env_file.open("a", encoding="utf-8") as handle:
        handle.write(f"{TOKEN_VARIABLE}={token}\n")
    os.environ[TOKEN_VARIABLE] = token
    os.environ[_FROM_PROMPT] = "1"
