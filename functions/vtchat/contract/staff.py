"""The entry points of the advisors', supervisors' and privacy officers' console."""

from __future__ import annotations

from vtchat.accounts import AccessRequest, Invited, InviteRequest, StaffAccount, StaffList
from vtchat.content import ContentResponse, ContentSaveRequest
from vtchat.contract.base import SESSION_EXAMPLE, Endpoint
from vtchat.models import (
    AdvisorState,
    AuditResponse,
    AvailabilityRequest,
    NoteRequest,
    NoteSaved,
    RegistrationRequest,
    RegistrationSaved,
    ReportResponse,
    SessionRequest,
    SessionStateResponse,
    TransferRequest,
    UrgentRequest,
    WatchRequest,
    WatchState,
)
from vtchat.texts import StandardTextsResponse

STAFF: tuple[Endpoint, ...] = (
    Endpoint(
        "availability",
        "POST",
        "staff",
        "Go online, pause or go offline",
        AvailabilityRequest,
        AdvisorState,
        example={"status": "online", "capacity": 3},
        errors=("not_an_advisor", "contention"),
    ),
    Endpoint(
        "accept",
        "POST",
        "staff",
        "Take a waiting chat",
        SessionRequest,
        SessionStateResponse,
        errors=(
            "not_found",
            "already_taken",
            "advisor_offline",
            "at_capacity",
            "language_reserved",
            "contention",
        ),
        example=SESSION_EXAMPLE,
    ),
    Endpoint(
        "end",
        "POST",
        "staff",
        "The advisor ends a chat",
        SessionRequest,
        SessionStateResponse,
        errors=("not_found", "not_your_chat", "contention"),
        example=SESSION_EXAMPLE,
    ),
    Endpoint(
        "transfer",
        "POST",
        "staff",
        "Hand an active chat to a colleague or another organisation",
        TransferRequest,
        SessionStateResponse,
        errors=(
            "not_found",
            "not_your_chat",
            "chat_not_active",
            "same_advisor",
            "same_org",
            "advisor_offline",
            "at_capacity",
            "not_supervisor",
            "not_a_colleague",
            "region_unknown",
            "contention",
        ),
        example={**SESSION_EXAMPLE, "toOrg": "flevoland", "note": "Vraagt naar hulp in Almere."},
        description="To a colleague (`toAdvisor`: their uid; a supervisor names themself to "
        "take the chat over) or to another organisation (`toOrg`: the chat waits at the front "
        "of its queue). The visitor is told who continues; the note is for staff only.",
    ),
    Endpoint(
        "urgent",
        "POST",
        "staff",
        "Set or clear the danger flag of a chat",
        UrgentRequest,
        SessionStateResponse,
        errors=("not_found", "not_your_chat", "chat_ended", "contention"),
        example={**SESSION_EXAMPLE, "urgent": True},
    ),
    Endpoint(
        "register",
        "POST",
        "staff",
        "The anonymous advice registration of an ended chat",
        RegistrationRequest,
        RegistrationSaved,
        status=201,
        also={200: "saved before: the same record was updated"},
        errors=("not_found", "not_your_chat", "chat_not_ended", "contention"),
        example={
            **SESSION_EXAMPLE,
            "contact": "bystander",
            "topics": ["partner_violence"],
            "advice": ["call_veilig_thuis"],
            "referrals": ["wijkteam"],
            "outcome": "advice_given",
        },
    ),
    Endpoint(
        "texts",
        "GET",
        "staff",
        "The standard texts of the caller's organisation",
        response=StandardTextsResponse,
        description="Placeholders ({regio}, {organisatie}, {lokale_hulp}, {telefoon}) are "
        "filled in by the console for the chat at hand.",
    ),
    Endpoint(
        "report",
        "GET",
        "staff",
        "Evaluation figures, small cells suppressed",
        response=ReportResponse,
        query={
            "from": "The first day of a month (YYYY-MM-DD); default: the first day of last month.",
            "to": "The first day of the next month; default: the first day of this month.",
            "period": "`month` (the default and the only one answered).",
            "org": "National role only: one region of origin.",
        },
        errors=("not_supervisor", "invalid_input", "report_period", "region_unknown"),
        description="A supervisor gets their own region; a national account every region "
        "or `org`. Only one whole calendar month that is over: fixed cells, so that two "
        "requests never overlap and no small count is their difference. Cells counting "
        "fewer than `minimum` chats are null.",
    ),
    Endpoint(
        "content",
        "GET",
        "staff",
        "The organisation's referral list and standard texts, with their versions",
        response=ContentResponse,
        query={"version": "One older version (its number) instead of the current one."},
        errors=("not_supervisor", "invalid_input", "version_unknown"),
        description="Supervisors only, of their own organisation (from the token's claims). "
        "Version 0: nothing saved yet, the shipped lists stand. `history` lists the last 50 "
        "versions with who saved them and when.",
    ),
    Endpoint(
        "savecontent",
        "POST",
        "staff",
        "Save a new version of the organisation's referral list and standard texts",
        ContentSaveRequest,
        ContentResponse,
        errors=("not_supervisor", "text_id_taken", "content_stale", "contention"),
        example={
            "baseVersion": 0,
            "referrals": [
                {
                    "name": "Wijkteam Utrecht",
                    "description": "Hulp dichtbij huis.",
                    "url": "https://www.wijkteamutrecht.nl/",
                    "phone": "030 123 4567",
                }
            ],
            "texts": [],
        },
        description="`baseVersion` names the version edited; if someone saved after it the "
        "answer is 409 `content_stale` and nothing is written. Checked: no e-mail addresses, "
        "phone numbers only in a referral's `phone` (no 06 numbers), links only https to a "
        "named host, no HTML, lengths. `GET /api/regions` is cached for up to an hour.",
    ),
    Endpoint(
        "team",
        "GET",
        "staff",
        "The advisors and supervisors of the caller's organisation",
        response=StaffList,
        errors=("not_supervisor",),
    ),
    Endpoint(
        "invite",
        "POST",
        "staff",
        "Create an advisor account of the caller's organisation",
        InviteRequest,
        Invited,
        status=201,
        also={200: "the same advisor was invited before: a new link"},
        errors=("not_supervisor", "account_exists"),
        example={"email": "anna@example.org", "displayName": "Anna", "languages": ["en"]},
        description="Role `advisor` only. The answer's `link` lets the advisor choose a "
        "password; pass it on. The functions set the claims (role, org, langs).",
    ),
    Endpoint(
        "disable",
        "POST",
        "staff",
        "Disable an advisor of the organisation (revoking their sessions), or enable them",
        AccessRequest,
        StaffAccount,
        errors=("not_supervisor", "own_account", "account_unknown"),
        example={"uid": "q1W2e3R4t5Y6u7I8o9P0", "disabled": True},
        description="Disabling refuses the advisor's very next call (their sessions are "
        "revoked at once); enabling lets them sign in again.",
    ),
    Endpoint(
        "watch",
        "POST",
        "staff",
        "A supervisor opens a running chat read-only (meelezen), audited",
        WatchRequest,
        WatchState,
        errors=(
            "not_found",
            "not_supervisor",
            "not_your_chat",
            "watch_own_chat",
            "chat_not_active",
            "contention",
        ),
        example={**SESSION_EXAMPLE, "reason": "quality"},
        description="For a chat of the supervisor's organisation (or one its advisors "
        "answer). One write holds the audit entry (who, which chat, when, `reason`; never "
        "content) and the watcher that firestore.rules require before they show a supervisor "
        "the timeline and the notes. The advisor sees who reads along. A retry while "
        "watching changes nothing (`changed` false).",
    ),
    Endpoint(
        "unwatch",
        "POST",
        "staff",
        "Stop reading along",
        SessionRequest,
        WatchState,
        errors=("not_supervisor", "contention"),
        example=SESSION_EXAMPLE,
        description="Removes the watcher (the timeline closes) and logs `closed`; the audit "
        "entries stay. Stopping what was not started changes nothing.",
    ),
    Endpoint(
        "note",
        "POST",
        "staff",
        "A private note from a supervisor reading along to the chat's advisor",
        NoteRequest,
        NoteSaved,
        status=201,
        also={200: "already stored: the same note id was sent before"},
        errors=(
            "not_found",
            "not_supervisor",
            "not_your_chat",
            "not_watching",
            "chat_not_active",
            "note_id_taken",
            "contention",
        ),
        example={
            **SESSION_EXAMPLE,
            "noteId": "7d1f3a52-9c4e-4b8a-a1d2-3e4f5a6b7c8d",
            "text": "Vraag of er kinderen in huis zijn.",
        },
        description="Never shown to the visitor: notes live beside the timeline, and the "
        "visitor's stream reads only the timeline. Logged in the audit log as `note`, "
        "without its text.",
    ),
    Endpoint(
        "audit",
        "GET",
        "staff",
        "The supervision audit log of the caller's organisation (privacy officer)",
        response=AuditResponse,
        query={
            "from": "First day (YYYY-MM-DD, UTC); default: 30 days before `to`.",
            "to": "Day after the last (exclusive); default: tomorrow. At most 366 days.",
            "format": "`csv` (the default: UTF-8 with BOM, `;`, formula guard) or `json`.",
        },
        errors=("not_privacy_officer", "invalid_input", "audit_period", "audit_too_many"),
        csv=True,
        description="Who opened which chat (id), when, why and what: opened, closed, note, "
        "takeover, reassigned. Never content. Only for an account with the `privacy` claim, "
        "and only its own organisation. The CSV has the same columns.",
    ),
)
