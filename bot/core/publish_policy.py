"""The outbox's rules, as plain functions: when to try again, when to raise the alarm,
which target waits for which. No I/O, so they are tested in microseconds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from bot.core.publication import PENDING

# Publishing order: the websites first, so the channel and the webhook can carry the
# article's web address.
TARGET_ORDER = ("site", "wordpress", "channel", "webhook")
# Where the public reads the whole article, best first.
WEBSITES = ("wordpress", "site")
# Targets that link to the website article and therefore wait for it a little.
LINKING = frozenset({"channel", "webhook"})


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=30)
    # After this many failed attempts the webmaster is alerted (once); retries go on.
    alert_after: int = 5

    def delay(self, attempts: int) -> timedelta:
        """Wait before attempt ``attempts + 1``: base, 2×base, 4×base… up to the cap."""
        if attempts <= 0:
            return timedelta(0)
        # Bounded exponent: 2**30 × base is far past any cap and cannot overflow.
        grown: timedelta = self.base * (2 ** min(attempts - 1, 30))
        return min(self.cap, grown)

    def should_alert(self, attempts: int, alerted: bool) -> bool:
        return attempts >= self.alert_after and not alerted


@dataclass(frozen=True)
class RowState:
    """What the rules need to know about another target's row of the same item."""

    target: str
    status: str
    attempts: int
    url: str | None


def sort_key(target: str) -> int:
    return TARGET_ORDER.index(target) if target in TARGET_ORDER else len(TARGET_ORDER)


def web_url(rows: Iterable[RowState]) -> str | None:
    """The article's address on the best website that has published it."""
    by_target = {r.target: r for r in rows if r.status == "published" and r.url}
    for name in WEBSITES:
        if name in by_target:
            return by_target[name].url
    return None


def waits_for_website(target: str, rows: Iterable[RowState], policy: RetryPolicy) -> bool:
    """A linking target holds back while a website is still on its way, so its post
    carries the link; it stops waiting once that website is in trouble (alerted), so
    one site being down never keeps the item off the channel."""
    if target not in LINKING:
        return False
    return any(
        r.target in WEBSITES and r.status == PENDING and r.attempts < policy.alert_after
        for r in rows
    )
