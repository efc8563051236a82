"""A resume code used on a second device: the first one is told, in the widget itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from vtchat import intake
from vtchat.models import IntakeRequest


def resume_in(page: Page, site: Site, api_url: str, code: str) -> None:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    page.get_by_role("button", name="Ik heb een code om terug te gaan naar mijn gesprek").click()
    page.get_by_label(re.compile("^Je code")).fill(code)
    page.get_by_role("button", name="Ga verder").click()
    w.wait_in_queue(page)


def test_the_first_device_is_told_when_the_code_is_used_elsewhere(
    browser: Browser, page: Page, site: Site, api_url: str, svc: Any, artifacts: Path
) -> None:
    # The chat itself is started by the API (the intake has its own tests).
    request = IntakeRequest(nickname="Merel", age=16, gender="woman", region="utrecht")
    code = intake.start_chat(svc, request).resume_code

    resume_in(page, site, api_url, code)
    # The code box says what the code can do in the wrong hands.
    expect(page.get_by_text("wie deze code heeft, kan het hele gesprek lezen")).to_be_visible()

    other = open_page(browser)
    try:
        resume_in(other, site, api_url, code)
        # The first tab's stream ends with the notice within seconds.
        expect(
            page.get_by_text(re.compile("op een ander apparaat of tabblad geopend"))
        ).to_be_visible(timeout=w.TIMEOUT)
        expect(page.get_by_role("heading", name="De chat is hier gesloten")).to_be_visible()
        w.shot(page, artifacts, "12-taken-over")
        # The second device goes on waiting.
        expect(other.get_by_role("heading", name="Je bent in de rij")).to_be_visible()
    finally:
        other.context.close()
