"""The advisor console in headless Chromium (issue 6): latency and reads per shift.

Part of `make bench` (tests/bench/run.py), inside the emulator stack, on the
console built by `make web-build`. Prints:
- p50/p95 from the start of a visitor's `POST /api/intake` to the queue row
  in the console's DOM, and from a visitor's `POST /api/messages` to the text
  in the chat panel; each beside a direct admin write seen the same way
  (the emulator and the browser SDK without the functions);
- the Firestore reads of one advisor-hour: a compressed typical shift (3 chats
  of 20 messages, ended and registered in the UI) counted by the console's own
  meter (`window.__vtchatReads`), plus the periodic presence writes that
  compression leaves out, modelled from their measured cost per write and
  their production rates.

Arrival times are taken inside the page by a MutationObserver, so Playwright's
polling only decides when the bench looks, not what it reports. Both clocks are
the host's wall clock (`Date.now()` in the page, `time.time()` here).
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from emulators import serve_web
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from tests.bench.stats import latency_line
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DIST, Site, open_page
from tests.browser.console import Visitor, chat, console_page, set_status, sign_in
from tests.support import create_staff, parse_sse

ROUNDS = int(os.environ.get("VTCHAT_BENCH_CONSOLE_ROUNDS", "30"))
# The typical advisor-hour: 3 chats of 20 minutes, 20 messages each.
SHIFT_CHATS = 3
SHIFT_MESSAGES = 20
CHAT_MINUTES = 20
TIMEOUT_MS = 15_000

# Records when an element matching a selector first holds a text. Checked on
# every DOM mutation, so the stamp is taken in the same task that rendered it.
_WATCHER = """
(() => {
  const bench = { seen: {}, pending: [] };
  window.__bench = bench;
  const check = () => {
    if (!bench.pending.length) return;
    const now = Date.now();
    bench.pending = bench.pending.filter((p) => {
      const els = [...document.querySelectorAll(p.selector)];
      const hit = els.some((el) => el.textContent === p.text);
      if (hit) bench.seen[p.key] = now;
      return !hit;
    });
  };
  window.__benchExpect = (key, selector, text) => {
    bench.pending.push({ key, selector, text });
    check();
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true,
  });
})();
"""


def _now_ms() -> float:
    return time.time() * 1000


def _line(name: str, values: list[float], baseline: float | None = None) -> str:
    return latency_line(name, values, baseline, width=52)


def _expect(page: Page, key: str, selector: str, text: str) -> None:
    page.evaluate("([k, s, t]) => window.__benchExpect(k, s, t)", [key, selector, text])


def _seen(page: Page, key: str) -> float:
    page.wait_for_function("k => k in window.__bench.seen", arg=key, polling=10, timeout=TIMEOUT_MS)
    return float(page.evaluate("k => window.__bench.seen[k]", key))


def _reads(page: Page) -> dict[str, Any]:
    meter = page.evaluate("() => window.__vtchatReads ?? {reads: 0, snapshots: 0, byListener: {}}")
    return dict(meter)


def _first_snapshots(page: Page) -> None:
    """Until every listener of an advisor's console has had its first result."""
    page.wait_for_function(
        "names => names.every((n) => n in (window.__vtchatReads?.byListener ?? {}))",
        arg=["queue", "offered", "mine", "advisors"],
        timeout=TIMEOUT_MS,
    )


def _by_listener(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    names = set(before["byListener"]) | set(after["byListener"])
    diff = {n: after["byListener"].get(n, 0) - before["byListener"].get(n, 0) for n in names}
    return {n: v for n, v in sorted(diff.items()) if v}


def _sum(counts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for name, value in c.items():
            total[name] = total.get(name, 0) + value
    return dict(sorted(total.items()))


def _fmt(counts: Mapping[str, float]) -> str:
    return ", ".join(f"{name} {value:.0f}" for name, value in counts.items()) or "none"


def _store() -> Any:
    from vtchat.services import services

    return services().store


def _settings() -> Any:
    from vtchat.services import services

    return services().settings


class _Heartbeats:
    """The console's own heartbeat calls, which run on a wall-clock timer."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        if request.method == "POST" and request.url.rstrip("/").endswith("/heartbeat"):
            self.count += 1


@contextmanager
def _console(browser: Browser, url: str) -> Iterator[tuple[Page, list[str]]]:
    page = open_page(browser)
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(_WATCHER)
    try:
        yield page, page.console_errors  # type: ignore[attr-defined]
    finally:
        page.context.close()


def _wait_quiet(page: Page, settle_s: float = 1.5, timeout_s: float = 15.0) -> None:
    """Until no listener has delivered anything for `settle_s`."""
    deadline = time.monotonic() + timeout_s
    last = _reads(page)["snapshots"]
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = _reads(page)["snapshots"]
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= settle_s:
            return


def _latency(browser: Browser, url: str, api: str) -> list[str]:
    staff = create_staff(org="utrecht", name="Bench")
    store = _store()
    with _console(browser, url) as (page, errors):
        sign_in(page, url, staff)
        # Paused, the only advisor of the region: every intake stays waiting.
        set_status(page, "Pauze")
        intake_post, to_queue, queue_base = [], [], []
        for n in range(ROUNDS):
            nickname = f"Wacht{n}"
            _expect(page, f"q{n}", ".queue li.q .nick", nickname)
            start = _now_ms()
            visitor = Visitor(api, nickname)
            intake_post.append(_now_ms() - start)
            to_queue.append(_seen(page, f"q{n}") - start)
            visitor.call("leave").raise_for_status()
            row = f'.queue li.q[data-session="{visitor.session_id}"]'
            page.wait_for_selector(row, state="detached")

            # Baseline: a waiting session written directly, then removed.
            nickname, fake = f"Direct{n}", f"bench-{uuid.uuid4().hex}"
            _expect(page, f"qb{n}", ".queue li.q .nick", nickname)
            start = _now_ms()
            store.session(fake).set(
                {
                    "org": "utrecht",
                    "state": "waiting",
                    "queuedAt": datetime.now(UTC),
                    "nickname": nickname,
                    "ageBand": "16-17",
                    "gender": "woman",
                    "region": "utrecht",
                    # The console's queries read only what has not expired.
                    "expireAt": datetime.now(UTC) + timedelta(hours=4),
                }
            )
            queue_base.append(_seen(page, f"qb{n}") - start)
            store.session(fake).delete()
            page.wait_for_selector(f'.queue li.q[data-session="{fake}"]', state="detached")

        # Two chats: one relayed through the functions, one written directly.
        set_status(page, "Online")
        relayed, direct = Visitor(api, "Bericht"), Visitor(api, "Basis")
        for v in (relayed, direct):
            expect(chat(page, v.nickname)).to_be_visible()
        message_post, to_panel, panel_base = [], [], []
        # A timeline entry expires with its chat (the console bounds expireAt).
        direct_expiry = store.session(direct.session_id).get().get("expireAt")
        for n in range(ROUNDS):
            text = f"bezoeker {n} {uuid.uuid4().hex[:6]}"
            panel = f'section.chat[data-session="{relayed.session_id}"] .from-visitor .text'
            _expect(page, f"m{n}", panel, text)
            start = _now_ms()
            relayed.say(text)
            message_post.append(_now_ms() - start)
            to_panel.append(_seen(page, f"m{n}") - start)

            text = f"direct {n}"
            panel = f'section.chat[data-session="{direct.session_id}"] .from-visitor .text'
            _expect(page, f"mb{n}", panel, text)
            start = _now_ms()
            store.message(direct.session_id, f"direct-{n}").set(
                {
                    "seq": 1000 + n,
                    "kind": "text",
                    "sender": "visitor",
                    "text": text,
                    "createdAt": datetime.now(UTC),
                    "expireAt": direct_expiry,
                }
            )
            panel_base.append(_seen(page, f"mb{n}") - start)
        for v in (relayed, direct):
            requests.post(
                f"{api}/end", json={"sessionId": v.session_id}, headers=staff.headers, timeout=10
            ).raise_for_status()
        qb, mb = statistics.median(queue_base), statistics.median(panel_base)
        return [
            f"Advisor console in headless Chromium, {ROUNDS} rounds each"
            " (one run; compare ratios):",
            _line("raw: direct write of a waiting session → queue row", queue_base),
            _line("visitor POST /api/intake → queue row in the console", to_queue, qb),
            _line("  for comparison: the intake call's HTTP round trip", intake_post, qb),
            _line("raw: direct write of a message → chat panel", panel_base),
            _line("visitor POST /api/messages → text in the chat panel", to_panel, mb),
            _line("  for comparison: the message call's HTTP round trip", message_post, mb),
            *([f"  page errors: {errors}"] if errors else []),
        ]


def _follow(api: str, visitor: Visitor, opened: list[float]) -> threading.Thread:
    """The visitor's event stream, open for the whole chat as the widget keeps it."""

    def run() -> None:
        headers = {"Authorization": f"Bearer {visitor.token}"}
        began = time.monotonic()
        with requests.get(visitor.stream_url, headers=headers, stream=True, timeout=300) as r:
            for event in parse_sse(r.iter_content(chunk_size=None)):
                if event.type == "ended":
                    break
        opened.append(time.monotonic() - began)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _one_chat(page: Page, api: str, nickname: str, opened: list[float]) -> dict[str, int]:
    """One chat from intake to the closed registration; returns the reads of its end."""
    visitor = Visitor(api, nickname)
    stream = _follow(api, visitor, opened)
    panel = chat(page, nickname)
    expect(panel).to_be_visible()
    box = panel.get_by_role("textbox")
    for n in range(SHIFT_MESSAGES // 2):
        text = f"{nickname} vraagt {n}"
        visitor.say(text)
        expect(panel.locator(".from-visitor .text", has_text=text)).to_have_count(1)
        text = f"Antwoord {n} aan {nickname}"
        box.fill(text)
        box.press("Control+Enter")
        expect(panel.locator(".from-advisor .text", has_text=text)).to_have_count(1)
    _wait_quiet(page, settle_s=0.5)
    before_end = _reads(page)
    panel.get_by_role("button", name=f"Beëindigen: {nickname}").click()
    panel.get_by_role("group", name="Gesprek echt beëindigen?").get_by_role(
        "button", name="Beëindigen"
    ).click()
    form = panel.locator("form.registration")
    expect(form).to_be_visible()
    form.get_by_role("radio", name="Slachtoffer").check()
    form.get_by_role("checkbox", name="Partnergeweld").check()
    form.get_by_role("checkbox", name="Veiligheidsplan").check()
    form.get_by_role("checkbox", name="Huisarts").check()
    form.get_by_role("radio", name="Advies gegeven").check()
    form.get_by_role("button", name="Registratie opslaan").click()
    expect(panel.get_by_role("status").filter(has_text="Registratie opgeslagen")).to_be_visible()
    panel.get_by_role("button", name="Sluiten").click()
    expect(panel).to_have_count(0)
    stream.join(timeout=30)
    _wait_quiet(page, settle_s=0.5)
    return _by_listener(before_end, _reads(page))


def _cost_of(page: Page, beats: _Heartbeats, write: Callable[[], None]) -> dict[str, int]:
    """Reads the console's listeners spend on one write made elsewhere."""
    for _ in range(5):
        _wait_quiet(page)
        before, beats_before = _reads(page), beats.count
        write()
        _wait_quiet(page)
        if beats.count == beats_before:
            return _by_listener(before, _reads(page))
    raise AssertionError("the console's own heartbeat kept falling into the measurement")


def _shift(browser: Browser, url: str, api: str) -> list[str]:
    staff = create_staff(org="utrecht", name="Dienst")
    settings = _settings()
    with _console(browser, url) as (page, errors):
        beats = _Heartbeats(page)
        sign_in(page, url, staff)
        _first_snapshots(page)
        _wait_quiet(page)
        signed_in = _reads(page)
        set_status(page, "Online")
        opened: list[float] = []
        began, beats0 = time.monotonic(), beats.count
        ends = [_one_chat(page, api, f"Dienst{i}", opened) for i in range(SHIFT_CHATS)]
        _wait_quiet(page)
        after = _reads(page)
        took, beats_in_shift = time.monotonic() - began, beats.count - beats0

        # Signing in again: the my-chats listener has no state filter, so it
        # reads every chat of this advisor still kept (ended ones for a day).
        with _console(browser, url) as (again, _):
            sign_in(again, url, staff)
            _first_snapshots(again)
            _wait_quiet(again)
            resigned = _reads(again)
            reopened = again.locator("section.chat").count()
            to_register = again.locator("section.chat form.registration").count()

        # The cost of each periodic write, one at a time, while nothing else moves.
        advisor_beat = _cost_of(
            page,
            beats,
            lambda: requests.post(
                f"{api}/heartbeat", json={}, headers=staff.headers, timeout=10
            ).raise_for_status(),
        )
        active = Visitor(api, "Aanwezig")
        expect(chat(page, active.nickname)).to_be_visible()
        visitor_beat = _cost_of(page, beats, lambda: active.call("heartbeat").raise_for_status())
        requests.post(
            f"{api}/end", json={"sessionId": active.session_id}, headers=staff.headers, timeout=10
        ).raise_for_status()
        set_status(page, "Pauze")
        waiting = Visitor(api, "Wachtend")
        page.wait_for_selector(f'.queue li.q[data-session="{waiting.session_id}"]')
        waiting_beat = _cost_of(page, beats, lambda: waiting.call("heartbeat").raise_for_status())

    measured = _by_listener(signed_in, after)
    total = after["reads"] - signed_in["reads"]
    beat_cost = sum(advisor_beat.values())
    seen_cost = sum(visitor_beat.values())
    refresh_s = settings.visitor_seen_refresh.total_seconds()
    # A stream refreshes the visitor's last-seen time only once it has been open that long.
    refreshes_in_shift = sum(math.floor(s / refresh_s) for s in opened)
    events = dict(measured)
    events["advisors"] = events.get("advisors", 0) - beats_in_shift * beat_cost
    events["mine"] = events.get("mine", 0) - refreshes_in_shift * seen_cost
    event_total = total - beats_in_shift * beat_cost - refreshes_in_shift * seen_cost

    beats_per_hour = 3600 / (settings.advisor_grace.total_seconds() / 4)
    refreshes_per_hour = 3600 / refresh_s * (SHIFT_CHATS * CHAT_MINUTES / 60)
    periodic = beats_per_hour * beat_cost + refreshes_per_hour * seen_cost
    hour = {name: float(v) for name, v in events.items()}
    for costs, rate in ((advisor_beat, beats_per_hour), (visitor_beat, refreshes_per_hour)):
        for name, reads in costs.items():
            hour[name] = hour.get(name, 0.0) + reads * rate
    return [
        "Console Firestore reads (window.__vtchatReads), one advisor alone in the region:",
        f"  sign-in, first snapshots: {signed_in['reads']} ({_fmt(signed_in['byListener'])})",
        f"  measured: a compressed shift ({SHIFT_CHATS} chats x {SHIFT_MESSAGES} messages, half"
        f" typed in the console, ended and registered; visitors' streams open) in {took:.0f} s:"
        f" {total} reads ({_fmt(measured)})",
        f"    of which periodic: {beats_in_shift} console heartbeats x {beat_cost},"
        f" {refreshes_in_shift} stream presence refreshes x {seen_cost}"
        f" (streams open {', '.join(f'{s:.0f}' for s in opened)} s)",
        f"    event-driven: {event_total} reads ({_fmt(events)}),"
        f" {event_total / SHIFT_CHATS:.0f} per chat",
        f"    of which ending, registering and closing: {sum(sum(e.values()) for e in ends)}"
        f" ({_fmt(_sum(ends))})",
        f"  signing in again after the shift: {resigned['reads']}"
        f" ({_fmt(resigned['byListener'])}); chat panels shown again: {reopened},"
        f" {to_register} asking for the registration",
        f"  measured per periodic write: advisor heartbeat {_fmt(advisor_beat)};"
        f" visitor last-seen, chat active {_fmt(visitor_beat)};"
        f" visitor waiting in the queue {_fmt(waiting_beat)}",
        f"  model of the periodic part over 60 min: {beats_per_hour:.0f} heartbeats x {beat_cost}"
        f" + {refreshes_per_hour:.0f} visitor refreshes ({SHIFT_CHATS} x {CHAT_MINUTES} min"
        f" connected, every {refresh_s:.0f} s) x {seen_cost} = {periodic:.0f}; the tick writes"
        " no session or advisor document while nothing changes",
        "  per advisor-hour (event-driven measured + periodic modelled):"
        f" {event_total + periodic:.0f} reads ({_fmt(hour)})",
        "  each other online advisor of the region adds its heartbeats to the advisors listener"
        f" ({beats_per_hour:.0f}/h), each waiting visitor its refreshes to the queue listener",
        *([f"  page errors: {errors}"] if errors else []),
    ]


@contextmanager
def served_console(api: str, web_port: int = 0) -> Iterator[tuple[Browser, str]]:
    """Chromium and the built console on a local page against the running stack.

    What each console bench needs (this one, tests/bench/supervision.py): the
    page configured for the stack's ports, an idle lock that never covers the
    console mid-run, and everything stopped afterwards.
    """
    stack = {
        "FIRESTORE_EMULATOR_HOST": os.environ["FIRESTORE_EMULATOR_HOST"],
        "FIREBASE_AUTH_EMULATOR_HOST": os.environ["FIREBASE_AUTH_EMULATOR_HOST"],
    }
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        root = Path(tmp)
        shutil.copytree(DIST, root, dirs_exist_ok=True)
        server = serve_web.start(port=web_port, root=root)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        url = console_page(
            Site(root=root, base=base, widget_base=base), stack, api, idle_minutes=240
        )
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser, url
        finally:
            browser.close()
            server.shutdown()
            server.server_close()


def missing_console(what: str) -> str | None:
    """Why a console bench cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{what}: skipped, {CHROMIUM} is missing (make browser-deps)"
    if not (DIST / "console" / "index.html").exists():
        return f"{what}: skipped, web/dist/console is missing (make web-build)"
    return None


def measure_console(api: str, reset: Callable[[], None]) -> list[str]:
    """Both console measurements; `reset` empties the emulators between them."""
    missing = missing_console("Advisor console")
    if missing:
        return [missing]
    web_port = int(os.environ.get("VTCHAT_BENCH_WEB_PORT", "0"))
    with served_console(api, web_port) as (browser, url):
        lines = _latency(browser, url, api)
        reset()
        return [*lines, "", *_shift(browser, url, api)]
