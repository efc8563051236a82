"""HTTP plumbing shared by every entry point: parsing, identities, errors.

This is the one place where a `ChatError` becomes an HTTP response. Anything
else that escapes a handler is logged without its message (which could carry
user text) and answered as a bare 500.
"""

from __future__ import annotations

import base64
import binascii
import csv
import functools
import io
import json
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, overload

from flask import Request, Response
from google.api_core import exceptions as api_exceptions
from pydantic import BaseModel, ValidationError

from vtchat import pushauth, tokens
from vtchat.contract import BY_NAME
from vtchat.errors import (
    BadRequest,
    ChatError,
    InvalidInput,
    MethodNotAllowed,
    PayloadTooLarge,
    RateLimited,
    Unauthenticated,
    Unavailable,
    UnsupportedMediaType,
    declare,
)
from vtchat.logs import log
from vtchat.models import PushEnvelope, Staff
from vtchat.services import FROM_ELSEWHERE, Services

# The error codes raised here (vtchat.openapi describes them).
APP_CHECK_MISSING = declare(
    "app_check_missing",
    Unauthenticated,
    "no App Check token (only when App Check is enforced)",
)
INVALID_JSON = declare("invalid_json", BadRequest, "the body is not a JSON object")
INVALID_PUSH = declare("invalid_push", BadRequest, "the push message data is not base64")
STAFF_ONLY = declare("staff_only", Unauthenticated, "a session token on a staff call")
TOKEN_MISSING = declare("token_missing", Unauthenticated, "no bearer token")

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=PushEnvelope)
Handler = Callable[[Request], Response]

MAX_BODY_BYTES = 32 * 1024

# Visitors carry no ambient credentials (no cookies; tokens live in the
# widget's memory and travel in a header), so allowing any origin exposes
# nothing: the widget is embedded on 26 organisations' own websites.
_COMMON_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Last-Event-ID, "
    "X-Firebase-AppCheck",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_CUSTOM_ERRORS = {
    "nickname_url",
    "nickname_chars",
    "text_empty",
    "text_chars",
    "message_id",
    "postcode_or_region",
    "resume_code",
    "date_order",
    "date_span",
    "transfer_target",
    # vtchat.content, vtchat.accounts: a supervisor's lists and invitations.
    "content_rule",
    "distinct",
}
_PATTERN_MESSAGES = {
    "postcode": "Vul alleen de 4 cijfers van je postcode in, bijvoorbeeld 3511.",
    "region": "Kies een regio uit de lijst.",
    "sessionId": "Ongeldig gesprek-id.",
}
_RANGE_MESSAGES = {
    "age": "Vul een leeftijd in tussen 6 en 120.",
    "capacity": "Kies een aantal van 1 tot en met 5.",
}


def _dutch_message(error: Any, field: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _CUSTOM_ERRORS:
        return str(error["msg"])
    if kind == "missing":
        return "Dit veld is verplicht."
    if kind == "string_too_short":
        return "Vul dit veld in." if ctx.get("min_length") == 1 else "Dit is te kort."
    if kind == "string_too_long":
        return f"Gebruik maximaal {ctx.get('max_length')} tekens."
    if kind == "string_pattern_mismatch":
        return _PATTERN_MESSAGES.get(field, "Dit heeft niet de goede vorm.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _RANGE_MESSAGES.get(field, "Deze waarde is te groot of te klein.")
    if kind in ("literal_error", "enum"):
        return "Kies een van de mogelijkheden."
    if kind == "extra_forbidden":
        return "Dit veld kennen we niet."
    if kind.startswith("int"):
        return _RANGE_MESSAGES.get(field, "Vul een getal in.")
    return "Deze waarde klopt niet."


def field_errors(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        field = ".".join(location) or "postcode"
        fields.setdefault(field, _dutch_message(item, location[0] if location else "postcode"))
    return fields


def read_json(request: Request, model: type[M]) -> M:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType()
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        payload = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        # RecursionError: thousands of nested brackets, a cheap way to a 500.
        raise BadRequest("Het verzoek is geen geldige JSON.", code=INVALID_JSON) from e
    if not isinstance(payload, dict):
        raise BadRequest("Het verzoek moet een JSON-object zijn.", code=INVALID_JSON)
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        fields = field_errors(e)
        message = next(iter(fields.values())) if len(fields) == 1 else None
        raise InvalidInput(message, fields=fields) from e


def read_query(request: Request, model: type[M]) -> M:
    """Query parameters into a model; unknown ones (cache busters) are ignored."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as e:
        fields = field_errors(e)
        message = next(iter(fields.values())) if len(fields) == 1 else None
        raise InvalidInput(message, fields=fields) from e


def bearer_token(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(code=TOKEN_MISSING)
    return token.strip()


APP_CHECK_HEADER = "X-Firebase-AppCheck"


def require_app_check(svc: Services, request: Request) -> None:
    """In production a staff call must come from our own console (App Check).

    The console sends its App Check token with every call, as Firebase's
    guide for a backend of one's own describes
    (https://firebase.google.com/docs/app-check/custom-resource-backend), and
    Firestore and Auth ask for it themselves (infra/identity.tf). A script
    with a staff member's ID or refresh token alone gets nothing; one that
    lifted an App Check token too can replay it only until it expires (an
    hour by default), since a new one needs reCAPTCHA in a real console page.
    Off on the emulators, which have no App Check (web/console/src/appcheck.ts);
    "monitor" only logs what it would refuse.
    """
    mode = svc.settings.app_check
    if mode == "off":
        return
    try:
        token = request.headers.get(APP_CHECK_HEADER, "").strip()
        if not token or len(token) > 4096:
            raise Unauthenticated(FROM_ELSEWHERE, code=APP_CHECK_MISSING)
        svc.verify_app_check(token)
    except Unauthenticated as refused:
        if mode == "on":
            raise
        # The roll-out's trial: what enforcement would refuse, refused nothing.
        log("WARNING", "app_check_would_refuse", reason=refused.code)


def visitor_claim(
    svc: Services, request: Request, *, grace: timedelta = timedelta(0)
) -> tokens.SessionClaim:
    """The session claim; `grace` accepts a token expired that long ago (the word afterwards)."""
    return tokens.verify(
        key=svc.session_key,
        previous=svc.previous_session_key,
        token=bearer_token(request),
        now=datetime.now(UTC) - grace,
    )


def staff_identity(svc: Services, request: Request) -> Staff:
    token = bearer_token(request)
    if tokens.is_session_token(token):
        raise Unauthenticated("Meld je aan als medewerker.", code=STAFF_ONLY)
    require_app_check(svc, request)
    return svc.verify_staff(token)


def staff_call(svc: Services, request: Request, model: type[M]) -> tuple[Staff, M]:
    """The staff identity and the validated body of an advisor's or supervisor's call."""
    staff = staff_identity(svc, request)
    return staff, read_json(request, model)


def caller(svc: Services, request: Request) -> tokens.SessionClaim | Staff:
    """The visitor's session claim or the advisor's identity, by token kind."""
    token = bearer_token(request)
    if tokens.is_session_token(token):
        return tokens.verify(key=svc.session_key, previous=svc.previous_session_key, token=token)
    require_app_check(svc, request)
    return svc.verify_staff(token)


def reply(model: BaseModel, *, status: int = 200) -> Response:
    return Response(
        model.model_dump_json(by_alias=True), status=status, mimetype="application/json"
    )


def csv_download(rows: list[list[str]], *, filename: str) -> Response:
    """Rows as the report's CSV files are written: UTF-8 with BOM, `;`, formulas guarded."""
    from vtchat.cli.report import csv_cell  # the one definition of the cell conventions

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow([csv_cell(cell, minimum=0) for cell in row])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cacheable(response: Response, *, max_age: timedelta) -> Response:
    """Let browsers and the CDN keep a public answer briefly, and stale while refreshing."""
    seconds = max(1, int(max_age.total_seconds()))
    response.headers["Cache-Control"] = (
        f"public, max-age={seconds}, stale-while-revalidate={seconds * 6}"
    )
    return response


def acknowledged() -> Response:
    """A push delivery handled: Pub/Sub acknowledges any 2xx and retries the rest."""
    return Response(status=204)


def require_push(svc: Services, request: Request, *, function: str) -> None:
    """A push to `function` must carry our push subscription's OIDC token (vtchat.pushauth)."""
    pushauth.verify_push(
        svc.settings, svc.push_certs, request.headers.get("Authorization"), function=function
    )


def read_push(request: Request, model: type[P]) -> tuple[P, bytes]:
    """A Pub/Sub push envelope and its decoded message data."""
    envelope = read_json(request, model)
    try:
        data = base64.b64decode(envelope.message.data, validate=True)
    except (ValueError, binascii.Error) as e:
        raise BadRequest("Ongeldige Pub/Sub-data.", code=INVALID_PUSH) from e
    return envelope, data


def event_stream(events: Iterator[str] | None) -> Response:
    if events is None:
        return Response(status=204)
    return Response(
        events,
        status=200,
        mimetype="text/event-stream",
        # Buffering proxies would hold events back until the stream ends.
        headers={"X-Accel-Buffering": "no"},
    )


def error_response(error: ChatError) -> Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    if error.details:
        body["details"] = error.details
    response = Response(
        json.dumps({"error": body}), status=error.status, mimetype="application/json"
    )
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


# gRPC outcomes that say "not now", not "wrong": seen from the emulator under
# load (CANCELLED) and documented for Firestore in production (UNAVAILABLE,
# DEADLINE_EXCEEDED: https://cloud.google.com/firestore/docs/understand-error-codes).
_TRANSIENT = (
    api_exceptions.ServiceUnavailable,
    api_exceptions.DeadlineExceeded,
    api_exceptions.Cancelled,
)


@overload
def endpoint(spec: Handler, /) -> Handler: ...
@overload
def endpoint(spec: str, /, *more: str) -> Callable[[Handler], Handler]: ...
def endpoint(spec: Handler | str, /, *more: str) -> Handler | Callable[[Handler], Handler]:
    """Wrap an entry point: its method from vtchat.contract, CORS preflight, errors, headers.

    `@endpoint` takes the method from the entry point's row in vtchat.contract,
    and a function without a row fails at import, so main.py and the
    description cannot differ. `@endpoint("POST")` names the methods itself
    (for handlers that are no entry point, such as tests' own).
    """
    if isinstance(spec, str):
        return functools.partial(_wrap, methods=(spec, *more))
    return _wrap(spec, methods=(BY_NAME[spec.__name__].method,))


def _wrap(handler: Handler, *, methods: tuple[str, ...]) -> Handler:
    @functools.wraps(handler)
    def run(request: Request) -> Response:
        if request.method == "OPTIONS":
            response = Response(status=204)
        else:
            try:
                if request.method not in methods:
                    raise MethodNotAllowed()
                response = handler(request)
            except ChatError as e:
                response = error_response(e)
            except _TRANSIENT as e:
                # Firestore or Pub/Sub did not answer in time: worth a retry,
                # which clients make on a 503 (with message ids, safely).
                log("WARNING", "dependency_unavailable", endpoint=handler.__name__,
                    error=type(e).__name__)  # fmt: skip
                response = error_response(Unavailable())
            except Exception as e:  # noqa: BLE001 - the last line of defence
                # The exception's text may quote user input: log its type and frames only.
                log(
                    "ERROR",
                    "unhandled_error",
                    endpoint=handler.__name__,
                    error=type(e).__name__,
                    frames="".join(traceback.format_tb(e.__traceback__))[-4000:],
                )
                response = error_response(ChatError())
        response.headers.setdefault("Cache-Control", "no-store")
        for name, value in _COMMON_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return run
