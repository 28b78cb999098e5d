"""The diagrams people read are the rules the code runs."""

from __future__ import annotations

import re
from pathlib import Path

import bot.core.workflow
from bot.core.workflow import RULES, Action, Role, Rule, State
from bot.core.workflow_diagram import fenced, mermaid

ROOT = Path(__file__).resolve().parents[2]


def _diagram_in(text: str) -> str:
    found = re.findall(r"```mermaid\n.*?\n```", text, flags=re.S)
    assert len(found) == 1
    return str(found[0])


def test_the_readme_diagram_is_made_from_the_rules() -> None:
    # On failure: paste the output of `.venv/bin/python -m bot.core.workflow_diagram`.
    assert _diagram_in((ROOT / "README.md").read_text(encoding="utf-8")) == fenced()
    # The module keeps no hand-drawn copy that could drift.
    assert "```mermaid" not in (bot.core.workflow.__doc__ or "")


def test_every_rule_and_every_state_is_drawn() -> None:
    diagram = mermaid()
    for rule in RULES:
        assert f"    {rule.source.value} --> {rule.target.value}: " in diagram, rule
    for state in State:
        assert re.search(rf"\b{state.value}\b", diagram), state


def test_a_new_rule_changes_the_diagram() -> None:
    extra = Rule(Action.WITHDRAW, State.SUBMITTED, State.WITHDRAWN, Role.OFFICER)
    assert "submitted --> withdrawn: officer cancels" in mermaid((*RULES, extra))
    assert "submitted --> withdrawn" not in mermaid()
