"""The fake server: :class:`FakeBotAPI`, every area mixin combined, and its method table
(the routing from Bot API method names to handlers)."""

from __future__ import annotations

from tests.fakebotapi.callbacks import CallbacksMixin
from tests.fakebotapi.commands import CommandsMixin
from tests.fakebotapi.core import MethodImpl
from tests.fakebotapi.editing import EditingMixin
from tests.fakebotapi.incoming import IncomingMixin
from tests.fakebotapi.records import JSON, UploadedFile
from tests.fakebotapi.server import ServerMixin


class FakeBotAPI(ServerMixin, IncomingMixin, CallbacksMixin, EditingMixin, CommandsMixin):
    """In-process fake of the Telegram Bot API (see the package docstring).

    Lifecycle: ``await server.start()`` binds 127.0.0.1 on a random port; ``server.url``,
    ``server.api_url`` (``…/bot``) and ``server.file_url`` (``…/file/bot``) are what a PTB
    ``ApplicationBuilder`` needs; ``await server.stop()`` shuts it down.

    Each area of the Bot API is a mixin in its own module; see the package docstring.
    """

    def _method_table(self) -> dict[str, MethodImpl]:
        ok = self._ok
        return {
            "getMe": self._get_me,
            "logOut": ok,
            "close": ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": lambda p, f: dict(self.menu_button),
            "setMyDescription": ok,
            "setMyShortDescription": ok,
            "setMyName": ok,
            "getMyName": lambda p, f: {"name": self.bot_user["first_name"]},
            "getMyDescription": lambda p, f: {"description": ""},
            "getMyShortDescription": lambda p, f: {"short_description": ""},
            "sendMessage": self._send_message,
            "sendPhoto": lambda p, f: self._send_media("photo", p, f),
            "sendDocument": lambda p, f: self._send_media("document", p, f),
            "sendVideo": lambda p, f: self._send_media("video", p, f),
            "sendAnimation": lambda p, f: self._send_media("animation", p, f),
            "sendAudio": lambda p, f: self._send_media("audio", p, f),
            "sendVoice": lambda p, f: self._send_media("voice", p, f),
            "sendSticker": lambda p, f: self._send_media("sticker", p, f),
            "sendMediaGroup": self._send_media_group,
            "sendLocation": self._send_location,
            "sendChatAction": self._send_chat_action,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageMedia": self._edit_message_media,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "leaveChat": self._leave_chat,
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._pin_chat_message,
            "unpinAllChatMessages": self._pin_chat_message,
            "setMessageReaction": ok,
        }

    @staticmethod
    def _ok(params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True
