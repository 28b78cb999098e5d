"""How warta's log lines read: ``event key=value …``, one line per fact, greppable (the
loggers and what they carry are described in :mod:`bot.shell.logs`, which sets them up)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

#: Moves of items through the SOP (one line per move, refusal or stale tap).
MOVES = "warta.moves"
#: Attempts of the publication outbox on each target (one line per attempt).
PUBLISH = "warta.publish"

# A value longer than this is cut (the lines are for reading, not for the record).
_VALUE_LIMIT = 300


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, timedelta):
        return f"{round(value.total_seconds())}s"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def value_of(value: object) -> str:
    """One value as it appears after ``key=``: on one line, quoted when needed."""
    text = "".join(c if c.isprintable() else " " for c in _text(value)).strip()
    if len(text) > _VALUE_LIMIT:
        text = text[: _VALUE_LIMIT - 1] + "…"
    if not text or any(c in text for c in ' "=\\') or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return text


def kv(event: str, /, **pairs: object) -> str:
    """``event key=value …`` in the order given; None values are left out.

    A trailing underscore is dropped from a key, for words Python reserves
    (``from_="review"`` gives ``from=review``)."""
    parts = [event]
    for key, value in pairs.items():
        if value is not None:
            parts.append(f"{key.rstrip('_')}={value_of(value)}")
    return " ".join(parts)


def elapsed_ms(started: float) -> int:
    """Milliseconds since ``started``, a :func:`time.perf_counter` reading."""
    return round((time.perf_counter() - started) * 1000)
