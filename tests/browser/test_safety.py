"""Safety: quick exit, nothing on the device, resume by code, in danger now, text never HTML."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect

from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site
from tests.support import wait_until


def _start_chat(page: Page, site: Site, api_url: str, **intake: object) -> None:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    w.start_intake(page)
    w.fill_intake(page, **intake)  # type: ignore[arg-type]
    w.submit_intake(page)
    w.wait_in_queue(page)


def _session_ids(advisor: AdvisorClient) -> list[str]:
    return [d.id for d in advisor.svc.store.client.collection("sessions").stream()]


def test_quick_exit_button_leaves_no_trace(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    page.goto("about:blank")
    _start_chat(page, site, api_url)
    advisor.online()
    session_id = advisor.session_id()
    w.send(page, "Hij kijkt steeds mee op mijn telefoon.")
    advisor.wait_for_text(session_id, "Hij kijkt steeds mee op mijn telefoon.")
    assert w.storage_snapshot(page) == w.NOTHING_STORED

    page.get_by_role("button", name=re.compile("^Snel weg")).first.click()
    page.wait_for_url(re.compile(r"/neutraal\.html$"))
    expect(page.get_by_role("heading", name="Het weer vandaag")).to_be_visible()
    assert w.storage_snapshot(page) == w.NOTHING_STORED
    # The chat's page was replaced, not left behind: back goes to where the visitor came from.
    assert page.evaluate("history.length") == 2
    page.go_back()
    assert page.url == "about:blank"
    page.go_forward()
    assert page.url.endswith("/neutraal.html")
    # The anonymous session was ended (keepalive leave).
    wait_until(lambda: advisor.state(session_id) == "ended", "the session ended", 10, every=0.2)
    w.shot(page, artifacts, "08-after-quick-exit")


def test_escape_twice_is_a_quick_exit_while_waiting(page: Page, site: Site, api_url: str) -> None:
    page.goto("about:blank")
    _start_chat(page, site, api_url)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/neutraal\.html$"))
    assert w.storage_snapshot(page) == w.NOTHING_STORED
    page.go_back()
    assert page.url == "about:blank"


def test_resume_by_code_in_a_new_tab(
    browser: Browser, page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    _start_chat(page, site, api_url)
    code = w.resume_code(page)
    advisor.online()
    session_id = advisor.session_id()
    advisor.say(session_id, "Hallo, ik ben Anna.")
    expect(page.get_by_role("log")).to_contain_text("Hallo, ik ben Anna.")
    page.close()  # the tab is closed by accident

    other = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        tab = other.new_page()
        tab.set_default_timeout(10_000)
        tab.goto(site.host_page("host.html", api=api_url))
        w.open_launcher(tab)
        tab.get_by_role("button", name="Ik heb een code om terug te gaan naar mijn gesprek").click()
        field = tab.get_by_label(re.compile("^Je code"))
        field.fill("ABC")
        tab.get_by_role("button", name="Ga verder").click()
        expect(tab.get_by_text("Deze code klopt niet.")).to_be_visible()
        # Lower case, spaces instead of hyphens: still the same code.
        field.fill(code.lower().replace("-", " "))
        w.shot(tab, artifacts, "09-resume")
        tab.get_by_role("button", name="Ga verder").click()
        log = tab.get_by_role("log")
        expect(log).to_contain_text("Hallo, ik ben Anna.")
        expect(tab.get_by_text("Je praat met Anna, Veilig Thuis Utrecht")).to_be_visible()
        w.send(tab, "Ik ben terug.")
        advisor.wait_for_text(session_id, "Ik ben terug.")
        assert w.storage_snapshot(tab) == w.NOTHING_STORED
    finally:
        other.close()


def test_in_danger_shows_112_first_and_marks_the_chat_urgent(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    w.start_intake(page)
    page.get_by_role("group", name=re.compile("in gevaar")).get_by_label("Ja", exact=True).check()
    alert = page.locator(".danger-box")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name="Bel 112")).to_have_attribute("href", "tel:112")
    w.fill_intake(page, in_danger=None)
    w.submit_intake(page)
    w.wait_in_queue(page)
    expect(page.get_by_text("Je hebt gezegd dat je in gevaar bent.")).to_be_visible()
    w.shot(page, artifacts, "10-in-danger-waiting")
    (session_id,) = _session_ids(advisor)
    doc = advisor.svc.store.client.collection("sessions").document(session_id).get().to_dict()
    assert doc["urgent"] is True
    assert doc["urgentReason"] == "in_danger"


def test_html_is_shown_as_text_on_both_sides_and_a_lost_reply_is_not_doubled(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    _start_chat(page, site, api_url)
    advisor.online()
    session_id = advisor.session_id()

    # A flaky connection: the first POST reaches the server but its answer is lost.
    cut = {"done": False}

    def lose_first_answer(route: Route) -> None:
        if route.request.method == "POST" and not cut["done"]:
            cut["done"] = True
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"{api_url}/messages", lose_first_answer)
    visitor_payload = '<img src=x onerror="window.__xss=1"><b>vet</b>'
    w.send(page, visitor_payload)
    log = page.get_by_role("log")
    own = log.locator(".msg.own")
    expect(own.locator(".state")).to_have_text("verstuurd", timeout=w.TIMEOUT)
    advisor.wait_for_text(session_id, visitor_payload)
    assert cut["done"]
    assert advisor.texts(session_id).count(("visitor", visitor_payload)) == 1

    advisor_payload = "<script>window.__xss=2</script><i>schuin</i>"
    advisor.say(session_id, advisor_payload)
    expect(log.locator(".msg.theirs")).to_have_count(1)
    expect(own).to_have_count(1)
    assert own.locator(".text").inner_text() == visitor_payload
    assert log.locator(".msg.theirs .text").inner_text() == advisor_payload
    assert log.locator("img, b, i, script").count() == 0
    assert page.evaluate("window.__xss") is None
    w.shot(page, artifacts, "11-html-as-text")


def test_offline_for_a_while_loses_nothing_and_doubles_nothing(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    _start_chat(page, site, api_url)
    advisor.online()
    session_id = advisor.session_id()
    log = page.get_by_role("log")
    advisor.say(session_id, "Eerste bericht.")
    expect(log).to_contain_text("Eerste bericht.")

    page.context.set_offline(True)
    w.send(page, "Getypt zonder verbinding.")
    own = log.locator(".msg.own")
    expect(own.locator(".state")).to_have_text("wordt verstuurd")
    expect(page.get_by_text("Er is geen verbinding. We proberen het opnieuw.")).to_be_visible(
        timeout=w.TIMEOUT
    )
    advisor.say(session_id, "Gemist tijdens de storing.")
    w.shot(page, artifacts, "16-offline")
    page.context.set_offline(False)

    expect(own.locator(".state")).to_have_text("verstuurd", timeout=20_000)
    expect(log).to_contain_text("Gemist tijdens de storing.", timeout=20_000)
    expect(page.get_by_text("Er is geen verbinding.")).to_be_hidden(timeout=w.TIMEOUT)
    assert log.locator(".msg .text").all_inner_texts() == [
        "Eerste bericht.",
        "Gemist tijdens de storing.",
        "Getypt zonder verbinding.",
    ] or log.locator(".msg .text").all_inner_texts() == [
        "Eerste bericht.",
        "Getypt zonder verbinding.",
        "Gemist tijdens de storing.",
    ]
    assert advisor.texts(session_id).count(("visitor", "Getypt zonder verbinding.")) == 1


def test_a_lost_advisor_is_replaced_and_the_conversation_stays(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.support import create_staff
    from vtchat import housekeeping, presence
    from vtchat.models import Staff

    _start_chat(page, site, api_url)
    advisor.online()
    session_id = advisor.session_id()
    advisor.say(session_id, "Ik ben Anna. Vertel maar.")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Ik ben Anna.")

    # Anna's console goes silent; Bram, still heard from, takes over at the next tick.
    svc = advisor.svc
    bram_login = create_staff(org="utrecht", name="Bram")
    bram = AdvisorClient(api_url, bram_login, svc)
    bram.online()
    later = datetime.now(UTC) + svc.settings.advisor_grace + timedelta(seconds=1)
    presence.visitor_seen(svc, session_id=session_id, now=later)
    who = Staff(uid=bram_login.uid, role="advisor", org="utrecht", display_name="Bram")
    presence.advisor_heartbeat(svc, staff=who, now=later)
    housekeeping.tick(svc, now=later)

    expect(log).to_contain_text("De verbinding met Anna is verbroken.", timeout=w.TIMEOUT)
    expect(page.get_by_text("Je praat met Bram, Veilig Thuis Utrecht")).to_be_visible(
        timeout=w.TIMEOUT
    )
    expect(log).to_contain_text("Ik ben Anna. Vertel maar.")
    bram.say(session_id, "Hoi, ik ben Bram. Ik heb meegelezen.")
    expect(log).to_contain_text("ik ben Bram.", timeout=w.TIMEOUT)
    w.send(page, "Fijn.")
    bram.wait_for_text(session_id, "Fijn.")
    w.shot(page, artifacts, "17-advisor-replaced")
