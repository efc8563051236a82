"""Typing, read and the discreet pause in the visitor's widget (issue 18), in a real browser.

The advisor's side is driven over HTTP as the console does it (`POST
/api/signal` with the staff token, `AdvisorClient.post`); what the widget
told the server is read from the session document, as the console's
listener would.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site
from tests.support import wait_until

TYPING = "De adviseur is aan het typen…"
READ = "De adviseur heeft je bericht gelezen."


def start_chat(page: Page, site: Site, api_url: str, advisor: AdvisorClient) -> str:
    """A visitor in a chat with Anna; returns the session id."""
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    w.start_intake(page)
    w.fill_intake(page, nickname="Merel", age="16", region="utrecht")
    w.submit_intake(page)
    w.wait_in_queue(page)
    advisor.online()
    session_id = advisor.session_id()
    expect(page.get_by_text("Je praat met Anna")).to_be_visible(timeout=w.TIMEOUT)
    return session_id


def session_doc(advisor: AdvisorClient, session_id: str) -> dict[str, Any]:
    snap = advisor.svc.store.client.collection("sessions").document(session_id).get()
    return dict(snap.to_dict())


def seq_of(advisor: AdvisorClient, session_id: str, text: str) -> int:
    messages = (
        advisor.svc.store.client.collection("sessions").document(session_id).collection("messages")
    )
    seqs = [d.to_dict()["seq"] for d in messages.stream() if d.to_dict().get("text") == text]
    assert seqs, f"{text!r} is not in the timeline"
    return int(seqs[0])


def widget_tree(page: Page) -> str:
    """The widget's accessibility tree (its Shadow DOM included), as Playwright's ARIA snapshot."""
    return page.locator("[data-vtchat-host]").aria_snapshot()


def assert_covered(page: Page, *texts: str) -> None:
    """The chat is neither visible nor in the accessibility tree; the neutral card is."""
    expect(page.get_by_role("button", name="Verder", exact=True)).to_be_visible()
    expect(page.get_by_role("log")).to_have_count(0)
    expect(page.get_by_role("region", name="Chat met Veilig Thuis")).to_have_count(0)
    expect(page.get_by_label("Je bericht")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("^Snel weg"))).to_have_count(0)
    # No badge: the launcher ("Ga terug naar je gesprek", "1 nieuw bericht") stays away.
    launcher = page.get_by_role("button", name=re.compile("Chat met Veilig Thuis|Ga terug"))
    expect(launcher).to_have_count(0)
    tree = widget_tree(page)
    assert "Verder" in tree
    for text in ("Veilig Thuis", "Je praat met", "Anna", "Pauze", "Snel weg", "112", *texts):
        assert text not in tree, f"{text!r} is in the accessibility tree while paused:\n{tree}"


def test_pause_covers_the_chat_keeps_what_arrives_and_does_not_end_it(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    session_id = start_chat(page, site, api_url, advisor)
    advisor.say(session_id, "Hoi Merel, waar maak je je zorgen over?")
    expect(page.get_by_role("log")).to_contain_text("waar maak je je zorgen over?")
    title = page.title()
    assert "waar maak je je zorgen over?" in widget_tree(page)  # the check below can fail

    page.get_by_role("button", name=re.compile("^Pauze")).click()
    assert_covered(page, "waar maak je je zorgen over?")
    assert page.title() == title
    wait_until(
        lambda: session_doc(advisor, session_id).get("visitorPaused") is True,
        "the advisor's side to see the pause",
        10.0,
        every=0.2,
    )

    # The advisor writes meanwhile: nothing shows, nothing is announced or counted.
    advisor.say(session_id, "Ben je er nog? Neem gerust de tijd.")
    page.wait_for_timeout(1500)
    assert_covered(page, "Neem gerust de tijd")
    w.shot(page, artifacts, "18-paused")

    page.get_by_role("button", name="Verder", exact=True).click()
    log = page.get_by_role("log")
    expect(log).to_contain_text("Neem gerust de tijd.", timeout=w.TIMEOUT)
    expect(page.get_by_label("Je bericht")).to_be_focused()
    expect(page.get_by_role("button", name="Verder", exact=True)).to_have_count(0)
    assert page.title() == title
    # The chat did not end: both sides go on.
    assert advisor.state(session_id) == "active"
    w.send(page, "Ik ben er weer.")
    advisor.wait_for_text(session_id, "Ik ben er weer.")
    # The pause may change once per 2 s: a quick "Verder" is sent again after the 429.
    wait_until(
        lambda: session_doc(advisor, session_id).get("visitorPaused") is False,
        "the advisor's side to see the visitor back",
        10.0,
        every=0.2,
    )


def test_alt_p_pauses_from_the_message_box_and_keeps_the_draft(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient
) -> None:
    session_id = start_chat(page, site, api_url, advisor)
    box = page.get_by_label("Je bericht")
    box.fill("Mijn vader is soms")
    box.press("Alt+p")
    assert_covered(page)
    # The cover has the focus, not "Verder": a stray key does not bring the chat back.
    page.keyboard.press("Enter")
    page.keyboard.press("Alt+p")
    expect(page.get_by_role("button", name="Verder", exact=True)).to_be_visible()
    expect(page.get_by_role("log")).to_have_count(0)

    page.get_by_role("button", name="Verder", exact=True).click()
    expect(box).to_be_focused()
    expect(box).to_have_value("Mijn vader is soms")
    # Back within 2 s of pausing: the server refuses the change (429, Retry-After)
    # and the widget sends it again after the wait.
    wait_until(
        lambda: session_doc(advisor, session_id).get("visitorPaused") is False,
        "the visitor back on the advisor's side after the 429",
        10.0,
        every=0.2,
    )


def test_pause_cover_is_accessible(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient
) -> None:
    start_chat(page, site, api_url, advisor)
    page.get_by_role("button", name=re.compile("^Pauze")).click()
    expect(page.get_by_role("button", name="Verder", exact=True)).to_be_visible()
    w.assert_accessible(page, site.base, "paused")


def test_typing_shows_while_the_advisor_types_and_goes_with_the_message(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient
) -> None:
    session_id = start_chat(page, site, api_url, advisor)
    typing = page.get_by_role("status").filter(has_text=TYPING)
    expect(typing).to_have_count(0)

    answer = advisor.post("signal", {"sessionId": session_id, "typing": True})
    assert answer.status_code == 200, answer.text
    expect(typing).to_be_visible(timeout=w.TIMEOUT)
    advisor.say(session_id, "Ik ben er. Vertel maar.")
    expect(page.get_by_role("log")).to_contain_text("Vertel maar.")
    expect(typing).to_have_count(0)

    # The server says nothing when its 6 s of "typing" pass: the widget lets it go itself.
    answer = advisor.post("signal", {"sessionId": session_id, "typing": True})
    assert answer.json() == {"written": True}, answer.text
    expect(typing).to_be_visible(timeout=w.TIMEOUT)
    page.wait_for_timeout(3000)
    expect(typing).to_be_visible()
    expect(typing).to_have_count(0, timeout=8000)

    # The visitor's typing reaches the server (never the text), at most once per 5 s.
    box = page.get_by_label("Je bericht")
    box.press_sequentially("Het gaat om mijn broertje", delay=20)
    wait_until(
        lambda: session_doc(advisor, session_id).get("visitorTypingUntil") is not None,
        "the visitor's typing to be stored",
        10.0,
        every=0.2,
    )
    assert "broertje" not in str(session_doc(advisor, session_id))
    # The widget told what it received: the advisor's message's seq.
    said = seq_of(advisor, session_id, "Ik ben er. Vertel maar.")
    wait_until(
        lambda: session_doc(advisor, session_id).get("visitorReceivedSeq") == said,
        "the visitor's received seq",
        10.0,
        every=0.2,
    )


def test_read_mark_sits_once_under_the_latest_message_read(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path
) -> None:
    session_id = start_chat(page, site, api_url, advisor)
    log = page.get_by_role("log")
    for text in ("Eerste bericht.", "Tweede bericht."):
        w.send(page, text)
        advisor.wait_for_text(session_id, text)
    expect(log.get_by_text(READ)).to_have_count(0)

    first = seq_of(advisor, session_id, "Eerste bericht.")
    assert advisor.post("signal", {"sessionId": session_id, "readSeq": first}).status_code == 200
    mark = log.get_by_text(READ)
    expect(mark).to_have_count(1, timeout=w.TIMEOUT)
    expect(log.locator(".msg.own").filter(has_text="Eerste bericht.")).to_contain_text(READ)

    # A drop and a reconnect: the stream brings the current state again.
    page.context.set_offline(True)
    second = seq_of(advisor, session_id, "Tweede bericht.")
    assert advisor.post("signal", {"sessionId": session_id, "readSeq": second}).status_code == 200
    page.wait_for_timeout(500)
    page.context.set_offline(False)
    own = log.locator(".msg.own").filter(has_text="Tweede bericht.")
    expect(own).to_contain_text(READ, timeout=w.TIMEOUT)
    expect(mark).to_have_count(1)
    expect(own.get_by_text("gelezen", exact=True)).to_be_visible()
    w.shot(page, artifacts, "18-read")
    w.assert_accessible(page, site.base, "read mark and typing line")
