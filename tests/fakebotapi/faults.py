"""Fault injection: make calls fail or answer late, messages undeletable, users block
the bot."""

from __future__ import annotations

from collections.abc import Iterable

from tests.fakebotapi.chats import ChatsMixin
from tests.fakebotapi.records import JSON, ApiError, _Delay, _Fault


class FaultsMixin(ChatsMixin):
    """Failures a test arranges in advance."""

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str,
        parameters: JSON | None = None,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``)
        fail with this error instead of running."""
        error = ApiError(error_code, description, parameters)
        self._faults.append(_Fault(method.lower(), error, times, chat_id))

    def _take_fault(self, method: str, params: JSON) -> ApiError | None:
        for fault in self._faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return fault.error
        return None

    def delay_next(
        self,
        method: str,
        seconds: float,
        *,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally only for ``chat_id``)
        answer only after ``seconds``.  The call still takes effect: a client that times
        out meanwhile sees the classic ambiguous failure (sent, but no answer)."""
        self._delays.append(_Delay(method.lower(), seconds, times, chat_id))

    def _take_delay(self, method: str, params: JSON) -> float:
        for delay in self._delays:
            if delay.method != method.lower():
                continue
            if delay.chat_id is not None and str(params.get("chat_id")) != str(delay.chat_id):
                continue
            delay.remaining -= 1
            if delay.remaining <= 0:
                self._delays.remove(delay)
            return delay.seconds
        return 0.0

    def forbid_deletion(self, chat_id: int, message_ids: Iterable[int]) -> None:
        """Telegram refuses to delete these messages from now on ("message can't be
        deleted", as for channel posts older than 48 hours); editing them still works."""
        chat = self._known_chat(chat_id)
        for message_id in message_ids:
            chat.messages[message_id].deletable = False

    def block_user(self, user_id: int, *, inject_update: bool = False) -> None:
        """The user blocks the bot: sends to their private chat fail with 403.

        With ``inject_update`` the bot also receives the ``my_chat_member`` (kicked) update
        that real Telegram sends when a user blocks a bot.
        """
        self.blocked_users.add(user_id)
        if inject_update:
            self._inject_my_chat_member(self.chats[user_id], user_id, "member", "kicked")

    def unblock_user(self, user_id: int, *, inject_update: bool = False) -> None:
        self.blocked_users.discard(user_id)
        if inject_update:
            self._inject_my_chat_member(self.chats[user_id], user_id, "kicked", "member")
