"""Steps of the visitor's journey, as a person does them in the widget."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

TIMEOUT = 15_000
# From "Naar de chat" to the queue: the intake's puzzle grows with the stack's
# recent intakes (vtchat.proof, up to 32x at level 5: about 11 s in Chromium
# here, twice that on a slow CI machine), so a long suite waits longer here.
INTAKE_TIMEOUT = 45_000


def open_launcher(page: Page) -> None:
    launcher = page.get_by_role("button", name=re.compile("Chat met Veilig Thuis"))
    expect(launcher).to_contain_text(re.compile("Nu open|Nu gesloten"), timeout=TIMEOUT)
    launcher.click()


def start_intake(page: Page) -> None:
    page.get_by_role("button", name="Start de chat").click()
    expect(page.get_by_role("heading", name="Even kennismaken")).to_be_visible()


def fill_intake(
    page: Page,
    *,
    nickname: str = "Merel",
    age: str = "16",
    gender: str = "een vrouw of meisje",
    region: str | None = "utrecht",
    postcode: str | None = None,
    in_danger: bool | None = False,
) -> None:
    if in_danger is not None:
        page.get_by_role("group", name=re.compile("in gevaar")).get_by_label(
            "Ja" if in_danger else "Nee", exact=True
        ).check()
    page.get_by_label(re.compile("^Bijnaam")).fill(nickname)
    page.get_by_label(re.compile("^Leeftijd")).fill(age)
    page.get_by_label(gender, exact=True).check()
    if postcode is not None:
        page.get_by_label(re.compile("^De 4 cijfers")).fill(postcode)
    elif region is not None:
        page.get_by_label("Ik kies mijn regio").check()
        select = page.get_by_label(re.compile("^Regio"))
        expect(select.locator(f'option[value="{region}"]')).to_have_count(1)
        select.select_option(region)


def submit_intake(page: Page) -> None:
    page.get_by_role("button", name="Naar de chat").click()


def wait_in_queue(page: Page) -> None:
    expect(page.get_by_role("heading", name="Je bent in de rij")).to_be_visible(
        timeout=INTAKE_TIMEOUT
    )


def resume_code(page: Page) -> str:
    code = page.locator(".code").first
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"), timeout=TIMEOUT)
    return code.inner_text()


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Je bericht")
    box.fill(text)
    box.press("Enter")


def storage_snapshot(page: Page) -> dict[str, Any]:
    """What this origin holds on the device: storage, cookies, databases, caches."""
    result: dict[str, Any] = page.evaluate(
        """async () => ({
            localStorage: localStorage.length,
            sessionStorage: sessionStorage.length,
            cookie: document.cookie,
            indexedDB: (await indexedDB.databases()).length,
            caches: self.caches ? (await caches.keys()).length : 0,
        })"""
    )
    result["contextCookies"] = len(page.context.cookies())
    return result


NOTHING_STORED = {
    "localStorage": 0,
    "sessionStorage": 0,
    "cookie": "",
    "indexedDB": 0,
    "caches": 0,
    "contextCookies": 0,
}


def axe_violations(page: Page, site_base: str) -> list[dict[str, Any]]:
    """Run axe-core (web/node_modules, pinned) in the page; the host page's CSP allows 'self'."""
    settle(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{site_base}/axe.min.js")
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
        }"""
    )
    return result


def assert_accessible(page: Page, site_base: str, state: str) -> None:
    violations = axe_violations(page, site_base)
    assert violations == [], f"axe in state {state!r}:\n{json.dumps(violations, indent=1)}"


def shot(page: Page, artifacts: Path, name: str) -> None:
    settle(page)
    page.screenshot(path=str(artifacts / f"{name}.png"), animations="disabled")


def settle(page: Page) -> None:
    """Wait for running animations (the panel's fade-in) so colours are final."""
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
