"""A chat offered by fall-back, in the console of the region that takes it over."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser import console as c
from tests.browser.conftest import Site
from tests.support import create_staff

# Utrecht's first fall-back round offers to its neighbours, this one among them.
NEIGHBOUR = "gooi-en-vechtstreek"


@pytest.fixture
def url(site: Site, emulators: dict[str, str], api_url: str) -> str:
    return c.console_page(site, emulators, api_url)


def test_a_neighbour_sees_the_offer_takes_it_and_answers_for_the_region(
    page: Page, url: str, api_url: str, svc: Any
) -> None:
    gijs = create_staff(org=NEIGHBOUR, name="Gijs")
    c.sign_in(page, url, gijs)
    expect(page.locator(".queue")).to_contain_text("Niemand wacht.")

    # Nobody of Utrecht is online: the chat is offered at intake.
    lotte = c.Visitor(api_url, "Lotte", region="utrecht")
    offer = page.locator(".q", has_text="Lotte")
    expect(offer).to_contain_text("aangeboden", timeout=c.TIMEOUT)
    expect(offer).to_contain_text("Utrecht")

    offer.get_by_role("button", name="Aannemen: Lotte").click()
    panel = c.chat(page, "Lotte")
    expect(panel.locator(".chat-label")).to_contain_text(re.compile(r"· Lotte · Utrecht ·"))
    stored = c.session(svc, lotte.session_id)
    assert (stored["state"], stored["org"], stored["advisorOrg"]) == (
        "active",
        "utrecht",
        NEIGHBOUR,
    )
    expect(page.locator(".queue")).to_contain_text("Niemand wacht.")

    lotte.say("Fijn dat iemand er is")
    expect(panel.locator(".from-visitor .text")).to_have_text("Fijn dat iemand er is")
    assert page.console_errors == []  # type: ignore[attr-defined]
