"""The bot itself: getMe, its command lists per scope and language, and the menu
button."""

from __future__ import annotations

import re

from tests.fakebotapi.core import FakeBotAPICore
from tests.fakebotapi.helpers import _scope_key
from tests.fakebotapi.records import JSON, UploadedFile, bad_request


class CommandsMixin(FakeBotAPICore):
    """Bot-level methods: who the bot is, its commands and its menu button."""

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return list(self.commands.get(_scope_key(scope, language_code), []))

    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" must be an Array')
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = str(command.get("command", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        self.commands[key] = [dict(c) for c in commands]
        return True

    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        key = _scope_key(params.get("scope"), params.get("language_code") or "")
        return [dict(c) for c in self.commands.get(key, [])]

    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        if params.get("chat_id") is not None:
            self._chat(params["chat_id"])
        self.menu_button = params.get("menu_button") or {"type": "default"}
        return True
