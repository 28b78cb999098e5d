"""The outbox worker: drives every publication row to its target, once.

Rows are written by the move that publishes or takes an item down (``bot.usecases.items``), in
the same transaction, so an approved item is never lost between the database and the
targets. The worker is triggered by PTB's job queue (APScheduler), right after a move
and every few seconds; it reads due rows and handles them one at a time:

1. A row whose previous attempt may have reached the target (the process died in the
   middle, or a timeout after sending) is first looked up on the target
   (:meth:`Target.locate`); what is found is recorded instead of publishing again. A
   target that cannot be searched (a Telegram channel) marks the row *uncertain* and a
   person decides.
2. ``in_flight_since`` is committed before the remote call and cleared with its result.
3. Failures are retried with exponential backoff, forever; the webmaster is alerted once
   after ``alert_after`` attempts, and told again when the item finally goes out.

Only one worker runs per process (a lock), and warta runs one process per database.

Each attempt on a target (a publication, a takedown, or the lookup after an
interrupted attempt) is one line on ``warta.publish`` once its result is saved (format
in :mod:`bot.shell.logs`): item code, target, operation, attempt number, outcome, the public
URL or the failure's short kind and the next try, and the duration.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from bot.core.logline import PUBLISH, elapsed_ms, kv
from bot.core.publication import PUBLISHED, REMOVED, REMOVING, UNCERTAIN
from bot.core.publish_policy import RetryPolicy, RowState, sort_key, waits_for_website, web_url
from bot.core.values import Publication
from bot.ports.articles import article_of
from bot.ports.publications import Publications, Remote
from bot.ports.targets import Article, CannotTell, PublishedRef, PublishError, Target

log = logging.getLogger(__name__)
publish_log = logging.getLogger(PUBLISH)

# A single remote operation may not hold the worker longer than this.
OPERATION_LIMIT_SECONDS = 600
# Files one row may set aside in one pass before it waits for the next (an item holds
# far fewer; the bound only keeps a bug from spinning).
SET_ASIDE_AT_MOST = 20


class OutboxListener(Protocol):
    """What the chat side is told (cards, confirmations, alerts)."""

    async def changed(self, item_id: int) -> None: ...

    async def finished(self, item_id: int, removal: bool) -> None: ...

    async def alert(
        self, item_id: int, target: str, error: PublishError, attempts: int
    ) -> None: ...

    async def uncertain(self, item_id: int, target: str) -> None: ...

    async def unpublishable(self, item_id: int, file: str, reason: str) -> None: ...


@dataclass(frozen=True)
class Step:
    """What one pass over one row did (for tests and logs)."""

    publication_id: int
    target: str
    result: str  # published / removed / failed / waiting / found / uncertain / skipped


@dataclass
class Attempt:
    """One attempt on one row, as its ``publish`` line tells it."""

    item: str  # the item's code
    target: str
    op: str  # publish / takedown / lookup
    number: int  # 1 for the first attempt since the move (failures before + 1)
    started: float = field(default_factory=time.perf_counter)
    # What the lookup before the operation found, when there was one: found / missing.
    lookup: str | None = None

    def log(self, outcome: str, level: int = logging.INFO, **fields: object) -> None:
        publish_log.log(
            level,
            kv(
                "publish",
                item=self.item,
                target=self.target,
                op=self.op,
                attempt=self.number,
                lookup=self.lookup,
                outcome=outcome,
                **fields,
                duration_ms=elapsed_ms(self.started),
            ),
        )


def public_url(url: str | None) -> str | None:
    """A URL fit for a log line: without any ``user:password@`` part."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unreadable)"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _ref_of(row: Publication) -> PublishedRef | None:
    if row.remote_id is None:
        return None
    data: dict[str, Any] = json.loads(row.remote_data) if row.remote_data else {}
    return PublishedRef(remote_id=row.remote_id, url=row.url, data=data)


def _remote(ref: PublishedRef) -> Remote:
    return Remote(ref.remote_id, ref.url, json.dumps(dict(ref.data)) if ref.data else None)


def _row_state(row: Publication) -> RowState:
    return RowState(row.target, row.status, row.attempts, row.url)


class Outbox:
    def __init__(
        self,
        store: Publications,
        targets: Mapping[str, Target],
        policy: RetryPolicy,
        clock: Callable[[], datetime],
        listener: OutboxListener | None = None,
    ) -> None:
        self._store = store
        self.targets = dict(targets)
        self.policy = policy
        self._clock = clock
        self.listener = listener
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        """Release the targets' connections (HTTP clients) at shutdown."""
        for target in self.targets.values():
            closer = getattr(target, "aclose", None)
            if closer is not None:
                try:
                    await closer()
                except Exception:
                    log.warning("closing %s failed", target.name, exc_info=True)

    async def run_due(self) -> list[Step]:
        """Handle every row that is due now; returns what happened to each."""
        async with self._lock:
            rows = await self._store.due(self._clock())
            ordered = sorted(rows, key=lambda r: (r.item_id, sort_key(r.target), r.id))
            steps: list[Step] = []
            by_item: dict[int, list[Step]] = {}
            for row in ordered:
                step = await self._handle(row.id)
                for _ in range(SET_ASIDE_AT_MOST):
                    if step.result != "set_aside":
                        break
                    # Without the file it could not make public: straight on with the rest.
                    step = await self._handle(row.id)
                steps.append(step)
                by_item.setdefault(row.item_id, []).append(step)
            for item_id, item_steps in by_item.items():
                await self._report(item_id, item_steps)
            return steps

    async def _report(self, item_id: int, steps: list[Step]) -> None:
        """Once per item and pass (not per target: every card edit counts against
        Telegram's per-group limit): redraw its cards, and confirm when all is done."""
        results = {step.result for step in steps}
        if results <= {"waiting", "skipped"}:
            return
        await self._tell("changed", item_id)
        if results & {"published", "found", "removed"} and await self._all_done(item_id):
            await self._tell("finished", item_id, "removed" in results)

    async def _handle(self, publication_id: int) -> Step:
        started = time.perf_counter()
        now = self._clock()
        work = await self._store.work(publication_id)
        if work is None:
            return Step(publication_id, "?", "skipped")
        row, item = work
        siblings = [_row_state(p) for p in item.publications if p.id != row.id]
        removal = row.status == REMOVING
        target = self.targets.get(row.target)
        if not removal and waits_for_website(row.target, siblings, self.policy):
            # Look again shortly after the website's own next attempt.
            await self._store.postpone(row.id, now + self.policy.base)
            return Step(row.id, row.target, "waiting")
        published_at = min((p.created_at for p in item.publications), default=now)
        article = article_of(item, published_at, web_url(siblings))
        item_id = row.item_id
        attempt = Attempt(
            item=item.code,
            target=row.target,
            op="takedown" if removal else "publish",
            number=row.attempts + 1,
            started=started,
        )
        if target is None:
            return await self._failed(
                publication_id,
                PublishError("target not configured any more", kind="setup"),
                attempt,
            )
        try:
            async with asyncio.timeout(OPERATION_LIMIT_SECONDS):
                result = await self._operate(publication_id, target, article, removal, now, attempt)
        except CannotTell:
            await self._save(publication_id, status=UNCERTAIN, clear_flight=True)
            # A person has to look at the target: worth more than an INFO line.
            attempt.log("uncertain", logging.WARNING)
            await self._tell("uncertain", item_id, row.target)
            return Step(publication_id, row.target, "uncertain")
        except PublishError as error:
            if error.unpublishable is not None and not removal:
                return await self._set_aside(publication_id, article, error, attempt)
            return await self._failed(publication_id, error, attempt)
        except TimeoutError:
            late = PublishError("no answer from the target in time", ambiguous=True, kind="timeout")
            return await self._failed(publication_id, late, attempt)
        except Exception as error:  # a bug or an unexpected library error
            log.exception("publishing %s to %s failed", article.key, row.target)
            return await self._failed(
                publication_id,
                PublishError(f"internal error ({type(error).__name__})"),
                attempt,
            )
        return Step(publication_id, row.target, result)

    async def _operate(
        self,
        publication_id: int,
        target: Target,
        article: Article,
        removal: bool,
        now: datetime,
        attempt: Attempt,
    ) -> str:
        """Do the remote work and save its result; logs the attempt when it succeeded
        (the callers log failures, once saved)."""
        row = await self._store.get(publication_id)
        ref = _ref_of(row)
        maybe_there = row.in_flight_since is not None or row.ambiguous
        if ref is None and maybe_there:
            # A previous attempt may have reached the target: find what it left.
            operation, attempt.op = attempt.op, "lookup"
            found = await target.locate(article)
            if found is not None and not removal:
                await self._save(publication_id, status=PUBLISHED, ref=found, now=now)
                attempt.log("found", url=public_url(found.url))
                return "found"
            attempt.op, attempt.lookup = operation, "missing" if found is None else "found"
            ref = found
        if removal:
            if ref is not None:
                await target.unpublish(article, ref)
            await self._save(publication_id, status=REMOVED, now=now)
            attempt.log("ok")
            return "removed"
        if not await self._claim(publication_id, now):
            if attempt.lookup is not None:
                attempt.log("skipped")
            return "skipped"  # taken down (or cancelled) since this pass read the row
        ref = await target.publish(article, ref)
        await self._save(publication_id, status=PUBLISHED, ref=ref, now=now)
        attempt.log("ok", url=public_url(ref.url))
        return "published"

    async def _claim(self, publication_id: int, now: datetime) -> bool:
        return await self._store.claim(publication_id, now, self._clock())

    async def _save(
        self,
        publication_id: int,
        *,
        status: str | None = None,
        ref: PublishedRef | None = None,
        now: datetime | None = None,
        clear_flight: bool = False,
    ) -> None:
        await self._store.save(
            publication_id,
            now or self._clock(),
            self._clock(),
            status=status,
            remote=None if ref is None else _remote(ref),
            clear_flight=clear_flight,
        )

    async def _failed(self, publication_id: int, error: PublishError, attempt: Attempt) -> Step:
        failure = await self._store.failed(
            publication_id,
            self._clock(),
            message=error.message,
            kind=error.kind,
            ambiguous=error.ambiguous,
            delay=self.policy.delay,
            should_alert=self.policy.should_alert,
        )
        attempts = failure.attempts
        # The short kind only: the message may quote the target's answer (``warta
        # outbox`` and the alert show it to the IT team).
        attempt.number = attempts
        attempt.log(
            "retry",
            logging.WARNING if attempts >= self.policy.alert_after else logging.INFO,
            reason=error.kind,
            ambiguous=True if error.ambiguous else None,
            next_in=failure.wait,
            alert="sent" if failure.alert else None,
        )
        if failure.alert:
            await self._tell("alert", failure.item_id, failure.target, error, attempts)
        return Step(publication_id, failure.target, "failed")

    async def _set_aside(
        self, publication_id: int, article: Article, error: PublishError, attempt: Attempt
    ) -> Step:
        """A file that can never be made public: the item goes out without it, and the
        publishers are told at once which file and why (not after many retries)."""
        assert error.unpublishable is not None
        reason = error.reason or "unpublishable.unreadable"
        aside = await self._store.set_aside(
            publication_id, error.unpublishable, reason, self._clock()
        )
        attempt.log("set_aside", logging.WARNING, reason=reason, media=error.unpublishable)
        if aside.newly:
            name = next(
                (m.file_name for m in article.media if m.media_id == error.unpublishable),
                aside.file,
            )
            await self._tell("unpublishable", aside.item_id, name, reason)
        return Step(publication_id, attempt.target, "set_aside")

    async def _all_done(self, item_id: int) -> bool:
        return await self._store.all_done(item_id)

    async def _tell(self, event: str, *args: Any) -> None:
        """Tell the chat side; its trouble (Telegram down) must not stop the outbox."""
        if self.listener is None:
            return
        try:
            await getattr(self.listener, event)(*args)
        except Exception:
            log.warning("outbox listener %s failed", event, exc_info=True)
