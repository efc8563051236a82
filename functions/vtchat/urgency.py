"""The advisor's danger flag: a chat marked urgent reaches the supervisor at once.

The supervisor's console listens to the organisation's urgent chats
(`sessions where org == … and urgent == true`); the flag is all it takes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from google.cloud.firestore_v1.transaction import Transaction

from vtchat.access import session_for_staff
from vtchat.errors import CHAT_ENDED, Conflict
from vtchat.logs import log
from vtchat.models import SessionDoc, SessionStateResponse, Staff, UrgentRequest
from vtchat.services import Services


def set_urgent(
    svc: Services, *, staff: Staff, request: UrgentRequest, now: datetime | None = None
) -> SessionStateResponse:
    now = now or datetime.now(UTC)
    store = svc.store
    ref = store.session(request.session_id)

    def body(transaction: Transaction) -> SessionDoc:
        session = session_for_staff(store, transaction, session_id=request.session_id, staff=staff)
        if session.state == "ended":
            raise Conflict("Dit gesprek is al beëindigd.", code=CHAT_ENDED)
        if request.urgent:
            # The visitor's own "in danger now" stays the reason once given.
            reason = session.urgent_reason if session.urgent else "advisor"
            store.update(
                transaction,
                ref,
                {
                    "urgent": True,
                    "urgentReason": reason,
                    "urgentAt": now,
                    "urgentBy": staff.display_name,
                },
            )
        else:
            store.update(
                transaction,
                ref,
                {"urgent": False, "urgentReason": None, "urgentAt": None, "urgentBy": None},
            )
        return session

    session = store.run_transaction(body)
    log(
        "WARNING" if request.urgent else "INFO",
        "chat_urgent" if request.urgent else "chat_urgent_cleared",
        sessionId=request.session_id,
        advisorUid=staff.uid,
        org=session.org,
    )
    return SessionStateResponse(session_id=request.session_id, state=session.state)
