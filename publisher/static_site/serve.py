"""Serving the site folder on this computer (``warta site serve``): a preview.

The folder is plain files that any web server can serve; this one exists so an office
can look at its site before it has one. It is not a production server, but it keeps
the site's own record (``.warta/``) and any other dot-file out of reach, as a real
server should be configured to.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit


class _SiteHandler(SimpleHTTPRequestHandler):
    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = unquote(urlsplit(self.path).path)
        # The manifest (and any editor's or server's dot-files) are not part of the site.
        if any(part.startswith(".") for part in re.split(r"[/\\]", path) if part):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    """An HTTP server for the site folder, not yet running (``port=0`` picks a free one)."""
    handler = functools.partial(_SiteHandler, directory=str(site_dir))
    return ThreadingHTTPServer((host, port), handler)


def serve(
    site_dir: Path, host: str, port: int, *, announce: Callable[[str], None] | None = None
) -> None:
    """Serve the site folder until interrupted (a preview; not a production server).

    ``announce`` receives the address once the port is bound, so nothing is promised
    to the operator before the server can really answer.
    """
    server = make_server(site_dir, host, port)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
