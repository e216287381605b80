"""A built site served on loopback as GitHub Pages serves it, for the audits and browser tests.

Three things a plain file server does differently, and each changes what a browser or an
auditor sees: the site lives under its address's path (``site_url``: ``/hf-papers-atlas/``),
so the 404 page's absolute links resolve; a missing page answers 404 with the site's own
``404.html``; and text, scripts, JSON and SVG go gzipped to a browser that accepts it
(Pagefind's index files are compressed already and go as they are).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix``, gzipped where GitHub Pages gzips, 404.html when missing."""

    def __init__(self, *args: object, prefix: str = "/", **kwargs: object) -> None:
        self.prefix = prefix
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, *args: object) -> None:
        pass

    def local(self, url_path: str) -> Path | None:
        """Where a URL path points in the site folder; None outside the site's path."""
        path = url_path.split("?")[0].split("#")[0]
        if not (path + "/").startswith(self.prefix):
            return None
        return Path(self.translate_path("/" + path.removeprefix(self.prefix).lstrip("/")))

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, *, send_body: bool) -> None:
        local = self.local(self.path)
        path = self.path.split("?")[0]
        if local is not None and local.is_dir() and not path.endswith("/"):
            # Pages redirects a folder's address without its slash to the one with it.
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if local is not None and local.is_dir():
            local = local / "index.html"
        status = 200
        if local is None or not local.is_file():
            status, local = 404, Path(self.directory) / "404.html"
        kind = self.guess_type(str(local))
        body = local.read_bytes()
        zipped = kind.startswith(COMPRESSED_TYPES) and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, 6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@contextmanager
def pages_served(site: Path, prefix: str = "/") -> Iterator[str]:
    """``site`` served on a free loopback port under ``prefix``; yields the site's base URL."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = functools.partial(PagesHandler, directory=str(site), prefix=prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
