"""The visitor's entry points, and the public ones every page reads."""

from __future__ import annotations

from datetime import timedelta

from vtchat.contract.base import SESSION_EXAMPLE, Endpoint, OpenApiDocument
from vtchat.models import (
    ChallengeResponse,
    FeedbackRequest,
    FeedbackSaved,
    HeartbeatRequest,
    HeartbeatResponse,
    IntakeRequest,
    IntakeResponse,
    MessageAccepted,
    MessageRequest,
    RegionsResponse,
    ResumeRequest,
    ResumeResponse,
    SessionRequest,
    SessionStateResponse,
    SignalAccepted,
    SignalRequest,
    StatusResponse,
)
from vtchat.settings import Settings

VISITOR: tuple[Endpoint, ...] = (
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
            **SESSION_EXAMPLE,
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
        example=SESSION_EXAMPLE,
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
        example={**SESSION_EXAMPLE, "typing": True},
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
        example={**SESSION_EXAMPLE, "helpful": "yes", "nextStep": "partly"},
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
        example=SESSION_EXAMPLE,
        description="The visitor names their session (or sends `{}`), an advisor sends `{}`; "
        "the answer says when the next one is due.",
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
        "openapi",
        "GET",
        "public",
        "This description of the API (OpenAPI 3.1)",
        response=OpenApiDocument,
        cache=timedelta(hours=1),
    ),
)
