"""The shape of a row of the API's contract (vtchat.contract), and who may call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


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


SESSION_EXAMPLE = {"sessionId": "Zx3aP0qL9mR2tV7wY1bC"}
