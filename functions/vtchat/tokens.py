"""Session tokens: the visitor's only credential.

A token is a capability for exactly one session, signed with a server secret
and expiring with the session's maximum lifetime. It is not a JWT on purpose:
there is one issuer, one audience and a handful of claims, so a tiny HMAC
format leaves nothing to misconfigure (no algorithm negotiation).

    vt1.<base64url(json {"s": session, "e": expiry, "g": generation, "k": key id})>.<b64url(mac)>

(mac: HMAC-SHA256 over "vt1." and the encoded claims.)

The generation is the session's `tokenGeneration` when the token was issued:
resuming the chat with its code raises it, and every check that reads the
session refuses a token of an earlier generation (vtchat.access). Tokens from
before generations existed carry no "g" and count as generation 0.

The key id names the key that signed the token (`key_id`: derived from the
key, so it cannot disagree with it). During a rotation the functions hold two
keys, the current one (signs and verifies) and a second one that only
verifies (`previous`: the next key before the switch, the old one after it,
so instances of either phase accept each other's tokens): a token is checked
against the key its id names, and one naming neither is refused.
Tokens from before key ids existed carry no "k" and verify with the current
key only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from vtchat.errors import Unauthenticated, declare

# The error codes raised here (vtchat.openapi describes them).
TOKEN_EXPIRED = declare("token_expired", Unauthenticated, "the session token has expired")
TOKEN_INVALID = declare("token_invalid", Unauthenticated, "the session token is not valid")

PREFIX = "vt1."
_MAX_TOKEN_LENGTH = 512
_MAX_GENERATION = 1_000_000


@dataclass(frozen=True)
class SessionClaim:
    session_id: str
    expires_at: datetime
    generation: int = 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, (PREFIX + body).encode("ascii"), hashlib.sha256).digest())


def key_id(key: bytes) -> str:
    """The public name of a signing key: 8 hex digits of a hash of it (not the key)."""
    return hashlib.sha256(b"vtchat-session-key-id:" + key).hexdigest()[:8]


def issue(*, key: bytes, session_id: str, expires_at: datetime, generation: int = 0) -> str:
    claims = {"s": session_id, "e": int(expires_at.timestamp()), "g": generation, "k": key_id(key)}
    payload = json.dumps(claims, separators=(",", ":"))
    body = _b64(payload.encode("utf-8"))
    return f"{PREFIX}{body}.{_sign(key, body)}"


def is_session_token(token: str) -> bool:
    return token.startswith(PREFIX)


def _signing_key(payload: object, *, key: bytes, previous: bytes | None) -> bytes:
    """The configured key the (not yet verified) payload names; refused if none."""
    if not isinstance(payload, dict):
        raise Unauthenticated(code=TOKEN_INVALID)
    if "k" not in payload:
        return key  # issued before key ids existed
    for candidate in (key, previous):
        if candidate is not None and payload["k"] == key_id(candidate):
            return candidate
    raise Unauthenticated(code=TOKEN_INVALID)


def verify(
    *, key: bytes, token: str, now: datetime | None = None, previous: bytes | None = None
) -> SessionClaim:
    """Return the claim of a genuine, unexpired token; anything else is 401.

    `key` is the current signing key; `previous` the second key, configured
    only while a rotation is under way (docs/deploy.md).
    """
    if len(token) > _MAX_TOKEN_LENGTH or not token.startswith(PREFIX):
        raise Unauthenticated(code=TOKEN_INVALID)
    body, _, signature = token[len(PREFIX) :].partition(".")
    if not body or not signature:
        raise Unauthenticated(code=TOKEN_INVALID)
    try:
        # Read before the signature is checked, only to pick the key that
        # checks it: the payload is trusted only once that check passed.
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error, RecursionError) as e:
        raise Unauthenticated(code=TOKEN_INVALID) from e
    signing_key = _signing_key(payload, key=key, previous=previous)
    if not hmac.compare_digest(signature, _sign(signing_key, body)):
        raise Unauthenticated(code=TOKEN_INVALID)
    try:
        session_id = payload["s"]
        expires_at = datetime.fromtimestamp(int(payload["e"]), tz=UTC)
        generation = payload.get("g", 0)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as e:
        raise Unauthenticated(code=TOKEN_INVALID) from e
    if not isinstance(session_id, str) or not session_id:
        raise Unauthenticated(code=TOKEN_INVALID)
    if type(generation) is not int or not 0 <= generation <= _MAX_GENERATION:
        raise Unauthenticated(code=TOKEN_INVALID)
    if expires_at <= (now or datetime.now(UTC)):
        raise Unauthenticated(
            "Dit gesprek is verlopen. Start een nieuwe chat als je nog vragen hebt.",
            code=TOKEN_EXPIRED,
        )
    return SessionClaim(session_id=session_id, expires_at=expires_at, generation=generation)
