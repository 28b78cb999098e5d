"""Button presses: a user taps an inline button (``press_button``), and the bot's
answerCallbackQuery."""

from __future__ import annotations

import copy

from tests.fakebotapi.entities import utf16_len
from tests.fakebotapi.records import (
    JSON,
    MAX_CALLBACK_ANSWER_LENGTH,
    CallbackQueryRecord,
    UploadedFile,
    bad_request,
)
from tests.fakebotapi.updates import UpdatesMixin


class CallbacksMixin(UpdatesMixin):
    """Callback queries and their answers."""

    def press_button(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        """A user taps an inline button; returns the callback query id."""
        user = self._known_user(user_id)
        chat = self._known_chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise KeyError(f"message {message_id} does not exist in chat {chat_id}")
        query_id = str(9_000_000_000 + next(self._ids))
        self.callback_queries[query_id] = CallbackQueryRecord(
            query_id, user_id, chat_id, message_id, data
        )
        self.inject_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(user),
                    "message": copy.deepcopy(message.data),
                    "chat_instance": str(abs(chat_id) * 7919 + 17),
                    "data": data,
                }
            }
        )
        return query_id

    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {
            "text": text,
            "show_alert": bool(params.get("show_alert")),
            "url": params.get("url"),
            "cache_time": params.get("cache_time"),
        }
        return True
