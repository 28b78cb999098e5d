"""The history as a hash chain: what makes a silent edit of the record detectable.

Every event, once chained, carries its place in one office-wide sequence (``seq``, 1,
2, 3…), the hash of the event before it and its own hash: the SHA-256 of the previous
hash and a canonical serialisation of the event (its fields as sorted-key JSON, times in
UTC with microseconds). Changing any field of an event changes its hash; deleting or
moving one breaks the link of the event after it; rewriting everything after a change
is caught by the chain heads recorded outside the database (:class:`Anchor`).

:class:`ChainCheck` reads the chain one event at a time, in ``seq`` order, and names the
first event that does not hold: memory does not grow with the chain. Pure: the storage
module feeds it rows and writes the links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

GENESIS = "0" * 64

# What an event is, for its hash: every column but the chain's own.
FIELDS = (
    "id",
    "item_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "from_state",
    "to_state",
    "note",
    "created_at",
    "acting_for_id",
    "acting_for_name",
)

Problem = Literal["edited", "deleted", "reordered", "rewritten"]


def canonical(seq: int, event: Mapping[str, object]) -> bytes:
    """The bytes an event's hash is made of: its place and its fields, one way only."""
    fields: dict[str, object] = {"seq": seq}
    for name in FIELDS:
        value = event.get(name)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"event {event.get('id')}: a time without its zone")
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields[name] = value
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(previous: str, seq: int, event: Mapping[str, object]) -> str:
    """The hash of the event at ``seq`` after the event whose hash is ``previous``."""
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(seq, event))
    return digest.hexdigest()


@dataclass(frozen=True)
class Link:
    """An event as chained: where, after what, and its hash."""

    seq: int
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database (the log group, a file): after
    ``count`` events, the last one's hash was ``hash``."""

    count: int
    hash: str
    day: str = ""


@dataclass(frozen=True)
class Finding:
    """The first place the chain does not hold, in words for the operator."""

    problem: Problem
    seq: int
    event_id: int | None
    detail: str


class ChainCheck:
    """Feed it the chained events in ``seq`` order; it keeps only the last hash."""

    def __init__(self, anchors: tuple[Anchor, ...] = ()) -> None:
        self._previous = GENESIS
        self._expected = 1
        self._anchors = {anchor.count: anchor for anchor in anchors}
        self.count = 0
        self.finding: Finding | None = None

    @property
    def head(self) -> str:
        return self._previous

    def feed(self, event: Mapping[str, object], chained: Link) -> Finding | None:
        """Check one more event; returns (and keeps) the first finding."""
        if self.finding is not None:
            return self.finding
        event_id = event.get("id")
        ident = int(event_id) if isinstance(event_id, int) else None
        if chained.seq != self._expected:
            missing = (
                f"{self._expected}"
                if chained.seq == self._expected + 1
                else (f"{self._expected}–{chained.seq - 1}")
            )
            problem: Problem = "deleted" if chained.seq > self._expected else "reordered"
            detail = (
                f"event number {missing} of the chain is missing (deleted)"
                if problem == "deleted"
                else f"event #{ident} claims place {chained.seq} after place {self._expected - 1}"
            )
            return self._found(problem, chained.seq, ident, detail)
        own = link(chained.prev_hash, chained.seq, event)
        if own != chained.hash:
            return self._found(
                "edited", chained.seq, ident, f"event #{ident} was changed after it was recorded"
            )
        if chained.prev_hash != self._previous:
            return self._found(
                "reordered",
                chained.seq,
                ident,
                f"event #{ident} does not follow the event before it (moved, or one before "
                "it was deleted and the numbers closed up)",
            )
        anchor = self._anchors.get(chained.seq)
        if anchor is not None and anchor.hash != chained.hash:
            return self._found(
                "rewritten",
                chained.seq,
                ident,
                f"the chain up to event number {chained.seq} differs from the head recorded "
                f"outside the database{' on ' + anchor.day if anchor.day else ''}: the history "
                "was rewritten",
            )
        self._previous = chained.hash
        self._expected += 1
        self.count += 1
        return None

    def finish(self) -> Finding | None:
        """After the last event: an anchor beyond the chain's end means events were cut."""
        if self.finding is None:
            beyond = [a for a in self._anchors.values() if a.count > self.count]
            if beyond:
                anchor = min(beyond, key=lambda a: a.count)
                self._found(
                    "deleted",
                    self.count + 1,
                    None,
                    f"the chain ends at {self.count} events, but {anchor.count} were recorded "
                    f"outside the database{' on ' + anchor.day if anchor.day else ''}",
                )
        return self.finding

    def _found(self, problem: Problem, seq: int, event_id: int | None, detail: str) -> Finding:
        self.finding = Finding(problem, seq, event_id, detail)
        return self.finding
