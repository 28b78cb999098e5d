"""A reverse proxy that fails on request, for testing what a client does when the
network or the server misbehaves (retries, lost answers, timeouts).

It runs its own event loop in a background thread, so it works from synchronous and
asynchronous tests alike and from any event loop::

    with FlakyProxy("http://127.0.0.1:8080") as proxy:
        client_url = proxy.url              # talk to this instead of the upstream
        proxy.set("drop", method="POST", path="/wp/v2/posts", times=1)
        ...                                 # the next matching request reaches the
        ...                                 # upstream, but its answer never arrives
        assert proxy.count(mode="drop") == 1

Modes (``proxy.mode``, or :meth:`FlakyProxy.set` to also pick which requests):

``pass``     forward the request and return the answer (the default)
``500``      answer HTTP 500 without forwarding
``hang``     never answer (until :meth:`reset`, :meth:`stop` or ``hang_seconds``)
``drop``     forward the request, then close the connection without an answer: the
             upstream did the work, the client sees a reset / "server disconnected"
``drop502``  forward the request, then answer 502 Bad Gateway instead of its answer

A mode applies to requests matching ``method`` and ``path`` (a substring of the path
with its query string, so ``"/wp/v2/posts"`` matches ``/?rest_route=/wp/v2/posts``
too); others pass. With ``times`` it applies that many times and then the proxy goes
back to ``pass``. Every request is recorded in :attr:`FlakyProxy.seen`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Literal
from urllib.parse import unquote

import aiohttp
from aiohttp import web

Mode = Literal["pass", "500", "hang", "drop", "drop502"]
MODES: tuple[Mode, ...] = ("pass", "500", "hang", "drop", "drop502")

# Headers that belong to one connection, not to the request or answer.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
    "content-encoding",
}


@dataclass(frozen=True)
class Seen:
    """One request the proxy received and what it did with it."""

    method: str
    path: str  # path and query string, percent-decoded
    mode: Mode
    forwarded: bool  # whether the upstream got it
    status: int | None  # what the upstream answered (None when not forwarded)


class FlakyProxy:
    def __init__(self, upstream: str, *, hang_seconds: float = 300) -> None:
        self.upstream = upstream.rstrip("/")
        self.hang_seconds = hang_seconds
        self._lock = threading.Lock()
        self._mode: Mode = "pass"
        self._method: str | None = None
        self._path: str | None = None
        self._times: int | None = None
        self.seen: list[Seen] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._release: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    # ------------------------------------------------------------------ control

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, mode: Mode) -> None:
        self.set(mode)

    def set(
        self,
        mode: Mode,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int | None = None,
    ) -> None:
        """Apply ``mode`` to the requests matching ``method`` and ``path`` (all when
        None), ``times`` times (forever when None)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        with self._lock:
            self._mode = mode
            self._method = method.upper() if method else None
            self._path = path
            self._times = times
        if mode != "hang":
            self._wake_hung()

    def reset(self) -> None:
        """Back to ``pass``; hung requests are released (their connections closed)."""
        self.set("pass")

    def count(
        self, *, mode: Mode | None = None, method: str | None = None, path: str | None = None
    ) -> int:
        """How many requests were seen (matching the given mode, method and path)."""
        return sum(
            1
            for s in list(self.seen)
            if (mode is None or s.mode == mode)
            and (method is None or s.method == method.upper())
            and (path is None or path in s.path)
        )

    @property
    def forwarded(self) -> int:
        """How many requests reached the upstream."""
        return sum(1 for s in list(self.seen) if s.forwarded)

    def _mode_for(self, method: str, path: str) -> Mode:
        with self._lock:
            if self._mode == "pass":
                return "pass"
            if self._method is not None and method != self._method:
                return "pass"
            if self._path is not None and self._path not in path:
                return "pass"
            mode = self._mode
            if self._times is not None:
                self._times -= 1
                if self._times <= 0:
                    self._mode, self._method, self._path, self._times = "pass", None, None, None
            return mode

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> FlakyProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> FlakyProxy:
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._open())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._close())
            loop.close()

        self._thread = threading.Thread(target=run, name="flaky-proxy", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._wake_hung()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = None
        self._thread = None

    def _wake_hung(self) -> None:
        loop, release = self._loop, self._release
        if loop is not None and release is not None and loop.is_running():
            loop.call_soon_threadsafe(release.set)

    async def _open(self) -> None:
        self._release = asyncio.Event()
        self._session = aiohttp.ClientSession(
            auto_decompress=False, timeout=aiohttp.ClientTimeout(total=120)
        )
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # No access log: this thread may outlive the test whose output stream it would use.
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    # ------------------------------------------------------------------ requests

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = unquote(request.raw_path)
        mode = self._mode_for(request.method, path)
        if mode == "500":
            self.seen.append(Seen(request.method, path, mode, False, None))
            return web.json_response(
                {"code": "proxy_error", "message": "Internal Server Error (flaky proxy)"},
                status=500,
            )
        if mode == "hang":
            self.seen.append(Seen(request.method, path, mode, False, None))
            release = self._release
            assert release is not None
            release.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release.wait(), self.hang_seconds)
            _abort(request)
            return web.Response(status=504)
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        assert self._session is not None
        async with self._session.request(
            request.method,
            self.upstream + request.raw_path,
            data=body,
            headers=headers,
            allow_redirects=False,
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
            answer_headers = [
                (k, v) for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP
            ]
        self.seen.append(Seen(request.method, path, mode, True, status))
        if mode == "drop":
            _abort(request)
            return web.Response(status=502)
        if mode == "drop502":
            return web.Response(status=502, text="Bad Gateway (flaky proxy)")
        response = web.Response(status=status, body=payload)
        for key, value in answer_headers:
            response.headers.add(key, value)
        return response


def _abort(request: web.Request) -> None:
    """Close the client's connection without an answer."""
    transport = request.transport
    if transport is not None:
        transport.abort()
