"""Property-based fuzzing of the HTTP API against its own OpenAPI description.

schemathesis draws requests from vtchat.openapi's document, valid ones and
invalid ones, and sends them in process to the real entry points
(emulators/one_process.build_app(), so the same /api/<name> routing as the
local server) on the emulators. Each request carries a real credential, none,
or a forged one. Every answer must be no 5xx, a documented status, the
documented content type, and a body and headers that match the schema.

Besides the fuzzed requests, each operation's documented example is sent with
valid credentials, so every success answer is checked whatever the fuzzer draws.

Deterministic (derandomized Hypothesis, no example database) and bounded
(EXAMPLES per operation and mode) so the run stays well under a minute. The
event stream is fuzzed with an ended chat's token: its answers are then all
finite (a full replay, 204, or an error), so nothing waits for new events.

Each test stands on its own (run one with -k, or in any order): its own app,
its own world, the instance's in-memory state fresh, and its own tally.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
import schemathesis
from emulators.one_process import build_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import Functions, StaffLogin, create_staff, parse_sse
from vtchat import proof, tokens
from vtchat.openapi import ENDPOINTS, Endpoint, build_document
from vtchat.services import services
from vtchat.topics import offer_subscription

pytestmark = pytest.mark.emulators

EXAMPLES = 25
DOCUMENT = build_document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
# Credentials are chosen below (real, missing, forged), not drawn from the security schemes.
SCHEMA.config.generation.update(with_security_parameters=False)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# Kinds of credential a fuzzed request may carry, by who the endpoint is for.
CREDENTIALS = {
    "public": ("none",),
    "push": ("none",),
    "visitor": ("visitor", "none", "forged", "expired", "staff"),
    "staff": ("staff", "none", "forged", "visitor"),
    "caller": ("visitor", "staff", "none", "forged", "expired"),
}
# The ones the documented example is sent with.
VALID_CREDENTIALS = {
    "public": ("none",),
    "push": ("none",),
    "visitor": ("visitor",),
    "staff": ("staff",),
    "caller": ("visitor", "staff"),
}
ENDPOINTS_BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
REGIONS = ["utrecht", "amsterdam-amstelland", "zeeland"]


@dataclass(frozen=True)
class World:
    """What a fuzzed request may refer to: a live chat, an ended chat, an advisor online,
    and a chat that advisor served and ended (for the registration)."""

    chat: dict[str, Any]
    ended: dict[str, Any]
    staff: StaffLogin
    served: dict[str, Any]
    # Figures are for supervisors: the report's success path needs one.
    lead: StaffLogin
    session_key: bytes

    def token(self, kind: str, *, stream: bool) -> str | None:
        chat = self.ended if stream else self.chat
        expires = datetime.now(UTC) + timedelta(hours=1)
        tokens_by_kind: dict[str, str | None] = {
            "none": None,
            "visitor": chat["token"],
            "staff": self.staff.id_token,
            # A well-formed token for the real chat, signed with another key.
            "forged": tokens.issue(
                key=b"not-the-server-key-0123456789abcdef",
                session_id=chat["sessionId"],
                expires_at=expires,
            ),
            "expired": tokens.issue(
                key=self.session_key,
                session_id=chat["sessionId"],
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
            ),
        }
        return tokens_by_kind[kind]


@pytest.fixture
def app() -> Any:
    """The entry points as one app, built afresh for each test (a fifth of a second)."""
    return build_app()


# What an instance keeps in memory between requests: budgets (vtchat.limits),
# the cached status board, the stream seats, the postcode table read so far.
INSTANCE_STATE = ("intake_budget", "resume_failures", "status_board", "stream_seats", "postcodes")


@pytest.fixture(autouse=True)
def fresh_instance(svc: Any) -> Iterator[None]:
    """Each test, and the tests after this module, on an instance as if just started.

    The tests share one instance (one Services): the fuzzer's hundreds of calls
    must neither leave its budgets spent nor hand its caches to the next test.
    """
    for name in INSTANCE_STATE:
        svc.__dict__.pop(name, None)
    yield
    for name in INSTANCE_STATE:
        svc.__dict__.pop(name, None)


@pytest.fixture
def world(request: pytest.FixtureRequest, functions: Functions, svc: Any) -> World:
    params = getattr(request.node, "callspec", None)
    if params is not None and params.params.get("endpoint") == ENDPOINTS_BY_NAME["intake"]:
        # Only intake reads the postcode table; loading it costs a few writes.
        request.getfixturevalue("postcodes")
    chat = functions.intake()
    ended = functions.intake(region="amsterdam-amstelland")
    left = functions.post("leave", {"sessionId": ended["sessionId"]}, token=ended["token"])
    assert left.status_code == 200, left.get_json()
    staff = create_staff(org="utrecht")
    online = functions.post("availability", {"status": "online"}, token=staff.id_token)
    assert online.status_code == 200, online.get_json()
    served = functions.intake()
    finished = functions.post("end", {"sessionId": served["sessionId"]}, token=staff.id_token)
    assert finished.status_code == 200, finished.get_json()
    lead = create_staff(org="utrecht", role="supervisor")
    return World(
        chat=chat,
        ended=ended,
        staff=staff,
        served=served,
        lead=lead,
        session_key=svc.session_key,
    )


def solved_proof() -> str:
    """A solved intake puzzle of this process's functions (the one-process app)."""
    return proof.solve(proof.issue(services(), now=datetime.now(UTC)))


def _aim_at_real_things(
    case: Any, draw: Callable[[st.SearchStrategy[Any]], Any], world: World, *, signed_in: bool
) -> None:
    """Now and then point a valid request at things that exist, to reach the success paths.

    Random ids almost never name the live chat, a region or a subscription; these
    substitutions keep the request valid by the schema.
    """
    body = case.body if isinstance(case.body, dict) else {}
    if "resumeCode" in body and draw(st.booleans()):
        body["resumeCode"] = world.chat["resumeCode"]
    if signed_in and "sessionId" in body and draw(st.booleans()):
        body["sessionId"] = world.chat["sessionId"]
    if "messageId" in body and draw(st.booleans()):
        body["messageId"] = str(draw(st.uuids()))
    if {"postcode", "region"} & body.keys() and draw(st.booleans()):
        body.pop("postcode", None)
        body["region"] = draw(st.sampled_from(REGIONS))
        body["proof"] = solved_proof()
    if case.query and "region" in case.query and draw(st.booleans()):
        case.query["region"] = draw(st.sampled_from(REGIONS))
    if "subscription" in body and draw(st.booleans()):
        org = draw(st.sampled_from(REGIONS))
        body["subscription"] = f"projects/demo-vtchat/subscriptions/{offer_subscription(org)}"
        offer = {"sessionId": world.chat["sessionId"], "round": 1, "region": "utrecht",
                 "candidates": [org]}  # fmt: skip
        message = dict(body.get("message") or {})
        message["data"] = base64.b64encode(json.dumps(offer).encode()).decode()
        body["message"] = message


def _takes_input(endpoint: Endpoint) -> bool:
    return (
        endpoint.request is not None or bool(endpoint.query or endpoint.headers) or endpoint.stream
    )


# Without a body or parameters there is nothing to make invalid.
OPERATIONS = [
    pytest.param(endpoint, mode, id=f"{endpoint.name}-{mode.value}")
    for endpoint in ENDPOINTS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode.is_positive or _takes_input(endpoint)
]


@pytest.mark.parametrize(("endpoint", "mode"), OPERATIONS)
def test_every_answer_matches_the_description(
    endpoint: Endpoint, mode: GenerationMode, world: World, app: Any
) -> None:
    """Every answer as described; and the valid requests of an operation reach its success
    answer at least once (answers that are all 4xx would test only the refusals)."""
    sent: Counter[str] = Counter()
    operation = SCHEMA[f"/api/{endpoint.name}"][endpoint.method]
    strategy = operation.as_strategy(generation_mode=mode)
    credentials = CREDENTIALS[endpoint.audience]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, data=st.data())
    def fuzz(case: Any, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(credentials), label="credential")
        if mode.is_positive:
            _aim_at_real_things(case, data.draw, world, signed_in=kind in ("visitor", "staff"))
        token = world.token(kind, stream=endpoint.stream)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if case.headers:
            case.headers.pop("Authorization", None)
        response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
        sent[f"{endpoint.name} {mode.value} {kind} {response.status_code}"] += 1

    if mode.is_positive:
        _send_the_documented_example(operation, endpoint, world, app, sent)
    fuzz()
    # The tally (operation, mode, credential, status: count) shows with -s or on failure.
    for key, count in sorted(sent.items()):
        print(f"{key}: {count}")
    print(f"requests: {sum(sent.values())}")
    if mode.is_positive:
        succeeded = [key for key in sent if key.split()[-1].startswith("2")]
        assert succeeded, f"{endpoint.name}: never a 2xx"


# Figures and running the region (issue 19) are a supervisor's.
_SUPERVISOR_ONLY = ("report", "content", "savecontent", "team", "invite", "disable")

# Supervision (issue 19): only a supervisor reads along (and writes notes
# while doing so); only a privacy officer exports the audit log.
_SUPERVISION = ("watch", "unwatch", "note", "audit")


def _supervision_token(name: str, world: World) -> str:
    from tests.functions.test_supervision import with_claims

    if name == "audit":
        return with_claims(world.lead, {"privacy": True}).id_token
    if name == "note":
        body = {"sessionId": world.chat["sessionId"], "reason": "quality"}
        watching = Functions().post("watch", body, token=world.lead.id_token)
        assert watching.status_code == 200, watching.get_json()
    return world.lead.id_token


def _send_the_documented_example(
    operation: Any, endpoint: Endpoint, world: World, app: Any, sent: Counter[str]
) -> None:
    """The row's example, aimed at the live chat, with each valid credential: a success path
    that does not depend on what the fuzzer happens to draw."""
    for kind in VALID_CREDENTIALS[endpoint.audience]:
        body: Any = None
        if endpoint.example is not None:
            body = json.loads(json.dumps(endpoint.example))
            if "sessionId" in body:
                chat = world.served if endpoint.name == "register" else world.chat
                chat = world.ended if endpoint.name == "feedback" else chat
                body["sessionId"] = chat["sessionId"]
            if endpoint.name == "disable":
                body["uid"] = world.staff.uid
            if "messageId" in body:
                body["messageId"] = str(uuid.uuid4())
            if "resumeCode" in body:
                body["resumeCode"] = world.chat["resumeCode"]
            if endpoint.name == "intake":
                body["proof"] = solved_proof()
            if endpoint.name == "offer":
                offer = json.loads(base64.b64decode(body["message"]["data"]))
                offer["sessionId"] = world.chat["sessionId"]
                body["message"]["data"] = base64.b64encode(json.dumps(offer).encode()).decode()
        case = operation.Case(body=body) if body is not None else operation.Case()
        # The word afterwards is asked once the chat has ended.
        token = world.token(kind, stream=endpoint.stream or endpoint.name == "feedback")
        if endpoint.name in _SUPERVISOR_ONLY and kind == "staff":
            token = world.lead.id_token
        if endpoint.name in _SUPERVISION and kind == "staff":
            token = _supervision_token(endpoint.name, world)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
        sent[f"{endpoint.name} example {kind} {response.status_code}"] += 1


def test_a_real_stream_replays_events_that_match_the_schema(world: World, app: Any) -> None:
    from werkzeug.test import Client

    response = Client(app).get(
        "/api/stream", headers={"Authorization": f"Bearer {world.ended['token']}"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    events = list(parse_sse([response.get_data()]))
    assert [e.type for e in events][-1] == "ended"
    branches = DOCUMENT["paths"]["/api/stream"]["get"]["responses"]["200"]["content"][
        "text/event-stream"
    ]["schema"]["oneOf"]
    timeline, *untimed = branches
    # Events without an id (queue place, signals): one branch each, by its constant.
    by_type = {b["properties"]["event"]["const"]: b for b in untimed}
    assert set(by_type) == {"queue", "signals"}
    for event in events:
        branch = by_type.get(event.type, timeline)
        assert event.type in timeline["properties"]["event"]["enum"] or branch is not timeline
        data = {
            **branch["properties"]["data"]["contentSchema"],
            "components": DOCUMENT["components"],
        }
        jsonschema.validate(event.data, data, cls=jsonschema.Draft202012Validator)
