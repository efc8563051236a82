"""The advisor console in a real browser: queue, accept, three chats, end and registration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import console as c
from tests.browser import widget as w
from tests.browser.conftest import Site
from tests.support import create_staff, wait_until

PAYLOAD = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>vet</b>'


@pytest.fixture
def url(site: Site, emulators: dict[str, str], api_url: str) -> str:
    return c.console_page(site, emulators, api_url)


def test_advisor_queue_accept_three_chats_end_and_register(
    page: Page, browser: Browser, url: str, api_url: str, svc: Any, site: Site, artifacts: Path
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    page.goto(url)
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    w.assert_accessible(page, site.base, "console sign-in")
    page.get_by_label("E-mailadres").fill(anna.email)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Inloggen is niet gelukt")
    page.console_errors.clear()  # type: ignore[attr-defined]  # the Auth emulator's 400
    c.sign_in(page, url, anna)
    expect(page.get_by_role("radio", name="Offline", exact=True)).to_be_checked()
    expect(page.locator(".queue")).to_contain_text("Niemand wacht.")

    # A visitor arrives and appears in the queue, live, with the intake details.
    merel = c.Visitor(api_url, "Merel", answers={"about": "myself"})
    item = page.locator(".q", has_text="Merel")
    expect(item).to_contain_text("16-17", timeout=c.TIMEOUT)
    expect(item).to_contain_text("Utrecht")
    expect(item).to_contain_text("over zichzelf")
    w.assert_accessible(page, site.base, "console queue")

    # Accept (going online first): the chat opens, labelled, with the visitor present.
    item.get_by_role("button", name="Aannemen: Merel").click()
    panel = c.chat(page, "Merel")
    expect(panel.locator(".chat-label")).to_contain_text(
        re.compile(r"^1 · Merel · Utrecht · \d\d:\d\d")
    )
    expect(panel.locator(".presence")).to_have_text("Bezoeker is er")
    expect(page.get_by_role("radio", name="Online", exact=True)).to_be_checked()
    expect(page.locator(".queue")).to_contain_text("Niemand wacht.")

    # The visitor's script/HTML is shown as text, never run or parsed.
    merel.say(PAYLOAD)
    expect(panel.locator(".from-visitor .text")).to_have_text(PAYLOAD)
    assert panel.locator(".from-visitor img, .from-visitor script, .from-visitor b").count() == 0
    assert page.evaluate("() => window.pwned") is None

    # Two more visitors are assigned automatically (capacity 3): three panels side by side.
    noor = c.Visitor(api_url, "Noor")
    sem = c.Visitor(api_url, "Sem")
    expect(page.locator("section.chat")).to_have_count(3, timeout=c.TIMEOUT)
    for nickname in ("Merel", "Noor", "Sem"):
        expect(c.chat(page, nickname)).to_be_visible()

    # Messages go to the right chat, both ways.
    noor.say("Bericht van Noor")
    sem.say("Bericht van Sem")
    expect(c.chat(page, "Noor").locator(".from-visitor")).to_have_text(
        re.compile("Bericht van Noor")
    )
    expect(c.chat(page, "Sem").locator(".from-visitor")).to_have_text(re.compile("Bericht van Sem"))
    expect(c.chat(page, "Merel").locator(".log")).not_to_contain_text("Bericht van")
    # Unread marker on chats not in focus.
    expect(c.chat(page, "Sem").locator(".unread")).to_have_text("1 nieuw")

    # Alt+n switches chats (ordered by assignment), Ctrl+Enter sends.
    numbers = {
        n: int(c.chat(page, n).locator(".chat-label").inner_text().split(" ")[0])
        for n in ("Merel", "Noor", "Sem")
    }
    page.keyboard.press(f"Alt+{numbers['Sem']}")
    expect(c.chat(page, "Sem").get_by_role("textbox")).to_be_focused()
    expect(c.chat(page, "Sem").locator(".unread")).to_be_hidden()
    page.keyboard.type("Hoi Sem, ik ben Anna.")
    page.keyboard.press("Control+Enter")
    expect(c.chat(page, "Sem").locator(".from-advisor")).to_contain_text("Hoi Sem, ik ben Anna.")
    expect(c.chat(page, "Sem").get_by_role("textbox")).to_have_value("")
    assert ("advisor", "Hoi Sem, ik ben Anna.") in c.timeline(svc, sem.session_id)
    assert all(s != "advisor" for s, _ in c.timeline(svc, noor.session_id))

    # Standard texts: two keystrokes (Ctrl+K, then the digit), placeholders filled.
    page.keyboard.press(f"Alt+{numbers['Noor']}")
    page.keyboard.press("Control+k")
    expect(c.chat(page, "Noor").get_by_role("listbox")).to_be_focused()
    page.keyboard.press("1")
    box = c.chat(page, "Noor").get_by_role("textbox")
    expect(box).to_be_focused()
    expect(box).to_have_value(re.compile("^Hoi, fijn dat je ons chat.*Veilig Thuis \\S"))
    assert "{" not in box.input_value()
    page.keyboard.press("Control+Enter")
    expect(c.chat(page, "Noor").locator(".from-advisor")).to_contain_text("fijn dat je ons chat")
    page.set_viewport_size({"width": 1280, "height": 720})
    # A laptop screen holds all three side by side: every composer and send
    # button in view, nothing to scroll sideways.
    for nickname in ("Merel", "Noor", "Sem"):
        panel = c.chat(page, nickname)
        expect(panel.get_by_role("textbox")).to_be_in_viewport()
        expect(panel.get_by_role("button", name=re.compile("^Versturen"))).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    w.shot(page, artifacts, "console-01-three-chats")
    w.assert_accessible(page, site.base, "console three chats")

    # End Merel's chat: the anonymous registration, validated, saved without content.
    merel_panel = c.chat(page, "Merel")
    merel_panel.get_by_role("button", name="Beëindigen: Merel").click()
    merel_panel.get_by_role("group", name="Gesprek echt beëindigen?").get_by_role(
        "button", name="Beëindigen"
    ).click()
    form = merel_panel.locator("form.registration")
    expect(form).to_be_visible(timeout=c.TIMEOUT)
    expect(merel_panel.get_by_role("textbox")).to_have_count(0)
    form.get_by_role("button", name="Registratie opslaan").click()
    expect(form.locator(".error", has_text="Kies minstens één mogelijkheid.")).to_have_count(5)
    expect(form.get_by_role("radio", name="Slachtoffer")).to_be_focused()
    w.assert_accessible(page, site.base, "console registration")
    form.get_by_role("radio", name="Slachtoffer").check()
    form.get_by_role("checkbox", name="Partnergeweld").check()
    form.get_by_role("checkbox", name="Veiligheidsplan").check()
    form.get_by_role("checkbox", name="Huisarts").check()
    form.get_by_role("radio", name="Advies gegeven").check()
    w.shot(page, artifacts, "console-02-registration")
    form.get_by_role("button", name="Registratie opslaan").click()
    expect(
        merel_panel.get_by_role("status").filter(has_text="Registratie opgeslagen")
    ).to_be_visible()

    # The chat's anonymous record holds the registration: no nickname, no text.
    def registered() -> list[dict[str, Any]]:
        records = svc.store.client.collection("chatRecords").stream()
        return [d for d in (r.to_dict() for r in records) if d.get("registered")]

    wait_until(lambda: len(registered()) == 1, "registration saved")
    reg = registered()[0]
    assert reg["contact"] == "victim" and reg["topics"] == ["partner_violence"]
    assert reg["outcome"] == "advice_given"
    flat = repr(reg)
    for secret in ("Merel", "vet", "pwned", merel.session_id):
        assert secret not in flat
    merel_panel.get_by_role("button", name="Sluiten").click()
    expect(page.locator("section.chat")).to_have_count(2)

    # Signing out with chats running asks first; then the page is cleared:
    # back to the sign-in form, no chat text anywhere.
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("group", name="Uitloggen")).to_contain_text("Nog 2 lopend(e)")
    page.get_by_role("button", name="Toch uitloggen").click()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=c.TIMEOUT)
    body = page.locator("body").inner_text()
    assert "Noor" not in body and "Sem" not in body
    # ... and the visitors wait at the front of the queue for a colleague
    # instead of for the advisor's grace period.
    for visitor in (noor, sem):
        assert c.session(svc, visitor.session_id)["state"] == "waiting"
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_urgent_first_in_the_queue_and_another_organisation_sees_none_of_it(
    page: Page, browser: Browser, url: str, api_url: str, svc: Any
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    requests_online(api_url, anna)
    visitor = c.Visitor(api_url, "Merel")
    wait_until(lambda: c.session(svc, visitor.session_id).get("advisorUid") == anna.uid, "assigned")
    c.Visitor(api_url, "Noor")  # waits in Utrecht's queue (Anna has capacity 1)
    c.Visitor(api_url, "Lotte", inDanger=True)

    # A colleague in Utrecht sees the queue, the visitor in danger first.
    bram = create_staff(org="utrecht", name="Bram")
    c.sign_in(page, url, bram)
    page.get_by_label("Max. gesprekken").select_option("2")
    wait_until(
        lambda: (
            (svc.store.client.collection("advisors").document(bram.uid).get().to_dict() or {}).get(
                "capacity"
            )
            == 2
        ),
        "capacity saved",
    )
    items = page.locator(".q")
    expect(items).to_have_count(2, timeout=c.TIMEOUT)
    expect(items.first).to_contain_text("Gevaar")
    expect(items.first).to_contain_text("Lotte")
    expect(items.first).to_contain_text("zegt nu in gevaar te zijn")
    expect(items.nth(1)).to_contain_text("Noor")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=c.TIMEOUT)

    # An advisor of another organisation sees none of it, once his console's
    # listeners have had their first answers (a leak would come with those).
    joost = create_staff(org="zuidoost-brabant", name="Joost")
    before = c.listener_reads(page)
    c.sign_in(page, url, joost)
    c.first_snapshots(page, since=before)
    expect(page.locator(".queue")).to_contain_text("Niemand wacht.")
    expect(page.locator(".chats")).to_contain_text("Geen open gesprekken")
    body = page.locator("body").inner_text()
    for nickname in ("Merel", "Noor", "Lotte"):
        assert nickname not in body
    assert page.console_errors == []  # type: ignore[attr-defined]


def requests_online(api: str, login: Any, capacity: int = 1) -> None:
    import requests

    answer = requests.post(
        f"{api}/availability",
        json={"status": "online", "capacity": capacity},
        headers=login.headers,
        timeout=10,
    )
    answer.raise_for_status()


def test_widget_visitor_and_console_both_ways_then_quick_exit(
    page: Page, browser: Browser, url: str, site: Site, api_url: str, artifacts: Path
) -> None:
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="nl-NL")
    visitor = context.new_page()
    visitor.goto(site.host_page("host-console.html", api=api_url))
    w.open_launcher(visitor)
    w.start_intake(visitor)
    w.fill_intake(visitor, nickname="Merel")
    w.submit_intake(visitor)
    panel = c.chat(page, "Merel")
    expect(panel).to_be_visible(timeout=c.TIMEOUT)
    expect(page.locator(".sr-only[role=status]")).to_have_text("Nieuw gesprek: Merel.")
    expect(visitor.get_by_text("Je praat met Anna, Veilig Thuis Utrecht")).to_be_visible(
        timeout=c.TIMEOUT
    )

    w.send(visitor, "Hallo vanuit de widget")
    expect(panel.locator(".from-visitor")).to_contain_text("Hallo vanuit de widget")
    box = panel.get_by_role("textbox")
    box.fill("Hoi Merel, ik lees mee.")
    box.press("Control+Enter")
    expect(visitor.get_by_role("log")).to_contain_text("Hoi Merel, ik lees mee.", timeout=c.TIMEOUT)

    # The visitor leaves quickly: the advisor sees the chat ended and gets the registration.
    visitor.get_by_role("button", name=re.compile("^Snel weg")).click()
    expect(panel.locator("form.registration")).to_be_visible(timeout=c.TIMEOUT)
    expect(panel.locator(".presence")).to_have_text("Gesprek beëindigd")
    expect(panel.locator(".log")).to_contain_text("Gesprek beëindigd")
    context.close()

    # Nothing of the console is kept on the device, before or after signing out
    # (sign-in is in memory only), except the Firebase SDK's own heartbeat
    # database: dates and SDK versions, nothing of the user or the chats.
    for _ in range(2):
        assert w.storage_snapshot(page) == {**w.NOTHING_STORED, "indexedDB": 1}
        stored = _indexeddb_dump(page)
        assert list(stored) == ["firebase-heartbeat-database"]
        for secret in ("Merel", "Anna", anna.uid, anna.email, "widget"):
            assert secret not in stored["firebase-heartbeat-database"]
        if page.get_by_role("button", name="Uitloggen").count():
            page.get_by_role("button", name="Uitloggen").click()
            expect(page.get_by_role("button", name="Inloggen")).to_be_visible(timeout=c.TIMEOUT)
    assert page.console_errors == []  # type: ignore[attr-defined]


def _indexeddb_dump(page: Page) -> dict[str, str]:
    """Every IndexedDB database of the page's origin with its records as JSON."""
    result: dict[str, str] = page.evaluate(
        """async () => {
            const out = {};
            for (const { name } of await indexedDB.databases()) {
                out[name] = await new Promise((resolve, reject) => {
                    const open = indexedDB.open(name);
                    open.onerror = () => reject(open.error);
                    open.onsuccess = () => {
                        const db = open.result;
                        const stores = [...db.objectStoreNames];
                        if (!stores.length) return resolve('[]');
                        const tx = db.transaction(stores, 'readonly');
                        const rows = [];
                        for (const s of stores) {
                            const all = tx.objectStore(s).getAll();
                            all.onsuccess = () => rows.push(all.result);
                        }
                        tx.oncomplete = () => { db.close(); resolve(JSON.stringify(rows)); };
                    };
                });
            }
            return out;
        }"""
    )
    return result


# The first availability answer comes back late, as on a slow network: the
# second click's answer arrives first. Installed before the console loads.
SLOW_FIRST_AVAILABILITY = """
(() => {
  const real = window.fetch.bind(window)
  let seen = 0
  window.fetch = async (input, init) => {
    const answer = await real(input, init)
    if (String(input).endsWith('/availability') && ++seen === 1) {
      await new Promise((done) => setTimeout(done, 1500))
    }
    return answer
  }
})()
"""


def test_two_quick_status_clicks_end_in_the_last_one_on_screen_and_in_the_functions(
    page: Page, url: str, svc: Any
) -> None:
    # Seen in CI: "Online" then "Pauze" at once left the screen on Online while
    # the functions had the advisor paused, and "Aannemen" was refused.
    anna = create_staff(org="utrecht", name="Anna")
    page.add_init_script(SLOW_FIRST_AVAILABILITY)
    c.sign_in(page, url, anna)
    page.get_by_role("radio", name="Online", exact=True).check()
    page.get_by_role("radio", name="Pauze", exact=True).check()
    wait_until(
        lambda: (svc.store.advisor(anna.uid).get().to_dict() or {}).get("status") == "paused",
        "paused in the functions",
        15,
    )
    page.wait_for_timeout(2500)  # past the slowed first answer
    expect(page.get_by_role("radio", name="Pauze", exact=True)).to_be_checked()
    assert (svc.store.advisor(anna.uid).get().to_dict() or {}).get("status") == "paused"


def test_the_question_to_end_a_chat_stays_while_the_visitor_types(
    page: Page, url: str, api_url: str
) -> None:
    # Seen in CI: typing, read and received change the session every few
    # seconds, and each change redrew the chat's buttons, taking away the
    # open "Gesprek echt beëindigen?" before the advisor could answer it.
    anna = create_staff(org="utrecht", name="Anna")
    c.sign_in(page, url, anna)
    c.set_status(page, "Online")
    merel = c.Visitor(api_url, "Merel")
    panel = c.chat(page, "Merel")
    expect(panel).to_be_visible(timeout=c.TIMEOUT)
    panel.get_by_role("button", name="Beëindigen: Merel").click()
    question = panel.get_by_role("group", name="Gesprek echt beëindigen?")
    expect(question).to_be_visible()
    assert merel.call("signal", {"typing": True}).status_code == 200
    expect(panel.locator(".visitor-typing")).to_be_visible(timeout=c.TIMEOUT)
    expect(question).to_be_visible()
    question.get_by_role("button", name="Beëindigen").click()
    expect(panel.locator("form.registration")).to_be_visible()
