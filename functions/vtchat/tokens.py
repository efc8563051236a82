"""Session tokens: the visitor's only credential.

A token is a capability for exactly one session, signed with a server secret
and expiring with the session's maximum lifetime. It is not a JWT on purpose:
there is one issuer, one audience and one claim, so a tiny HMAC format leaves
nothing to misconfigure (no algorithm negotiation, no key ids).

    vt1.<base64url(json {"s": session id, "e": expiry, "g": generation})>.<base64url(hmac-sha256)>

The generation is the session's `tokenGeneration` when the token was issued:
resuming the chat with its code raises it, and every check that reads the
session refuses a token of an earlier generation (vtchat.access). Tokens from
before generations existed carry no "g" and count as generation 0.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from vtchat.errors import Unauthenticated

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


def issue(*, key: bytes, session_id: str, expires_at: datetime, generation: int = 0) -> str:
    claims = {"s": session_id, "e": int(expires_at.timestamp()), "g": generation}
    payload = json.dumps(claims, separators=(",", ":"))
    body = _b64(payload.encode("utf-8"))
    return f"{PREFIX}{body}.{_sign(key, body)}"


def is_session_token(token: str) -> bool:
    return token.startswith(PREFIX)


def verify(*, key: bytes, token: str, now: datetime | None = None) -> SessionClaim:
    """Return the claim of a genuine, unexpired token; anything else is 401."""
    if len(token) > _MAX_TOKEN_LENGTH or not token.startswith(PREFIX):
        raise Unauthenticated(code="token_invalid")
    body, _, signature = token[len(PREFIX) :].partition(".")
    if not body or not signature or not hmac.compare_digest(signature, _sign(key, body)):
        raise Unauthenticated(code="token_invalid")
    try:
        payload = json.loads(_unb64(body))
        session_id = payload["s"]
        expires_at = datetime.fromtimestamp(int(payload["e"]), tz=UTC)
        generation = payload.get("g", 0)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as e:
        raise Unauthenticated(code="token_invalid") from e
    if not isinstance(session_id, str) or not session_id:
        raise Unauthenticated(code="token_invalid")
    if type(generation) is not int or not 0 <= generation <= _MAX_GENERATION:
        raise Unauthenticated(code="token_invalid")
    if expires_at <= (now or datetime.now(UTC)):
        raise Unauthenticated(
            "Dit gesprek is verlopen. Start een nieuwe chat als je nog vragen hebt.",
            code="token_expired",
        )
    return SessionClaim(session_id=session_id, expires_at=expires_at, generation=generation)
