"""Coming back to a running chat with its resume code, with nothing on the device.

The widget keeps the session token in memory only, so a closed tab loses it.
At intake the visitor is shown a short code to write down; with it, any tab
gets a fresh token for the same chat. The code has 60 random bits (12
Crockford base32 characters); only a keyed hash of it is stored, in the
session itself (so it expires with the chat and costs no extra document),
and failed attempts are budgeted per instance, which the deployment's
instance cap makes a global ceiling: guessing any live code stays hopeless.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from vtchat import presence, tokens
from vtchat.errors import Busy, NotFound
from vtchat.logs import log
from vtchat.models import (
    RESUME_ALPHABET,
    RESUME_CODE_LENGTH,
    RegionRef,
    ResumeRequest,
    ResumeResponse,
    SessionDoc,
)
from vtchat.services import Services
from vtchat.store import from_snapshot

_UNKNOWN = (
    "Deze code kennen we niet, of het gesprek is al afgelopen. Start een nieuwe chat, of bel "
    "gratis en anoniem met Veilig Thuis: 0800 2000."
)


def new_code() -> str:
    return "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_CODE_LENGTH))


def display(code: str) -> str:
    """`K7QM3XHP2RTA` as `K7QM-3XHP-2RTA`: easier to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def resume_key(svc: Services, code: str) -> str:
    # Keyed, so a copy of the database does not allow testing codes offline.
    return hmac.new(svc.session_key, b"resume:" + code.encode("ascii"), hashlib.sha256).hexdigest()


def resume(svc: Services, request: ResumeRequest, *, now: datetime | None = None) -> ResumeResponse:
    now = now or datetime.now(UTC)
    wait = svc.resume_failures.exhausted(now)
    if wait is not None:
        log("WARNING", "resume_refused", reason="failure_budget")
        raise Busy(retry_after_seconds=wait)
    store = svc.store
    matches = store.query(store.with_resume_key(resume_key(svc, request.resume_code)))
    session = from_snapshot(SessionDoc, matches[0]) if matches else None
    token_expiry = session.created_at + svc.settings.session_max_lifetime if session else now
    if session is None or session.state == "ended" or token_expiry <= now:
        svc.resume_failures.admit(now)
        raise NotFound(_UNKNOWN, code="resume_unknown")
    session_id = matches[0].id
    presence.visitor_seen(svc, session_id=session_id, now=now)
    log("INFO", "chat_resumed", sessionId=session_id)
    return ResumeResponse(
        session_id=session_id,
        token=tokens.issue(key=svc.session_key, session_id=session_id, expires_at=token_expiry),
        expires_at=token_expiry,
        region=RegionRef(id=session.region, name=svc.directory.get(session.region).name),
        resume_code=display(request.resume_code),
        stream_url=svc.settings.stream_url,
        state=session.state,
    )
