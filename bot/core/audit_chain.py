"""The history as a hash chain: what makes a silent edit of the record detectable.

Every event, once chained, carries its place in one office-wide sequence (``seq``, 1,
2, 3…), the hash of the event before it and its own hash: the SHA-256 of the previous
hash and a canonical serialisation of the event (its place and fields as one compact
JSON array, times in UTC with microseconds). Changing any field of an event changes its
hash; deleting or moving one breaks the link of the event after it; rewriting
everything after a change is caught by the chain heads recorded outside the database
(:class:`Anchor`).

:class:`ChainCheck` reads the chain one event at a time, in ``seq`` order, and names the
first event that does not hold: memory does not grow with the chain. Pure: the storage
module feeds it rows and writes the links.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
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


# Where the event's time sits in the canonical array (after its place).
_WHEN = 1 + FIELDS.index("created_at")


def _json(value: object) -> str:
    """One value as compact JSON, exactly as ``json.dumps(..., ensure_ascii=False)``
    writes it (written out here: building an encoder per event costs more than the
    hash)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical(seq: int, values: Sequence[object]) -> bytes:
    """The bytes an event's hash is made of, one way only: a JSON array of its place
    and its fields in :data:`FIELDS` order, its time in UTC with microseconds."""
    row: list[object] = [seq, *values]
    when = row[_WHEN]
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("an event time without its zone")
        row[_WHEN] = when.astimezone(UTC).isoformat(timespec="microseconds")
    return ("[" + ",".join(map(_json, row)) + "]").encode()


def values_of(event: Mapping[str, object]) -> tuple[object, ...]:
    """An event's fields in :data:`FIELDS` order."""
    return tuple(event.get(name) for name in FIELDS)


def link(previous: str, seq: int, values: Sequence[object]) -> str:
    """The hash of the event at ``seq`` (its fields in :data:`FIELDS` order) after the
    event whose hash is ``previous``."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(seq, values)).hexdigest()


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

    def feed(self, values: Sequence[object], chained: Link) -> Finding | None:
        """Check one more event (its fields in :data:`FIELDS` order); returns (and
        keeps) the first finding."""
        if self.finding is not None:
            return self.finding
        event_id = values[0]
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
        own = link(chained.prev_hash, chained.seq, values)
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
