"""The update queue: injected updates, long polling (getUpdates with offsets, limits,
``allowed_updates``, delays and batch breaks), webhooks, and waiting for state changes."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Callable

from tests.fakebotapi.core import FakeBotAPICore
from tests.fakebotapi.helpers import _as_int
from tests.fakebotapi.records import JSON, ApiError, UploadedFile, _QueuedUpdate

#: Update types Telegram leaves out when ``allowed_updates`` is empty/unspecified.
_NOT_DELIVERED_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


class UpdatesMixin(FakeBotAPICore):
    """Incoming updates and the methods that hand them out."""

    def inject_update(self, payload: JSON, *, batch_break: bool = False, delay: float = 0.0) -> int:
        """Queue a raw update (without ``update_id``); returns its update_id.

        ``batch_break`` makes this update start a new getUpdates response, ``delay``
        hides it from getUpdates for that many seconds.
        """
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id, **copy.deepcopy(payload)}
        available_at = asyncio.get_running_loop().time() + delay if delay > 0 else 0.0
        self._queue.append(_QueuedUpdate(update_id, update, batch_break, available_at))
        self.injected_updates.append(update)
        self.activity += 1
        self._notify()
        return update_id

    @property
    def pending_updates(self) -> list[JSON]:
        """Injected updates not yet confirmed by the bot (delivered or not)."""
        return [q.payload for q in self._queue]

    def all_updates_confirmed(self) -> bool:
        return not self._queue

    def update_status(self, update_id: int) -> str:
        if update_id in self.confirmed_update_ids:
            return "confirmed"
        if any(u["update_id"] == update_id for u in self.dropped_updates):
            return "dropped"
        if update_id in self.delivered_update_ids:
            return "delivered"
        return "pending"

    @property
    def is_polling(self) -> bool:
        """A getUpdates request is currently being held open."""
        return self._poller is not None

    async def wait_until(self, predicate: Callable[[], bool], max_wait: float) -> bool:
        """Wait until ``predicate()`` is true, re-checking on every state change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, self._next_available_in()))
        return True

    def _next_available_in(self) -> float:
        """Seconds until the next delayed update becomes visible (inf if none)."""
        now = asyncio.get_running_loop().time()
        waits = [q.available_at - now for q in self._queue if q.available_at > now]
        return max(min(waits), 0.001) if waits else float("inf")

    def _allowed(self, queued: _QueuedUpdate) -> bool:
        if self._allowed_updates:
            return queued.type in self._allowed_updates
        return queued.type not in _NOT_DELIVERED_BY_DEFAULT

    def _confirm_below(self, offset: int) -> None:
        """Telegram forgets every update with ``update_id < offset``."""
        keep = []
        for queued in self._queue:
            if queued.update_id < offset:
                self.confirmed_update_ids.add(queued.update_id)
            else:
                keep.append(queued)
        self._queue = keep

    def _take_batch(self, limit: int) -> list[_QueuedUpdate]:
        now = asyncio.get_running_loop().time()
        batch: list[_QueuedUpdate] = []
        for queued in list(self._queue):
            if queued.available_at > now or (batch and queued.batch_break):
                break
            if not self._allowed(queued):
                self._queue.remove(queued)
                self.dropped_updates.append(queued.payload)
                continue
            batch.append(queued)
            if len(batch) >= limit:
                break
        return batch

    async def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _as_int(params.get("offset")) or 0
        limit = max(1, min(_as_int(params.get("limit")) or 100, 100))
        timeout = float(params.get("timeout") or 0)
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if offset > 0:
            self._confirm_below(offset)
        elif offset < 0 and len(self._queue) > -offset:
            self._confirm_below(self._queue[offset].update_id)
        self._notify()  # confirmations are what harness.settle() waits for

        # Like Telegram, a new getUpdates terminates one that is still being held.
        me = object()
        if self._poller is not None:
            self._poller = me
            self._notify()
        self._poller = me
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        batch: list[_QueuedUpdate] = []
        try:
            while True:
                if self._poller is not me:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                batch = self._take_batch(limit)
                remaining = deadline - loop.time()
                if batch or self._closing or remaining <= 0:
                    break
                event = self._changed
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(remaining, self._next_available_in()))
        finally:
            if self._poller is me:
                self._poller = None
        for queued in batch:
            self.delivered_update_ids.add(queued.update_id)
        return [copy.deepcopy(q.payload) for q in batch]

    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        return True

    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            for queued in self._queue:
                self.confirmed_update_ids.add(queued.update_id)
            self._queue.clear()
        return True

    def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
