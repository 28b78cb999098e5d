"""One ``move`` line on ``warta.moves`` per attempt at a move (format in :mod:`bot.shell.logs`)."""

from __future__ import annotations

import logging
from typing import Protocol

from bot.core.logline import MOVES, elapsed_ms, kv
from bot.core.workflow import SYSTEM_ACTOR, SYSTEM_ROLE, Action
from bot.usecases.moves import Outcome, StaleItem

moves_log = logging.getLogger(MOVES)


class Identified(Protocol):
    """Whoever acted, as a log line names them (a person's row, or a Telegram user)."""

    @property
    def id(self) -> int: ...


def log_move(
    started: float,
    outcome: str,
    *,
    item: str | None,
    action: Action | str,
    actor: Identified | None,
    reason: str | None = None,
    level: int = logging.INFO,
    **fields: object,
) -> None:
    """One ``move`` line on ``warta.moves``: who did what to which item, the ``fields``
    (role, from, to, version…), the outcome, and how long the use case took since
    ``started`` (a :func:`time.perf_counter` reading). Call it only after the commit."""
    # The scheduler acts as the system: it is named so, whatever the fields say.
    pairs: dict[str, object] = {"role": None, **fields}
    if actor is None:
        pairs["role"] = SYSTEM_ROLE
    moves_log.log(
        level,
        kv(
            "move",
            item=item,
            action=action.value if isinstance(action, Action) else action,
            actor=actor.id if actor is not None else SYSTEM_ACTOR.person_id,
            **pairs,
            outcome=outcome,
            reason=reason,
            duration_ms=elapsed_ms(started),
        ),
    )


def log_done(started: float, outcome: Outcome) -> None:
    """The move committed: only now is it a fact worth a line."""
    move = outcome.transition
    log_move(
        started,
        "ok",
        item=outcome.item.code,
        action=move.action,
        actor=outcome.actor,
        role=move.role.value,
        from_=move.source.value,
        to=move.target.value,
        version=outcome.item.version,
    )


def log_stale(
    started: float,
    stale: StaleItem,
    action: Action | str,
    actor: Identified | None,
    version: int | None,
) -> None:
    """The attempt carried an old version: nothing changed (a normal double tap)."""
    last = stale.last_event
    log_move(
        started,
        "stale",
        item=stale.item.code,
        action=action,
        actor=actor,
        version=version,
        current=stale.item.version,
        state=stale.item.state,
        moved_by=None if last is None else last.actor_id or SYSTEM_ACTOR.person_id,
    )
