"""Steps of the advisor console, and visitors over HTTP, for the console's browser tests."""

from __future__ import annotations

import re
import uuid
from typing import Any

import requests
from emulators.visitor import post_intake
from playwright.sync_api import Page, expect

from tests.browser.conftest import DIST, Site
from tests.support import (
    StaffLogin,
    next_sms_code,
)

TIMEOUT = 15_000


def console_page(
    site: Site,
    stack: dict[str, str],
    api: str,
    *,
    name: str = "test.html",
    idle_minutes: float = 10,
) -> str:
    """Write the built console page configured for this stack's ports; return its URL."""
    page = (DIST / "console" / "index.html").read_text(encoding="utf-8")
    api_origin = "/".join(api.split("/")[:3])
    page = page.replace('data-api="http://127.0.0.1:5001/api"', f'data-api="{api}"')
    page = page.replace("http://127.0.0.1:5001", api_origin)
    page = page.replace("127.0.0.1:9099", stack["FIREBASE_AUTH_EMULATOR_HOST"])
    page = page.replace("127.0.0.1:8080", stack["FIRESTORE_EMULATOR_HOST"])
    page = page.replace('data-idle-minutes="10"', f'data-idle-minutes="{idle_minutes}"')
    (site.root / "console" / name).write_text(page, encoding="utf-8")
    return f"{site.base}/console/{name}"


def sign_in(page: Page, url: str, login: StaffLogin) -> None:
    page.goto(url)
    page.get_by_label("E-mailadres").fill(login.email)
    page.get_by_label("Wachtwoord").fill(login.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Adviesconsole Veilig Thuis")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.locator(".who")).to_contain_text(login.display_name)


def enter_password(page: Page, url: str, login: StaffLogin) -> None:
    """The password step only: what follows (code, console, refusal) is the test's."""
    page.goto(url)
    page.get_by_label("E-mailadres").fill(login.email)
    page.get_by_label("Wachtwoord").fill(login.password)
    page.get_by_role("button", name="Inloggen").click()


# -- the second factor on the Auth emulator (SMS: it has no TOTP, firebase-tools #6224) --


def enter_sms_code(page: Page, phone: str, seen: int) -> None:
    """Type the code the console had the emulator send to `phone`."""
    page.get_by_label("Code", exact=True).fill(next_sms_code(phone, seen))
    page.get_by_role("button", name="Bevestigen").click()


def expect_console(page: Page, login: StaffLogin) -> None:
    expect(page.get_by_role("heading", name="Adviesconsole Veilig Thuis")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(page.locator(".who")).to_contain_text(login.display_name, timeout=TIMEOUT)


# An advisor's console listeners, by the names web/console/src/metered.ts counts them under.
ADVISOR_LISTENERS = ("queue", "offered", "mine", "advisors")


def listener_reads(page: Page) -> dict[str, int]:
    """The Firestore reads billed so far per console listener (`window.__vtchatReads`)."""
    return dict(page.evaluate("() => ({ ...(window.__vtchatReads?.byListener ?? {}) })"))


def first_snapshots(page: Page, since: dict[str, int]) -> None:
    """Until each advisor listener has had its first answer from the server after `since`.

    A listener's first server answer costs at least one read (an empty result
    too); one from the cache costs none. Then one frame and one task more, for
    a render the snapshot may have scheduled. What is not on the page now did
    not come with the first snapshot: a negative check can look.
    """
    page.wait_for_function(
        """([names, since]) => names.every(
            (n) => (window.__vtchatReads?.byListener?.[n] ?? 0) > (since[n] ?? 0))""",
        arg=[list(ADVISOR_LISTENERS), since],
        timeout=TIMEOUT,
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")


def set_status(page: Page, status: str) -> None:
    page.locator(".segmented").get_by_text(status, exact=True).click()
    expect(page.get_by_role("radio", name=status, exact=True)).to_be_checked()


def chat(page: Page, nickname: str) -> Any:
    """The chat panel of one visitor, found by its label."""
    return page.locator("section.chat").filter(
        has=page.locator(".chat-label", has_text=re.compile(rf"· {re.escape(nickname)} ·"))
    )


class Visitor:
    """A visitor over HTTP, as the widget does it."""

    def __init__(self, api: str, nickname: str, region: str = "utrecht", **extra: Any) -> None:
        self.api = api
        body = {"nickname": nickname, "age": 16, "gender": "woman", "region": region, **extra}
        answer = post_intake(api, body)
        assert answer.status_code == 201, answer.text
        data = answer.json()
        self.session_id: str = data["sessionId"]
        self.token: str = data["token"]
        self.stream_url: str = data["streamUrl"]
        self.nickname = nickname

    def call(self, name: str, body: dict[str, Any] | None = None) -> requests.Response:
        """POST to one of the visitor's endpoints with the session token, as the widget does."""
        return requests.post(
            f"{self.api}/{name}",
            json={"sessionId": self.session_id, **(body or {})},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )

    def say(self, text: str) -> None:
        answer = self.call("messages", {"messageId": str(uuid.uuid4()), "text": text})
        assert answer.status_code == 201, answer.text


def timeline(svc: Any, session_id: str) -> list[tuple[str, str]]:
    messages = svc.store.client.collection("sessions").document(session_id).collection("messages")
    docs = sorted((d.to_dict() for d in messages.stream()), key=lambda d: d["seq"])
    return [(d["sender"], d["text"]) for d in docs if d.get("kind") == "text"]


def session(svc: Any, session_id: str) -> dict[str, Any]:
    snap = svc.store.client.collection("sessions").document(session_id).get()
    return dict(snap.to_dict() or {})
