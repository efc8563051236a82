"""Serve the built front ends (web/dist) locally, as Firebase Hosting does in production.

`make demo` runs this beside the emulators: the demo host page with the
widget at http://127.0.0.1:5002/. Standard library only; the response
headers follow the production Hosting headers that matter for the visitor
(no referrer, no sniffing, nothing cached that should not be).
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "dist"
PORT = 5002

_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        for name, value in _HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry the visitor's address: not even locally.
        return


def start(*, host: str = "127.0.0.1", port: int = PORT, root: Path = DIST) -> ThreadingHTTPServer:
    """Serve `root` in a daemon thread; the caller shuts it down (or exits)."""
    if not (root / "index.html").exists():
        raise FileNotFoundError(f"{root}/index.html is missing: build the front ends first")
    server = ThreadingHTTPServer((host, port), functools.partial(_Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
