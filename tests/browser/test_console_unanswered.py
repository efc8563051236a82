"""No chat left unanswered, the idle lock's pause and the heavy chat, per role, in a real browser.

- Advisor A gets a chat and does not write: after the tick it is with advisor
  B with the note, A's console says so (and A is paused), the visitor's widget
  shows the calm text.
- The idle lock pauses the advisor: a chat arriving behind the locked screen
  waits, and goes to them once they unlock.
- After a chat flagged as danger ends, the console offers a pause; the
  supervisor sees the count for the debrief.

The tick runs in this process against the stack's emulators, as Cloud
Scheduler's push would run it; "three minutes ago" is written into the session.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from tests.support import create_staff, wait_until
from vtchat import housekeeping


def advisor_doc(svc: Any, uid: str) -> dict[str, Any]:
    return dict(svc.store.advisor(uid).get().to_dict() or {})


def test_an_unanswered_chat_goes_to_a_colleague_and_everyone_is_told(
    page: Page,
    browser: Browser,
    emulators: dict[str, str],
    site: Site,
    api_url: str,
    svc: Any,
    artifacts: Path,
) -> None:
    url = c.console_page(site, emulators, api_url, name="unanswered.html")
    anna = create_staff(org="utrecht", name="Anna")
    bram = create_staff(org="utrecht", name="Bram")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")
    online_at = time.monotonic()

    # The visitor starts a chat in the widget: Anna gets it.
    visitor = open_page(browser)
    visitor.goto(site.host_page("unanswered-host.html", api=api_url))
    w.open_launcher(visitor)
    w.start_intake(visitor)
    w.fill_intake(visitor, nickname="Merel")
    w.submit_intake(visitor)
    expect(c.chat(page, "Merel")).to_be_visible(timeout=c.TIMEOUT)
    (session_id,) = wait_until(
        lambda: [
            d.id
            for d in svc.store.client.collection("sessions").stream()
            if (d.to_dict() or {}).get("advisorUid") == anna.uid
        ],
        "Merel's chat with Anna",
    )

    colleague = open_page(browser)
    c.sign_in(colleague, url, bram)
    c.set_status(colleague, "Online")

    # Anna has not written for longer than the set minutes: the tick passes it on.
    # (Minutes after her own status change, as in real life: the console keeps
    # its own choice against the listener's older news for 5 s, OWN_CHANGE_MS.)
    page.wait_for_timeout(max(0.0, 6 - (time.monotonic() - online_at)) * 1000)
    svc.store.session(session_id).update(
        {"awaitingReplySince": datetime.now(UTC) - timedelta(minutes=4)}
    )
    report = housekeeping.tick(svc)
    assert report.unanswered_passed_on == 1

    # Bram has it, with the note saying why.
    panel = c.chat(colleague, "Merel")
    expect(panel).to_be_visible(timeout=c.TIMEOUT)
    expect(panel).to_contain_text("Anna schreef niet binnen 3 minuten")
    expect(panel.locator(".log")).to_contain_text("Niet op tijd beantwoord")
    # Anna's console says so, calmly, and shows her paused.
    notice = page.locator(".care-notice")
    expect(notice).to_contain_text("Een gesprek ging naar een collega", timeout=c.TIMEOUT)
    expect(page.get_by_role("radio", name="Pauze", exact=True)).to_be_checked()
    w.assert_accessible(page, site.base, "console chat passed on")
    w.shot(page, artifacts, "console-unanswered-passed-on")
    notice.get_by_role("button", name="Begrepen").click()
    expect(notice).to_be_hidden()
    # The visitor is told calmly, and then meets Bram.
    expect(visitor.get_by_text("Je adviseur kon even niet reageren.")).to_be_visible(
        timeout=c.TIMEOUT
    )
    w.shot(visitor, artifacts, "widget-reassigned")
    w.assert_accessible(visitor, site.base, "widget reassigned")
    for name, p in (("anna", page), ("bram", colleague)):
        assert p.console_errors == [], name  # type: ignore[attr-defined]
    # The host page's own 404s (its favicon) aside, as in test_journey.py.
    assert not [e for e in visitor.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
    colleague.context.close()
    visitor.context.close()


def test_the_idle_lock_pauses_so_no_chat_arrives_behind_it(
    page: Page, emulators: dict[str, str], site: Site, api_url: str, svc: Any
) -> None:
    url = c.console_page(site, emulators, api_url, name="idle-pause.html", idle_minutes=0.05)
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")
    # No input for 3 s: locked, and paused through the API.
    expect(page.get_by_role("heading", name="Scherm vergrendeld")).to_be_visible(timeout=8_000)
    wait_until(lambda: advisor_doc(svc, anna.uid).get("status") == "paused", "Anna paused")

    merel = c.Visitor(api_url, "Merel")
    housekeeping.tick(svc)  # the backstop pairing too: nobody is free
    assert c.session(svc, merel.session_id)["state"] == "waiting"

    page.get_by_label("Wachtwoord").fill(anna.password)
    page.get_by_role("button", name="Ontgrendelen").click()
    expect(page.get_by_role("radio", name="Online", exact=True)).to_be_checked(timeout=c.TIMEOUT)
    # Online again: the waiting chat comes to her now.
    expect(c.chat(page, "Merel")).to_be_visible(timeout=c.TIMEOUT)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_after_a_heavy_chat_a_pause_is_offered_and_the_supervisor_counts_it(
    page: Page,
    browser: Browser,
    emulators: dict[str, str],
    site: Site,
    api_url: str,
    svc: Any,
    artifacts: Path,
) -> None:
    url = c.console_page(site, emulators, api_url, name="heavy.html")
    anna = create_staff(org="utrecht", name="Anna")
    sofie = create_staff(org="utrecht", role="supervisor", name="Sofie")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")
    c.Visitor(api_url, "Merel")
    c.Visitor(api_url, "Noor")
    merel, noor = c.chat(page, "Merel"), c.chat(page, "Noor")
    expect(merel).to_be_visible(timeout=c.TIMEOUT)
    expect(noor).to_be_visible(timeout=c.TIMEOUT)

    # An ordinary chat ends: no offer.
    noor.get_by_role("button", name="Beëindigen: Noor").click()
    noor.get_by_role("group", name="Gesprek echt beëindigen?").get_by_role(
        "button", name="Beëindigen"
    ).click()
    form = noor.locator("form.registration")
    expect(form).to_be_visible(timeout=c.TIMEOUT)
    offer = page.get_by_role("dialog", name="Neem even pauze?")
    expect(offer).to_be_hidden()
    # Registered and closed (two open registrations would share one landmark name).
    form.get_by_role("radio", name="Slachtoffer").check()
    form.get_by_role("checkbox", name="Partnergeweld").check()
    form.get_by_role("checkbox", name="Veiligheidsplan").check()
    form.get_by_role("checkbox", name="Huisarts").check()
    form.get_by_role("radio", name="Advies gegeven").check()
    form.get_by_role("button", name="Registratie opslaan").click()
    noor.get_by_role("button", name="Sluiten").click()
    expect(noor).to_be_hidden()
    expect(offer).to_be_hidden()

    # Anna flags Merel's chat as danger, then it ends: the pause is offered.
    merel.get_by_role("button", name="Gevaar: Merel").click()
    wait_until(
        lambda: any(
            (d.to_dict() or {}).get("urgent")
            for d in svc.store.client.collection("sessions").stream()
        ),
        "the danger flag",
    )
    merel.get_by_role("button", name="Beëindigen: Merel").click()
    merel.get_by_role("group", name="Gesprek echt beëindigen?").get_by_role(
        "button", name="Beëindigen"
    ).click()
    expect(offer).to_be_visible(timeout=c.TIMEOUT)
    expect(offer).to_contain_text("Dat was een zwaar gesprek.")
    # The registration stays reachable beside it.
    expect(merel.locator("form.registration")).to_be_visible()
    w.assert_accessible(page, site.base, "console pause offered")
    w.shot(page, artifacts, "console-heavy-chat-pause")
    offer.get_by_role("button", name="Pauze nemen").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_role("radio", name="Pauze", exact=True)).to_be_checked()
    wait_until(lambda: advisor_doc(svc, anna.uid).get("status") == "paused", "Anna paused")

    # The supervisor sees the count for the debrief: one heavy chat, nothing else of it.
    boss = open_page(browser)
    c.sign_in(boss, url, sofie)
    count = boss.locator(".care-count")
    expect(count).to_have_text(
        "Gesprekken met gevaarvlag vandaag: 1 (voor de nabespreking)", timeout=c.TIMEOUT
    )
    w.assert_accessible(boss, site.base, "supervisor heavy chats count")
    for p in (page, boss):
        assert p.console_errors == []  # type: ignore[attr-defined]
    boss.context.close()
