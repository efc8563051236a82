"""The API's contract: one row per entry point of functions/main.py.

Each row names the method, the request and response models, the success
status, who may call, and the error codes the entry point raises itself
(each declared where it is raised, see vtchat.errors). functions/main.py takes
each entry point's method and status from here (vtchat.http.endpoint refuses a
handler without a row); vtchat.openapi builds the description from it; and
tests/unit/test_error_contract.py follows each entry point's calls through
vtchat to check that `codes` is exactly what it can raise.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from vtchat.accounts import AccessRequest, Invited, InviteRequest, StaffAccount, StaffList
from vtchat.content import ContentResponse, ContentSaveRequest
from vtchat.models import (
    AdvisorState,
    AuditResponse,
    AvailabilityRequest,
    ChallengeResponse,
    FeedbackRequest,
    FeedbackSaved,
    HeartbeatRequest,
    HeartbeatResponse,
    IntakeRequest,
    IntakeResponse,
    MessageAccepted,
    MessageRequest,
    NoteRequest,
    NoteSaved,
    PushEnvelope,
    RegionsResponse,
    RegistrationRequest,
    RegistrationSaved,
    ReportResponse,
    ResumeRequest,
    ResumeResponse,
    SessionRequest,
    SessionStateResponse,
    SignalAccepted,
    SignalRequest,
    StatusResponse,
    TransferRequest,
    UrgentRequest,
    WatchRequest,
    WatchState,
)
from vtchat.settings import Settings
from vtchat.texts import StandardTextsResponse
from vtchat.topics import TICK_SUBSCRIPTION, offer_subscription


class OpenApiDocument(BaseModel):
    """This very document, as `GET /api/openapi` serves it (see document_json)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


# --- who may call -------------------------------------------------------------------------

# public: anyone, no token; visitor: a session token from intake; staff: a
# Firebase ID token with role/org claims; caller: either of the two; push: a
# Pub/Sub push subscription (internal, not for browsers).
Audience = Literal["public", "visitor", "staff", "caller", "push"]

VISITOR_SCHEME = "visitorSession"
STAFF_SCHEME = "advisorIdToken"


# A staff token refused for its account's sake (vtchat.services.verify_staff),
# or a staff call that did not come from the console (App Check, vtchat.http).
STAFF_ACCOUNT_ERRORS = (
    "staff_revoked",
    "staff_disabled",
    "second_factor_required",
    "not_staff",
    "app_check_missing",
    "app_check_invalid",
)

# The error codes each kind of caller can meet before the handler's own work.
AUDIENCE_ERRORS: Mapping[Audience, tuple[str, ...]] = {
    "public": (),
    "visitor": ("token_missing", "token_invalid", "token_expired", "token_revoked"),
    "staff": ("token_missing", "staff_only", "unauthenticated", *STAFF_ACCOUNT_ERRORS),
    "caller": (
        "token_missing",
        "token_invalid",
        "token_expired",
        "token_revoked",
        "unauthenticated",
        *STAFF_ACCOUNT_ERRORS,
    ),
    "push": (
        "push_token_missing",
        "push_token_invalid",
        "push_wrong_account",
        "push_keys_unavailable",
        "push_not_configured",
        "invalid_push",
    ),
}
# Codes of reading a JSON body (vtchat.http.read_json).
BODY_ERRORS = ("unsupported_media_type", "invalid_json", "payload_too_large", "invalid_input")
# Codes any entry point may answer (vtchat.http.endpoint).
ALWAYS_ERRORS = ("internal", "unavailable")


# --- the endpoint table -------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One entry point of functions/main.py, served at /api/<name>."""

    name: str
    method: Literal["GET", "POST"]
    audience: Audience
    summary: str
    request: type[BaseModel] | None = None
    # None: an empty answer (204).
    response: type[BaseModel] | None = None
    status: int = 200
    # Further success statuses with the same body, and why.
    also: Mapping[int, str] = field(default_factory=dict)
    # Error codes this entry point raises itself, beyond its audience's and body's.
    errors: tuple[str, ...] = ()
    # Public answers that browsers and the CDN may keep.
    cache: timedelta | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    example: Mapping[str, Any] | None = None
    stream: bool = False
    # Also answers text/csv (UTF-8 with BOM, `;`): `GET /api/audit` by default.
    csv: bool = False
    internal: bool = False
    description: str = ""

    @property
    def codes(self) -> tuple[str, ...]:
        """Every error code this entry point can answer, its audience's and body's too."""
        codes = [*AUDIENCE_ERRORS[self.audience], *(BODY_ERRORS if self.request else ())]
        return tuple(dict.fromkeys([*codes, *self.errors, *ALWAYS_ERRORS]))


_SESSION_EXAMPLE = {"sessionId": "Zx3aP0qL9mR2tV7wY1bC"}
_OFFER_EXAMPLE = {
    "message": {
        "data": base64.b64encode(
            json.dumps(
                {**_SESSION_EXAMPLE, "round": 1, "region": "utrecht", "candidates": ["flevoland"]}
            ).encode()
        ).decode(),
        "messageId": "1",
    },
    "subscription": f"projects/demo-vtchat/subscriptions/{offer_subscription('flevoland')}",
}
_TICK_EXAMPLE = {
    "message": {"data": "", "messageId": "2"},
    "subscription": f"projects/demo-vtchat/subscriptions/{TICK_SUBSCRIPTION}",
}

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "intake",
        "POST",
        "public",
        "Start an anonymous chat",
        IntakeRequest,
        IntakeResponse,
        status=201,
        errors=(
            "busy",
            "region_unknown",
            "postcode_unknown",
            "postcodes_unavailable",
            "chat_closed",
            "proof_invalid",
            "proof_harder",
            "contention",
        ),
        example={"nickname": "Merel", "age": 16, "gender": "woman", "region": "utrecht"},
        description="Give either `postcode` (4 digits) or `region`, and in `proof` the solved "
        "puzzle of `GET /api/challenge` (base64 of the JSON "
        "`{algorithm, challenge, number, salt, signature}`). A missing, wrong, used or too easy "
        "proof gets 403 with a fresh puzzle in `details.challenge`. One proof starts one chat: "
        "the same intake sent again (a retry after a lost answer, a 5xx) gets that chat, its "
        "id and resume code again, while it runs and was never resumed. The answer's `token` "
        "authorises the visitor's calls on this chat.",
    ),
    Endpoint(
        "challenge",
        "GET",
        "public",
        "A proof-of-work puzzle for the next intake",
        None,
        ChallengeResponse,
        description="Find the number n from 0 to `maxnumber` for which SHA-256(`salt` + n) in "
        "hex is `challenge` (ALTCHA's format, version 1). Each `level` doubles the work; it "
        "rises with load, never with who asks. Valid for 10 minutes and for one intake.",
    ),
    Endpoint(
        "resume",
        "POST",
        "public",
        "Come back to a running chat with its resume code",
        ResumeRequest,
        ResumeResponse,
        errors=("resume_unknown", "busy", "contention"),
        example={"resumeCode": "K7QM-3XHP-2RTA"},
        description="Exchanges the resume code from the intake for a fresh session token. "
        "Failed attempts are budgeted: while guessing is throttled the answer is 429 `busy`.",
    ),
    Endpoint(
        "stream",
        "GET",
        "visitor",
        "Follow the chat's timeline (server-sent events)",
        stream=True,
        errors=("bad_last_event_id", "not_found"),
    ),
    Endpoint(
        "messages",
        "POST",
        "caller",
        "Send a text message",
        MessageRequest,
        MessageAccepted,
        status=201,
        also={200: "already stored: the same message id was sent before"},
        errors=(
            "wrong_session",
            "not_your_chat",
            "not_found",
            "message_id_taken",
            "chat_not_active",
            "chat_ended",
            "chat_too_long",
            "rate_limited",
            "contention",
        ),
        example={
            **_SESSION_EXAMPLE,
            "messageId": "0b6f7c9e-3c1a-4c55-9d0e-6f1f2a3b4c5d",
            "text": "Hallo, ik wil graag iets vragen.",
        },
    ),
    Endpoint(
        "leave",
        "POST",
        "visitor",
        "The visitor ends their chat",
        SessionRequest,
        SessionStateResponse,
        errors=("wrong_session", "not_found", "contention"),
        example=_SESSION_EXAMPLE,
    ),
    Endpoint(
        "signal",
        "POST",
        "caller",
        "Typing, read or received, paused: tell the other side",
        SignalRequest,
        SignalAccepted,
        errors=(
            "wrong_session",
            "not_your_chat",
            "not_found",
            "signal_not_yours",
            "rate_limited",
            "contention",
        ),
        example={**_SESSION_EXAMPLE, "typing": True},
        description="The visitor sends `typing`, `receivedSeq` and `paused`; an advisor "
        "`typing` and `readSeq`. Never any text. Typing is written at most once per 5 s per "
        "side and a seq only when it grows: `written` is false when nothing was stored.",
    ),
    Endpoint(
        "feedback",
        "POST",
        "visitor",
        "The anonymous word afterwards: two or three fixed questions",
        FeedbackRequest,
        FeedbackSaved,
        status=201,
        also={200: "already counted for this chat: nothing counted twice"},
        errors=("wrong_session", "not_found", "feedback_too_early"),
        example={**_SESSION_EXAMPLE, "helpful": "yes", "nextStep": "partly"},
        description="Counted per organisation and ISO week only: no session id, no time, "
        "no document per answer.",
    ),
    Endpoint(
        "heartbeat",
        "POST",
        "caller",
        "A sign of life from the widget or the console",
        HeartbeatRequest,
        HeartbeatResponse,
        errors=("wrong_session", "not_found", "advisor_offline"),
        example=_SESSION_EXAMPLE,
        description="The visitor names their session (or sends `{}`), an advisor sends `{}`; "
        "the answer says when the next one is due.",
    ),
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
        example=_SESSION_EXAMPLE,
    ),
    Endpoint(
        "end",
        "POST",
        "staff",
        "The advisor ends a chat",
        SessionRequest,
        SessionStateResponse,
        errors=("not_found", "not_your_chat", "contention"),
        example=_SESSION_EXAMPLE,
    ),
    Endpoint(
        "status",
        "GET",
        "public",
        "Opening hours, queue and wait per region",
        response=StatusResponse,
        cache=Settings.model_fields["status_refresh"].default,
        query={"region": "Only this region (an organisation id)."},
        errors=("region_unknown",),
    ),
    Endpoint(
        "regions",
        "GET",
        "public",
        "The organisations and their referral lists",
        response=RegionsResponse,
        cache=timedelta(hours=1),
    ),
    Endpoint(
        "offer",
        "POST",
        "push",
        "A fall-back offer pushed to one organisation",
        PushEnvelope,
        status=204,
        errors=("unknown_subscription", "invalid_offer", "contention"),
        example=_OFFER_EXAMPLE,
        internal=True,
        description="Pushed by each organisation's subscription to the fall-back offers "
        "topic. Any 2xx acknowledges; 400 and 503 are retried, then dead-lettered.",
    ),
    Endpoint(
        "tick",
        "POST",
        "push",
        "The housekeeping tick",
        PushEnvelope,
        status=204,
        errors=("not_found", "contention"),
        example=_TICK_EXAMPLE,
        internal=True,
        description="Pushed from the tick topic, which Cloud Scheduler publishes to every "
        "minute: expiry, re-offers and after-hours notices.",
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
        example={**_SESSION_EXAMPLE, "toOrg": "flevoland", "note": "Vraagt naar hulp in Almere."},
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
        example={**_SESSION_EXAMPLE, "urgent": True},
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
            **_SESSION_EXAMPLE,
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
    # --- a supervisor runs their region (vtchat.regioncontent, vtchat.accounts) ---
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
        example={**_SESSION_EXAMPLE, "reason": "quality"},
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
        example=_SESSION_EXAMPLE,
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
            **_SESSION_EXAMPLE,
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
    Endpoint(
        "openapi",
        "GET",
        "public",
        "This description of the API (OpenAPI 3.1)",
        response=OpenApiDocument,
        cache=timedelta(hours=1),
    ),
)

BY_NAME: Mapping[str, Endpoint] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
