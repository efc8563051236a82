"""Who may act on a session: the one place that decides it for the functions.

firestore.rules decides what the console may read; these checks decide what
visitors and staff may change, and must agree with the rules.
"""

from __future__ import annotations

from google.cloud.firestore_v1.transaction import Transaction

from vtchat.errors import NOT_YOUR_CHAT, Forbidden, NotFound, Unauthenticated, declare
from vtchat.models import SessionDoc, Staff
from vtchat.store import Store, from_snapshot
from vtchat.tokens import SessionClaim

# The error codes raised here (vtchat.openapi describes them).
TOKEN_REVOKED = declare(
    "token_revoked",
    Unauthenticated,
    "the chat was resumed with its code elsewhere: this earlier token is retired",
)
WRONG_SESSION = declare("wrong_session", Forbidden, "the session id is not the token's")

# Shown as is in the tab whose token a resume elsewhere retired.
TAKEN_OVER = (
    "Deze chat is op een ander apparaat of tabblad geopend met de code. Hier is de chat daarom "
    "gesloten. Was jij dat niet? Bel dan gratis en anoniem met Veilig Thuis: 0800 2000."
)


def require_own_session(claim: SessionClaim, session_id: str) -> None:
    if claim.session_id != session_id:
        raise Forbidden("Dit gesprek hoort niet bij jouw chat.", code=WRONG_SESSION)


def require_current_token(claim: SessionClaim, session: SessionDoc) -> None:
    """Refuse a token that a resume has retired (see vtchat.resume).

    Free where the session is read anyway (messages, stream); `current_session`
    reads it for the calls that would not.
    """
    if claim.generation != session.token_generation:
        raise Unauthenticated(TAKEN_OVER, code=TOKEN_REVOKED)


def current_session(store: Store, claim: SessionClaim) -> SessionDoc:
    """The claim's session, read to check that its token is still the current one."""
    session = read_session(store, claim.session_id)
    require_current_token(claim, session)
    return session


def can_staff_act(staff: Staff, session: SessionDoc) -> bool:
    if session.advisor_uid == staff.uid:
        return True
    # A supervisor of the queue's organisation, or of the one whose advisor helps.
    return staff.role == "supervisor" and staff.org in (session.org, session.advisor_org)


def require_staff_on_session(staff: Staff, session: SessionDoc) -> None:
    if not can_staff_act(staff, session):
        raise Forbidden("Dit gesprek is niet aan jou toegewezen.", code=NOT_YOUR_CHAT)


def read_session(store: Store, session_id: str) -> SessionDoc:
    """The session as stored now, or NotFound (ended chats too, until expiry)."""
    snapshot = store.get(store.session(session_id))
    if not snapshot.exists:
        raise NotFound()
    return from_snapshot(SessionDoc, snapshot)


def session_for_staff(
    store: Store, transaction: Transaction, *, session_id: str, staff: Staff
) -> SessionDoc:
    """Read a session inside a transaction for a staff action on it, or refuse."""
    snapshot = store.get(store.session(session_id), transaction=transaction)
    if not snapshot.exists:
        raise NotFound()
    session = from_snapshot(SessionDoc, snapshot)
    require_staff_on_session(staff, session)
    return session
