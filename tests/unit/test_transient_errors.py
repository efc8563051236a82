"""A dependency that does not answer in time is a 503 to retry, not a 500."""

from __future__ import annotations

import pytest
from flask import Flask, Request, Response
from google.api_core import exceptions as api_exceptions

from vtchat.http import endpoint


@pytest.mark.parametrize(
    "kind",
    [api_exceptions.Cancelled, api_exceptions.ServiceUnavailable, api_exceptions.DeadlineExceeded],
)
def test_transient_firestore_errors_ask_the_client_to_retry(kind: type[Exception]) -> None:
    @endpoint("POST")
    def messages(request: Request) -> Response:
        raise kind("not now")

    app = Flask(__name__)
    with app.test_request_context("/", method="POST"):
        from flask import request

        response = messages(request)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert "Traceback" not in response.get_data(as_text=True)


def test_anything_else_is_still_a_500_without_details() -> None:
    @endpoint("POST")
    def messages(request: Request) -> Response:
        raise api_exceptions.PermissionDenied("denied")  # type: ignore[no-untyped-call]

    app = Flask(__name__)
    with app.test_request_context("/", method="POST"):
        from flask import request

        response = messages(request)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal"
