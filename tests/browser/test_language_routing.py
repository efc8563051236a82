"""Routing by language in a real browser (issue 18, item 5): the visitor is told in their language.

The visitor chats in English; the only advisor online speaks Dutch only. The
chat waits for an English-speaking advisor; after the language wait (the
tick's clock passed as `now=`) it goes to Utrecht as usual, and the widget
says so in English before Anna's greeting. The console shows the advisor's
own languages (the `langs` claim) and marks a chat kept for another language.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from firebase_admin import auth as firebase_auth
from playwright.sync_api import Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site
from tests.support import create_staff, everyone_present, wait_until
from vtchat import housekeeping

UNMATCHED = "Right now there is no advisor who speaks your language."


def test_an_english_chat_nobody_speaking_english_took_goes_to_its_region_and_says_so(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    page.get_by_label("Taal / Language").select_option("en")
    page.get_by_role("button", name="Start the chat").click()
    expect(page.get_by_role("heading", name="A few questions first")).to_be_visible()
    page.get_by_role("group", name=re.compile("in danger")).get_by_label("No", exact=True).check()
    page.get_by_label(re.compile("^Nickname")).fill("Merel")
    page.get_by_label(re.compile("^Age")).fill("16")
    page.get_by_label("a woman or girl", exact=True).check()
    page.get_by_label("I will choose my region").check()
    page.get_by_label(re.compile("^Region")).select_option("utrecht")
    page.get_by_role("button", name="Go to the chat").click()
    expect(page.get_by_role("heading", name="You are in the queue")).to_be_visible(
        timeout=w.INTAKE_TIMEOUT
    )

    # Anna (Dutch only) comes online and is free, yet the chat keeps waiting.
    advisor.online()
    sessions = advisor.svc.store.client.collection("sessions")
    session_id = wait_until(lambda: [d.id for d in sessions.stream()], "the session")[0]
    stored = sessions.document(session_id).get().to_dict() or {}
    assert (stored["language"], stored["state"]) == ("en", "waiting")

    later = datetime.now(UTC) + advisor.svc.settings.language_wait + timedelta(seconds=1)
    everyone_present(advisor.svc, later)
    assert housekeeping.tick(advisor.svc, now=later).language_released == 1

    log = page.get_by_role("log")
    expect(log).to_contain_text(UNMATCHED, timeout=w.TIMEOUT)
    expect(page.get_by_text(re.compile("You are talking with Anna"))).to_be_visible()
    assert advisor.session_id() == session_id
    w.shot(page, artifacts, "language-unmatched-en")
    w.assert_accessible(page, site.base, "language unmatched (English)")


def test_the_console_shows_the_advisors_languages_and_a_chat_kept_for_another(
    page: Page, site: Site, emulators: dict[str, str], api_url: str, svc: Any
) -> None:
    joost = create_staff(org="utrecht", name="Joost")
    # As `vtchat.admin grant --languages en` sets it.
    claims = {"role": "advisor", "org": "utrecht", "langs": ["nl", "en"]}
    firebase_auth.set_custom_user_claims(joost.uid, claims, app=svc.firebase_app)
    url = c.console_page(site, emulators, api_url)
    c.sign_in(page, url, joost)
    expect(page.locator(".who")).to_contain_text("Talen: Nederlands, Engels")

    c.Visitor(api_url, "Elif", language="tr")
    item = page.locator(".q", has_text="Elif")
    expect(item).to_contain_text("Turks", timeout=c.TIMEOUT)
    expect(item).to_contain_text("Wacht nog even op een adviseur die Turks spreekt.")
    w.assert_accessible(page, site.base, "console queue with a chat kept for Turkish")
