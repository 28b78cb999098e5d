"""Every button verb reaches exactly one handler, through the guard, by its pattern."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import CallbackQuery, Update, User
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler

from handlers import TAPS, register
from handlers.buttons import VERBS
from handlers.tap_guard import ANY_BUTTON, RULES

SAMPLE_ARGS = {0: (), 1: (7,), 2: (7, 3), 3: (7, 3, 1), 4: (7, 3, 1, 2), 5: (7, 3, 1, 2, 9)}


def _app() -> Application[Any, Any, Any, Any, Any, Any]:
    app = ApplicationBuilder().token("1:test").updater(None).build()
    register(app)
    return app


def _tap_handlers() -> list[CallbackQueryHandler[Any, Any]]:
    found = [h for group in _app().handlers.values() for h in group]
    return [h for h in found if isinstance(h, CallbackQueryHandler)]


def _update(data: str) -> Update:
    user = User(id=5, first_name="Sari", is_bot=False)
    return Update(1, callback_query=CallbackQuery("q", user, "chat", data=data))


def _data(verb: str) -> str:
    return ":".join([verb, *map(str, SAMPLE_ARGS[VERBS[verb]])])


def test_every_callback_handler_has_a_pattern() -> None:
    handlers = _tap_handlers()
    assert handlers
    for handler in handlers:
        assert handler.pattern is not None, handler.callback


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_has_exactly_one_handler(verb: str) -> None:
    update = _update(_data(verb))
    matching = [
        h.callback
        for h in _tap_handlers()
        if h.pattern is not ANY_BUTTON and h.check_update(update)
    ]
    assert len(matching) == 1, (verb, matching)


def test_the_first_handler_that_matches_is_the_verbs_own() -> None:
    # PTB gives an update to the first matching handler of a group: the catch-all for
    # unknown buttons must come after every verb's handler.
    handlers = _tap_handlers()
    assert handlers[-1].pattern is ANY_BUTTON
    assert all(h.pattern is not ANY_BUTTON for h in handlers[:-1])


def test_unknown_and_malformed_buttons_reach_the_catch_all_only() -> None:
    handlers = _tap_handlers()
    for data in ("zzz:1", "actx:1:2:3", "hello", "x" * 64):
        matching = [h for h in handlers if h.check_update(_update(data))]
        assert [h.pattern for h in matching] == [ANY_BUTTON], data


def test_the_routing_table_and_the_guard_know_the_same_verbs() -> None:
    routed = [verb for verbs, _ in TAPS for verb in verbs]
    assert sorted(routed) == sorted(VERBS)
    assert RULES.keys() == VERBS.keys()


def test_a_verb_prefix_does_not_match_a_longer_verb() -> None:
    # "ok" must not take "okx:...", "act" not "actor:...".
    handlers = [h for h in _tap_handlers() if h.pattern is not ANY_BUTTON]
    for verbs, _ in TAPS:
        for verb in verbs:
            longer = _update(verb + "z:1")
            assert not any(h.check_update(longer) for h in handlers), verb
