"""The anonymous word afterwards in a real browser, by accessible names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site
from vtchat.store import FEEDBACK, FEEDBACK_GIVEN


def chat_with_advisor(page: Page, site: Site, api_url: str, advisor: AdvisorClient) -> str:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    w.start_intake(page)
    w.fill_intake(page)
    w.submit_intake(page)
    w.wait_in_queue(page)
    advisor.online()
    session_id = advisor.session_id()
    expect(page.get_by_label("Je bericht")).to_be_visible(timeout=w.TIMEOUT)
    return session_id


def counted(svc: Any) -> list[dict[str, Any]]:
    return [snap.to_dict() for snap in svc.store.client.collection(FEEDBACK).stream()]


def test_answer_two_questions_and_send(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, artifacts: Path, svc: Any
) -> None:
    session_id = chat_with_advisor(page, site, api_url, advisor)
    advisor.end(session_id)
    expect(page.get_by_role("heading", name="Het gesprek is beëindigd")).to_be_visible(
        timeout=w.TIMEOUT
    )
    form = page.get_by_role("region", name="Wil je iets zeggen over deze chat?")
    expect(form).to_be_visible()
    helpful = form.get_by_role("group", name=re.compile("^Had je iets aan deze chat?"))
    helpful.get_by_label("Ja", exact=True).check()
    next_step = form.get_by_role("group", name=re.compile("^Weet je wat je nu kunt doen?"))
    next_step.get_by_label("Een beetje", exact=True).check()
    expect(form.get_by_role("group", name=re.compile("^Zou je deze chat nog eens"))).to_be_visible()
    w.shot(page, artifacts, "feedback-01-asked")
    w.assert_accessible(page, site.base, "feedback asked")

    form.get_by_role("button", name="Versturen").click()
    thanks = page.get_by_role("status").filter(has_text="Bedankt voor je antwoord!")
    expect(thanks).to_be_visible(timeout=w.TIMEOUT)
    expect(thanks).to_be_focused()
    expect(form.get_by_role("button", name="Versturen")).to_have_count(0)
    w.shot(page, artifacts, "feedback-02-thanks")
    w.assert_accessible(page, site.base, "feedback sent")

    (counts,) = counted(svc)
    assert counts["total"] == 1
    assert counts["counts"] == {"helpful.yes": 1, "nextStep.partly": 1}
    assert session_id not in repr(counts)
    # Nothing of the chat stays on the device, the word afterwards included.
    assert w.storage_snapshot(page) == w.NOTHING_STORED


def test_skip_sends_nothing(
    page: Page, site: Site, api_url: str, advisor: AdvisorClient, svc: Any
) -> None:
    chat_with_advisor(page, site, api_url, advisor)
    page.get_by_role("button", name="Gesprek beëindigen").click()
    page.get_by_role("button", name="Ja, beëindigen").click()
    expect(page.get_by_text("Je hebt het gesprek beëindigd.")).to_be_visible(timeout=w.TIMEOUT)
    form = page.get_by_role("region", name="Wil je iets zeggen over deze chat?")
    form.get_by_role("group", name=re.compile("^Had je iets")).get_by_label(
        "Nee", exact=True
    ).check()
    form.get_by_role("button", name="Overslaan").click()
    expect(form.get_by_role("button", name="Versturen")).to_have_count(0)
    expect(page.get_by_role("button", name="Nieuwe chat starten")).to_be_focused()
    expect(page.get_by_text("Bedankt voor je antwoord!")).to_have_count(0)
    w.assert_accessible(page, site.base, "feedback skipped")
    assert counted(svc) == []
    assert list(svc.store.client.collection(FEEDBACK_GIVEN).stream()) == []
