"""The OpenAPI 3.1 description of the HTTP API, generated from the pydantic models.

`ENDPOINTS` holds one row per entry point of functions/main.py; everything
else (schemas, error answers, security) follows from the row and from
vtchat.models, so the description cannot drift from what the code validates
and serialises. `python -m vtchat.openapi` prints the document; the committed
copy is docs/openapi.json, which tests/unit/test_openapi.py keeps equal to it.

The description is English (it is for developers); the error messages it
mentions stay Dutch, as the functions send them.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from vtchat import errors
from vtchat.models import (
    AdvisorState,
    AvailabilityRequest,
    ChallengeResponse,
    HeartbeatRequest,
    HeartbeatResponse,
    IntakeRequest,
    IntakeResponse,
    MessageAccepted,
    MessageRequest,
    PushEnvelope,
    QueueUpdate,
    RegionsResponse,
    RegistrationRequest,
    RegistrationSaved,
    ReportResponse,
    ResumeRequest,
    ResumeResponse,
    SessionRequest,
    SessionStateResponse,
    StatusResponse,
    TransferRequest,
    UrgentRequest,
    VisitorEvent,
)
from vtchat.settings import Settings
from vtchat.stream import RETRY_MS
from vtchat.texts import StandardTextsResponse
from vtchat.topics import TICK_SUBSCRIPTION, offer_subscription

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
PATH_PREFIX = "/api/"


# --- the error body ---------------------------------------------------------------------


class ErrorBody(BaseModel):
    """What vtchat.http.error_response sends for every refused or failed call."""

    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    fields: dict[str, str] = {}
    details: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


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

_SECURITY: Mapping[Audience, list[dict[str, list[str]]]] = {
    "public": [],
    "visitor": [{VISITOR_SCHEME: []}],
    "staff": [{STAFF_SCHEME: []}],
    "caller": [{VISITOR_SCHEME: []}, {STAFF_SCHEME: []}],
    # Deployed, push subscriptions carry a Google-signed OIDC token that both
    # Cloud Run's IAM and the function (vtchat.pushauth) check; the Pub/Sub
    # emulator's pushes carry none.
    "push": [],
}

# A staff token refused for its account's sake (vtchat.services.verify_staff).
_STAFF_ACCOUNT_ERRORS = ("staff_revoked", "staff_disabled", "second_factor_required", "not_staff")

# The error codes each kind of caller can meet before the handler's own work.
_AUDIENCE_ERRORS: Mapping[Audience, tuple[str, ...]] = {
    "public": (),
    "visitor": ("token_missing", "token_invalid", "token_expired", "token_revoked"),
    "staff": ("token_missing", "staff_only", "unauthenticated", *_STAFF_ACCOUNT_ERRORS),
    "caller": (
        "token_missing",
        "token_invalid",
        "token_expired",
        "token_revoked",
        "unauthenticated",
        *_STAFF_ACCOUNT_ERRORS,
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
_BODY_ERRORS = ("unsupported_media_type", "invalid_json", "payload_too_large", "invalid_input")
_ALWAYS_ERRORS = ("internal", "unavailable", "contention")


@dataclass(frozen=True)
class ErrorCode:
    status: int
    meaning: str


# Every stable `error.code` with its status. A ChatError subclass's own code is
# found here by name; the codes raised with `code=` are listed explicitly.
ERROR_CODES: Mapping[str, ErrorCode] = {
    "invalid_json": ErrorCode(errors.BadRequest.status, "the body is not a JSON object"),
    "bad_last_event_id": ErrorCode(
        errors.BadRequest.status, "Last-Event-ID is not a number of this chat's timeline"
    ),
    "invalid_push": ErrorCode(errors.BadRequest.status, "the push message data is not base64"),
    "report_period": ErrorCode(
        errors.BadRequest.status,
        "figures are given for one whole calendar month that is over, nothing else",
    ),
    "invalid_offer": ErrorCode(errors.BadRequest.status, "the pushed offer is malformed"),
    "unknown_subscription": ErrorCode(
        errors.BadRequest.status, "the push comes from no organisation's subscription"
    ),
    "token_missing": ErrorCode(errors.Unauthenticated.status, "no bearer token"),
    "token_invalid": ErrorCode(errors.Unauthenticated.status, "the session token is not valid"),
    "token_expired": ErrorCode(errors.Unauthenticated.status, "the session token has expired"),
    "token_revoked": ErrorCode(
        errors.Unauthenticated.status,
        "the chat was resumed with its code elsewhere: this earlier token is retired",
    ),
    "unauthenticated": ErrorCode(
        errors.Unauthenticated.status, "the Firebase ID token is invalid or expired"
    ),
    "staff_only": ErrorCode(errors.Unauthenticated.status, "a session token on a staff call"),
    "app_check_missing": ErrorCode(
        errors.Unauthenticated.status, "no App Check token (only when App Check is enforced)"
    ),
    "app_check_invalid": ErrorCode(
        errors.Unauthenticated.status, "the App Check token is invalid (only when enforced)"
    ),
    "not_staff": ErrorCode(errors.Forbidden.status, "the account has no role/org claims"),
    "staff_revoked": ErrorCode(
        errors.Unauthenticated.status, "the account's sessions were revoked after this sign-in"
    ),
    "staff_disabled": ErrorCode(
        errors.Unauthenticated.status, "the staff account is disabled or deleted"
    ),
    "second_factor_required": ErrorCode(
        errors.Forbidden.status,
        "signed in without a second factor (`firebase.sign_in_second_factor`), required in "
        "production",
    ),
    "push_token_missing": ErrorCode(
        errors.Unauthenticated.status, "a push without a bearer token (when push auth is on)"
    ),
    "push_token_invalid": ErrorCode(
        errors.Unauthenticated.status,
        "the push token is not Google's, expired, or for another audience",
    ),
    "push_wrong_account": ErrorCode(
        errors.Forbidden.status, "the push token is not our push service account's"
    ),
    "push_keys_unavailable": ErrorCode(
        errors.Unavailable.status, "Google's keys could not be fetched; Pub/Sub retries"
    ),
    "push_not_configured": ErrorCode(
        errors.Unavailable.status, "push auth is on without an audience for this function"
    ),
    "wrong_session": ErrorCode(errors.Forbidden.status, "the session id is not the token's"),
    "not_your_chat": ErrorCode(errors.Forbidden.status, "the chat is not assigned to the caller"),
    "not_found": ErrorCode(errors.NotFound.status, "no such chat (any more)"),
    "resume_unknown": ErrorCode(
        errors.NotFound.status, "no running chat has this resume code (wrong, or it ended)"
    ),
    "chat_closed": ErrorCode(
        errors.ChatClosed.status,
        "the region is closed now; `details` has region, opensAt, hours and phone",
    ),
    "already_taken": ErrorCode(errors.Conflict.status, "a colleague took the chat first"),
    "advisor_offline": ErrorCode(errors.Conflict.status, "the advisor is not online"),
    "at_capacity": ErrorCode(errors.Conflict.status, "the advisor has their maximum of chats"),
    "message_id_taken": ErrorCode(
        errors.Conflict.status, "the message id was used for another text or chat"
    ),
    "chat_not_active": ErrorCode(errors.Conflict.status, "the chat is not active (yet)"),
    "chat_not_ended": ErrorCode(errors.Conflict.status, "register a chat after it has ended"),
    "same_advisor": ErrorCode(errors.Conflict.status, "the chat is this colleague's already"),
    "same_org": ErrorCode(errors.Conflict.status, "the chat is this organisation's already"),
    "not_supervisor": ErrorCode(
        errors.Forbidden.status, "only a supervisor may do this (take a chat over, see figures)"
    ),
    "not_an_advisor": ErrorCode(errors.Forbidden.status, "a national account has no chats"),
    "not_a_colleague": ErrorCode(
        errors.Forbidden.status, "a colleague must be of the chat's organisation"
    ),
    "chat_ended": ErrorCode(errors.Conflict.status, "the chat has ended"),
    "chat_too_long": ErrorCode(
        errors.Conflict.status, "the chat reached its maximum number of messages"
    ),
    "payload_too_large": ErrorCode(errors.PayloadTooLarge.status, "the body exceeds 32 KiB"),
    "unsupported_media_type": ErrorCode(
        errors.UnsupportedMediaType.status, "the body is not sent as application/json"
    ),
    "invalid_input": ErrorCode(
        errors.InvalidInput.status, "a field is wrong; `fields` maps each to a Dutch message"
    ),
    "region_unknown": ErrorCode(errors.InvalidInput.status, "no such region"),
    "postcode_unknown": ErrorCode(errors.InvalidInput.status, "the postcode is not known"),
    "rate_limited": ErrorCode(
        errors.RateLimited.status,
        "too many messages in a short time; `details` has retryAfterSeconds and phone",
    ),
    "proof_invalid": ErrorCode(
        errors.ProofRequired.status,
        "the intake's proof is missing, wrong, expired or used; `details.challenge` is a new one",
    ),
    "proof_harder": ErrorCode(
        errors.ProofRequired.status,
        "the load rose: this intake needs a harder puzzle, in `details.challenge`",
    ),
    "busy": ErrorCode(
        errors.Busy.status,
        "no room for a new chat now; `details` has retryAfterSeconds and phone",
    ),
    "internal": ErrorCode(errors.ChatError.status, "an unexpected failure (no details)"),
    "unavailable": ErrorCode(errors.Unavailable.status, "a dependency is unavailable"),
    "contention": ErrorCode(
        errors.Unavailable.status, "busy: transactions kept aborting; retry shortly"
    ),
    "postcodes_unavailable": ErrorCode(
        errors.Unavailable.status, "the postcode table cannot be read now"
    ),
}


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
    internal: bool = False
    description: str = ""


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
        ),
        example={"nickname": "Merel", "age": 16, "gender": "woman", "region": "utrecht"},
        description="Give either `postcode` (4 digits) or `region`, and in `proof` the solved "
        "puzzle of `GET /api/challenge` (base64 of the JSON "
        "`{algorithm, challenge, number, salt, signature}`). A missing, wrong, used or too easy "
        "proof gets 403 with a fresh puzzle in `details.challenge`. The answer's `token` "
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
        errors=("resume_unknown", "busy"),
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
        errors=("wrong_session", "not_found"),
        example=_SESSION_EXAMPLE,
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
        errors=("not_an_advisor",),
    ),
    Endpoint(
        "accept",
        "POST",
        "staff",
        "Take a waiting chat",
        SessionRequest,
        SessionStateResponse,
        errors=("not_found", "already_taken", "advisor_offline", "at_capacity"),
        example=_SESSION_EXAMPLE,
    ),
    Endpoint(
        "end",
        "POST",
        "staff",
        "The advisor ends a chat",
        SessionRequest,
        SessionStateResponse,
        errors=("not_found", "not_your_chat"),
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
        errors=("unknown_subscription", "invalid_offer"),
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
        errors=("not_found", "not_your_chat", "chat_ended"),
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
        errors=("not_found", "not_your_chat", "chat_not_ended"),
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
    Endpoint(
        "openapi",
        "GET",
        "public",
        "This description of the API (OpenAPI 3.1)",
        response=OpenApiDocument,
        cache=timedelta(hours=1),
    ),
)


# --- building the document ----------------------------------------------------------------

_REF = "#/components/schemas/{model}"
_STREAM_DESCRIPTION = f"""\
The chat's timeline from `Last-Event-ID` (exclusive; from the start without it), then live.

Each timeline event has `id: <seq>` (1, 2, 3, … without gaps), `event: <type>` and
`data: <JSON>` of a `VisitorEvent` (null fields left out). Types: `message` (a text),
`queued`, `assigned` (an advisor took the chat; `fallback` and `regionName` when another
region helps), `after_hours` (the region closed while waiting), `advisor_lost`,
`transferred`, `resumed` (the chat was opened with its code) and `ended`.
While the chat waits, `event: queue` events without an id carry a `QueueUpdate`
(`{{position, estimatedWaitMinutes}}`); they are not part of the timeline.
The stream starts with `retry: {RETRY_MS}`, sends `: keep-alive` comment lines when idle,
and ends after `ended`, after `advisor_lost` (the chat is back in the queue) and after a
maximum duration; the client then reconnects with `Last-Event-ID`. A stream whose token a
later resume retired ends with `event: revoked` (no id; `{{code, message}}`)."""


def _schemas() -> tuple[Mapping[Any, Any], dict[str, Any]]:
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorResponse, "serialization")]
    for endpoint in ENDPOINTS:
        if endpoint.request is not None:
            wanted.append((endpoint.request, "validation"))
        if endpoint.response is not None:
            wanted.append((endpoint.response, "serialization"))
    wanted += [(VisitorEvent, "serialization"), (QueueUpdate, "serialization")]
    refs, top = models_json_schema(list(dict.fromkeys(wanted)), by_alias=True, ref_template=_REF)
    return refs, dict(top.get("$defs", {}))


def _json(ref: Any) -> dict[str, Any]:
    return {"application/json": {"schema": ref}}


def _cache_headers(max_age: timedelta) -> dict[str, Any]:
    seconds = max(1, int(max_age.total_seconds()))
    value = f"public, max-age={seconds}, stale-while-revalidate={seconds * 6}"
    return {
        "Cache-Control": {
            "description": "Browsers and the CDN may keep this answer briefly.",
            "schema": {"type": "string", "const": value},
        }
    }


def _error_responses(endpoint: Endpoint, error_ref: Any) -> dict[str, Any]:
    codes = list(_AUDIENCE_ERRORS[endpoint.audience])
    if endpoint.request is not None:
        codes += _BODY_ERRORS
    codes += [*endpoint.errors, *_ALWAYS_ERRORS]
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(codes):
        by_status.setdefault(ERROR_CODES[code].status, []).append(code)
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        lines = [f"- `{code}`: {ERROR_CODES[code].meaning}" for code in by_status[status]]
        response: dict[str, Any] = {
            "description": "Error codes:\n" + "\n".join(lines),
            "content": _json(error_ref),
        }
        if status == errors.RateLimited.status:
            response["headers"] = {
                "Retry-After": {
                    "required": True,
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0},
                }
            }
        responses[str(status)] = response
    return responses


def _json_data(ref: Any) -> dict[str, Any]:
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": ref}


def _stream_event_schema(refs: Mapping[Any, Any], schemas: Mapping[str, Any]) -> dict[str, Any]:
    """One event of the stream, as OpenAPI 3.1 tools read `schema` of text/event-stream."""
    timeline_types = schemas[VisitorEvent.__name__]["properties"]["type"]["enum"]
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "event": {"enum": timeline_types},
                    "id": {"type": "string", "pattern": "^[1-9][0-9]*$"},
                    "data": _json_data(refs[(VisitorEvent, "serialization")]),
                },
                "required": ["event", "id", "data"],
            },
            {
                # Not part of the timeline: sent without an id, so a browser
                # repeats the last timeline id for it.
                "type": "object",
                "properties": {
                    "event": {"const": "queue"},
                    "data": _json_data(refs[(QueueUpdate, "serialization")]),
                },
                "required": ["event", "data"],
            },
        ]
    }


def _operation(
    endpoint: Endpoint, refs: Mapping[Any, Any], schemas: Mapping[str, Any]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": ["internal" if endpoint.internal else endpoint.audience],
        "security": _SECURITY[endpoint.audience],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if endpoint.internal:
        operation["x-internal"] = True
    parameters = [
        {
            "name": name,
            "in": where,
            "required": False,
            "description": text,
            "schema": {"type": "string"},
        }
        for where, named in (("query", endpoint.query), ("header", endpoint.headers))
        for name, text in named.items()
    ]
    if endpoint.stream:
        parameters.append(
            {
                "name": "Last-Event-ID",
                "in": "header",
                "required": False,
                "description": "The last timeline `seq` the client has (at most 10^9); the "
                "stream resumes after it. Absent or empty: from the start.",
                "schema": {"type": "string", "pattern": "^[0-9]{0,10}$"},
            }
        )
    if parameters:
        operation["parameters"] = parameters
    if endpoint.request is not None:
        media: dict[str, Any] = {"schema": refs[(endpoint.request, "validation")]}
        if endpoint.example is not None:
            media["example"] = dict(endpoint.example)
        operation["requestBody"] = {"required": True, "content": {"application/json": media}}

    responses: dict[str, Any] = {}
    if endpoint.stream:
        responses["200"] = {
            "description": _STREAM_DESCRIPTION,
            "content": {"text/event-stream": {"schema": _stream_event_schema(refs, schemas)}},
        }
        responses["204"] = {"description": "The chat has ended and nothing follows."}
    elif endpoint.response is None:
        responses[str(endpoint.status)] = {"description": "Done (acknowledged)."}
    else:
        success: dict[str, Any] = {
            "description": "Done.",
            "content": _json(refs[(endpoint.response, "serialization")]),
        }
        if endpoint.cache is not None:
            success["headers"] = _cache_headers(endpoint.cache)
        responses[str(endpoint.status)] = success
        for status, why in endpoint.also.items():
            responses[str(status)] = {**success, "description": why}
    responses.update(_error_responses(endpoint, refs[(ErrorResponse, "serialization")]))
    operation["responses"] = responses
    return operation


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every entry point in ENDPOINTS."""
    refs, schemas = _schemas()
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        path = paths.setdefault(PATH_PREFIX + endpoint.name, {})
        path[endpoint.method.lower()] = _operation(endpoint, refs, schemas)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Veilig Thuis chat",
            "version": API_VERSION,
            "description": (
                "The HTTP API of the anonymous advice chat of the Veilig Thuis organisations. "
                "Every answer is JSON except the event stream; errors are "
                '`{"error": {"code", "message", "fields"?, "details"?}}` with a stable '
                "`code` and a Dutch `message` shown to the user as it is. Operations marked "
                "`x-internal` are Pub/Sub push endpoints, not for browsers. The visitor's "
                "intake is protected by a proof of work (`GET /api/challenge`), not App Check; "
                "`app_check_missing` and `app_check_invalid` are reserved for staff calls "
                "once the console sends App Check tokens, and no entry point answers them yet."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                VISITOR_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "vt1.<payload>.<signature>",
                    "description": "The visitor's session token from `POST /api/intake` "
                    "(starts with `vt1.`), held in the widget's memory only.",
                },
                STAFF_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Firebase Auth ID token of an advisor or supervisor, "
                    "with the custom claims `role` and `org`.",
                },
            },
        },
    }


@functools.cache
def document_json() -> str:
    """The document as the committed file and `GET /api/openapi` carry it."""
    return json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(document_json(), end="")
