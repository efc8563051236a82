"""Requests an attacker can make any browser send, refused with the usual error body.

A POST with `text/plain` or a form body needs no CORS preflight, so any web
page could make its visitors' browsers call the API unseen; only JSON is
taken. A body of thousands of nested brackets made the JSON parser recurse
until Python gave up: a 500 for the price of a few kilobytes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import Functions

pytestmark = pytest.mark.emulators

INTAKE = '{"nickname": "Merel", "age": 16, "gender": "woman", "region": "utrecht"}'


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None],
)
@pytest.mark.parametrize("endpoint", ["intake", "messages", "resume", "leave"])
def test_a_body_that_is_not_declared_json_is_refused(
    functions: Functions, endpoint: str, content_type: str | None
) -> None:
    # A real visitor's token: the refusal must come from the body, not the login.
    token = functions.intake()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    response: Any = functions.client(endpoint).post("/", data=INTAKE, headers=headers)
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "JSON" in error["message"]


def test_json_with_a_charset_is_taken(functions: Functions) -> None:
    body = json.dumps({**json.loads(INTAKE), "proof": functions.proof()})
    response: Any = functions.client("intake").post(
        "/", data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("body", ["[" * 5000, '{"a":' * 5000, "[" * 100_000])
def test_deeply_nested_json_is_a_400_not_a_500(functions: Functions, body: str) -> None:
    response: Any = functions.client("intake").post(
        "/", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 413)
    assert response.get_json()["error"]["code"] in ("invalid_json", "payload_too_large")
    assert "Traceback" not in response.get_data(as_text=True)
