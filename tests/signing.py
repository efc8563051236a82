"""A signing key of the test's own, its public half served as a JWKS on localhost.

Stands in for Google's key endpoints (App Check's JWKS, the certificates of
Google-signed OIDC tokens), so that verification runs end to end, signature
included, against keys the test holds: no mock of the verifier.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import free_port


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwks(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The public half of `key` as a JWK Set with one RS256 signing key."""
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig"}
    return {"keys": [{**jwk, "n": _b64(numbers.n), "e": _b64(numbers.e)}]}


@contextmanager
def serve_json(document: Mapping[str, Any], *, hits: list[str] | None = None) -> Iterator[str]:
    """Serve `document` on every GET of a local address (yielded as http://127.0.0.1:port).

    `hits`, if given, gets the path of every request (to count key fetches).
    """
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if hits is not None:
                hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
