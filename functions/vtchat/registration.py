"""The anonymous advice registration an advisor makes after a chat.

It completes the chat's anonymous record (vtchat.records), which the end of
the chat wrote: fixed choices only, no free text, so nothing in it can
identify the visitor or repeat what they wrote. Saving again (a retry, a
correction) updates the same record.
"""

from __future__ import annotations

from google.cloud.firestore_v1.transaction import Transaction

from vtchat import records
from vtchat.access import session_for_staff
from vtchat.errors import Conflict, declare
from vtchat.logs import log
from vtchat.models import ChatRecordDoc, RegistrationRequest, RegistrationSaved, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc

# The error codes raised here (vtchat.openapi describes them).
CHAT_NOT_ENDED = declare("chat_not_ended", Conflict, "register a chat after it has ended")


def save(svc: Services, *, staff: Staff, request: RegistrationRequest) -> RegistrationSaved:
    store = svc.store
    session_ref = store.session(request.session_id)
    registration = {
        "contact": request.contact,
        "topics": request.topics,
        "advice": request.advice,
        "referrals": request.referrals,
        "outcome": request.outcome,
        "registered": True,
    }

    def body(transaction: Transaction) -> RegistrationSaved:
        session = session_for_staff(store, transaction, session_id=request.session_id, staff=staff)
        if session.state != "ended" or session.assigned_at is None or session.ended_at is None:
            raise Conflict(
                "Registreer een gesprek nadat je het hebt beëindigd.", code=CHAT_NOT_ENDED
            )
        if session.record_id is None:
            # Ended before chats left records: make it now, from the session.
            record_id = records.write_at_end(
                store,
                transaction,
                session,
                ended_at=session.ended_at,
                ended_by=session.ended_by or "advisor",
            )
            store.update(transaction, session_ref, {"recordId": record_id, "registered": True})
            store.update(transaction, store.chat_record(record_id), registration)
            return RegistrationSaved(registration_id=record_id, updated=False)
        ref = store.chat_record(session.record_id)
        snapshot = store.get(ref, transaction=transaction)
        store.update(transaction, session_ref, {"registered": True})
        if not snapshot.exists:
            fresh = records.record_of(
                session, ended_at=session.ended_at, ended_by=session.ended_by or "advisor"
            )
            store.set(transaction, ref, to_doc(fresh, **registration))
            return RegistrationSaved(registration_id=session.record_id, updated=False)
        updated = from_snapshot(ChatRecordDoc, snapshot).registered
        store.update(transaction, ref, registration)
        return RegistrationSaved(registration_id=session.record_id, updated=updated)

    saved = store.run_transaction(body)
    log("INFO", "registration_saved", advisorUid=staff.uid, updated=saved.updated)
    return saved
