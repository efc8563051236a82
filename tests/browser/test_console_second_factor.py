"""Staff sign in with a second factor, in the real console on the emulators.

Production asks for a code from an authenticator app (TOTP, identity.tf makes
it mandatory). The Auth emulator has no TOTP (firebase-tools #6224) but does
have SMS second factors, so here the console's same screens run with SMS: the
code is read from the emulator's /emulator/v1/projects/{p}/verificationCodes
(no text message is sent, no reCAPTCHA is loaded). The functions these tests
talk to require a second factor as in production (VTCHAT_STAFF_SECOND_FACTOR=on,
a second functions server): a password alone is refused with their Dutch
message, and a console session with the code gets in and can act.

Before the console had a second factor, the first test ended on "Inloggen is
niet gelukt" (the SDK's auth/multi-factor-auth-required was a failed sign-in)
and the second reached the console with a password alone, saying nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import console as c
from tests.browser.conftest import Site
from tests.processes import FunctionsProcess
from tests.support import create_staff, enrol_sms, new_phone, sms_codes, verify_email

REFUSED = "Meld je opnieuw aan met je tweede stap"


@pytest.fixture
def strict_api(tmp_path: Path, emulators: dict[str, str]) -> Iterator[str]:
    """Functions that, as in production, require a second factor of staff."""
    env = {"VTCHAT_STAFF_SECOND_FACTOR": "on"}
    with FunctionsProcess(tmp_path / "functions-second-factor.log", env=env) as server:
        yield server.api


def test_a_staff_member_signs_in_with_the_code_and_the_functions_accept_it(
    page: Page, site: Site, emulators: dict[str, str], strict_api: str, artifacts: Path
) -> None:
    login = create_staff(org="utrecht", role="supervisor", name="Sanne")
    phone = new_phone()
    enrol_sms(login, phone)
    seen = len(sms_codes(phone))

    c.enter_password(page, c.console_page(site, emulators, strict_api), login)
    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible(timeout=c.TIMEOUT)
    # Firebase shows the number masked (+*******1234).
    expect(page.locator(".signin-page")).to_contain_text(phone[-4:])
    # A wrong code may be typed again.
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("alert")).to_contain_text("Die code klopt niet")
    page.screenshot(path=str(artifacts / "console-second-factor-code.png"))
    c.enter_sms_code(page, phone, seen)

    c.expect_console(page, login)
    # The functions that require a second factor accept this session.
    c.set_status(page, "Online")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert not [e for e in page.console_errors if "403" in e]  # type: ignore[attr-defined]


def test_a_password_alone_is_refused_then_the_first_factor_is_enrolled(
    page: Page, site: Site, emulators: dict[str, str], strict_api: str, artifacts: Path
) -> None:
    login = create_staff(org="utrecht", name="Anna")
    verify_email(login)  # as `vtchat.admin grant` does
    url = c.console_page(site, emulators, strict_api)
    # On the emulators neither App Check nor reCAPTCHA may call Google.
    google: list[str] = []
    page.on("request", lambda r: google.append(r.url) if "google" in r.url.split("/")[2] else None)

    c.enter_password(page, url, login)
    # Refused with the functions' Dutch message, and asked to set up a factor.
    expect(page.get_by_role("status")).to_contain_text(REFUSED, timeout=c.TIMEOUT)
    expect(page.get_by_role("heading", name="Tweede stap instellen")).to_be_visible()
    expect(page.locator(".shell")).to_have_count(0)
    page.screenshot(path=str(artifacts / "console-second-factor-enrol.png"))

    phone = new_phone()
    page.get_by_label("Mobiel nummer").fill("0612")
    page.get_by_role("button", name="Code sturen").click()
    expect(page.get_by_role("alert")).to_contain_text("+31612345678")
    seen = len(sms_codes(phone))
    page.get_by_label("Mobiel nummer").fill(phone)
    page.get_by_role("button", name="Code sturen").click()
    expect(page.locator(".signin-page")).to_contain_text(phone, timeout=c.TIMEOUT)
    c.enter_sms_code(page, phone, seen)

    # Enrolled: signing in again, now with the code.
    expect(page.get_by_role("status")).to_contain_text("Je tweede stap is ingesteld")
    seen = len(sms_codes(phone))
    page.get_by_label("E-mailadres").fill(login.email)
    page.get_by_label("Wachtwoord").fill(login.password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible(timeout=c.TIMEOUT)
    c.enter_sms_code(page, phone, seen)
    c.expect_console(page, login)
    c.set_status(page, "Online")
    assert not google, google


def test_the_idle_lock_asks_for_the_code_again(
    page: Page, site: Site, emulators: dict[str, str], strict_api: str
) -> None:
    login = create_staff(org="utrecht", name="Bram")
    phone = new_phone()
    enrol_sms(login, phone)
    url = c.console_page(site, emulators, strict_api, name="lock.html", idle_minutes=0.1)

    seen = len(sms_codes(phone))
    c.enter_password(page, url, login)
    c.enter_sms_code(page, phone, seen)
    c.expect_console(page, login)

    expect(page.get_by_role("heading", name="Scherm vergrendeld")).to_be_visible(timeout=10_000)
    seen = len(sms_codes(phone))
    page.get_by_label("Wachtwoord").fill(login.password)
    page.get_by_role("button", name="Ontgrendelen").click()
    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible(timeout=c.TIMEOUT)
    c.enter_sms_code(page, phone, seen)
    expect(page.locator(".shell")).to_be_visible()
    expect(page.locator(".lock")).to_be_hidden()
