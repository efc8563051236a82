"""Desktop notifications of the console: asked for on a click, shown only in
the background, and never with anything of the chat in them (issue 19, item 2).

The page's Notification API is replaced by a recorder before the console
loads: what matters is what the console hands to the browser, which is all
the operating system can show. Visibility is driven the same way, because a
headless page is always "visible".
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser.conftest import Site, open_page
from tests.support import create_staff, wait_until

# Our recorder: the permission the test decides, every notification's title,
# body and tag, and a switch for "out of sight".
RECORDER = """
(() => {
  window.__notes = []
  window.__answer = window.__answer || 'granted'
  let permission = 'default'
  class Recorder {
    constructor(title, options) {
      window.__notes.push({ title, ...(options || {}) })
    }
    close() {}
    static get permission() { return permission }
    static requestPermission() {
      permission = window.__answer
      return Promise.resolve(permission)
    }
  }
  window.Notification = Recorder
  window.__background = false
  Object.defineProperty(document, 'visibilityState', {
    get: () => (window.__background ? 'hidden' : 'visible'),
  })
  document.hasFocus = () => !window.__background
})()
"""

SECRET = "Mijn vader slaat mij, niemand mag dit weten"


@pytest.fixture
def url(site: Site, emulators: dict[str, str], api_url: str) -> str:
    return c.console_page(site, emulators, api_url)


def _console(browser: Browser, answer: str) -> Page:
    page = open_page(browser)
    page.add_init_script(f"window.__answer = {answer!r};" + RECORDER)
    return page


def _notes(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("() => window.__notes"))


def test_notifications_in_the_background_never_carry_chat_text(
    browser: Browser, url: str, api_url: str, site: Site
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    page = _console(browser, "granted")
    try:
        c.sign_in(page, url, anna)
        page.get_by_role("button", name="Meldingen aanzetten").click()
        expect(page.get_by_role("status").filter(has_text="Meldingen staan aan")).to_be_visible()
        page.get_by_role("radio", name="Online", exact=True).check()
        page.get_by_role("radio", name="Pauze", exact=True).check()

        # In view: the screen tells, no notification.
        merel = c.Visitor(api_url, "Merel")
        expect(page.locator(".q", has_text="Merel")).to_be_visible(timeout=c.TIMEOUT)
        assert _notes(page) == []

        # Out of sight: a new chat, then a chat flagged as danger.
        page.evaluate("() => { window.__background = true }")
        c.Visitor(api_url, "Noor")
        wait_until(lambda: any(n["tag"] == "vtchat-newChat" for n in _notes(page)), "new chat", 15)
        c.Visitor(api_url, "Sem", inDanger=True)
        wait_until(lambda: any(n["tag"] == "vtchat-danger" for n in _notes(page)), "danger", 15)

        # A visitor's message in the advisor's own chat, while out of sight.
        page.evaluate("() => { window.__background = false }")
        item = page.locator(".q", has_text="Merel")
        item.get_by_role("button", name="Aannemen: Merel").click()
        expect(c.chat(page, "Merel")).to_be_visible(timeout=c.TIMEOUT)
        # The timeline's first load is history, never an alert: wait for it.
        expect(c.chat(page, "Merel").locator(".log > *").first).to_be_visible()
        page.evaluate("() => { window.__background = true }")
        before = len(_notes(page))
        merel.say(SECRET)
        wait_until(
            lambda: any(n["tag"] == "vtchat-message" for n in _notes(page)[before:]), "message", 15
        )

        notes = _notes(page)
        shown = " ".join(f"{n.get('title')} {n.get('body')}" for n in notes)
        for secret in (SECRET, "Merel", "Noor", "Sem", "Utrecht", "16"):
            assert secret not in shown, f"a notification showed {secret!r}: {notes}"
        assert {n["body"] for n in notes} <= {
            "Er is een nieuwe chat.",
            "Een chat is gemarkeerd als gevaar.",
            "Er is een nieuw bericht in een chat.",
        }
    finally:
        page.context.close()


def test_a_refused_permission_is_explained(browser: Browser, url: str) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    page = _console(browser, "denied")
    try:
        c.sign_in(page, url, anna)
        page.get_by_role("button", name="Meldingen aanzetten").click()
        expect(page.get_by_role("status").filter(has_text="blokkeert meldingen")).to_be_visible()
        expect(page.get_by_role("button", name="Meldingen aanzetten")).to_have_count(0)
    finally:
        page.context.close()
