"""The HTTP layer: an aiohttp server on 127.0.0.1 that decodes Bot API requests (forms,
multipart uploads, JSON), records each call, applies delays and faults, dispatches to the
method table and answers in Telegram's wire format; it also serves file downloads."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Self

from aiohttp import web

from tests.fakebotapi.faults import FaultsMixin
from tests.fakebotapi.records import (
    _MEDIA_KINDS,
    JSON,
    MAX_UPLOAD_BYTES,
    ApiCall,
    ApiError,
    UploadedFile,
)

log = logging.getLogger(__name__)

#: Parameters that are always strings; everything else that arrives as a form string is
#: JSON-decoded when possible (numbers, booleans, reply_markup, media arrays …), which is
#: what PTB encodes (``RequestParameter.json_value``).
_STRING_PARAMS = {
    "text",
    "caption",
    "parse_mode",
    "callback_query_id",
    "inline_message_id",
    "title",
    "description",
    "short_description",
    "name",
    "url",
    "language_code",
    "emoji",
    "action",
    "first_name",
    "last_name",
    "phone_number",
    "vcard",
    "address",
    "question",
    "file_id",
    "secret_token",
    "ip_address",
    "business_connection_id",
    "message_effect_id",
    "custom_title",
    "invite_link",
    "performer",
    "file_name",
    *_MEDIA_KINDS,
    "thumbnail",
}


def _coerce_param(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class ServerMixin(FaultsMixin):
    """Lifecycle and request handling of the fake server."""

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # release held long polls
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _decode(self, request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
        params: JSON = {k: _coerce_param(k, v) for k, v in request.query.items()}
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                params.update(json.loads(body))
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = UploadedFile(key, value.filename, value.content_type, data)
                elif isinstance(value, bytes | bytearray):
                    files[key] = UploadedFile(key, None, None, bytes(value))
                else:
                    params[key] = _coerce_param(key, value)
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params, files = await self._decode(request)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response(
                {"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
                status=413,
            )
        call = ApiCall(method, params, files)
        self.calls.append(call)
        if method.lower() != "getupdates":
            self.activity += 1
        try:
            delay = self._take_delay(method, params)
            if delay > 0:
                # The request is processed after the pause even when the client has
                # given up waiting (aiohttp does not cancel handlers on disconnect).
                await asyncio.sleep(delay)
            fault = self._take_fault(method, params)
            if fault is not None:
                raise fault
            impl = self._methods.get(method.lower())
            if impl is None:
                self.unknown_methods.append(method)
                raise ApiError(404, "Not Found")
            result = impl(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as error:
            call.ok = False
            call.error_code = error.code
            call.description = error.description
            return web.json_response(error.body(), status=error.code)
        except Exception as exc:  # a bug in the fake: report it loudly
            log.exception("fake Bot API crashed in %s", method)
            self.internal_errors.append(f"{method}: {exc!r}")
            call.ok = False
            call.error_code = 500
            call.description = f"Internal Server Error: {exc!r}"
            return web.json_response(
                {"ok": False, "error_code": 500, "description": call.description}, status=500
            )
        finally:
            self._notify()
        call.result = result
        return web.json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        if self.download_gate is not None:
            await self.download_gate.wait()
        self.downloads.append(path)
        return web.Response(body=stored.data, content_type="application/octet-stream")
