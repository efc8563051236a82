"""Advisors going online or offline, and their capacity."""

from __future__ import annotations

from datetime import UTC, datetime

from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment
from vtchat.logs import log
from vtchat.models import AdvisorDoc, AdvisorState, AvailabilityRequest, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc


def set_availability(svc: Services, *, staff: Staff, request: AvailabilityRequest) -> AdvisorState:
    store = svc.store
    ref = store.advisor(staff.uid)
    org_name = svc.directory.get(staff.org).name

    def body(transaction: Transaction) -> AdvisorDoc:
        snapshot = store.get(ref, transaction=transaction)
        current = (
            from_snapshot(AdvisorDoc, snapshot)
            if snapshot.exists
            else AdvisorDoc(
                org=staff.org,
                role=staff.role,
                display_name=staff.display_name,
                org_name=org_name,
                capacity=svc.settings.default_capacity,
            )
        )
        # Profile fields follow the verified claims, so a changed name or
        # organisation takes effect at the next status change.
        updated = current.model_copy(
            update={
                "org": staff.org,
                "role": staff.role,
                "display_name": staff.display_name,
                "org_name": org_name,
                "status": request.status,
                "capacity": request.capacity or current.capacity,
                "updated_at": datetime.now(UTC),
            }
        )
        store.set(transaction, ref, to_doc(updated))
        return updated

    advisor = store.run_transaction(body)
    log("INFO", "advisor_availability", advisorUid=staff.uid, status=advisor.status)
    if advisor.status == "online":
        assignment.dispatch_quietly(svc, org=staff.org)
    return AdvisorState(
        uid=staff.uid,
        org=advisor.org,
        status=advisor.status,
        capacity=advisor.capacity,
        active_count=advisor.active_count,
    )
