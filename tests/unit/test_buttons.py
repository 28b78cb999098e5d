"""Callback data codec in ``handlers.buttons``: compact, bounded, and never trusting input."""

from __future__ import annotations

import random

import pytest

from bot.core.deputies import Period, Reason, Start
from bot.core.text import CALLBACK_DATA_LIMIT
from bot.core.workflow import Action, Role
from bot.usecases.chats import Purpose
from handlers.buttons import VERBS, Tap, button, decode, encode

BIG = 2**53  # the largest id a JavaScript client (and Telegram's own ids) keep exact
KEY_MAX = 2**31 - 1  # the largest item, version or media number (PostgreSQL integer)
PERSON_ARGS = {
    "ppl": {0},
    "rol": {0},
    "rvk": {0},
    "wko": {0},
    "wks": {0},
    "wkl": {0},
    "wkr": {0},
    "wkd": {0, 4},
}


def biggest(verb: str, index: int, number: int) -> int:
    """``number``, capped where the argument is a database key rather than a person."""
    return number if index in PERSON_ARGS.get(verb, set()) else min(number, KEY_MAX)


WORD_ARGS = {
    "act": {0},
    "ok": {0},
    "inv": {0},
    "rol": {1},
    "bind": {0},
    "lang": {0},
    "sch": {2},
    "wks": {1},
    "wkl": {1, 2},
    "wkr": {1, 2, 3},
    "wkd": {1, 2, 3},
}
# The longest realistic word for each word argument.
LONGEST_WORD = {
    "act": max((a.value for a in Action), key=len),
    "ok": max((a.value for a in Action), key=len),
    "inv": max((r.value for r in Role), key=len),
    "rol": max((r.value for r in Role), key=len),
    "bind": max((p.value for p in Purpose), key=len),
    "lang": "en",
    # Quick schedule choices, plus "open" and "type" for the menu itself.
    "sch": "tomorrow_1200_20261126",
    # /wakil's period and reason (the longer of the two, for both).
    "wks": max((s.value for s in Start), key=len),
    "wkl": max((p.value for p in Period), key=len),
    "wkr": max((r.value for r in Reason), key=len),
    "wkd": max((r.value for r in Reason), key=len),
}


def realistic_args(verb: str, number: int) -> tuple[str | int, ...]:
    return tuple(
        LONGEST_WORD[verb] if index in WORD_ARGS.get(verb, set()) else biggest(verb, index, number)
        for index in range(VERBS[verb])
    )


def test_verbs_table() -> None:
    assert set(WORD_ARGS) <= set(VERBS)
    assert all(isinstance(n, int) and n >= 1 for n in VERBS.values())
    # Verbs never contain the separator.
    assert all(":" not in verb for verb in VERBS)


@pytest.mark.parametrize("verb", sorted(VERBS))
@pytest.mark.parametrize("number", [0, 1, 42, 10**9, BIG, -1])
def test_round_trip_every_verb(verb: str, number: int) -> None:
    args = realistic_args(verb, number)
    data = encode(verb, *args)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    tap = decode(data)
    assert tap == Tap(verb, args)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_round_trip_random_ids(verb: str) -> None:
    rng = random.Random(verb)
    for _ in range(200):
        args = tuple(
            rng.choice(sorted(WORD_VALUES[verb]))
            if index in WORD_ARGS.get(verb, set())
            else rng.randint(0, biggest(verb, index, BIG))
            for index in range(VERBS[verb])
        )
        data = encode(verb, *args)
        assert len(data.encode()) <= CALLBACK_DATA_LIMIT
        assert decode(data) == Tap(verb, args)


WORD_VALUES: dict[str, set[str]] = {
    "act": {a.value for a in Action},
    "ok": {a.value for a in Action},
    "inv": {r.value for r in Role},
    "rol": {r.value for r in Role},
    "bind": {p.value for p in Purpose},
    "sch": {"open", "type", "in_1h", "in_3h", "today_1200_20261126", "tomorrow_0800_20261126"},
    "wks": {s.value for s in Start},
    "wkl": {s.value for s in Start} | {p.value for p in Period},
    "wkr": {s.value for s in Start} | {p.value for p in Period} | {r.value for r in Reason},
    "wkd": {s.value for s in Start} | {p.value for p in Period} | {r.value for r in Reason},
    "lang": {"id", "en"},
}


def test_actions_are_encoded_by_value() -> None:
    assert encode("act", Action.SEND_TO_OFFICIAL, 7, 3) == "act:to_official:7:3"
    assert encode("ok", Action.WITHDRAW, 7, 3) == "ok:withdraw:7:3"
    tap = decode("act:to_official:7:3")
    assert tap is not None
    assert tap.args == ("to_official", 7, 3)


def test_the_longest_realistic_data_fits() -> None:
    # drop/cov/cat carry three ids; act/ok the longest action name and two ids.
    for verb in ("drop", "cov", "cat", "act", "ok", "rol"):
        data = encode(verb, *realistic_args(verb, BIG))
        assert len(data.encode()) <= CALLBACK_DATA_LIMIT, data


def test_encode_rejects_wrong_arity() -> None:
    with pytest.raises(ValueError):
        encode("card")
    with pytest.raises(ValueError):
        encode("card", 1, 2)
    with pytest.raises(ValueError):
        encode("act", Action.SUBMIT, 1)


def test_encode_rejects_unknown_verb() -> None:
    with pytest.raises(ValueError):
        encode("nope", 1)


def test_encode_rejects_over_long_data() -> None:
    with pytest.raises(ValueError, match="too long"):
        encode("lang", "x" * 60)


def test_button_carries_the_encoded_data() -> None:
    markup = button("✅ Setujui", "act", Action.APPROVE, 12, 4)
    assert markup.text == "✅ Setujui"
    assert markup.callback_data == "act:approve:12:4"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        ":",
        "::",
        "junk",
        "hello world",
        "card",  # too few
        "card:1:2",  # too many
        "card:",  # empty integer
        "card:abc",
        "card:1.5",
        "card:1e3",
        "card:0x10",
        "med:1",
        "med:1:2:3",
        "drop:1:2",
        "act:submit:1",
        "act:submit:1:2:3",
        "act::1:2",  # empty word
        "act:sub mit:1:2",
        "act:sub-mit:1:2",
        "act:submit:x:2",
        "act:submit:1:y",
        "rol:1:editor",
        "rol:x:editor:1",
        "rol:1:editor:yes",
        "rol:1::1",
        "lang:",
        "lang:e/n",
        "bind:<b>",
        "nope:1",
        "CARD:1",
        "card :1",
        ":card:1",
        "card:1:",
        # numbers no database key can hold (a forged button)
        "card:2147483648",
        "card:-2147483649",
        "act:approve:1:99999999999999999999",
        "med:1:2147483648",
        "drop:1:1:9223372036854775807",
        "ppl:9223372036854775808",
        "rol:99999999999999999999:editor:1",
    ],
)
def test_decode_rejects_malformed(data: str | None) -> None:
    assert decode(data) is None


def test_decode_rejects_over_long_data() -> None:
    fits = "sch:1:1:" + "a" * (CALLBACK_DATA_LIMIT - len("sch:1:1:"))
    assert len(fits) == CALLBACK_DATA_LIMIT
    assert decode(fits) == Tap("sch", (1, 1, fits[8:]))
    assert decode(fits + "a") is None
    # Measured in bytes, not characters.
    assert decode("lang:" + "é" * 30) is None


def test_decode_accepts_negative_category_index() -> None:
    assert decode("cat:5:2:-1") == Tap("cat", (5, 2, -1))


def test_decoded_ints_are_ints() -> None:
    tap = decode(f"drop:{KEY_MAX}:3:9")
    assert tap is not None
    assert tap.int_arg(0) == KEY_MAX
    assert tap.int_arg(1) == 3
    assert tap.int_arg(2) == 9
    assert all(isinstance(a, int) for a in tap.args)


def test_str_arg() -> None:
    tap = decode("rol:15:editor:1")
    assert tap is not None
    assert tap.int_arg(0) == 15
    assert tap.str_arg(1) == "editor"
    assert tap.int_arg(2) == 1


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("verb", ["act", "ok"])
def test_tap_action_maps_to_workflow_action(verb: str, action: Action) -> None:
    tap = decode(encode(verb, action, 1, 1))
    assert tap is not None
    assert tap.action is action


def test_tap_action_unknown_word_is_none() -> None:
    tap = decode("act:launch_rockets:1:1")
    assert tap is not None
    assert tap.action is None


@pytest.mark.parametrize("data", ["card:1", "med:1:2", "inv:editor", "lang:en", "bind:it"])
def test_tap_action_is_none_for_other_verbs(data: str) -> None:
    tap = decode(data)
    assert tap is not None
    assert tap.action is None


def test_tap_action_ignores_role_words() -> None:
    # "inv" carries a word too, but it is a role, not an action.
    assert Tap("inv", ("submit",)).action is None


def test_decode_keeps_the_largest_real_ids() -> None:
    assert decode("card:2147483647") == Tap("card", (2147483647,))
    # Telegram user ids go beyond 32 bits.
    assert decode("ppl:9223372036854775807") == Tap("ppl", (9223372036854775807,))
    assert decode("rol:8000000000:editor:1") == Tap("rol", (8000000000, "editor", 1))
