"""Where one item stands on one publishing target: the outbox row's status, in one place.

``pending`` waits for (another) attempt; ``removing`` waits for a takedown; ``published``
and ``removed`` are done; ``cancelled`` was taken back before anything went out;
``uncertain`` means an attempt may have reached the target and a person must look.
Values are stored as they are, so a status compares equal to its text.
"""

from __future__ import annotations

from enum import StrEnum


class PublicationStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REMOVING = "removing"
    REMOVED = "removed"
    CANCELLED = "cancelled"
    UNCERTAIN = "uncertain"


PENDING = PublicationStatus.PENDING
PUBLISHED = PublicationStatus.PUBLISHED
REMOVING = PublicationStatus.REMOVING
REMOVED = PublicationStatus.REMOVED
CANCELLED = PublicationStatus.CANCELLED
UNCERTAIN = PublicationStatus.UNCERTAIN

#: The outbox still has work to do on these.
WORKING = frozenset({PENDING, REMOVING})
#: Nothing more will happen on these.
DONE = frozenset({PUBLISHED, REMOVED, CANCELLED})
#: Shown by `warta outbox`: on their way, or waiting for a person.
OPEN = frozenset({PENDING, REMOVING, UNCERTAIN})

#: What the outbox records in an item's history when a target has it (or no longer has
#: it, or cannot tell): the supervision record says what went out where, and when.
#: Cards and stale-tap notices name the people's moves, so these are left out there.
OUTBOX_EVENTS = ("target_published", "target_removed", "target_uncertain")
