"""Every entry point of functions/main.py in one process, under /api/<name>.

Not how production serves the functions (that is emulators/serve_functions.py:
one gunicorn per function). This is for tests that need the functions in
their own process: the API fuzzer calls `build_app()` in process, and the
crash tests (tests/processes.py) kill a whole instance with SIGKILL and patch
a fault hook into it, which a process tree of 19 servers would not allow.
Threaded werkzeug, because event streams stay open.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import functions_framework
from functions_framework import _function_registry
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SOURCE = Path(__file__).resolve().parent.parent / "functions" / "main.py"


def http_targets() -> list[str]:
    """Names of the HTTP entry points that functions/main.py registers."""
    module, spec = _function_registry.load_function_module(str(SOURCE))
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return sorted(name for name, kind in _function_registry.REGISTRY_MAP.items() if kind == "http")


@Request.application
def _root(request: Request) -> Response:
    if request.path == "/healthz":
        return Response("ok\n", mimetype="text/plain")
    return Response("not found\n", status=404, mimetype="text/plain")


def _at_root(app: WSGIApplication) -> WSGIApplication:
    # Deployed functions see their own path as "/"; without this Flask would
    # redirect /api/intake to /api/intake/ and lose the POST body.
    def call(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ["PATH_INFO"] = environ.get("PATH_INFO") or "/"
        return app(environ, start_response)

    return call


def build_app() -> DispatcherMiddleware:
    mounts = {
        f"/api/{name}": _at_root(functions_framework.create_app(target=name, source=str(SOURCE)))
        for name in http_targets()
    }
    return DispatcherMiddleware(_root, mounts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    server = make_server(args.host, args.port, build_app(), threaded=True)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"functions (one process): http://{args.host}:{args.port}/api/<name>", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
