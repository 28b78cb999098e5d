"""Handlers stay thin: only the sender draws cards, and none reaches for bot_data."""

from __future__ import annotations

import ast
from pathlib import Path

HANDLERS = Path(__file__).resolve().parents[2] / "handlers"
# The sender draws every card (sender.py, and deliver.py: how each row it sends
# looks); announce holds the drawing it calls.
DRAWERS = {"sender.py", "deliver.py", "announce.py"}
CARD_CALLS = {"draw_card", "edit_message_text", "edit_message_reply_markup"}


def _names_used(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
    return names


def _modules() -> list[Path]:
    return sorted(p for p in HANDLERS.glob("*.py"))


def test_only_the_sender_draws_a_card() -> None:
    # edit_tapped (common.py) edits the tapped message of a non-card question (/wakil,
    # /orang, /bahasa); cards are never edited outside the sender.
    offenders = {
        path.name: sorted(_names_used(path) & CARD_CALLS)
        for path in _modules()
        if path.name not in DRAWERS | {"common.py"}
    }
    assert {name: calls for name, calls in offenders.items() if calls} == {}


def test_no_handler_looks_anything_up_by_key() -> None:
    offenders = [p.name for p in _modules() if "bot_data" in _names_used(p)]
    # common.py keeps the one key the typed Wired value lives under.
    assert offenders == ["common.py"]


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("async def f(context):\n    await draw_card(context.bot_data)\n")
    assert {"draw_card", "bot_data"} <= _names_used(sample)


def test_only_non_card_questions_edit_the_tapped_message() -> None:
    # /orang (admin), /wakil (deputies) and /bahasa (start) edit their own question
    # messages; a card's menus are drawn by the sender.
    users = sorted(p.name for p in _modules() if "edit_tapped" in _names_used(p))
    assert users == ["admin.py", "deputies.py", "start.py"]
