"""The WordPress REST API as warta talks to it: Basic auth with an Application
Password, the ``/wp-json/`` or ``?rest_route=`` address, and WordPress's answers turned
into :class:`PublishError` (ambiguous when a change may have been done)."""

from __future__ import annotations

import html
import re
from typing import Any, Literal

import httpx

from bot.ports.targets import PublishError
from publisher.http import NEVER_SENT

USER_AGENT = "warta-wordpress/1"
# How much of WordPress's error message is quoted back.
_MESSAGE_LIMIT = 160

Method = Literal["GET", "POST", "DELETE"]
_MAYBE_DONE = {"POST": "; it may have done it", "DELETE": "; it may have done it"}


class RestClient:
    """One WordPress site's ``wp/v2`` routes, logged in as one user."""

    def __init__(
        self,
        base_url: str,
        user: str,
        app_password: str,
        *,
        timeout: float = 30,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the WordPress address must start with http:// or https://")
        self.base = base_url.rstrip("/")
        self.user = user
        self._auth = httpx.BasicAuth(user, app_password.strip())
        self._timeout = timeout
        self._client = client
        self._own_client: httpx.AsyncClient | None = None
        # REST API at "<site>/wp-json/" (True) or "<site>/?rest_route=" (False), found
        # out by the first call.
        self._pretty: bool | None = None

    async def aclose(self) -> None:
        if self._own_client is not None:
            await self._own_client.aclose()
            self._own_client = None

    async def call(
        self,
        method: Method,
        route: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
    ) -> httpx.Response:
        """One REST call on ``wp/v2/<route>``; a non-2xx answer not in ``allow`` raises."""
        if await self._pretty_urls():
            url, query = f"{self.base}/wp-json/wp/v2/{route}", dict(params or {})
        else:
            # httpx replaces a URL's query by ``params``, so rest_route goes in there.
            url, query = f"{self.base}/", {"rest_route": f"/wp/v2/{route}", **(params or {})}
        response = await self._send(
            method, url, what, params=query, json=json, content=content, headers=headers
        )
        if response.is_success or response.status_code in allow:
            return response
        raise self.error(response, what, method)

    def error(self, response: httpx.Response, what: str, method: str) -> PublishError:
        """What a failed answer means, in words (never the password)."""
        status = response.status_code
        code, message = wp_error(response)
        said = f"{code}: {message}" if code and message else code or message
        if status == 401:
            hint = (
                "; over plain http:// WordPress turns application passwords off unless its "
                "WP_ENVIRONMENT_TYPE is 'local'"
                if self.base.startswith("http://")
                else ""
            )
            return PublishError(
                f"WordPress refused the login for user {self.user!r}"
                + (f" ({code})" if code else "")
                + f": the user name or application password is wrong{hint}",
                kind="login",
            )
        if status == 403:
            return PublishError(
                f"WordPress user {self.user!r} may not {what}"
                + (f": {message}" if message else ""),
                kind="permission",
            )
        return PublishError(
            f"WordPress could not {what}: HTTP {status}" + (f" {said}" if said else ""),
            ambiguous=status >= 500 and method != "GET",
            kind="server" if status >= 500 else "busy" if status == 429 else "refused",
        )

    # ------------------------------------------------------------------ HTTP

    def _http(self) -> httpx.AsyncClient:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            self._own_client = httpx.AsyncClient(
                timeout=self._timeout,
                follow_redirects=False,
                headers={"User-Agent": USER_AGENT},
            )
        return self._own_client

    async def _send(
        self,
        method: Method,
        url: str,
        what: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            return await self._http().request(
                method,
                url,
                params=params,
                json=json,
                content=content,
                headers=headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except NEVER_SENT as exc:
            raise PublishError(
                f"WordPress unreachable at {self.base} ({type(exc).__name__})",
                kind="unreachable",
            ) from exc
        except httpx.TimeoutException as exc:
            raise PublishError(
                f"WordPress did not answer within {self._timeout:g} s ({what})"
                + _MAYBE_DONE.get(method, ""),
                ambiguous=True,
                kind="timeout",
            ) from exc
        except httpx.HTTPError as exc:
            raise PublishError(
                f"WordPress connection failed ({what}: {type(exc).__name__})"
                + _MAYBE_DONE.get(method, ""),
                ambiguous=True,
                kind="timeout",
            ) from exc

    async def _pretty_urls(self) -> bool:
        """Whether the REST API answers at ``/wp-json/`` (else ``?rest_route=``)."""
        if self._pretty is not None:
            return self._pretty
        redirect = None
        for pretty, url, params in (
            (True, f"{self.base}/wp-json/", None),
            (False, f"{self.base}/", {"rest_route": "/"}),
        ):
            response = await self._send("GET", url, "find the REST API", params=params)
            if response.is_redirect:
                redirect = redirect or response.headers.get("location")
                continue
            if response.status_code == 401 or response.status_code >= 500:
                raise self.error(response, "read the REST API index", "GET")
            if response.status_code == 200 and _is_rest_index(response):
                self._pretty = pretty
                return pretty
        if redirect:
            raise PublishError(
                f"WordPress at {self.base} redirects to {redirect}: "
                "set the WordPress address to the site's own address",
                kind="setup",
            )
        raise PublishError(
            f"no WordPress REST API at {self.base} (tried /wp-json/ and ?rest_route=/)",
            kind="not_found",
        )


# ---------------------------------------------------------------------- answers


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; anything else raises :class:`PublishError`."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PublishError(
            f"WordPress answered HTTP {response.status_code} without the expected JSON object"
        )
    return data


def json_list(response: httpx.Response) -> list[Any]:
    """The answer's JSON list; anything else raises :class:`PublishError`."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, list):
        raise PublishError(f"WordPress answered HTTP {response.status_code} without a JSON list")
    return data


def wp_error(response: httpx.Response) -> tuple[str, str]:
    """WordPress's error ``code`` and ``message`` (tags stripped, shortened)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    code = message = ""
    if isinstance(data, dict):
        code = str(data.get("code") or "")
        message = str(data.get("message") or "")
    message = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", message)).split())
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return code[:60], message


def _is_rest_index(response: httpx.Response) -> bool:
    try:
        index = response.json()
    except ValueError:
        return False
    return isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or [])
