"""A supervisor runs their region in the console, per role.

The supervisor edits the local referral list (a refused http link shows its
message at the field; the saved list is in `GET /api/regions` for that
region), invites an advisor (the link sets a password on the Auth emulator and
the advisor signs in to the console), and disables them (their open console
is signed out at its next call, and they cannot sign in again). An advisor has
no "Regio beheren" at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from tests.support import StaffLogin, create_staff


def _set_password(link: str, password: str) -> None:
    """What the invited advisor does on the page the link opens."""
    code = parse_qs(urlsplit(link).query)["oobCode"][0]
    host = os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    requests.post(
        f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key=fake",
        json={"oobCode": code, "newPassword": password},
        timeout=10,
    ).raise_for_status()


def test_supervisor_edits_the_list_invites_and_disables_an_advisor(
    page: Page,
    browser: Browser,
    emulators: dict[str, str],
    site: Site,
    api_url: str,
    artifacts: Path,
) -> None:
    url = c.console_page(site, emulators, api_url, name="region-admin.html")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    c.sign_in(page, url, sanne)
    page.get_by_text("Regio beheren", exact=True).click()
    expect(page.get_by_role("heading", name="Lokale verwijslijst")).to_be_visible(timeout=c.TIMEOUT)
    expect(page.get_by_text("Nog niets opgeslagen")).to_be_visible()

    # The list: an http link is refused at its field, then saved with https.
    page.get_by_role("button", name="Verwijzing toevoegen").click()
    page.get_by_label("Naam", exact=True).fill("Buurtteam Utrecht")
    page.get_by_label("Beschrijving").fill("Hulp dichtbij huis.")
    page.get_by_label("Website (https://…)").fill("http://www.buurtteamutrecht.nl/")
    page.get_by_label("Telefoon").fill("030 123 4567")
    page.get_by_role("button", name="Opslaan").click()
    url_field = page.get_by_label("Website (https://…)")
    expect(url_field).to_have_attribute("aria-invalid", "true", timeout=c.TIMEOUT)
    expect(page.locator("#ref-0-url-err")).to_have_text("Alleen links die met https:// beginnen.")
    url_field.fill("https://www.buurtteamutrecht.nl/")
    page.get_by_role("button", name="Opslaan").click()
    region = page.locator(".region-admin")
    expect(region.get_by_text("Versie 1 is opgeslagen.")).to_be_visible(timeout=c.TIMEOUT)
    expect(region.get_by_text("Versie 1, opgeslagen door Sanne")).to_be_visible()
    regions = requests.get(f"{api_url}/regions", timeout=10).json()["regions"]
    utrecht = next(r for r in regions if r["id"] == "utrecht")
    assert utrecht["referrals"][0]["name"] == "Buurtteam Utrecht"
    assert utrecht["referrals"][0]["url"] == "https://www.buurtteamutrecht.nl/"
    w.assert_accessible(page, site.base, "console region admin")
    page.screenshot(path=str(artifacts / "console-region-admin.png"), full_page=True)

    # Invite an advisor: the link lets them choose a password and sign in.
    page.get_by_label("E-mailadres").fill("noor@utrecht.test")
    page.get_by_label("Naam die bezoekers zien").fill("Noor")
    page.get_by_label("Engels").check()
    page.get_by_role("button", name="Uitnodigen").click()
    link_box = page.locator("#invite-link")
    expect(link_box).to_be_visible(timeout=c.TIMEOUT)
    link = link_box.input_value()
    assert "oobCode=" in link
    expect(page.locator(".staff-list")).to_contain_text("Noor")
    _set_password(link, "noor-wachtwoord")
    noor_login = StaffLogin(
        uid="", email="noor@utrecht.test", password="noor-wachtwoord", id_token="",
        org="utrecht", role="advisor", display_name="Noor",
    )  # fmt: skip
    noor = open_page(browser)
    c.sign_in(noor, url, noor_login)
    c.set_status(noor, "Online")
    expect(noor.get_by_text("Regio beheren", exact=True)).to_have_count(0)

    # Disable her: her console is signed out at its next call, and she cannot sign in.
    page.get_by_role("button", name="Uitschakelen: Noor").click()
    confirm = page.get_by_role("group", name="Uitschakelen")
    confirm.get_by_role("button", name="Uitschakelen").click()
    expect(page.locator(".staff-list li", has_text="Noor")).to_contain_text(
        "uitgeschakeld", timeout=c.TIMEOUT
    )
    noor.locator(".segmented").get_by_text("Pauze", exact=True).click()
    expect(noor.get_by_role("button", name="Inloggen")).to_be_visible(timeout=c.TIMEOUT)
    c.enter_password(noor, url, noor_login)
    expect(noor.get_by_text("Inloggen is niet gelukt")).to_be_visible(timeout=c.TIMEOUT)
    noor.context.close()


def test_an_advisor_has_no_region_admin(
    page: Page, emulators: dict[str, str], site: Site, api_url: str
) -> None:
    url = c.console_page(site, emulators, api_url, name="region-admin-advisor.html")
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    expect(page.get_by_text("Regio beheren", exact=True)).to_have_count(0)
    # And the functions refuse the calls behind it.
    headers = {"Authorization": f"Bearer {anna.id_token}"}
    answer = requests.get(f"{api_url}/content", headers=headers, timeout=10)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_supervisor"
