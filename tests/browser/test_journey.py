"""The whole journey in a real browser: status → house rules → intake → wait → chat → end."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site


def test_whole_journey_both_ways_with_an_advisor(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path, postcodes: str
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site.host_page("host.html", api=api_url))
    history_length = page.evaluate("history.length")

    # The launcher shows the region's status before anything else loads.
    launcher = page.get_by_role("button", name=re.compile("Chat met Veilig Thuis"))
    expect(launcher).to_contain_text("Nu open", timeout=w.TIMEOUT)
    assert not any("/widget/app-" in url for url in requested), "chat code loaded before opening"
    assert any(url.startswith(site.widget_base) for url in requested)
    w.shot(page, artifacts, "01-launcher")
    w.assert_accessible(page, site.base, "launcher")

    launcher.click()
    expect(page.get_by_role("heading", name="Welkom bij de chat van Veilig Thuis")).to_be_focused()
    expect(page.get_by_text("Een officiële melding doen kan niet via de chat")).to_be_visible()
    expect(page.get_by_role("link", name="In gevaar? Bel 112")).to_have_attribute("href", "tel:112")
    expect(page.get_by_role("button", name=re.compile("^Snel weg"))).to_be_visible()
    w.shot(page, artifacts, "02-house-rules")
    w.assert_accessible(page, site.base, "house rules")

    # Intake: plain-Dutch messages next to the fields first.
    w.start_intake(page)
    w.submit_intake(page)
    expect(page.get_by_text("Vul een bijnaam in (hoogstens 30 tekens).").first).to_be_visible()
    expect(page.get_by_text("Vul je leeftijd in met cijfers").first).to_be_visible()
    expect(page.get_by_label(re.compile("^Bijnaam"))).to_be_focused()
    expect(page.get_by_label(re.compile("^Bijnaam"))).to_have_attribute("aria-invalid", "true")
    page.get_by_label(re.compile("^Bijnaam")).fill("www.example.nl")
    page.get_by_label(re.compile("^Leeftijd")).fill("4")
    w.submit_intake(page)
    expect(page.get_by_text("Een bijnaam mag geen internetadres bevatten.").first).to_be_visible()
    expect(page.get_by_text("Vul een leeftijd in tussen 6 en 120.").first).to_be_visible()
    w.shot(page, artifacts, "03-intake-errors")
    w.assert_accessible(page, site.base, "intake with errors")

    w.fill_intake(page, nickname="Merel", age="16", postcode="3511")
    page.get_by_label("over iemand anders").check()
    w.submit_intake(page)

    # Waiting: the live place in line, something calm to read, the resume code.
    w.wait_in_queue(page)
    expect(page.locator(".position")).to_have_text("Jij bent de volgende.", timeout=w.TIMEOUT)
    expect(page.get_by_text("Wat gebeurt er in de chat?")).to_be_visible()
    w.resume_code(page)
    w.shot(page, artifacts, "04-waiting")
    w.assert_accessible(page, site.base, "waiting")

    # An advisor comes online and gets the chat; the visitor sees who it is.
    advisor.online()
    session_id = advisor.session_id()
    expect(page.get_by_text("Je praat met Anna, Veilig Thuis Utrecht")).to_be_visible(
        timeout=w.TIMEOUT
    )
    expect(page.get_by_label("Je bericht")).to_be_focused()

    advisor.say(session_id, "Hoi Merel, fijn dat je er bent. Waar maak je je zorgen over?")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Waar maak je je zorgen over?", timeout=w.TIMEOUT)
    w.send(page, "Mijn buurjongen huilt vaak 's avonds.")
    own = log.locator(".msg.own").last
    expect(own).to_contain_text("Mijn buurjongen huilt vaak 's avonds.")
    expect(own.locator(".state")).to_have_text("verstuurd", timeout=w.TIMEOUT)
    expect(own.locator(".time")).to_have_text(re.compile(r"\d{2}:\d{2}"))
    advisor.wait_for_text(session_id, "Mijn buurjongen huilt vaak 's avonds.")
    advisor.say(session_id, "Dat klinkt zorgelijk. Goed dat je het vraagt.")
    expect(log.locator(".msg")).to_have_count(3, timeout=w.TIMEOUT)
    texts = log.locator(".msg .text").all_inner_texts()
    assert texts == [
        "Hoi Merel, fijn dat je er bent. Waar maak je je zorgen over?",
        "Mijn buurjongen huilt vaak 's avonds.",
        "Dat klinkt zorgelijk. Goed dat je het vraagt.",
    ]
    w.shot(page, artifacts, "05-chatting")
    w.assert_accessible(page, site.base, "chatting")

    # The cross minimises; the conversation is still there when coming back.
    page.get_by_role("button", name="Chat verkleinen").click()
    back = page.get_by_role("button", name=re.compile("Ga terug naar je gesprek"))
    expect(back).to_be_focused()
    expect(page.get_by_role("button", name=re.compile("^Snel weg"))).to_be_visible()
    advisor.say(session_id, "Ben je er nog?")
    expect(back).to_contain_text("1 nieuw bericht", timeout=w.TIMEOUT)
    w.shot(page, artifacts, "06-minimised")
    back.click()
    expect(log.locator(".msg")).to_have_count(4)

    # The advisor ends the chat: a clear message, 0800 2000 and more help.
    advisor.end(session_id)
    expect(page.get_by_role("heading", name="Het gesprek is beëindigd")).to_be_visible(
        timeout=w.TIMEOUT
    )
    expect(page.get_by_text("De adviseur heeft het gesprek beëindigd.")).to_be_visible()
    expect(page.get_by_role("link", name="Bel 0800 2000")).to_have_attribute("href", "tel:08002000")
    expect(page.locator(".referrals li").first).to_be_visible(timeout=w.TIMEOUT)
    w.shot(page, artifacts, "07-ended")
    w.assert_accessible(page, site.base, "ended")

    # Nothing was left on the device, and nothing of the chat went into a URL.
    assert w.storage_snapshot(page) == w.NOTHING_STORED
    assert not any("vt1." in url or "buurjongen" in url for url in requested)
    assert "Merel" not in page.url
    # The intake's puzzle came from our own API and was solved on the page:
    # no third party's script (as reCAPTCHA's would be) was ever requested.
    assert f"{api_url}/challenge" in requested
    ours = (site.base, site.widget_base, api_url, os.environ["VTCHAT_STREAM_URL"], "data:")
    assert [url for url in requested if not url.startswith(ours)] == []
    assert page.evaluate("history.length") == history_length, "the chat added history entries"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
