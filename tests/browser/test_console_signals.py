"""The console's side of typing, read, received and the discreet pause (issue 18).

A visitor over HTTP types and pauses; the advisor's console shows it from the
session document it already listens to, by accessible text. The console tells
the functions what the advisor has read in a focused window, and that it is
typing, throttled; and marks each advisor message the widget has received.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site
from tests.support import create_staff, wait_until

TYPING = "Bezoeker typt…"
PAUSED = "Bezoeker heeft gepauzeerd"


@pytest.fixture
def url(site: Site, emulators: dict[str, str], api_url: str) -> str:
    return c.console_page(site, emulators, api_url)


def signal(page: Page, visitor: c.Visitor, **fields: Any) -> requests.Response:
    """A visitor's signal, tried again after a 429 as the widget does."""

    def sent() -> requests.Response | None:
        answer = visitor.call("signal", fields)
        return answer if answer.status_code != 429 else None

    answer = wait_until(sent, f"signal {fields} accepted", 10, pause=settle_for(page))
    assert answer.status_code == 200, answer.text
    return answer


def settle_for(page: Page) -> Any:
    return lambda seconds: page.wait_for_timeout(seconds * 1000)


def test_the_console_shows_typing_and_pause_and_tells_what_was_read(
    page: Page, url: str, api_url: str, svc: Any, site: Site, artifacts: Path
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")
    merel = c.Visitor(api_url, "Merel")
    panel = c.chat(page, "Merel")
    expect(panel).to_be_visible(timeout=c.TIMEOUT)

    # The visitor types: shown at once, and gone by itself a few seconds later.
    assert signal(page, merel, typing=True).json()["written"]
    expect(panel.get_by_text(TYPING)).to_be_visible()
    expect(panel.get_by_text(TYPING)).to_be_hidden(timeout=10_000)

    # The discreet pause: a polite status in the panel, accessible like the rest.
    signal(page, merel, paused=True)
    status = panel.get_by_role("status").filter(has_text=PAUSED)
    expect(status).to_be_visible()
    w.assert_accessible(page, site.base, "console chat, visitor paused")
    w.shot(page, artifacts, "console-visitor-paused")
    signal(page, merel, paused=False)
    expect(panel.get_by_text(PAUSED)).to_have_count(0)

    # A visitor message shown in this focused window is told as read, once.
    merel.say("Is daar iemand?")
    asked = c.session(svc, merel.session_id)["seq"]
    expect(panel.locator(".from-visitor .text")).to_have_text("Is daar iemand?")
    wait_until(
        lambda: c.session(svc, merel.session_id).get("advisorReadSeq") == asked,
        "the console's read mark in the session",
        10,
        pause=settle_for(page),
    )

    # Typing in the composer tells the visitor's side; sending ends it with the message.
    box = panel.get_by_label("Bericht: Merel")
    box.press_sequentially("Ja, ik ben er", delay=20)
    wait_until(
        lambda: c.session(svc, merel.session_id).get("advisorTypingUntil"),
        "the advisor's typing in the session",
        10,
        pause=settle_for(page),
    )
    before = c.session(svc, merel.session_id)["signalVersion"]
    panel.get_by_role("button", name="Versturen: Merel").click()
    expect(panel.locator(".from-advisor .text")).to_have_text("Ja, ik ben er")
    stored = c.session(svc, merel.session_id)
    assert stored.get("advisorTypingUntil") is None
    # One typing write for the whole line (well under 5 s of typing), one to end it.
    assert stored["signalVersion"] == before + 1

    # The widget received the answer: a subtle mark with accessible text.
    answer_seq = c.session(svc, merel.session_id)["seq"]
    mark = panel.locator(".from-advisor .received")
    expect(mark).to_be_hidden()
    signal(page, merel, receivedSeq=answer_seq)
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("ontvangen")
    w.assert_accessible(page, site.base, "console chat, message received")
    assert page.console_errors == []  # type: ignore[attr-defined]
