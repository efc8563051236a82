"""Advisors going online or offline, and their capacity."""

from __future__ import annotations

from datetime import UTC, datetime

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1.transaction import Transaction

from vtchat import assignment, presence
from vtchat.errors import Forbidden, declare
from vtchat.logs import log
from vtchat.models import AdvisorDoc, AdvisorState, AvailabilityRequest, Staff
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc

# The error codes raised here (vtchat.openapi describes them).
NOT_AN_ADVISOR = declare("not_an_advisor", Forbidden, "a national account has no chats")


def set_availability(svc: Services, *, staff: Staff, request: AvailabilityRequest) -> AdvisorState:
    """Record status and capacity with blind writes.

    Only the dispatcher reads and writes `activeCount` in transactions; this
    call never reads the advisor document inside one, so it cannot deadlock
    with a dispatch that is assigning this advisor a chat.
    """
    if staff.role == "national":
        raise Forbidden("Een landelijk account voert geen gesprekken.", code=NOT_AN_ADVISOR)
    store = svc.store
    ref = store.advisor(staff.uid)
    now = datetime.now(UTC)
    profile = {
        # Follow the verified claims, so a changed name or organisation takes
        # effect at the next status change.
        "org": staff.org,
        "role": staff.role,
        "displayName": staff.display_name,
        "orgName": svc.directory.get(staff.org).name,
        # From the `langs` claim: whom chats in another language are offered to.
        "languages": list(staff.languages),
        "status": request.status,
        "updatedAt": now,
        # Online and paused consoles must keep sending heartbeats (vtchat.presence).
        "seenAt": None if request.status == "offline" else now,
        "expireAt": now + svc.settings.advisor_retention,
    }
    if request.capacity is not None:
        profile["capacity"] = request.capacity
    fresh = AdvisorDoc(
        org=staff.org,
        role=staff.role,
        display_name=staff.display_name,
        org_name=str(profile["orgName"]),
        languages=staff.languages,
        capacity=request.capacity or svc.settings.default_capacity,
    )

    def body(transaction: Transaction) -> None:
        store.set(transaction, ref, to_doc(fresh, **profile), merge=list(profile))

    def create_missing(transaction: Transaction) -> None:
        store.create(transaction, ref, to_doc(fresh, **profile))

    try:
        store.run_transaction(create_missing)
    except api_exceptions.AlreadyExists:
        store.run_transaction(body)
    log("INFO", "advisor_availability", advisorUid=staff.uid, status=request.status)
    if request.status == "offline":
        # Going offline is leaving: running chats go back to the front of
        # their queues now rather than after the advisor grace period.
        for org in sorted(
            set(presence.release_advisor(svc, uid=staff.uid, lost_before=None, now=now) or [])
        ):
            assignment.dispatch_quietly(svc, org=org)
    advisor = from_snapshot(AdvisorDoc, store.get(ref))
    if advisor.status == "online":
        assignment.dispatch_quietly(svc, org=staff.org)
    return AdvisorState(
        uid=staff.uid,
        org=advisor.org,
        status=advisor.status,
        capacity=advisor.capacity,
        active_count=advisor.active_count,
    )
