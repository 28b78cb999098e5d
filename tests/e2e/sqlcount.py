"""Counting what warta asks of its database: transactions begun, commits, SQL statements.

Attached to every engine with SQLAlchemy's connection events, counting those on warta's
own database (the office's ``effective_database_url``), so every session of the bot
counts: the handler's, the sender's, the outbox's.
Each event is stamped with ``time.monotonic()``, the clock the fake Bot API stamps its
calls with (``ApiCall.at``), so a count can stop at the moment a tap was answered.

A session that touches the database begins one transaction on its connection, whether it
then commits or only reads and closes, so ``sessions`` counts those beginnings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url


@dataclass(frozen=True)
class Counts:
    sessions: int
    commits: int
    statements: int

    def __str__(self) -> str:
        return f"{self.statements} statements, {self.sessions} sessions, {self.commits} commits"


class SqlCounter:
    """Every begin, commit and statement on one database, with when it happened."""

    def __init__(self, database_url: str) -> None:
        self._database = make_url(database_url).database
        self.events: list[tuple[float, str, str]] = []
        event.listen(Engine, "begin", self._begin)
        event.listen(Engine, "commit", self._commit)
        event.listen(Engine, "before_cursor_execute", self._statement)

    def close(self) -> None:
        event.remove(Engine, "begin", self._begin)
        event.remove(Engine, "commit", self._commit)
        event.remove(Engine, "before_cursor_execute", self._statement)

    def _ours(self, conn: Connection) -> bool:
        return conn.engine.url.database == self._database

    def _begin(self, conn: Connection, *_: Any) -> None:
        if self._ours(conn):
            self.events.append((time.monotonic(), "begin", ""))

    def _commit(self, conn: Connection, *_: Any) -> None:
        if self._ours(conn):
            self.events.append((time.monotonic(), "commit", ""))

    def _statement(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if self._ours(conn):
            self.events.append((time.monotonic(), "statement", statement))

    def mark(self) -> float:
        return time.monotonic()

    def between(self, start: float, end: float = float("inf")) -> Counts:
        """What happened from ``start`` to ``end`` (monotonic seconds)."""
        kinds = [kind for at, kind, _ in self.events if start <= at <= end]
        return Counts(
            sessions=kinds.count("begin"),
            commits=kinds.count("commit"),
            statements=kinds.count("statement"),
        )

    def statements(self, start: float, end: float = float("inf")) -> list[str]:
        """The statements themselves (for a failing budget's message)."""
        return [
            " ".join(sql.split())[:160]
            for at, kind, sql in self.events
            if kind == "statement" and start <= at <= end
        ]
