"""What the HTTP targets (WordPress, the webhook) and the channel share about httpx."""

from __future__ import annotations

import httpx

# The httpx errors raised before a request can have left this machine: after these a
# target cannot have acted on it, so sending again needs no look-up first. Any other
# failure (a timeout, a dropped connection) may come after the target acted.
NEVER_SENT: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
