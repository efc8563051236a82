"""The privacy officer exports the audit log from the console (issue 19, item 3).

A supervisor reads along in a chat (POST /api/watch) and sends a note; the
organisation's privacy officer (the `privacy` claim) opens "Auditlog", checks
the period, and downloads the CSV: the entries say who, which chat id, when
and why, never a word of the chat or the note. An advisor or supervisor
without the claim has no such section. Before the console had the section,
this test failed at its first step: no region "Auditlog" for the officer.
"""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site, open_page
from tests.support import StaffLogin, create_staff, wait_until
from vtchat.cli.report import csv_cell
from vtchat.settings import settings

SAID = "Hij slaat de deur dicht (bericht-8H3)"
NOTE = "Vraag naar de kinderen (notitie-5P1)"
BOM = b"\xef\xbb\xbf"
COLUMNS = ["tijd (UTC)", "medewerker", "uid", "organisatie", "chat", "wat", "waarom"]


def post(api: str, name: str, who: StaffLogin, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{api}/{name}", json=body, headers=who.headers, timeout=10)


def read_along(api: str, svc: Any, advisor: StaffLogin, supervisor: StaffLogin) -> str:
    """A running chat of `advisor`, read along by `supervisor` (danger) with one note."""
    assert post(api, "availability", advisor, {"status": "online"}).status_code == 200
    visitor = c.Visitor(api, "Merel")
    sid = visitor.session_id
    # The dispatcher may have assigned it already (409).
    assert post(api, "accept", advisor, {"sessionId": sid}).status_code in (200, 409)
    wait_until(lambda: c.session(svc, sid).get("state") == "active", what="the chat running")
    visitor.say(SAID)
    watched = post(api, "watch", supervisor, {"sessionId": sid, "reason": "danger"})
    assert watched.status_code == 200, watched.text
    noted = post(
        api, "note", supervisor, {"sessionId": sid, "noteId": str(uuid.uuid4()), "text": NOTE}
    )
    assert noted.status_code == 201, noted.text
    return sid


def open_audit(page: Page) -> Any:
    section = page.get_by_role("region", name="Auditlog")
    section.get_by_text("Auditlog", exact=True).click()
    expect(section.get_by_role("button", name="Downloaden (CSV)")).to_be_visible()
    return section


def refused_period(page: Page, section: Any, start: str, end: str, message: str) -> None:
    """A period the console refuses itself: its Dutch message, nothing asked or downloaded."""
    section.get_by_label("Van", exact=True).fill(start)
    section.get_by_label("Tot en met", exact=True).fill(end)
    section.get_by_role("button", name="Downloaden (CSV)").click()
    expect(section.get_by_role("alert")).to_have_text(message)


def blob_state(page: Page, site: Site, blob_url: str) -> str:
    """Whether the page's blob URL still opens, tried from a page of the same origin.

    The console's CSP (connect-src) forbids fetching a blob: URL in the console
    itself, so a plain page of the same origin tries it; a blob URL the console
    makes and keeps opens there (the control), a revoked one does not.
    """
    (site.root / "blank.html").write_text("<!doctype html><title>leeg</title>", encoding="utf-8")
    other = page.context.new_page()
    other.goto(f"{site.base}/blank.html")
    probe = "(u) => fetch(u).then(() => 'open', () => 'revoked')"
    kept = page.evaluate("() => URL.createObjectURL(new Blob(['controle']))")
    assert other.evaluate(probe, kept) == "open", "the control: a blob URL that was kept opens"
    page.evaluate("(u) => URL.revokeObjectURL(u)", kept)
    state: str = other.evaluate(probe, blob_url)
    other.close()
    return state


def test_the_privacy_officer_downloads_the_audit_log_without_chat_content(
    browser: Browser,
    emulators: dict[str, str],
    site: Site,
    api_url: str,
    svc: Any,
    artifacts: Path,
) -> None:
    url = c.console_page(site, emulators, api_url, name="audit.html")
    anna = create_staff(org="utrecht", name="Anna")
    sanne = create_staff(org="utrecht", role="supervisor", name="Sanne")
    # An advisor by role: the claim alone gives the export.
    pim = create_staff(org="utrecht", name="Pim", privacy=True)
    sid = read_along(api_url, svc, anna, sanne)

    page = open_page(browser, accept_downloads=True)
    asked: list[str] = []
    page.on(
        "request", lambda r: asked.append(r.url) if r.url.startswith(f"{api_url}/audit") else None
    )
    c.sign_in(page, url, pim)
    section = open_audit(page)
    expect(section).to_contain_text("na een vaste bewaartermijn vanzelf gewist")
    expect(section).to_contain_text("wie het was (naam en account-id), welke chat (het chat-id)")
    expect(section).to_contain_text("Nooit de inhoud van een chat")
    # The last 30 days, today included, in UTC days as the API counts them.
    today = datetime.now(UTC).date()
    first = (today - timedelta(days=29)).isoformat()
    expect(section.get_by_label("Van", exact=True)).to_have_value(first)
    expect(section.get_by_label("Tot en met", exact=True)).to_have_value(today.isoformat())
    w.assert_accessible(page, site.base, "console audit export open")

    # Periods the console refuses itself, in Dutch, without asking the API.
    refused_period(
        page,
        section,
        "2025-01-01",
        "2026-01-02",
        "De periode is te lang. Kies hoogstens 366 dagen.",
    )
    expect(section.get_by_label("Van", exact=True)).to_be_focused()
    expect(section.get_by_label("Van", exact=True)).to_have_attribute("aria-invalid", "true")
    refused_period(
        page, section, "2026-03-02", "2026-03-01",
        "De einddatum ligt voor de begindatum. Kies een einddatum op of na de begindatum.",
    )  # fmt: skip
    w.assert_accessible(page, site.base, "console audit export with a problem")
    assert asked == []

    # What the API refuses is shown in its own Dutch words: a request whose
    # period was changed on its way (as a stale or tampered client would send).
    def reversed_period(route: Route) -> None:
        route.continue_(url=f"{api_url}/audit?from=2026-03-02&to=2026-03-01&format=json")

    page.route(f"{api_url}/audit?*", reversed_period)
    section.get_by_label("Van", exact=True).fill(first)
    section.get_by_label("Tot en met", exact=True).fill(today.isoformat())
    section.get_by_role("button", name="Downloaden (CSV)").click()
    expect(section.get_by_role("alert")).to_have_text(
        "Kies een periode van hoogstens een jaar, 'van' voor 'tot'.", timeout=c.TIMEOUT
    )
    page.unroute(f"{api_url}/audit?*")

    # The download: the entries of the reading along, who, which chat, when, why.
    with page.expect_download() as info:
        section.get_by_role("button", name="Downloaden (CSV)").click()
    download = info.value
    assert download.suggested_filename == f"auditlog-utrecht-{first}-{today.isoformat()}.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(BOM), "UTF-8 with a byte-order mark, as the API's own CSV"
    text = raw[len(BOM) :].decode("utf-8")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[0] == COLUMNS
    entries = sorted((r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows[1:])
    # A random chat id may start with "-": the formula guard's apostrophe then.
    shown = str(csv_cell(sid, minimum=0))
    assert entries == [
        ("Sanne", sanne.uid, "utrecht", shown, "note", "danger"),
        ("Sanne", sanne.uid, "utrecht", shown, "opened", "danger"),
    ]
    for row in rows[1:]:
        at = datetime.strptime(row[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        assert abs(datetime.now(UTC) - at) < timedelta(minutes=10)
    for content in (SAID, NOTE, "Merel", "Anna", anna.uid):
        assert content not in text
    # The retention as the functions apply it, not a number built into the console.
    retention = settings().audit_retention.days
    expect(section.get_by_role("status")).to_have_text(
        f"Gedownload: 2 regels. Elke regel wordt na {retention} dagen vanzelf gewist."
    )
    assert len(asked) == 2 and "format=json" in asked[-1]

    # Nothing of it stays behind: not drawn, the file's URL revoked, nothing stored.
    expect(page.locator("body")).not_to_contain_text(sid)
    expect(page.locator("body")).not_to_contain_text(sanne.uid)
    assert blob_state(page, site, download.url) == "revoked"
    stored = w.storage_snapshot(page)
    assert (stored["localStorage"], stored["sessionStorage"], stored["cookie"]) == (0, 0, "")
    assert (stored["caches"], stored["contextCookies"]) == (0, 0)
    w.shot(page, artifacts, "console-audit-export")
    # The one error: the 422 provoked above (the browser logs every failed request).
    errors = page.console_errors  # type: ignore[attr-defined]
    assert [e.split(" [")[0] for e in errors] == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    page.context.close()

    # Everyone else: no such section (the API refuses them as well).
    for other in (anna, sanne):
        desk = open_page(browser)
        c.sign_in(desk, url, other)
        expect(desk.get_by_role("region", name="Auditlog")).to_have_count(0)
        expect(desk.get_by_text("Auditlog", exact=True)).to_have_count(0)
        refused = requests.get(f"{api_url}/audit?format=json", headers=other.headers, timeout=10)
        assert refused.json()["error"]["code"] == "not_privacy_officer"
        desk.context.close()
