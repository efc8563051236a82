"""A visitor (HTTP + event stream) and an advisor (Firebase JS SDK listeners)
hold a whole conversation through the locally served functions."""

from __future__ import annotations

import http.client
import os
import queue
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from emulators.visitor import post_intake

from tests.agent import AdvisorAgent
from tests.support import SseEvent, create_staff, new_id, parse_sse

pytestmark = pytest.mark.emulators


@pytest.fixture
def api(emulators: dict[str, str]) -> str:
    return os.environ["VTCHAT_API_URL"]


@pytest.fixture
def agent(emulators: dict[str, str]) -> Iterator[AdvisorAgent]:
    console = AdvisorAgent()
    yield console
    console.close()


class VisitorStream:
    """The widget's event stream: fetch-style, token in a header, resumable."""

    def __init__(self, stream_url: str, token: str, last_event_id: int | None = None) -> None:
        # The stream function's own address from the intake: not behind Hosting.
        url = urlsplit(stream_url)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection = http.client.HTTPConnection(url.netloc, timeout=60)
        self.connection.request("GET", url.path or "/", headers=headers)
        # http.client lets go of the socket once the response owns it; keep it to cut it.
        self.socket = self.connection.sock
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        self.events: queue.Queue[SseEvent | None] = queue.Queue()
        self.queue_updates: list[SseEvent] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _chunks(self) -> Iterator[bytes]:
        while chunk := self.response.read1(65536):
            yield chunk

    def _pump(self) -> None:
        try:
            for event in parse_sse(self._chunks()):
                self.events.put(event)
        except (OSError, http.client.HTTPException, ValueError):
            pass  # the test dropped the connection on purpose
        self.events.put(None)

    def next(self, timeout: float = 20) -> SseEvent:
        """The next timeline event; queue-place updates are kept aside."""
        while True:
            event = self.events.get(timeout=timeout)
            assert event is not None, "stream closed early"
            if event.id is not None:
                return event
            if event.type == "queue":
                self.queue_updates.append(event)

    def drop(self) -> None:
        """Cut the connection the way a network does: no goodbye."""
        assert self.socket is not None
        self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()


def visitor_post(api: str, chat: dict[str, Any], name: str, body: dict[str, Any]) -> Any:
    return requests.post(
        f"{api}/{name}",
        json={"sessionId": chat["sessionId"], **body},
        headers={"Authorization": f"Bearer {chat['token']}"},
        timeout=10,
    )


def test_visitor_and_advisor_talk_the_stream_resumes_and_the_advisor_ends(
    api: str, agent: AdvisorAgent
) -> None:
    staff = create_staff(org="utrecht", name="Anna")
    signed_in = agent.command("signIn", email=staff.email, password=staff.password)
    assert (signed_in["role"], signed_in["org"]) == ("advisor", "utrecht")
    agent.command("watchQueue")

    intake = post_intake(
        api, {"nickname": "Vlinder", "age": 27, "gender": "other", "region": "utrecht"}
    )
    assert intake.status_code == 201
    chat = intake.json()
    sid = chat["sessionId"]
    queued = agent.wait_for(
        lambda e: e["event"] == "queue" and any(s["id"] == sid for s in e["sessions"])
    )
    entry = next(s for s in queued["sessions"] if s["id"] == sid)
    assert (entry["nickname"], entry["ageBand"], entry["state"]) == ("Vlinder", "24-30", "waiting")

    stream = VisitorStream(chat["streamUrl"], chat["token"])
    assert stream.next().type == "queued"

    assert agent.call("availability", {"status": "online", "capacity": 1})["status"] == 200
    assigned = stream.next()
    assert (assigned.type, assigned.data["advisorName"]) == ("assigned", "Anna")
    agent.command("watchMessages", sessionId=sid)

    # Visitor → advisor, seen by the advisor's Firestore listener.
    assert (
        visitor_post(api, chat, "messages", {"messageId": new_id(), "text": "Hallo?"}).status_code
        == 201
    )
    seen = agent.wait_for(lambda e: e["event"] == "message" and e["doc"].get("text") == "Hallo?")
    assert seen["doc"]["sender"] == "visitor"
    echo = stream.next()  # the visitor's own timeline confirms what was stored
    assert (echo.data["text"], echo.data["sender"]) == ("Hallo?", "visitor")

    # Advisor → visitor, seen on the event stream.
    reply = agent.call(
        "messages", {"sessionId": sid, "messageId": new_id(), "text": "Hoi, ik ben Anna."}
    )
    assert reply["status"] == 201
    heard = stream.next()
    assert (heard.type, heard.data["text"], heard.data["sender"]) == (
        "message",
        "Hoi, ik ben Anna.",
        "advisor",
    )
    last_seen = heard.id
    assert last_seen is not None

    # The visitor's connection drops; the advisor keeps writing.
    stream.drop()
    missed = ["Ben je er nog?", "Je kunt ook bellen: 0800 2000."]
    for text in missed:
        assert (
            agent.call("messages", {"sessionId": sid, "messageId": new_id(), "text": text})[
                "status"
            ]
            == 201
        )

    resumed = VisitorStream(chat["streamUrl"], chat["token"], last_event_id=last_seen)
    again = [resumed.next(), resumed.next()]
    assert [e.data["text"] for e in again] == missed
    assert [e.id for e in again] == [last_seen + 1, last_seen + 2]

    assert agent.call("end", {"sessionId": sid})["status"] == 200
    ended = resumed.next()
    assert (ended.type, ended.data["endedBy"]) == ("ended", "advisor")
    assert resumed.events.get(timeout=10) is None  # the stream closed cleanly
    agent.wait_for(lambda e: e["event"] == "message" and e["doc"].get("event") == "ended")
