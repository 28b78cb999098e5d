"""The hand-over chain as a Mermaid state diagram, made from the rules themselves.

The README and :mod:`bot.core.workflow` show this diagram; a test compares both copies with
:func:`mermaid`, so a rule added to ``RULES`` cannot be missing from the picture people
read. Print it with ``python -m bot.core.workflow_diagram``.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.standards import TimeStandards
from bot.core.workflow import FINAL_STATES, RULES, Action, Role, Rule, State
from bot.core.working_time import WorkSpan

# What each move reads like after its role ("official approves").
_PHRASES: dict[Action, str] = {
    Action.ADD_MEDIA: "adds files",
    Action.EDIT_TEXT: "edits the text",
    Action.DROP_MEDIA: "removes a file",
    Action.SUBMIT: "hands over (step 2)",
    Action.WITHDRAW: "cancels",
    Action.ACCEPT: "accepts",
    Action.SEND_BACK: "sends back",
    Action.EDIT_TITLE: "edits the title",
    Action.EDIT_BODY: "edits the body",
    Action.SET_CATEGORY: "sets the category",
    Action.SET_COVER: "picks the cover",
    Action.SET_ALT: "describes a photo",
    Action.SEND_TO_OFFICIAL: "sends to the official (step 3)",
    Action.APPROVE: "approves (step 4)",
    Action.REQUEST_CHANGES: "requests changes",
    Action.REJECT: "rejects (step 6)",
    Action.PUBLISH: "publishes now or at the scheduled time (steps 5 and 7)",
    Action.SCHEDULE: "schedules",
    Action.UNSCHEDULE: "cancels the schedule",
    Action.HOLD: "holds it back as unfit (step 6)",
    Action.RETRY: "retries a failing target",
    Action.CONFIRM_OUT: "confirms a target that could not tell",
    Action.UNPUBLISH: "takes it down",
}
_ROLE_NAMES = {Role.IT: "IT"}


def _duration(span: WorkSpan) -> str:
    parts = [f"{span.days} day" + ("s" if span.days > 1 else "")] if span.days else []
    hours, minutes = divmod(span.minutes, 60)
    parts += [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes else []
    return " ".join(parts) or "0 min"


def _edges(rules: Iterable[Rule]) -> list[tuple[State, State, str]]:
    """One edge per (from, to, role), its moves joined in the rules' order."""
    grouped: dict[tuple[State, State, Role], list[str]] = {}
    for rule in rules:
        phrase = _PHRASES[rule.action] + (", with a reason" if rule.needs_reason else "")
        grouped.setdefault((rule.source, rule.target, rule.role), []).append(phrase)
    return [
        (source, target, f"{_ROLE_NAMES.get(role, role.value)} " + " / ".join(phrases))
        for (source, target, role), phrases in grouped.items()
    ]


def mermaid(rules: Iterable[Rule] = RULES, standards: TimeStandards | None = None) -> str:
    """The ``stateDiagram-v2`` source, without the surrounding code fence."""
    standards = standards or TimeStandards()
    lines = ["stateDiagram-v2", "    [*] --> collecting: officer sends files (step 1)"]
    lines += [f"    {s.value} --> {t.value}: {label}" for s, t, label in _edges(rules)]
    lines += [f"    {state.value} --> [*]" for state in State if state in FINAL_STATES]
    for state in State:
        standard = standards.for_state(state)
        if standard is not None:
            lines.append(
                f"    note right of {state.value}: reminder at {_duration(standard.remind)}, "
                f"late at {_duration(standard.late)} (working time)"
            )
    return "\n".join(lines)


def fenced() -> str:
    """The diagram as a Markdown code block, as the README and the docstring hold it."""
    return f"```mermaid\n{mermaid()}\n```"


if __name__ == "__main__":
    print(fenced())
