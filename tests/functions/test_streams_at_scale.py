"""Many visitors' streams on one production-configured stream server.

The stack's stream function runs as Cloud Run runs it: functions-framework's
gunicorn with the threads infra/functions.json gives it, on its own address
(VTCHAT_STREAM_URL), fed by the instance's one shared listener. With
functions-framework's default of 4 threads per CPU, most of these visitors
would wait for another visitor's stream to close (issue 14 measured 8 of 40).
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.support import Functions, new_id, parse_sse, wait_until

pytestmark = pytest.mark.emulators

VISITORS = int(os.environ.get("VT_VISITORS", "120"))
BUDGET_SECONDS = 45.0


class Reader:
    """One visitor's stream over HTTP, read in a thread of its own."""

    def __init__(self, url: str, chat: dict[str, Any]) -> None:
        self.chat = chat
        self.opened = threading.Event()
        self.texts: list[str] = []
        self.heard_own = threading.Event()
        self.own = f"bericht van {chat['sessionId']}"
        self.error: BaseException | None = None
        self._response = requests.get(
            url,
            headers={"Authorization": f"Bearer {chat['token']}"},
            stream=True,
            timeout=(5, BUDGET_SECONDS),
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for event in parse_sse(self._response.iter_content(chunk_size=None)):
                self.opened.set()
                if event.type == "message":
                    self.texts.append(event.data["text"])
                    if event.data["text"] == self.own:
                        self.heard_own.set()
        except (requests.RequestException, AttributeError) as e:
            # AttributeError: urllib3 when the response is closed under it.
            self.error = e

    def close(self, timeout: float) -> None:
        """After the chat ended: the server closed the stream, so this is quick."""
        self._thread.join(timeout=timeout)
        self._response.close()


def leave(functions: Functions, chat: dict[str, Any]) -> None:
    functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])


def test_a_hundred_and_twenty_streams_each_hear_their_own_message_and_nothing_else(
    functions: Functions,
) -> None:
    url = os.environ["VTCHAT_STREAM_URL"]
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        chats = list(
            pool.map(lambda n: functions.intake(nickname=f"Bezoeker {n}"), range(VISITORS))
        )
    with ThreadPoolExecutor(max_workers=32) as pool:
        readers = list(pool.map(lambda chat: Reader(url, chat), chats))
    try:
        opened = sum(reader.opened.wait(timeout=20) for reader in readers)
        assert opened == VISITORS, f"only {opened} of {VISITORS} streams answered"

        def post(reader: Reader) -> int:
            body = {"sessionId": reader.chat["sessionId"], "messageId": new_id()}
            response = functions.post(
                "messages", {**body, "text": reader.own}, token=reader.chat["token"]
            )
            return int(response.status_code)

        with ThreadPoolExecutor(max_workers=16) as pool:
            assert set(pool.map(post, readers)) == {201}
        wait_until(
            lambda: all(r.heard_own.is_set() for r in readers),
            f"each of the {VISITORS} streams to hear its own message",
            20,
            every=0.05,
        )
        strangers = [r.chat["sessionId"] for r in readers if set(r.texts) - {r.own}]
        assert strangers == [], "a stream carried another visitor's message"
        assert [r.error for r in readers if r.error] == []
    finally:
        # Leaving ends each stream from the server's side; closing an open
        # one from here would wait for its next keep-alive.
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda r: leave(functions, r.chat), readers))
        deadline = time.monotonic() + 20
        for reader in readers:
            reader.close(timeout=max(0.0, deadline - time.monotonic()))
    assert time.monotonic() - began < BUDGET_SECONDS
