"""Callback data: a short verb and integer arguments, always within Telegram's 64 bytes.

Item buttons carry (verb, item id, version) so a tap on an old card is recognised as
stale instead of acting on an item that has moved on. Parsing never trusts the data:
anything malformed decodes to None and is answered politely.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.core.text import CALLBACK_DATA_LIMIT
from bot.core.workflow import Action

# verb -> how many arguments it takes. Arguments are integers, except ``act``/``ok``
# whose first argument is a workflow action, and ``inv``/``bind``/``lang``/``rol``
# which carry a short word.
VERBS: dict[str, int] = {
    "act": 3,  # act:<action>:<item>:<version>  ask for / perform a workflow move
    "ok": 3,  # ok:<action>:<item>:<version>   confirm a destructive move
    "card": 1,  # card:<item>                   redraw the card (back / cancel)
    "open": 1,  # open:<item>                   the card at the bottom of this chat (queue)
    "med": 2,  # med:<item>:<version>           media list for editing
    "drop": 3,  # drop:<item>:<version>:<media>
    "cov": 3,  # cov:<item>:<version>:<media>
    "alt": 3,  # alt:<item>:<version>:<media>: describe a photo
    "cat": 3,  # cat:<item>:<version>:<index>  category choice (index -1 = open the list)
    "his": 1,  # his:<item>                     history
    "full": 1,  # full:<item>                   whole text
    "pre": 1,  # pre:<item>                     preview as published
    "add": 1,  # add:<item>                     "add more" to this draft
    "inv": 1,  # inv:<role>                     admin: invite for a role
    "ppl": 1,  # ppl:<person>                   admin: one person's roles
    "rol": 3,  # rol:<person>:<role>:<0|1>      admin: grant / revoke
    "rvk": 1,  # rvk:<person>                   admin: revoke all roles
    "bind": 1,  # bind:<purpose>               admin: bind this group
    "lang": 1,  # lang:<code>
    "sch": 3,  # sch:<item>:<version>:<choice>  schedule menu (open / type / a quick time)
    "wko": 1,  # wko:<official>                 /wakil: an admin picks the official
    "wks": 2,  # wks:<official>:<start>         /wakil: from when
    "wkl": 3,  # wkl:<official>:<start>:<period>  how long
    "wkr": 4,  # wkr:<official>:<start>:<period>:<reason>
    "wkd": 5,  # wkd:<official>:<start>:<period>:<reason>:<deputy, 0 = nobody>
    "wkx": 1,  # wkx:<absence>                  /wakil: cancel an absence
}

_WORD_ARGS = {
    ("act", 0),
    ("ok", 0),
    ("inv", 0),
    ("rol", 1),
    ("bind", 0),
    ("lang", 0),
    ("sch", 2),
    ("wks", 1),
    ("wkl", 1),
    ("wkl", 2),
    ("wkr", 1),
    ("wkr", 2),
    ("wkr", 3),
    ("wkd", 1),
    ("wkd", 2),
    ("wkd", 3),
}


# Integer arguments are database keys: item, version, media and category numbers fit
# PostgreSQL's ``integer``, Telegram user ids its ``bigint``. A forged button with a
# larger number is malformed, not a query that overflows the driver.
_INT32 = range(-(2**31), 2**31)
_INT64 = range(-(2**63), 2**63)
_PERSON_ARGS = {
    ("ppl", 0),
    ("rol", 0),
    ("rvk", 0),
    ("wko", 0),
    ("wks", 0),
    ("wkl", 0),
    ("wkr", 0),
    ("wkd", 0),
    ("wkd", 4),
}


@dataclass(frozen=True)
class Tap:
    verb: str
    args: tuple[str | int, ...]

    def int_arg(self, index: int) -> int:
        value = self.args[index]
        assert isinstance(value, int)
        return value

    def str_arg(self, index: int) -> str:
        return str(self.args[index])

    @property
    def action(self) -> Action | None:
        if self.verb not in ("act", "ok"):
            return None
        try:
            return Action(self.str_arg(0))
        except ValueError:
            return None


def encode(verb: str, *args: object) -> str:
    if VERBS.get(verb) != len(args):
        raise ValueError(f"bad callback {verb} {args}")
    data = ":".join([verb, *(str(a.value if isinstance(a, Action) else a) for a in args)])
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data too long: {data}")
    return data


def decode(data: str | None) -> Tap | None:
    if not data or len(data.encode()) > CALLBACK_DATA_LIMIT:
        return None
    verb, *raw = data.split(":")
    if VERBS.get(verb) != len(raw):
        return None
    args: list[str | int] = []
    for index, value in enumerate(raw):
        if (verb, index) in _WORD_ARGS:
            if not value or not value.replace("_", "").isalnum():
                return None
            args.append(value)
            continue
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
            return None
        number = int(value)
        if number not in (_INT64 if (verb, index) in _PERSON_ARGS else _INT32):
            return None
        args.append(number)
    return Tap(verb, tuple(args))


def button(text: str, verb: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(verb, *args))
