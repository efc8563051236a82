"""Pub/Sub pushes prove themselves: the OIDC token on `/api/offer` and `/api/tick`.

Each push subscription (infra/pubsub.tf) makes Pub/Sub attach a Google-signed
OIDC token of the push service account, for the pushed function's own URL as
audience. Cloud Run's IAM checks it before the request arrives, and here the
function checks it again: a mistaken invoker binding or ingress setting must
not let anyone move a waiting chat to another organisation (a forged offer) or
run the housekeeping at will. Checked: Google's signature, issuer, expiry, the
audience of this very function (a token for `tick` is no good on `offer`), and
the push service account as a verified email.

The Pub/Sub emulator pushes without any token, so verification is off on the
emulators by default (settings.py) and cannot be switched off in production.
Tests serve certificates of their own (`push_certs_url`) and sign with a local
key, over the same code path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import google.auth.transport.requests
from google.auth import exceptions as google_exceptions
from google.auth import transport
from google.oauth2 import id_token
from jwt.exceptions import PyJWTError

from vtchat.errors import Forbidden, Unauthenticated, Unavailable, declare
from vtchat.logs import log
from vtchat.settings import Settings

# The error codes raised here (vtchat.openapi describes them).
PUSH_KEYS_UNAVAILABLE = declare(
    "push_keys_unavailable",
    Unavailable,
    "Google's keys could not be fetched; Pub/Sub retries",
)
PUSH_NOT_CONFIGURED = declare(
    "push_not_configured",
    Unavailable,
    "push auth is on without an audience for this function",
)
PUSH_TOKEN_INVALID = declare(
    "push_token_invalid",
    Unauthenticated,
    "the push token is not Google's, expired, or for another audience",
)
PUSH_TOKEN_MISSING = declare(
    "push_token_missing",
    Unauthenticated,
    "a push without a bearer token (when push auth is on)",
)
PUSH_WRONG_ACCOUNT = declare(
    "push_wrong_account",
    Forbidden,
    "the push token is not our push service account's",
)

GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
# Google's keys change about daily and appear in the certificates before use.
CERTS_TTL_SECONDS = 300.0
# Pub/Sub's clock and ours may differ a little.
CLOCK_SKEW_SECONDS = 30

_REFUSAL = "Dit verzoek komt niet van onze eigen Pub/Sub-push en wordt geweigerd."


class CertsCache(transport.Request):
    """google-auth fetches the certificates on every verification: keep them a while.

    Only successful answers are kept, so an outage is retried on the next push.
    """

    def __init__(self, ttl_seconds: float = CERTS_TTL_SECONDS) -> None:
        self._ttl = ttl_seconds
        self._inner = google.auth.transport.requests.Request()
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, transport.Response]] = {}

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> transport.Response:
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(url)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        response: transport.Response = self._inner(
            url, method=method, body=body, headers=headers, timeout=timeout or 10, **kwargs
        )
        if response.status == 200:
            with self._lock:
                self._kept[url] = (now, response)
        return response


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 8192:
        raise Unauthenticated(_REFUSAL, code=PUSH_TOKEN_MISSING)
    return token.strip()


def verify_push(
    config: Settings, certs: transport.Request, authorization: str | None, *, function: str
) -> None:
    """Refuse a push to `function` (offer, tick) without a genuine token of our push account."""
    if not config.push_auth:
        return
    token = _bearer(authorization)
    audience = config.push_audiences.get(function)
    if not audience or not config.push_service_account:
        # Settings refuse this in production; on the emulators it is a test's mistake.
        raise Unavailable(code=PUSH_NOT_CONFIGURED)
    try:
        claims: Mapping[str, Any] = id_token.verify_token(
            token,
            certs,
            audience=audience,
            certs_url=config.push_certs_url,
            clock_skew_in_seconds=CLOCK_SKEW_SECONDS,
        )
    except google_exceptions.TransportError as e:
        # Pub/Sub retries a 503 with back-off: nothing is lost while Google's keys are away.
        log("WARNING", "push_keys_unavailable", function=function)
        raise Unavailable(code=PUSH_KEYS_UNAVAILABLE) from e
    except (ValueError, TypeError, google_exceptions.GoogleAuthError, PyJWTError) as e:
        log("WARNING", "push_refused", function=function, reason=type(e).__name__)
        raise Unauthenticated(_REFUSAL, code=PUSH_TOKEN_INVALID) from e
    _check_claims(config, claims, function=function)


def _check_claims(config: Settings, claims: Mapping[str, Any], *, function: str) -> None:
    # Google's certificates in JWK form are checked by PyJWT, which accepts a
    # token without `exp` or `iat`: Google's always carry both.
    if claims.get("iss") not in GOOGLE_ISSUERS or not all(
        isinstance(claims.get(name), int) for name in ("exp", "iat")
    ):
        log("WARNING", "push_refused", function=function, reason="claims")
        raise Unauthenticated(_REFUSAL, code=PUSH_TOKEN_INVALID)
    verified = claims.get("email_verified") is True
    if claims.get("email") != config.push_service_account or not verified:
        # A genuine Google token, of another account: IAM should never have let it in.
        log("WARNING", "push_refused", function=function, reason="service_account")
        raise Forbidden(_REFUSAL, code=PUSH_WRONG_ACCOUNT)
