"""Coming back to a running chat with its resume code, with nothing on the device.

The widget keeps the session token in memory only, so a closed tab loses it.
At intake the visitor is shown a short code to write down; with it, any tab
gets a fresh token for the same chat. The code has 60 random bits (12
Crockford base32 characters); only a keyed hash of it is stored, in the
session itself (so it expires with the chat and costs no extra document),
under a key of its own (VTCHAT_RESUME_KEY): rotating the session key retires
running tokens, never written-down codes.

Whoever holds the code may take the chat over, but never silently: a resume
raises the session's token generation, which retires every earlier token
(the old tab's stream ends with a notice, its calls get `token_revoked`),
and writes a `resumed` entry the advisor sees in the timeline. Wrong codes
are budgeted per code and, as a circuit breaker only, per instance
(vtchat.guesses).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from google.cloud.firestore import Increment
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import tokens
from vtchat.errors import Busy, NotFound, declare
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
from vtchat.timeline import TimelineWriter

# The error codes raised here (vtchat.openapi describes them).
RESUME_UNKNOWN = declare(
    "resume_unknown",
    NotFound,
    "no running chat has this resume code (wrong, or it ended)",
)

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
    return hmac.new(svc.resume_key, b"resume:" + code.encode("ascii"), hashlib.sha256).hexdigest()


def resume(svc: Services, request: ResumeRequest, *, now: datetime | None = None) -> ResumeResponse:
    now = now or datetime.now(UTC)
    code = request.resume_code
    wait = svc.resume_failures.exhausted(code, now)
    if wait is not None:
        log("WARNING", "resume_refused", reason="failure_budget")
        raise Busy(retry_after_seconds=wait)
    store = svc.store
    matches = store.query(store.with_resume_key(resume_key(svc, code)))
    session = from_snapshot(SessionDoc, matches[0]) if matches else None
    if session is None or not _running(svc, session, now):
        svc.resume_failures.failed(code, now)
        raise NotFound(_UNKNOWN, code=RESUME_UNKNOWN)
    session_id = matches[0].id
    session, generation = _take_over(svc, session_id, now=now)
    log("INFO", "chat_resumed", sessionId=session_id, generation=generation)
    token_expiry = session.created_at + svc.settings.session_max_lifetime
    return ResumeResponse(
        session_id=session_id,
        token=tokens.issue(
            key=svc.session_key,
            session_id=session_id,
            expires_at=token_expiry,
            generation=generation,
        ),
        expires_at=token_expiry,
        region=RegionRef(id=session.region, name=svc.directory.get(session.region).name),
        resume_code=display(code),
        stream_url=svc.settings.stream_url,
        state=session.state,
    )


def _running(svc: Services, session: SessionDoc, now: datetime) -> bool:
    expiry = session.created_at + svc.settings.session_max_lifetime
    return session.state != "ended" and expiry > now


def _take_over(svc: Services, session_id: str, *, now: datetime) -> tuple[SessionDoc, int]:
    """Retire the earlier tokens and tell the timeline, in one transaction.

    The `resumed` entry is what ends the old tab's open stream (vtchat.stream)
    and what the advisor sees; the raised generation refuses the old token
    everywhere else. One read and one commit: resuming is rare.
    """
    store = svc.store
    ref = store.session(session_id)

    def body(transaction: Transaction) -> tuple[SessionDoc, int]:
        snapshot = store.get(ref, transaction=transaction)
        session = from_snapshot(SessionDoc, snapshot) if snapshot.exists else None
        if session is None or not _running(svc, session, now):
            raise NotFound(_UNKNOWN, code=RESUME_UNKNOWN)
        generation = session.token_generation + 1
        timeline = TimelineWriter(
            store, transaction, session_id, seq=session.seq, expire_at=session.expire_at
        )
        timeline.system("resumed")
        # The new tab's stream refreshes presence from here on.
        update = {
            "tokenGeneration": generation,
            "seq": timeline.seq,
            "visitorSeenAt": now,
            "visitorPresence": "connected",
            **_unpaused(session, now),
        }
        store.update(transaction, ref, update)
        return session, generation

    return store.run_transaction(body)


def _unpaused(session: SessionDoc, now: datetime) -> dict[str, object]:
    """Coming back with the code ends the discreet pause (vtchat.signals), in the same write."""
    if not session.visitor_paused:
        return {}
    return {
        "visitorPaused": False,
        "visitorPausedAt": now,
        "signalAt": now,
        "signalVersion": Increment(1),
    }
