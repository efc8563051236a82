"""A local stand-in for Firebase Hosting's /api/<name> rewrites.

It behaves as production's Hosting does where that matters to the chat
(docs/platform.md): a rewritten response is buffered and reaches the browser
only when it has ended, and a rewritten request is cut after 60 s. So a widget
that opened its event stream through /api/stream would receive nothing here,
as it would in production, and the browser tests would fail.

Only functions with `hosting: true` in infra/functions.json are rewritten;
the rest answer 404, as Hosting would for a path with no rewrite. Threads are
not limited: Hosting is not where a limit may bite.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from emulators.functions_plan import HOSTING_TIMEOUT_SECONDS, FunctionPlan

# Headers that belong to one connection, not to the request or response.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
}
_CHUNK = 64 * 1024


class HostingTimeout(Exception):
    """The function did not finish its response within Hosting's limit."""


def _buffered(
    response: http.client.HTTPResponse, deadline: float, sock_timeout: Callable[[float], None]
) -> bytes:
    """The whole body, or HostingTimeout once the deadline passes."""
    parts: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise HostingTimeout
        sock_timeout(left)
        try:
            chunk = response.read1(_CHUNK)
        except TimeoutError as e:
            raise HostingTimeout from e
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def make_handler(
    hosted: dict[str, FunctionPlan],
    *,
    ready: Callable[[], bool],
    timeout: float = HOSTING_TIMEOUT_SECONDS,
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            # Request lines carry no content, but the stack's log stays quiet.
            return

        def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the browser went away; so does Hosting's answer

        def _plain(self, status: int, text: str) -> None:
            self._send(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8")])

        def _forward(self) -> None:
            path = urlsplit(self.path)
            if path.path == "/healthz":
                up = ready()
                self._plain(200 if up else 503, "ok\n" if up else "starting\n")
                return
            parts = path.path.split("/")
            if len(parts) != 3 or parts[1] != "api" or parts[2] not in hosted:
                self._plain(404, "no rewrite for this path\n")
                return
            plan = hosted[parts[2]]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            deadline = time.monotonic() + timeout
            upstream = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=timeout)
            try:
                # Hosting keeps the path; functions-framework serves every path.
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()

                def sock_timeout(seconds: float) -> None:
                    if upstream.sock is not None:
                        upstream.sock.settimeout(seconds)

                content = _buffered(response, deadline, sock_timeout)
                kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
                self._send(response.status, content, kept)
            except (HostingTimeout, TimeoutError):
                self._plain(504, "upstream request timeout\n")
            except OSError:
                self._plain(502, "the function did not answer\n")
            finally:
                upstream.close()

        do_GET = do_POST = do_OPTIONS = do_HEAD = _forward  # noqa: N815

    return Handler


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 resets a burst of browsers
    # connecting at once; Hosting takes them all (gunicorn's default is 2048).
    request_queue_size = 2048
    daemon_threads = True


def serve(
    host: str,
    port: int,
    hosted: dict[str, FunctionPlan],
    *,
    ready: Callable[[], bool],
) -> ThreadingHTTPServer:
    return _Server((host, port), make_handler(hosted, ready=ready))
