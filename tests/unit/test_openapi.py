"""The OpenAPI description: committed copy up to date, every entry point described, valid 3.1."""

from __future__ import annotations

import json
import re
from typing import Any

import functions_framework
import pytest
from emulators.one_process import http_targets
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.support import MAIN, ROOT
from vtchat import errors
from vtchat.openapi import ENDPOINTS, ERROR_CODES, ErrorResponse, build_document, document_json

COMMITTED = ROOT / "docs" / "openapi.json"


def test_the_committed_document_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == document_json(), (
        "docs/openapi.json is out of date; regenerate it with\n"
        "  (cd functions && ../.venv/bin/python -m vtchat.openapi) > docs/openapi.json"
    )


def test_every_entry_point_is_described_and_every_described_path_exists() -> None:
    registered = {f"/api/{name}" for name in http_targets()}
    described = set(build_document()["paths"])
    assert registered - described == set(), (
        "entry points in functions/main.py without a row in vtchat.openapi.ENDPOINTS"
    )
    assert described - registered == set(), "described paths that functions/main.py lacks"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_the_described_method_is_the_one_the_entry_point_accepts(endpoint: Any) -> None:
    # The method check runs before any service is touched, so no emulator is needed.
    client = functions_framework.create_app(target=endpoint.name, source=str(MAIN)).test_client()
    other = "POST" if endpoint.method == "GET" else "GET"
    response = client.open("/", method=other)
    assert response.status_code == errors.MethodNotAllowed.status
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_the_document_is_valid_openapi_3_1() -> None:
    document = build_document()
    assert document["openapi"].startswith("3.1")
    try:
        validate(document)
    except OpenAPIValidationError as e:  # pragma: no cover - the message is the point
        pytest.fail(f"not valid OpenAPI 3.1: {e}")


def test_the_document_is_plain_json_in_a_stable_order() -> None:
    assert json.loads(document_json()) == build_document()
    assert document_json() == json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n"


def test_every_error_code_carries_its_error_class_status() -> None:
    classes: list[type[errors.ChatError]] = [errors.ChatError, *_subclasses(errors.ChatError)]
    for cls in classes:
        if cls.code in ERROR_CODES:
            assert ERROR_CODES[cls.code].status == cls.status, cls.code
    assert all(400 <= code.status < 600 for code in ERROR_CODES.values())


def test_every_error_code_the_functions_raise_is_described() -> None:
    every: list[type[errors.ChatError]] = [errors.ChatError, *_subclasses(errors.ChatError)]
    classes = {cls.__name__: cls.code for cls in every}
    raised = set()
    for path in [*(ROOT / "functions" / "vtchat").glob("*.py"), MAIN]:
        text = path.read_text(encoding="utf-8")
        # Keyword arguments only (`code="x"`), not the classes' own `code = "x"`.
        raised |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        # An error raised without its own code answers with its class's code.
        for name, arguments in re.findall(r"(?<!class )\b([A-Z]\w+)\(([^)]*)\)", text):
            if name in classes and "code=" not in arguments:
                raised.add(classes[name])
    undescribed = raised - set(ERROR_CODES) - {errors.MethodNotAllowed.code}
    assert undescribed == set(), "add these to vtchat.openapi.ERROR_CODES and to a row"


def test_every_listed_error_code_belongs_to_an_entry_point() -> None:
    document = json.dumps(build_document())
    unused = {code for code in ERROR_CODES if f"`{code}`" not in document}
    assert unused == set()


def test_the_error_model_matches_what_the_functions_send() -> None:
    from vtchat.http import error_response

    sent = error_response(
        errors.InvalidInput("x", fields={"age": "y"}, details={"phone": "0800 2000"})
    )
    parsed = ErrorResponse.model_validate_json(sent.get_data())
    assert parsed.error.code == "invalid_input"
    bare = error_response(errors.NotFound())
    assert set(json.loads(bare.get_data())["error"]) == {"code", "message"}


def test_the_push_endpoints_are_marked_internal_and_the_stream_is_an_event_stream() -> None:
    paths = build_document()["paths"]
    internal = {
        path
        for path, item in paths.items()
        for operation in item.values()
        if operation.get("x-internal")
    }
    assert internal == {"/api/offer", "/api/tick"}
    stream = paths["/api/stream"]["get"]["responses"]["200"]
    assert list(stream["content"]) == ["text/event-stream"]


def _subclasses(cls: type[errors.ChatError]) -> list[type[errors.ChatError]]:
    found: list[type[errors.ChatError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_the_stream_event_types_are_the_timeline_events_and_message() -> None:
    from typing import get_args

    from vtchat.models import SystemEvent, VisitorEvent

    listed = get_args(VisitorEvent.model_fields["type"].annotation)
    assert set(listed) == {"message", *get_args(SystemEvent)}
