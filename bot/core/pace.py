"""Telegram's sending limits as sliding windows: how long to wait before a message may go.

Telegram lets a bot post about 20 messages a minute into one group, about one a second
into one private chat (short bursts are tolerated), and about 30 a second overall; past
that it answers 429 and stalls the chat. The sender asks :meth:`Pace.delay` before each
call and waits (in that chat's own task, never in an update handler), so the limits are
kept rather than discovered. An album counts as one message per file. Edits and
deletes count only against the overall limit: they add nothing to a chat.

Pure: the caller passes a monotonic reading in seconds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    limit: int
    period: float  # seconds


class _Sliding:
    def __init__(self, window: Window) -> None:
        self.window = window
        self.sent: deque[float] = deque()

    def delay(self, now: float, count: int) -> float:
        limit, period = self.window.limit, self.window.period
        count = min(max(count, 1), limit)
        while self.sent and self.sent[0] <= now - period:
            self.sent.popleft()
        free = limit - len(self.sent)
        if free >= count:
            return 0.0
        # Wait until enough of the oldest leave the window.
        return max(0.0, self.sent[count - free - 1] + period - now)

    def record(self, now: float, count: int) -> None:
        for _ in range(max(count, 1)):
            self.sent.append(now)


class Pace:
    def __init__(self, group: Window, private: Window, overall: Window) -> None:
        self._group = group
        self._private = private
        self._overall = _Sliding(overall)
        self._chats: dict[int, _Sliding] = {}

    def _chat(self, chat_id: int) -> _Sliding:
        window = self._chats.get(chat_id)
        if window is None:
            window = _Sliding(self._group if chat_id < 0 else self._private)
            self._chats[chat_id] = window
        return window

    def delay(self, chat_id: int, now: float, count: int = 1, *, new: bool = True) -> float:
        """Seconds to wait before ``count`` messages (``new``: posts, not edits) may go."""
        overall = self._overall.delay(now, count)
        if not new:
            return overall
        return max(overall, self._chat(chat_id).delay(now, count))

    def record(self, chat_id: int, now: float, count: int = 1, *, new: bool = True) -> None:
        self._overall.record(now, count)
        if new:
            self._chat(chat_id).record(now, count)
