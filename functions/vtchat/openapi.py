"""The OpenAPI 3.1 description of the HTTP API, generated from the pydantic models.

vtchat.contract's `ENDPOINTS` holds one row per entry point of functions/main.py;
everything else (schemas, error answers, security) follows from the row, from
vtchat.models and from the error codes declared where they are raised, so the
description cannot drift from what the code validates and serialises.
`python -m vtchat.openapi` prints the document; the committed copy is
docs/openapi.json, which tests/unit/test_openapi.py keeps equal to it.

The description is English (it is for developers); the error messages it
mentions stay Dutch, as the functions send them.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import JsonSchemaMode, models_json_schema

import vtchat
from vtchat import errors
from vtchat.contract import (
    ENDPOINTS,
    STAFF_SCHEME,
    VISITOR_SCHEME,
    Audience,
    Endpoint,
    OpenApiDocument,
)
from vtchat.models import QueueUpdate, SignalUpdate, VisitorEvent
from vtchat.stream import RETRY_MS

__all__ = ["ENDPOINTS", "ERROR_CODES", "Endpoint", "ErrorResponse", "OpenApiDocument"]

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


# --- who may call -------------------------------------------------------------------------

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


@dataclass(frozen=True)
class ErrorCode:
    status: int
    meaning: str


def _error_codes() -> dict[str, ErrorCode]:
    """Every code a client can meet: the classes' own, then those declared with `code=`."""
    # Declarations run as their modules are imported: import every module of vtchat.
    for module in pkgutil.walk_packages(vtchat.__path__, "vtchat."):
        if module.name != "vtchat.openapi":
            importlib.import_module(module.name)
    found: dict[str, ErrorCode] = {}
    classes = [errors.ChatError]
    while classes:
        cls = classes.pop(0)
        classes += cls.__subclasses__()
        if cls.meaning and cls.__dict__.get("code"):
            found[cls.code] = ErrorCode(cls.status, cls.meaning)
    for declared in errors.DECLARED.values():
        found[declared.code] = ErrorCode(declared.status, declared.meaning)
    return found


ERROR_CODES: Mapping[str, ErrorCode] = _error_codes()


# --- building the document ----------------------------------------------------------------

_REF = "#/components/schemas/{model}"
_STREAM_DESCRIPTION = f"""\
The chat's timeline from `Last-Event-ID` (exclusive; from the start without it), then live.

Each timeline event has `id: <seq>` (1, 2, 3, … without gaps), `event: <type>` and
`data: <JSON>` of a `VisitorEvent` (null fields left out). Types: `message` (a text),
`queued`, `assigned` (an advisor took the chat; `fallback` and `regionName` when another
region helps), `after_hours` (the region closed while waiting), `advisor_lost`,
`transferred`, `resumed` (the chat was opened with its code), `language_unmatched`
(nobody speaking the visitor's language took the chat in time: a Dutch-speaking
advisor will help), `reassigned` (the advisor did not answer in time: the chat is back at
the front of the queue for a colleague) and `ended`.
While the chat waits, `event: queue` events without an id carry a `QueueUpdate`
(`{{position, estimatedWaitMinutes}}`); they are not part of the timeline.
`event: signals` events without an id carry a `SignalUpdate` (`{{advisorTyping,
advisorReadSeq, version}}`): one right after the replay when the stream opens (so a
reconnect brings the current state; none when the replay itself ends the stream), then
one whenever the advisor's signals change, each with a higher `version` than the last.
`advisorTyping` holds for a few seconds: hide it about 6 s after the last `true`.
The stream starts with `retry: {RETRY_MS}`, sends `: keep-alive` comment lines when idle,
and ends after `ended`, after `advisor_lost` and `reassigned` (the chat is back in the queue)
and after a maximum duration; the client then reconnects with `Last-Event-ID`. A stream whose
token a later resume retired ends with `event: revoked` (no id; `{{code, message}}`)."""


def _schemas() -> tuple[Mapping[Any, Any], dict[str, Any]]:
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorResponse, "serialization")]
    for endpoint in ENDPOINTS:
        if endpoint.request is not None:
            wanted.append((endpoint.request, "validation"))
        if endpoint.response is not None:
            wanted.append((endpoint.response, "serialization"))
    wanted += [
        (VisitorEvent, "serialization"),
        (QueueUpdate, "serialization"),
        (SignalUpdate, "serialization"),
    ]
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
    by_status: dict[int, list[str]] = {}
    for code in endpoint.codes:
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
            {
                # The advisor's typing and read mark (vtchat.signals): no id either.
                "type": "object",
                "properties": {
                    "event": {"const": "signals"},
                    "data": _json_data(refs[(SignalUpdate, "serialization")]),
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
        if endpoint.csv:
            csv_text = {"type": "string", "description": "UTF-8 with BOM, `;`-separated."}
            success["content"] = {**success["content"], "text/csv": {"schema": csv_text}}
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
                "intake is protected by a proof of work (`GET /api/challenge`), not App Check. "
                "Staff calls carry the console's App Check token in `X-Firebase-AppCheck` "
                "where App Check is enforced (`app_check_missing`, `app_check_invalid`)."
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
