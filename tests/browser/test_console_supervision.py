"""Supervision per role (issue 19, item 3): the supervisor reads along (the
advisor sees it), sends a note (the advisor sees it, the visitor's widget
never), and stops; every step is in the audit log, without content."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from tests.support import create_staff, wait_until

NOTE = "Vraag of er kinderen in huis zijn."
SAID = "Hij staat weer voor de deur"


def test_a_supervisor_reads_along_sends_a_note_and_stops(
    page: Page,
    browser: Browser,
    emulators: dict[str, str],
    site: Site,
    api_url: str,
    svc: Any,
    artifacts: Path,
) -> None:
    url = c.console_page(site, emulators, api_url, name="supervision.html")
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")

    # The visitor, in the widget.
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    w.start_intake(page)
    w.fill_intake(page, nickname="Merel")
    w.submit_intake(page)
    w.wait_in_queue(page)

    # The advisor takes the chat.
    desk = open_page(browser, viewport={"width": 1280, "height": 720})
    c.sign_in(desk, url, anna)
    c.set_status(desk, "Online")
    panel = c.chat(desk, "Merel")
    expect(panel).to_have_count(1, timeout=c.TIMEOUT)
    expect(page.get_by_label("Je bericht")).to_be_visible(timeout=w.TIMEOUT)
    w.send(page, SAID)
    expect(panel.locator(".from-visitor")).to_contain_text(SAID, timeout=c.TIMEOUT)
    expect(panel.locator(".reading-along")).to_be_hidden()

    # The supervisor reads along, with a reason from the fixed list.
    boss = open_page(browser, viewport={"width": 1280, "height": 720})
    c.sign_in(boss, url, sanne)
    expect(boss.locator("table.active")).to_contain_text("Merel", timeout=c.TIMEOUT)
    boss.get_by_label("Reden om mee te lezen: Merel").select_option(label="Gevaar")
    boss.get_by_role("button", name="Meelezen: Merel").click()
    reading = boss.get_by_role("region", name="Meelezen: Merel")
    expect(reading).to_contain_text("Alleen lezen", timeout=c.TIMEOUT)
    expect(reading.get_by_role("log")).to_contain_text(SAID, timeout=c.TIMEOUT)
    # Read only: no message box of the chat in the panel, only the note to the advisor.
    expect(reading.get_by_label("Bericht")).to_have_count(0)
    expect(panel.locator(".reading-along")).to_have_text("Sanne leest mee", timeout=c.TIMEOUT)
    w.shot(boss, artifacts, "console-supervision-01-reading")
    w.assert_accessible(boss, site.base, "console supervisor reading along")

    # A note to the advisor: for her eyes only.
    reading.get_by_label(re.compile("^Notitie aan de adviseur")).fill(NOTE)
    reading.get_by_role("button", name="Notitie sturen").click()
    expect(reading.locator(".note-status")).to_have_text("Notitie verstuurd.", timeout=c.TIMEOUT)
    mine = panel.get_by_role("region", name="Notities van je leidinggevende — alleen voor jou")
    expect(mine).to_contain_text(NOTE, timeout=c.TIMEOUT)
    expect(reading.locator(".notes")).to_contain_text(NOTE)
    w.shot(desk, artifacts, "console-supervision-02-advisor-note")
    w.assert_accessible(desk, site.base, "console advisor with a note")

    # The visitor sees the chat go on, never the note or who reads along.
    sid = next(s.id for s in svc.store.client.collection("sessions").stream())
    reply = {"sessionId": sid, "messageId": str(uuid.uuid4()), "text": "Ik ben er, vertel maar."}
    answer = requests.post(f"{api_url}/messages", json=reply, headers=anna.headers, timeout=10)
    assert answer.status_code == 201, answer.text
    expect(page.get_by_text("Ik ben er, vertel maar.")).to_be_visible(timeout=w.TIMEOUT)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    expect(page.locator("body")).not_to_contain_text("Sanne")

    # Stop: the panel closes, the advisor no longer sees "leest mee", the notes stay hers.
    reading.get_by_role("button", name="Stop meelezen").click()
    expect(reading).to_have_count(0, timeout=c.TIMEOUT)
    expect(panel.locator(".reading-along")).to_be_hidden(timeout=c.TIMEOUT)
    expect(mine).to_contain_text(NOTE)

    def logged() -> list[str]:
        docs = svc.store.client.collection("auditLog").stream()
        return sorted(str(d.to_dict()["what"]) for d in docs)

    wait_until(lambda: logged() == ["closed", "note", "opened"], what="three audit entries")
    for entry in svc.store.client.collection("auditLog").stream():
        data = entry.to_dict()
        assert (data["uid"], data["why"]) == (sanne.uid, "danger")
        assert NOTE not in str(data) and SAID not in str(data) and "Merel" not in str(data)
