"""The API's contract: one row per entry point of functions/main.py.

Each row names the method, the request and response models, the success
status, who may call, and the error codes the entry point raises itself
(each declared where it is raised, see vtchat.errors). functions/main.py takes
each entry point's method and status from here (vtchat.http.endpoint refuses a
handler without a row); vtchat.openapi builds the description from it; and
tests/unit/test_error_contract.py follows each entry point's calls through
vtchat to check that `codes` is exactly what it can raise.

The rows live with their callers: `visitor` (and the public ones every page
reads), `staff` (the console) and `push` (Pub/Sub); `base` holds a row's
shape and the errors each kind of caller can meet.
"""

from __future__ import annotations

from collections.abc import Mapping

from vtchat.contract.base import (
    STAFF_SCHEME,
    VISITOR_SCHEME,
    Audience,
    Endpoint,
    OpenApiDocument,
)
from vtchat.contract.push import PUSH
from vtchat.contract.staff import STAFF
from vtchat.contract.visitor import VISITOR

__all__ = [
    "BY_NAME",
    "ENDPOINTS",
    "STAFF_SCHEME",
    "VISITOR_SCHEME",
    "Audience",
    "Endpoint",
    "OpenApiDocument",
]

ENDPOINTS: tuple[Endpoint, ...] = (*VISITOR, *STAFF, *PUSH)
BY_NAME: Mapping[str, Endpoint] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
