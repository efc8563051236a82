"""Privacy scan: chats full of recognisable markers, then every stored byte and log line.

One set of chats carries a marker in every field a visitor or advisor can fill
and in every request header that identifies a device or a network: the
nickname, every message text, the intake answers, the 4-digit postcode, IP
addresses in the proxy headers and the socket address, a User-Agent, an
Accept-Language and device-id headers. The flows are a visitor who leaves
while waiting, a chat answered by another region through fall-back, two chats
served by their own region (one ended by the advisor, one by the visitor),
and one everybody abandons, which the housekeeping tick requeues when the
advisor's console goes silent and ends once overdue. Afterwards the whole
Firestore database (every collection, document and subcollection, walked from
the root), the Pub/Sub offers published meanwhile and every captured log line
are searched for the markers.

What the rules are (docs/privacy.md):
- IP, user agent, language, device id and postcode never appear anywhere;
- nickname, message text and intake answers appear only in documents that
  carry an `expireAt` within the configured retention;
- every log line is one JSON object with `severity` and `message`, and
  carries ids and counts only;
- advisor e-mail addresses appear nowhere; display names only in advisor
  documents and in expiring chat documents;
- without `expireAt` stay only the postcode table, the queues (opaque
  tickets) and the anonymous handover records.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.api_core import exceptions as api_exceptions
from google.cloud import firestore, pubsub_v1

from tests.support import (
    PROJECT,
    Functions,
    StaffLogin,
    create_staff,
    new_id,
    offer_envelope,
    read_events,
)
from vtchat import housekeeping, topics
from vtchat.models import ChallengeResponse, ChatRecordDoc
from vtchat.proof import solve
from vtchat.services import Services
from vtchat.settings import Settings

pytestmark = pytest.mark.emulators

ORIGIN = "utrecht"
# First on Utrecht's fall-back list: answers when Utrecht has nobody online.
HELPER = "gooi-en-vechtstreek"

# Wijk bij Duurstede: a real Utrecht PC4 that no timestamp, count or id of
# these chats will produce as a separate number.
POSTCODE_CHOICES = ("3962", "3961", "3511")

IPV4 = "203.0.113.77"
IPV4_PROXY = "198.51.100.201"
IPV6 = "2001:db8:7a11::77"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) UaMarkerPrivacyScan/7.3"
ACCEPT_LANGUAGE = "nl-NL,x-taalmarker;q=0.5"
DEVICE_ID = "devmarker-8c1f2e77"

NICK_MARK = "Bijnaammarker"
TEXT_MARK = "Markeertekst"
ANSWERS = {"about": "someone_else", "firstContact": "yes"}
ADVISOR_NAMES = {ORIGIN: "Adviseur Ooievaarmarker", HELPER: "Adviseur Kievitmarker"}


def postcode_pattern(postcode: str) -> re.Pattern[str]:
    # A whole number: not a piece of a timestamp, a ticket or a base64 id.
    return re.compile(rf"(?<![0-9A-Za-z]){postcode}(?![0-9A-Za-z])")


def marked_headers() -> dict[str, str]:
    """Everything a browser, a proxy or an app could send that identifies someone."""
    return {
        "User-Agent": USER_AGENT,
        "Accept-Language": ACCEPT_LANGUAGE,
        "X-Forwarded-For": f"{IPV4}, {IPV4_PROXY}",
        "X-Real-IP": IPV4,
        "Forwarded": f'for={IPV4};proto=https, for="[{IPV6}]"',
        "X-Appengine-User-IP": IPV4,
        "CF-Connecting-IP": IPV4,
        "X-Device-Id": DEVICE_ID,
        "X-Client-Device": DEVICE_ID,
        "Cookie": f"device={DEVICE_ID}",
    }


def pick_postcode(table: Path) -> str:
    """The first choice the loaded postcode table maps to the origin region."""
    rows = table.read_text(encoding="utf-8").splitlines()
    known = {row.split(",", 1)[0] for row in rows[1:] if ",Utrecht," in row}
    for choice in POSTCODE_CHOICES:
        if choice in known:
            return choice
    raise AssertionError(f"none of {POSTCODE_CHOICES} is an Utrecht PC4 in {table}")


class MarkedCalls:
    """The functions, every call sent with the identifying headers and socket address."""

    def __init__(self, functions: Functions) -> None:
        self.functions = functions

    def _send(self, method: str, name: str, body: Any, token: str | None) -> Any:
        headers = marked_headers()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        client = self.functions.client(name)
        return client.open(
            "/",
            method=method,
            json=body,
            headers=headers,
            environ_base={"REMOTE_ADDR": IPV4, "HTTP_USER_AGENT": USER_AGENT},
        )

    def post(self, name: str, body: Any, *, token: str | None = None, expect: int = 200) -> Any:
        response = self._send("POST", name, body, token)
        assert response.status_code == expect, (name, response.status_code, response.get_json())
        return response.get_json() if response.data else None

    def get(self, name: str, query: str = "") -> Any:
        response = self.functions.client(name).get(
            "/" + query,
            headers=marked_headers(),
            environ_base={"REMOTE_ADDR": IPV4, "HTTP_USER_AGENT": USER_AGENT},
        )
        assert response.status_code == 200, (name, response.status_code)
        return response.get_json()

    def intake(self, nickname: str, postcode: str) -> dict[str, Any]:
        body = {
            "nickname": nickname,
            "age": 19,
            "gender": "other",
            "postcode": postcode,
            "answers": ANSWERS,
            # The puzzle fetched with the marked headers too: it must keep nothing of them.
            "proof": solve(ChallengeResponse.model_validate(self.get("challenge"))),
        }
        # A forged proof first: the refusal's log must not quote the caller either.
        self.post("intake", {**body, "proof": "bm90IGEgcHJvb2Y="}, expect=403)
        return dict(self.post("intake", body, expect=201))

    def say(self, chat: dict[str, Any], text: str, *, staff: StaffLogin | None = None) -> None:
        token = staff.id_token if staff else chat["token"]
        body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": text}
        self.post("messages", body, token=token, expect=201)
        # A flaky connection sends it again: stored once, and logged no differently.
        self.post("messages", body, token=token, expect=200)

    def replay(self, chat: dict[str, Any]) -> list[Any]:
        """The visitor reconnects after the end and reads the whole timeline."""
        headers = {**marked_headers(), "Authorization": f"Bearer {chat['token']}"}
        response = self.functions.client("stream").get(
            "/",
            headers=headers,
            environ_base={"REMOTE_ADDR": IPV4, "HTTP_USER_AGENT": USER_AGENT},
            buffered=False,
        )
        return read_events(response, until="ended")

    def online(self, staff: StaffLogin) -> None:
        self.post("availability", {"status": "online"}, token=staff.id_token)
        self.post("heartbeat", {}, token=staff.id_token)

    def heartbeat(self, chat: dict[str, Any]) -> None:
        self.post("heartbeat", {"sessionId": chat["sessionId"]}, token=chat["token"])


# --- the chats ------------------------------------------------------------------------------


@dataclass
class Markers:
    postcode: str
    nicknames: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def text(self, who: str) -> str:
        value = f"{TEXT_MARK}{len(self.texts):02d} van de {who}: hoe gaat het nu?"
        self.texts.append(value)
        return value

    def nickname(self) -> str:
        value = f"{NICK_MARK}{len(self.nicknames)}"
        self.nicknames.append(value)
        return value


def run_chats(functions: Functions, svc: Services, markers: Markers) -> None:
    calls = MarkedCalls(functions)
    calls.get("status")
    calls.get("status", f"?region={ORIGIN}")
    calls.get("regions")

    # 1. Nobody online anywhere: the visitor writes while waiting, then leaves.
    waiting = calls.intake(markers.nickname(), markers.postcode)
    calls.heartbeat(waiting)
    # A wrong code, then the right one: the resume budget keeps codes only as
    # keyed hashes in memory, and the new token replaces the old one.
    calls.post("resume", {"resumeCode": "ZZZZ-ZZZZ-ZZZZ"}, expect=404)
    waiting = {**waiting, **calls.post("resume", {"resumeCode": waiting["resumeCode"]})}
    calls.say(waiting, markers.text("bezoeker"))
    calls.post("leave", {"sessionId": waiting["sessionId"]}, token=waiting["token"])
    calls.replay(waiting)

    # 2. Utrecht still has nobody online: the chat is offered at intake and
    #    answered by the neighbour, both ways, and ended by that advisor.
    helper = create_staff(org=HELPER, name=ADVISOR_NAMES[HELPER])
    markers.emails.append(helper.email)
    calls.online(helper)
    helped = calls.intake(markers.nickname(), markers.postcode)
    calls.post("offer", offer_envelope(svc, helped["sessionId"], HELPER), expect=204)
    assert (svc.store.session(helped["sessionId"]).get().to_dict() or {})["state"] == "active"
    calls.say(helped, markers.text("bezoeker"))
    calls.heartbeat(helped)
    calls.say(helped, markers.text("adviseur"), staff=helper)
    calls.say(helped, markers.text("bezoeker"))
    calls.post("end", {"sessionId": helped["sessionId"]}, token=helper.id_token)
    registration = {
        "sessionId": helped["sessionId"],
        "contact": "victim",
        "topics": ["partner_violence"],
        "advice": ["safety_plan"],
        "referrals": ["wijkteam"],
        "outcome": "referred",
    }
    calls.post("register", registration, token=helper.id_token, expect=201)
    calls.replay(helped)

    # 3. and 4. Utrecht's own advisor: one chat ended by the advisor, one by the visitor.
    own = create_staff(org=ORIGIN, name=ADVISOR_NAMES[ORIGIN])
    markers.emails.append(own.email)
    calls.online(own)
    for ended_by in ("advisor", "visitor"):
        chat = calls.intake(markers.nickname(), markers.postcode)
        calls.say(chat, markers.text("bezoeker"))
        calls.say(chat, markers.text("adviseur"), staff=own)
        calls.say(chat, markers.text("bezoeker"))
        if ended_by == "advisor":
            calls.post("end", {"sessionId": chat["sessionId"]}, token=own.id_token)
        else:
            calls.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])
        events = calls.replay(chat)
        assert events[-1].data["endedBy"] == ended_by

    # 5. Everyone goes silent: the tick finds the visitor gone and the advisor's
    #    console lost (the chat goes back in line), and later ends the chat as
    #    overdue. Ticks at those future instants, straight from the service.
    silent = calls.intake(markers.nickname(), markers.postcode)
    calls.say(silent, markers.text("bezoeker"))
    calls.say(silent, markers.text("adviseur"), staff=own)
    session = svc.store.session(silent["sessionId"])
    started = (session.get().to_dict() or {})["createdAt"]
    housekeeping.tick(svc, now=datetime.now(UTC) + svc.settings.advisor_grace * 2)
    assert (session.get().to_dict() or {})["advisorLostAt"] is not None
    overdue = started + svc.settings.session_max_lifetime + timedelta(milliseconds=1)
    housekeeping.tick(svc, now=overdue)
    assert (session.get().to_dict() or {})["endedBy"] == "system"

    # The housekeeping pass, as Cloud Scheduler's push delivers it.
    tick = {"message": {"data": "", "messageId": new_id()}, "subscription": "tick"}
    calls.post("tick", tick, expect=204)
    calls.post("availability", {"status": "offline"}, token=own.id_token)
    calls.post("availability", {"status": "offline"}, token=helper.id_token)


# --- where things are found -------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """One Firestore document: its path and its fields flattened to dotted paths."""

    path: str
    data: dict[str, Any]
    values: list[tuple[str, str]]

    @property
    def collection(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def expire_at(self) -> datetime | None:
        value = self.data.get("expireAt")
        return value if isinstance(value, datetime) else None


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every leaf as text, map keys included (a PC4 could be a key as well as a value)."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield f"{path} (key)", str(key)
            yield from flatten(item, path)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}[{index}]")
    elif isinstance(value, bytes):
        yield prefix, value.decode("utf-8", errors="replace")
    elif value is not None:
        yield prefix, str(value)


def walk(client: firestore.Client) -> list[Stored]:
    """Every document of the database, subcollections included, parents with no data too."""
    found: list[Stored] = []

    def visit(collection: Any) -> None:
        for ref in collection.list_documents():
            snapshot = ref.get()
            data = snapshot.to_dict() or {} if snapshot.exists else {}
            found.append(Stored(ref.path, data, list(flatten(data))))
            for sub in ref.collections():
                visit(sub)

    for root in client.collections():
        visit(root)
    return found


@dataclass(frozen=True)
class Marker:
    name: str
    pattern: re.Pattern[str]

    @classmethod
    def literal(cls, name: str, text: str) -> Marker:
        return cls(name, re.compile(re.escape(text), re.IGNORECASE))


def identifying_markers(postcode: str) -> list[Marker]:
    """What must never be stored or logged anywhere."""
    return [
        Marker("postcode", postcode_pattern(postcode)),
        Marker.literal("IPv4", IPV4),
        Marker.literal("IPv4 of the proxy", IPV4_PROXY),
        Marker.literal("IPv6", "2001:db8:7a11"),
        Marker.literal("user agent", "UaMarkerPrivacyScan"),
        Marker.literal("user agent", USER_AGENT),
        Marker.literal("accept-language", "x-taalmarker"),
        Marker.literal("device id", DEVICE_ID),
    ]


def content_markers(markers: Markers) -> list[Marker]:
    """What a chat is made of: stored only in documents that expire."""
    return [
        Marker.literal("nickname", NICK_MARK),
        Marker.literal("message text", TEXT_MARK),
        # "yes" is too common a word to search for; the field itself is checked as well.
        Marker.literal("intake answer", ANSWERS["about"]),
    ]


def staff_markers(markers: Markers) -> list[Marker]:
    # The random local part: found whether the address is stored whole or in pieces.
    return [Marker.literal("advisor e-mail", email.split("@")[0]) for email in markers.emails]


def display_name_markers() -> list[Marker]:
    return [Marker.literal("advisor display name", name) for name in ADVISOR_NAMES.values()]


def hits(stored: Stored, marker: Marker) -> list[str]:
    return [
        f"{stored.path} :: {path} = {text[:80]!r}"
        for path, text in stored.values
        if (marker.pattern.search(text))
    ]


# --- the scan -----------------------------------------------------------------------------------


@dataclass
class Scan:
    markers: Markers
    documents: list[Stored]
    reference_before: dict[str, dict[str, Any]]
    offers_published: list[tuple[str, str]]
    stdout: list[str]
    stderr: list[str]
    records: list[logging.LogRecord]
    settings: Settings
    finished_at: datetime

    @property
    def log_texts(self) -> list[tuple[str, str]]:
        """Every captured line or record, labelled by where it came from."""
        lines = [(f"stdout line {i + 1}", line) for i, line in enumerate(self.stdout)]
        lines += [(f"stderr line {i + 1}", line) for i, line in enumerate(self.stderr)]
        lines += [
            (f"logging {r.name} {r.levelname}", r.getMessage() + " " + repr(r.args))
            for r in self.records
        ]
        return lines


@contextlib.contextmanager
def offers_tap() -> Iterator[list[tuple[str, str]]]:
    """A pull subscription on the offers topic: what fall-back publishes is kept for days too."""
    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(PROJECT, topics.OFFERS_TOPIC)
    tap = subscriber.subscription_path(PROJECT, "privacy-scan.offers")
    with contextlib.suppress(api_exceptions.AlreadyExists):
        publisher.create_topic(name=topic)
    with contextlib.suppress(api_exceptions.NotFound):
        subscriber.delete_subscription(subscription=tap)
    subscriber.create_subscription(name=tap, topic=topic)
    published: list[tuple[str, str]] = []
    try:
        yield published
        while True:
            answer = subscriber.pull(subscription=tap, max_messages=100, timeout=5)
            if not answer.received_messages:
                break
            for received in answer.received_messages:
                message = received.message
                text = message.data.decode("utf-8", errors="replace")
                published.append((message.message_id, text + " " + repr(dict(message.attributes))))
            subscriber.acknowledge(
                subscription=tap, ack_ids=[r.ack_id for r in answer.received_messages]
            )
    finally:
        subscriber.delete_subscription(subscription=tap)


_SCANS: list[Scan] = []


@pytest.fixture
def scan(
    request: pytest.FixtureRequest,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Scan:
    """The chats run once per module; every test checks the same captured scan."""
    if not _SCANS:
        _SCANS.append(
            _run_scan(
                request.getfixturevalue("functions"),
                request.getfixturevalue("svc"),
                request.getfixturevalue("postcodes"),
                capfd,
                caplog,
            )
        )
    return _SCANS[0]


def _run_scan(
    functions: Functions,
    svc: Services,
    postcodes: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Scan:
    markers = Markers(postcode=pick_postcode(Path(postcodes)))
    reference_before = {s.path: s.data for s in walk(svc.store.client)}
    capfd.readouterr()
    caplog.set_level(logging.DEBUG)
    with offers_tap() as published:
        run_chats(functions, svc, markers)
    captured = capfd.readouterr()
    return Scan(
        markers=markers,
        documents=walk(svc.store.client),
        reference_before=reference_before,
        offers_published=published,
        stdout=[line for line in captured.out.splitlines() if line.strip()],
        stderr=[line for line in captured.err.splitlines() if line.strip()],
        records=list(caplog.records),
        settings=svc.settings,
        finished_at=datetime.now(UTC),
    )


def report(title: str, findings: list[str]) -> str:
    return f"{title} ({len(findings)}):\n  " + "\n  ".join(findings[:40])


# --- the rules ------------------------------------------------------------------------------------


def test_the_chats_were_stored_and_logged_at_all(scan: Scan) -> None:
    """Guards the scan itself: markers that never reached storage would prove nothing."""
    sessions = [d for d in scan.documents if re.fullmatch(r"sessions/[^/]+", d.path)]
    assert len(sessions) == 5
    assert any(hits(d, Marker.literal("", TEXT_MARK)) for d in scan.documents)
    assert any(hits(d, Marker.literal("", NICK_MARK)) for d in scan.documents)
    assert [d for d in scan.documents if d.collection == "handovers"]
    assert scan.offers_published, "fall-back published nothing: the tap saw no offers"
    assert any('"chat_ended"' in line for line in scan.stdout)


def test_ip_user_agent_device_and_postcode_are_never_stored(scan: Scan) -> None:
    findings: list[str] = []
    for stored in scan.documents:
        # The postcode table itself is reference data loaded before any chat:
        # checked below to be exactly what was loaded, and skipped here.
        if stored.collection == "postcodes":
            continue
        for marker in identifying_markers(scan.markers.postcode):
            findings += [f"{marker.name}: {hit}" for hit in hits(stored, marker)]
    for message_id, text in scan.offers_published:
        for marker in identifying_markers(scan.markers.postcode):
            if marker.pattern.search(text):
                findings.append(f"{marker.name}: Pub/Sub offer {message_id}: {text[:120]!r}")
    assert not findings, report("identifying data stored", findings)

    reference_after = {d.path: d.data for d in scan.documents if d.collection == "postcodes"}
    assert reference_after == {
        path: data for path, data in scan.reference_before.items() if path.startswith("postcodes/")
    }, "the postcode table changed while chatting"


def test_chat_content_is_stored_only_in_documents_that_expire_within_retention(scan: Scan) -> None:
    config = scan.settings
    # A running chat's provisional deadline is the longest anything may live.
    longest = config.session_max_lifetime + config.content_retention
    sessions = {d.path: d.data for d in scan.documents if re.fullmatch(r"sessions/[^/]+", d.path)}
    findings: list[str] = []
    for stored in scan.documents:
        found = [
            f"{marker.name}: {hit}"
            for marker in content_markers(scan.markers)
            for hit in hits(stored, marker)
        ]
        if any(path.split(".")[0] == "answers" for path, _ in stored.values):
            found.append(f"intake answers: {stored.path} :: answers")
        if not found:
            continue
        expire_at = stored.expire_at
        if expire_at is None:
            findings += [f"without expireAt: {hit}" for hit in found]
            continue
        if not scan.finished_at < expire_at <= scan.finished_at + longest:
            findings.append(f"{stored.path}: expireAt {expire_at} beyond {longest} from now")
        session_path = "/".join(stored.path.split("/")[:2])
        session = sessions.get(session_path)
        if session is None or session.get("state") != "ended":
            continue
        served = session.get("assignedAt") is not None
        retention = config.content_retention if served else config.unserved_retention
        expected = session["endedAt"] + retention
        if expire_at != expected:
            findings.append(
                f"{stored.path}: expireAt {expire_at}, expected end + "
                f"{'content' if served else 'unserved'} retention = {expected}"
            )
    assert not findings, report("chat content kept too long or for ever", findings)
    assert all(s["state"] == "ended" for s in sessions.values())


def test_every_log_line_is_structured_and_carries_no_content_or_identity(scan: Scan) -> None:
    findings: list[str] = []
    for number, line in enumerate(scan.stdout, start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            findings.append(f"not JSON: stdout line {number}: {line[:120]!r}")
            continue
        if not isinstance(entry, dict) or not {"severity", "message"} <= set(entry):
            findings.append(f"no severity/message: stdout line {number}: {line[:120]!r}")
            continue
        # Flat scalars only: a nested value could carry a whole request or document.
        nested = [key for key, value in entry.items() if isinstance(value, dict | list)]
        if nested:
            findings.append(f"nested fields {nested}: stdout line {number}: {line[:120]!r}")

    forbidden = [
        *identifying_markers(scan.markers.postcode),
        *content_markers(scan.markers),
        *staff_markers(scan.markers),
        *display_name_markers(),
    ]
    findings += [
        f"{marker.name}: {where}: {text[:160]!r}"
        for where, text in scan.log_texts
        for marker in forbidden
        if marker.pattern.search(text)
    ]
    assert not findings, report("log lines unstructured or carrying personal data", findings)


def test_advisor_e_mail_addresses_are_nowhere_and_names_only_where_they_belong(
    scan: Scan,
) -> None:
    findings: list[str] = []
    for stored in scan.documents:
        for marker in staff_markers(scan.markers):
            findings += [f"{marker.name}: {hit}" for hit in hits(stored, marker)]
        if stored.collection == "advisors" or stored.expire_at is not None:
            continue
        for marker in display_name_markers():
            findings += [f"{marker.name} without expireAt: {hit}" for hit in hits(stored, marker)]
    for message_id, text in scan.offers_published:
        for marker in [*staff_markers(scan.markers), *display_name_markers()]:
            if marker.pattern.search(text):
                findings.append(f"{marker.name}: Pub/Sub offer {message_id}")
    assert not findings, report("staff identity stored where it does not belong", findings)


def test_the_anonymous_records_kept_without_expiry_are_only_the_known_ones(scan: Scan) -> None:
    """Documents without expireAt: reference data, queues, handover and registration records."""
    # A parent that only holds subcollections has no fields and stores nothing itself.
    kept = sorted(d.path for d in scan.documents if d.data and d.expire_at is None)
    assert {path.split("/")[0] for path in kept} <= {
        "postcodes",
        "queues",
        "handovers",
        "chatRecords",
    }, kept
    for record in (d for d in scan.documents if d.collection == "chatRecords"):
        # Fixed choices, bands and rounded times only (vtchat.models.ChatRecordDoc).
        expected = {field.alias or name for name, field in ChatRecordDoc.model_fields.items()}
        assert set(record.data) == expected, record.path
        assert (record.data["started"].minute % 15, record.data["started"].second) == (0, 0)
    # Staff names are personal data too: advisor documents go after a while unused.
    latest = scan.finished_at + scan.settings.advisor_retention
    for advisor in (d for d in scan.documents if d.collection == "advisors"):
        assert advisor.expire_at is not None and advisor.expire_at <= latest, advisor.path
    for record in (d for d in scan.documents if d.collection == "handovers"):
        assert set(record.data) == {
            "region",
            "queuedOrg",
            "answeringOrg",
            "at",
            "month",
            "round",
            "waitedSeconds",
        }, record.path
        at = record.data["at"]
        assert (at.minute % 15, at.second, at.microsecond) == (0, 0, 0), record.path
    too_old = scan.finished_at - timedelta(days=1)
    assert all(d.expire_at is None or d.expire_at > too_old for d in scan.documents), (
        "a document that should have expired already"
    )
