"""Telegram's failures in the publisher's words.

The outbox decides what to do from a :class:`~bot.ports.targets.PublishError`'s kind
(wait, retry, tell the IT team) and whether it is ambiguous (the post may be in the
channel already); the message keeps the detail for the IT team, never the bot token.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.ports.targets import PublishError
from publisher.http import NEVER_SENT


def says(exc: TelegramError, *phrases: str) -> bool:
    """Whether Telegram's error message contains one of ``phrases`` (any case)."""
    text = exc.message.lower()
    return any(phrase in text for phrase in phrases)


def publish_error(exc: TelegramError, *, token: str, chat_id: str | int) -> PublishError:
    """Telegram's failure in words for the publisher, without the bot token."""
    detail = exc.message.replace(token, "<token>")
    if isinstance(exc, RetryAfter):
        return PublishError(
            f"Telegram asks to wait {_retry_seconds(exc)} seconds before posting to "
            "the channel again (flood control)",
            kind="busy",
        )
    if isinstance(exc, Forbidden):
        return PublishError(
            f"the bot may not post in the channel ({detail}): add it to the channel "
            "as an administrator allowed to post messages",
            kind="permission",
        )
    if isinstance(exc, InvalidToken):
        return PublishError("Telegram rejected the bot token", kind="login")
    if isinstance(exc, BadRequest):
        if says(exc, "chat not found"):
            return PublishError(
                f"Telegram channel {chat_id} not found: check WARTA_CHANNEL_ID "
                "and that the bot was added to the channel",
                kind="not_found",
            )
        if says(exc, "administrator rights", "not enough rights", "chat_admin_required"):
            return PublishError(
                "the bot is not an administrator of the channel allowed to post "
                f"messages ({detail})",
                kind="permission",
            )
        return PublishError(f"Telegram refused the post: {detail}", kind="refused")
    if isinstance(exc, NetworkError):
        if isinstance(exc.__cause__, NEVER_SENT):
            return PublishError(f"Telegram could not be reached ({detail})", kind="unreachable")
        return PublishError(
            f"no answer from Telegram ({detail or type(exc).__name__}); the post may "
            "have reached the channel",
            ambiguous=True,
            kind="timeout",
        )
    return PublishError(f"Telegram error: {detail}")


def _retry_seconds(exc: RetryAfter) -> int:
    with warnings.catch_warnings():
        # PTB 22 warns about the int form; either form is read the same way here.
        warnings.simplefilter("ignore")
        value = exc.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(1, round(seconds))
