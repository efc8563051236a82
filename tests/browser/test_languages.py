"""The widget's languages in a real browser (issue 18, items 4 and 7).

A visitor chooses Arabic in the title bar's language menu: the panel turns
right to left, the intake and the queue speak Arabic, an advisor who speaks
Arabic takes the chat and both sides write (the right-to-left journey). axe
judges each Arabic screen and the welcome screen with "Kun je nu veilig
chatten?". A page whose tag says data-lang="pl" opens in Polish and loads only
the Polish texts. Selected by accessible names, as a visitor finds them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser import widget as w
from tests.browser.conftest import AdvisorClient, Site
from tests.support import create_staff

MENU = "Taal / Language"


def arabic_speaking_advisor(svc: Any, api_url: str) -> AdvisorClient:
    """Amal of Utrecht, who speaks Arabic (her `langs` claim)."""
    return AdvisorClient(api_url, create_staff(org="utrecht", name="Amal", langs=["ar"]), svc)


def panel_attribute(page: Page, name: str) -> str | None:
    value: str | None = page.locator(".panel").get_attribute(name)
    return value


def test_the_safety_question_and_the_private_window_tip_on_the_welcome_screen(
    page: Page, site: Site, api_url: str, artifacts: Path
) -> None:
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    safe = page.get_by_role("region", name="Kun je nu veilig chatten?")
    expect(safe).to_be_visible()
    # What to do if not: quick exit, the pause, 112; and what quick exit cannot do.
    expect(safe).to_contain_text('Druk op "Snel weg" of 2 keer op Esc.')
    expect(safe).to_contain_text('Druk op "Pauze".')
    expect(safe).to_contain_text("Bel 112.")
    expect(safe.get_by_role("heading", name="Tip: gebruik een privévenster")).to_be_visible()
    expect(safe).to_contain_text('"Snel weg" kan de geschiedenis van je browser niet wissen.')
    steps = safe.get_by_text(re.compile("^Telefoon: open je browser"))
    expect(steps).to_be_hidden()
    safe.get_by_text("Zo open je een privévenster").click()
    expect(steps).to_be_visible()
    expect(safe.get_by_text(re.compile("^Computer: druk op Ctrl \\+ Shift \\+ N"))).to_be_visible()
    w.shot(page, artifacts, "lang-01-safety-nl")
    w.assert_accessible(page, site.base, "welcome with the safety question")


def test_right_to_left_journey_in_arabic(
    page: Page, site: Site, api_url: str, svc: Any, artifacts: Path, emulators: dict[str, str]
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site.host_page("host.html", api=api_url))
    w.open_launcher(page)
    assert not any("/widget/ar-" in url for url in requested), "Arabic loaded before it was chosen"

    menu = page.get_by_role("combobox", name=MENU)
    expect(menu.locator('option[value="ar"]')).to_have_text("العربية")
    expect(menu.locator('option[value="ar"]')).to_have_attribute("lang", "ar")
    menu.select_option("ar")
    expect(page.get_by_role("heading", name="أهلًا بك في دردشة Veilig Thuis")).to_be_visible()
    assert any("/widget/ar-" in url for url in requested)
    assert (panel_attribute(page, "dir"), panel_attribute(page, "lang")) == ("rtl", "ar")
    # The menu is named in Arabic now, and keeps the focus.
    expect(page.get_by_role("combobox", name="اللغة")).to_be_focused()
    # Mirrored: the safety box's bar is on the right, the text starts on the right.
    assert page.locator(".safe-chat").evaluate(
        """el => { const s = getComputedStyle(el);
                   return s.direction === 'rtl' && s.borderRightWidth === '6px'
                          && s.borderLeftWidth === '0px'; }"""
    )
    expect(page.get_by_role("region", name="هل يمكنك الدردشة بأمان الآن؟")).to_contain_text(
        "«خروج سريع»"
    )
    expect(page.get_by_role("button", name=re.compile("^خروج سريع"))).to_be_visible()
    w.shot(page, artifacts, "lang-02-rules-ar")
    w.assert_accessible(page, site.base, "welcome (Arabic)")

    # Intake in Arabic: the widget's own messages next to the fields first.
    page.get_by_role("button", name="بدء الدردشة").click()
    expect(page.get_by_role("heading", name="بعض الأسئلة أولًا")).to_be_visible()
    page.get_by_role("button", name="إلى الدردشة").click()
    expect(page.get_by_text("يُرجى كتابة اسم مستعار (30 حرفًا على الأكثر).").first).to_be_visible()
    w.shot(page, artifacts, "lang-03-intake-errors-ar")
    w.assert_accessible(page, site.base, "intake with errors (Arabic)")
    page.get_by_role("group", name="هل أنت في خطر الآن؟").get_by_label("لا", exact=True).check()
    page.get_by_label(re.compile("^اسم مستعار")).fill("ليلى")
    page.get_by_label(re.compile("^العمر")).fill("16")
    page.get_by_label("امرأة أو فتاة", exact=True).check()
    page.get_by_label("سأختار منطقتي").check()
    page.get_by_label(re.compile("^المنطقة")).select_option("utrecht")
    page.get_by_role("button", name="إلى الدردشة").click()

    # The queue in Arabic; the resume code reads left to right.
    expect(page.get_by_role("heading", name="أنت في قائمة الانتظار")).to_be_visible(
        timeout=w.TIMEOUT
    )
    w.resume_code(page)
    expect(page.locator(".code").first).to_have_attribute("dir", "ltr")
    sessions = svc.store.client.collection("sessions")
    stored = [d.to_dict() for d in sessions.stream()]
    assert [s.get("language") for s in stored] == ["ar"], "the intake carried the language"
    w.shot(page, artifacts, "lang-04-waiting-ar")
    w.assert_accessible(page, site.base, "waiting (Arabic)")

    # Amal, who speaks Arabic, takes the chat; both sides write.
    amal = arabic_speaking_advisor(svc, api_url)
    amal.online()
    session_id = amal.session_id(timeout=30.0)
    expect(page.get_by_text(re.compile("تتحدث الآن مع"))).to_be_visible(timeout=w.TIMEOUT)
    expect(page.get_by_label("رسالتك")).to_be_focused()
    amal.say(session_id, "مرحبًا ليلى، أنا أمل. كيف يمكنني مساعدتك؟")
    log = page.get_by_role("log")
    expect(log).to_contain_text("كيف يمكنني مساعدتك؟", timeout=w.TIMEOUT)
    page.get_by_label("رسالتك").fill("أخي الصغير يبكي كثيرًا. Is that OK?")
    page.get_by_label("رسالتك").press("Enter")
    own = log.locator(".msg.own").last
    expect(own.locator(".state")).to_have_text("أُرسلت", timeout=w.TIMEOUT)
    amal.wait_for_text(session_id, "أخي الصغير يبكي كثيرًا. Is that OK?")
    expect(own.locator(".text")).to_have_attribute("dir", "auto")
    # Mirrored log: the advisor's message on the right, the visitor's own on the left.
    theirs_box = log.locator(".msg.theirs").first.bounding_box()
    own_box = own.bounding_box()
    assert theirs_box and own_box
    assert theirs_box["x"] + theirs_box["width"] > own_box["x"] + own_box["width"]
    assert own_box["x"] < theirs_box["x"]
    w.shot(page, artifacts, "lang-05-chat-ar")
    w.assert_accessible(page, site.base, "chatting (Arabic)")


def test_a_polish_page_opens_in_polish_and_loads_only_polish(
    page: Page, site: Site, api_url: str, artifacts: Path
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site.host_page("host-pl.html", api=api_url, **{"data-lang": "pl"}))
    launcher = page.get_by_role("button", name=re.compile("Czat z Veilig Thuis"))
    expect(launcher).to_contain_text("Teraz otwarty", timeout=w.TIMEOUT)
    assert any("/widget/launcher-pl-" in url for url in requested)
    assert not any("/widget/pl-" in url for url in requested), "the chat's texts before opening"
    launcher.click()
    expect(page.get_by_role("heading", name="Witaj na czacie Veilig Thuis")).to_be_focused()
    assert panel_attribute(page, "lang") == "pl"
    assert panel_attribute(page, "dir") == "ltr"
    expect(page.get_by_role("combobox", name="Język")).to_have_value("pl")
    safe = page.get_by_role("region", name="Czy możesz teraz bezpiecznie czatować?")
    expect(safe).to_contain_text("Naciśnij „Szybko wyjdź”")
    expect(safe.get_by_role("heading", name="Wskazówka: użyj okna prywatnego")).to_be_visible()
    safe.get_by_text("Jak otworzyć okno prywatne").click()
    expect(safe.get_by_text(re.compile("^Telefon: otwórz przeglądarkę"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Szybko wyjdź"))).to_be_visible()
    expect(page.get_by_role("link", name="W niebezpieczeństwie? Zadzwoń pod 112")).to_be_visible()
    page.get_by_role("button", name="Rozpocznij czat").click()
    expect(page.get_by_role("heading", name="Najpierw kilka pytań")).to_be_visible()
    expect(page.get_by_role("button", name="Przejdź do czatu")).to_be_visible()
    loaded = [url for url in requested if "/widget/" in url]
    others = ("/nl-", "/en-", "/tr-", "/ar-", "/uk-", "launcher-ar", "launcher-tr", "launcher-uk")
    assert not [url for url in loaded if any(o in url for o in others)], loaded
    w.shot(page, artifacts, "lang-06-intake-pl")
    w.assert_accessible(page, site.base, "intake (Polish)")
