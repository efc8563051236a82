"""Real-browser tests of the visitor's widget: Debian's Chromium driven by Playwright.

The functions and emulators come from the stack (`emulators/stack.py exec`, or
started by the suite's root conftest); `web/dist` (built by `make web-build`) is
served by a small static server on a free port, with host pages written for
the test's API address. Screenshots of the key states go to
tests/browser/artifacts/ (gitignored).
"""

from __future__ import annotations

import functools
import html
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.processes import free_port
from tests.support import ROOT, StaffLogin, create_staff, wait_until
from vtchat.store import where

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("VTCHAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.emulators

# `make test-browser` sets this: there a missing build or browser is an error.
# A plain `pytest` elsewhere skips these tests with the reason instead.
REQUIRED = os.environ.get("VTCHAT_BROWSER_TESTS") == "required"


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(what)
    pytest.skip(f"{what} (VTCHAT_BROWSER_TESTS=required makes this an error)")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        # Module scripts from another origin are fetched with CORS: the widget's
        # host (Firebase Hosting in production) must allow any embedding site.
        if self.path.startswith("/widget/"):
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()


@dataclass
class Site:
    root: Path
    base: str
    # The widget is served from another origin than the host pages, as on the
    # regional websites that embed it.
    widget_base: str

    def host_page(self, name: str, *, api: str, region: str | None = "utrecht", **data: str) -> str:
        """Write a host page that embeds the widget with one script tag; return its URL."""
        attrs = {"data-api": api, "data-exit-url": "neutraal.html", **data}
        if region:
            attrs["data-region"] = region
        rendered = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
        api_origin = "/".join(api.split("/")[:3])
        page = (DIST / "index.html").read_text(encoding="utf-8")
        start, end = page.index('<script type="module"'), page.index("</script>") + len("</script>")
        src = f"{self.widget_base}/widget/loader.js"
        page = page[:start] + f'<script type="module" src="{src}" {rendered}></script>' + page[end:]
        page = page.replace("http://127.0.0.1:5001", api_origin)
        page = page.replace("script-src 'self'", f"script-src 'self' {self.widget_base}")
        assert self.widget_base in page.split("script-src", 1)[1].split(";", 1)[0]
        (self.root / name).write_text(page, encoding="utf-8")
        return f"{self.base}/{name}"


def _serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    port = free_port()
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not (DIST / "widget" / "loader.js").exists():
        _missing("web/dist is missing: run `make web-build` first")
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(DIST, root, dirs_exist_ok=True)
    shutil.copy(AXE, root / "axe.min.js")
    pages, pages_base = _serve(root)
    widget, widget_base = _serve(root)
    try:
        yield Site(root=root, base=pages_base, widget_base=widget_base)
    finally:
        for server in (pages, widget):
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def emulators(stack: dict[str, str]) -> dict[str, str]:
    """Empty Firestore and Auth, as the suite's own fixture, retried while a lock is held.

    The previous test's browser closed its event streams a moment ago; the
    functions record those drops in transactions that can still hold a lock
    when the reset's DELETE arrives (409 "Transaction lock timeout").
    """
    from emulators.stack import reset_auth, reset_firestore

    from tests.support import PROJECT

    def reset() -> bool:
        try:
            reset_firestore(stack["FIRESTORE_EMULATOR_HOST"], PROJECT)
        except RuntimeError as error:
            if "409" not in str(error):
                raise
            return False
        return True

    wait_until(reset, "a Firestore reset without a held lock (409)", 5.0, every=0.5)
    reset_auth(stack["FIREBASE_AUTH_EMULATOR_HOST"], PROJECT)
    return stack


@pytest.fixture(scope="session")
def api_url() -> str:
    return os.environ["VTCHAT_API_URL"].rstrip("/")


def _with_address(text: str, url: str) -> str:
    return f"{text} [{url}]" if text.startswith("Failed to load resource") and url else text


def open_page(browser: Browser, **options: Any) -> Page:
    """A page in a fresh context that collects console errors in `page.console_errors`."""
    context = browser.new_context(
        **{"viewport": {"width": 1280, "height": 860}, "locale": "nl-NL", **options}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    # A failed resource names its address, so a failure says which call it was.
    page.on(
        "console",
        lambda m: (
            errors.append(_with_address(m.text, m.location.get("url", "")))
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture
def page(browser: Browser, emulators: dict[str, str]) -> Iterator[Page]:
    page = open_page(browser)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class AdvisorClient:
    """The advisor's side over HTTP, as the console will do it."""

    def __init__(self, api: str, login: StaffLogin, svc: Any) -> None:
        self.api = api
        self.login = login
        self.svc = svc

    def post(self, name: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.api}/{name}", json=body, headers=self.login.headers, timeout=10
        )

    def online(self) -> None:
        self.post("availability", {"status": "online"}).raise_for_status()

    def session_id(self, timeout: float = 15.0) -> str:
        """The chat assigned to this advisor (read with the admin client, like the console)."""

        def active() -> list[str]:
            query = self.svc.store.client.collection("sessions").where(
                filter=where("advisorUid", "==", self.login.uid)
            )
            return [d.id for d in query.stream() if d.to_dict().get("state") == "active"]

        return str(wait_until(active, "a chat assigned to the advisor", timeout, every=0.2)[0])

    def say(self, session_id: str, text: str) -> None:
        import uuid

        answer = self.post(
            "messages", {"sessionId": session_id, "messageId": str(uuid.uuid4()), "text": text}
        )
        assert answer.status_code == 201, answer.text

    def texts(self, session_id: str) -> list[tuple[str, str]]:
        """(sender, text) of every text message in the chat's timeline, in order."""
        messages = (
            self.svc.store.client.collection("sessions").document(session_id).collection("messages")
        )
        docs = sorted((d.to_dict() for d in messages.stream()), key=lambda d: d["seq"])
        return [(d["sender"], d["text"]) for d in docs if d.get("kind") == "text"]

    def wait_for_text(self, session_id: str, text: str, timeout: float = 10.0) -> None:
        wait_until(
            lambda: ("visitor", text) in self.texts(session_id),
            f"the advisor to get {text!r}",
            timeout,
            every=0.2,
        )

    def end(self, session_id: str) -> None:
        self.post("end", {"sessionId": session_id}).raise_for_status()

    def state(self, session_id: str) -> str:
        snap = self.svc.store.client.collection("sessions").document(session_id).get()
        return str(snap.to_dict()["state"])


@pytest.fixture
def advisor(svc: Any, api_url: str) -> AdvisorClient:
    return AdvisorClient(api_url, create_staff(org="utrecht", name="Anna"), svc)
