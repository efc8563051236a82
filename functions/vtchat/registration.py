"""The anonymous advice registration an advisor makes after a chat.

It is the one record of a chat that stays (no TTL), so it holds nothing that
could point back to the person or the conversation: fixed choices, the age
band and gender the visitor gave, times rounded (start to the quarter hour,
waiting and duration to whole minutes) and a random id that is not the
session's. The session keeps that id until its own TTL, which makes saving
idempotent: a second save (a retry, a correction) updates the same record.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from google.cloud.firestore_v1.transaction import Transaction

from vtchat.access import session_for_staff
from vtchat.errors import Conflict
from vtchat.logs import log
from vtchat.models import RegistrationDoc, RegistrationRequest, RegistrationSaved, Staff
from vtchat.services import Services
from vtchat.store import to_doc


def quarter_hour(at: datetime) -> datetime:
    # A plain datetime: Firestore's own subclass does not survive replace().
    plain = datetime.fromtimestamp(at.timestamp(), tz=UTC)
    return plain.replace(minute=plain.minute - plain.minute % 15, second=0, microsecond=0)


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()) // 60)


def save(
    svc: Services, *, staff: Staff, request: RegistrationRequest, now: datetime | None = None
) -> RegistrationSaved:
    now = now or datetime.now(UTC)
    store = svc.store
    session_ref = store.session(request.session_id)

    def body(transaction: Transaction) -> RegistrationSaved:
        session = session_for_staff(store, transaction, session_id=request.session_id, staff=staff)
        if session.state != "ended" or session.assigned_at is None or session.ended_at is None:
            raise Conflict(
                "Registreer een gesprek nadat je het hebt beëindigd.", code="chat_not_ended"
            )
        record = RegistrationDoc(
            region=session.region,
            answering_org=session.advisor_org or session.org,
            queued_org=session.transferred_from or session.org,
            month=f"{session.created_at:%Y-%m}",
            started=quarter_hour(session.created_at),
            waited_minutes=_minutes(session.queued_at, session.assigned_at),
            duration_minutes=_minutes(session.assigned_at, session.ended_at),
            age_band=session.age_band,
            gender=session.gender,
            urgent=session.urgent,
            via_fallback=session.via_fallback,
            contact=request.contact,
            topics=request.topics,
            advice=request.advice,
            referrals=request.referrals,
            outcome=request.outcome,
            saved_at=quarter_hour(now),
        )
        updated = session.registration_id is not None
        registration_id = session.registration_id or secrets.token_urlsafe(12)
        store.set(transaction, store.registration(registration_id), to_doc(record))
        if not updated:
            store.update(transaction, session_ref, {"registrationId": registration_id})
        return RegistrationSaved(registration_id=registration_id, updated=updated)

    saved = store.run_transaction(body)
    log("INFO", "registration_saved", advisorUid=staff.uid, updated=saved.updated)
    return saved
