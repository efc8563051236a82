"""Cloud Functions entry points: each adapts one request to one service call.

Deployed from this directory with one function per entry point (see infra/);
locally every entry point is served under /api/<name> by
emulators/serve_functions.py. The domain lives in the `vtchat` package.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import functions_framework
from flask import Request, Response

from vtchat import accounts as staff_accounts
from vtchat import (
    assignment,
    fallback,
    housekeeping,
    lifecycle,
    presence,
    registration,
    relay,
    supervision,
    urgency,
)
from vtchat import availability as advisor_availability
from vtchat import feedback as visitor_feedback
from vtchat import intake as intake_service
from vtchat import openapi as openapi_document
from vtchat import proof as intake_proof
from vtchat import regioncontent as region_content
from vtchat import report as evaluation_report
from vtchat import resume as chat_resume
from vtchat import signals as chat_signals
from vtchat import stream as streams
from vtchat import transfer as chat_transfer
from vtchat.access import current_session, require_own_session
from vtchat.accounts import AccessRequest, InviteRequest
from vtchat.content import ContentQuery, ContentSaveRequest
from vtchat.contract import BY_NAME as API
from vtchat.http import (
    acknowledged,
    cacheable,
    caller,
    csv_download,
    endpoint,
    event_stream,
    read_json,
    read_push,
    read_query,
    reply,
    require_push,
    staff_call,
    staff_identity,
    visitor_claim,
)
from vtchat.models import (
    AuditQuery,
    AvailabilityRequest,
    FeedbackRequest,
    HeartbeatRequest,
    IntakeRequest,
    MessageRequest,
    NoteRequest,
    PushEnvelope,
    RegistrationRequest,
    ReportQuery,
    ResumeRequest,
    SessionRequest,
    SignalRequest,
    TransferRequest,
    UrgentRequest,
    WatchRequest,
)
from vtchat.services import services
from vtchat.tokens import SessionClaim


@functions_framework.http
@endpoint
def intake(request: Request) -> Response:
    svc = services()
    body = read_json(request, IntakeRequest)
    now = datetime.now(UTC)
    proof = intake_proof.redeem(svc, body, now=now)
    chat = intake_service.start_chat(svc, body, now=now, proof=proof)
    return reply(chat, status=API["intake"].status)


@functions_framework.http
@endpoint
def challenge(request: Request) -> Response:
    """The intake's proof-of-work puzzle: new for every visitor, never cached."""
    response = reply(intake_proof.issue(services(), now=datetime.now(UTC)))
    response.headers["Cache-Control"] = "no-store"
    return response


@functions_framework.http
@endpoint
def resume(request: Request) -> Response:
    """A fresh token for a running chat, for whoever holds its resume code."""
    body = read_json(request, ResumeRequest)
    return reply(chat_resume.resume(services(), body))


@functions_framework.http
@endpoint
def stream(request: Request) -> Response:
    svc = services()
    claim = visitor_claim(svc, request)
    after = streams.parse_last_event_id(request.headers.get("Last-Event-ID"))
    return event_stream(
        streams.open_stream(svc, session_id=claim.session_id, after=after, claim=claim)
    )


@functions_framework.http
@endpoint
def messages(request: Request) -> Response:
    svc = services()
    who = caller(svc, request)
    body = read_json(request, MessageRequest)
    if isinstance(who, SessionClaim):
        require_own_session(who, body.session_id)
        result = relay.post_message(svc, body, staff=None, claim=who)
    else:
        result = relay.post_message(svc, body, staff=who)
    return reply(result, status=200 if result.duplicate else API["messages"].status)


@functions_framework.http
@endpoint
def leave(request: Request) -> Response:
    svc = services()
    claim = visitor_claim(svc, request)
    body = read_json(request, SessionRequest)
    require_own_session(claim, body.session_id)
    current_session(svc.store, claim)
    return reply(lifecycle.end_chat(svc, session_id=body.session_id, ended_by="visitor"))


@functions_framework.http
@endpoint
def signal(request: Request) -> Response:
    """Typing, read or received, paused: never any text (vtchat.signals)."""
    svc = services()
    who = caller(svc, request)
    body = read_json(request, SignalRequest)
    if isinstance(who, SessionClaim):
        require_own_session(who, body.session_id)
        return reply(chat_signals.from_visitor(svc, claim=who, request=body))
    return reply(chat_signals.from_advisor(svc, staff=who, request=body))


@functions_framework.http
@endpoint
def feedback(request: Request) -> Response:
    """The anonymous word afterwards, counted per organisation and week only."""
    svc = services()
    # A chat the system ends at its maximum lifetime ends when its token expires.
    claim = visitor_claim(svc, request, grace=visitor_feedback.TOKEN_GRACE)
    body = read_json(request, FeedbackRequest)
    require_own_session(claim, body.session_id)
    saved = visitor_feedback.record(svc, claim=claim, request=body)
    return reply(saved, status=200 if saved.duplicate else API["feedback"].status)


@functions_framework.http
@endpoint
def heartbeat(request: Request) -> Response:
    """A sign of life from the widget (session token) or the console (staff token)."""
    svc = services()
    who = caller(svc, request)
    body = read_json(request, HeartbeatRequest)
    if isinstance(who, SessionClaim):
        require_own_session(who, body.session_id or who.session_id)
        return reply(presence.visitor_heartbeat(svc, session_id=who.session_id, claim=who))
    return reply(presence.advisor_heartbeat(svc, staff=who))


@functions_framework.http
@endpoint
def availability(request: Request) -> Response:
    svc = services()
    staff, body = staff_call(svc, request, AvailabilityRequest)
    return reply(advisor_availability.set_availability(svc, staff=staff, request=body))


@functions_framework.http
@endpoint
def accept(request: Request) -> Response:
    svc = services()
    staff, body = staff_call(svc, request, SessionRequest)
    return reply(assignment.accept(svc, staff=staff, session_id=body.session_id))


@functions_framework.http
@endpoint
def end(request: Request) -> Response:
    svc = services()
    staff, body = staff_call(svc, request, SessionRequest)
    return reply(
        lifecycle.end_chat(svc, session_id=body.session_id, ended_by="advisor", staff=staff)
    )


@functions_framework.http
@endpoint
def transfer(request: Request) -> Response:
    """Hand an active chat to a colleague or another organisation (or take it over)."""
    svc = services()
    staff, body = staff_call(svc, request, TransferRequest)
    return reply(chat_transfer.transfer(svc, staff=staff, request=body))


@functions_framework.http
@endpoint
def urgent(request: Request) -> Response:
    """The danger flag on a chat; the supervisor's console shows it at once."""
    svc = services()
    staff, body = staff_call(svc, request, UrgentRequest)
    return reply(urgency.set_urgent(svc, staff=staff, request=body))


@functions_framework.http
@endpoint
def register(request: Request) -> Response:
    """The anonymous advice registration of an ended chat (saving again updates it)."""
    svc = services()
    staff, body = staff_call(svc, request, RegistrationRequest)
    saved = registration.save(svc, staff=staff, request=body)
    return reply(saved, status=200 if saved.updated else API["register"].status)


@functions_framework.http
@endpoint
def texts(request: Request) -> Response:
    """The standard texts for the caller's organisation, placeholders unfilled."""
    svc = services()
    staff = staff_identity(svc, request)
    return reply(region_content.texts_for(svc, staff))


@functions_framework.http
@endpoint
def report(request: Request) -> Response:
    """Evaluation figures (small cells suppressed) for a supervisor's region or nationally."""
    svc = services()
    staff = staff_identity(svc, request)
    query = read_query(request, ReportQuery)
    return reply(evaluation_report.figures(svc, staff=staff, query=query))


@functions_framework.http
@endpoint
def watch(request: Request) -> Response:
    """A supervisor reads along in a running chat: audited, and the advisor sees it."""
    svc = services()
    staff, body = staff_call(svc, request, WatchRequest)
    return reply(supervision.watch(svc, staff=staff, request=body))


@functions_framework.http
@endpoint
def unwatch(request: Request) -> Response:
    """Stop reading along; the audit entries stay."""
    svc = services()
    staff, body = staff_call(svc, request, SessionRequest)
    return reply(supervision.unwatch(svc, staff=staff, request=body))


@functions_framework.http
@endpoint
def note(request: Request) -> Response:
    """A private note to the chat's advisor, never on the visitor's side."""
    svc = services()
    staff, body = staff_call(svc, request, NoteRequest)
    saved = supervision.note(svc, staff=staff, request=body)
    return reply(saved, status=200 if saved.duplicate else API["note"].status)


@functions_framework.http
@endpoint
def audit(request: Request) -> Response:
    """The organisation's supervision audit log, for its privacy officer (CSV or JSON)."""
    svc = services()
    staff = staff_identity(svc, request)
    query = read_query(request, AuditQuery)
    entries = supervision.export(svc, staff=staff, query=query, today=datetime.now(UTC).date())
    if query.format == "json":
        return reply(entries)
    return csv_download(supervision.csv_rows(entries), filename=f"auditlog-{staff.org}.csv")


@functions_framework.http
@endpoint
def status(request: Request) -> Response:
    svc = services()
    board = svc.status_board.current()
    region = request.args.get("region")
    if region is not None:
        svc.directory.get(region)
        board = board.model_copy(update={"regions": [r for r in board.regions if r.id == region]})
    return cacheable(reply(board), max_age=svc.settings.status_refresh)


@functions_framework.http
@endpoint
def regions(request: Request) -> Response:
    """The organisations and their referral lists (as their supervisors saved them)."""
    return cacheable(reply(region_content.public_regions(services())), max_age=timedelta(hours=1))


@functions_framework.http
@endpoint
def content(request: Request) -> Response:
    """A supervisor's view of their organisation's referral list and texts, with versions."""
    svc = services()
    staff = staff_identity(svc, request)
    return reply(region_content.current(svc, staff, read_query(request, ContentQuery)))


@functions_framework.http
@endpoint
def savecontent(request: Request) -> Response:
    """A new version of the organisation's referral list and texts (409 if edited meanwhile)."""
    svc = services()
    staff, body = staff_call(svc, request, ContentSaveRequest)
    return reply(region_content.save(svc, staff, body))


@functions_framework.http
@endpoint
def team(request: Request) -> Response:
    """The staff accounts of the supervisor's organisation."""
    svc = services()
    return reply(staff_accounts.team(svc, staff_identity(svc, request)))


@functions_framework.http
@endpoint
def invite(request: Request) -> Response:
    """A new advisor of the supervisor's organisation, with a link to choose a password."""
    svc = services()
    caller_staff, body = staff_call(svc, request, InviteRequest)
    invited = staff_accounts.invite(svc, caller_staff, body)
    return reply(invited, status=API["invite"].status if invited.created else 200)


@functions_framework.http
@endpoint
def disable(request: Request) -> Response:
    """Disable (sessions revoked at once) or enable an advisor of the organisation."""
    svc = services()
    caller_staff, body = staff_call(svc, request, AccessRequest)
    return reply(staff_accounts.set_access(svc, caller_staff, body))


@functions_framework.http
@endpoint
def offer(request: Request) -> Response:
    """Pushed by each organisation's subscription to the fall-back offers topic."""
    svc = services()
    require_push(svc, request, function="offer")
    envelope, data = read_push(request, PushEnvelope)
    org = fallback.subscribed_org(svc, envelope.subscription)
    fallback.claim_offer(svc, fallback.parse_offer(data), org=org)
    return acknowledged()


@functions_framework.http
@endpoint
def tick(request: Request) -> Response:
    """Pushed from the tick topic, which Cloud Scheduler publishes to every minute."""
    svc = services()
    require_push(svc, request, function="tick")
    read_push(request, PushEnvelope)
    housekeeping.tick(svc)
    return acknowledged()


@functions_framework.http
@endpoint
def openapi(request: Request) -> Response:
    """This API's OpenAPI description, generated from the models (vtchat.openapi)."""
    document = Response(openapi_document.document_json(), mimetype="application/json")
    return cacheable(document, max_age=timedelta(hours=1))
