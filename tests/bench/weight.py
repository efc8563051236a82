"""Issue 17: what the widget weighs on a host page, before and after the visitor opens it.

Headless Chromium loads a host page that embeds `web/dist/widget/loader.js`
with its one script tag (served from web/dist by a static server), records
every widget file the page fetches, then clicks the launcher and records the
files opening the chat adds. Each file is weighed from the build as a host
serves it compressed (gzip level 9, as Firebase Hosting's gzip; brotli is
smaller still). Rocket.Chat's livechat, the anchor, loads a 3.1 kB loader and
a 72 kB widget (gzipped; issue 17).

Budgets (issue 17): at most 3 kB until the visitor opens the chat, at most
25 kB with the chat open. `measure_weight` returns the lines and whether both
budgets hold; run alone with `VTCHAT_BENCH_ONLY=weight` (no emulator needed:
without VTCHAT_API_URL the launcher shows its offline state).
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.processes import free_port

DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
BUDGET_CLOSED = 3 * 1024
BUDGET_OPEN = 25 * 1024
ANCHOR_CLOSED = 3.1 * 1024
ANCHOR_OPEN = 72 * 1024

_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>host</title></head>
<body><main><h1>Een website van een gemeente</h1></main>
<script type="module" src="/widget/loader.js" data-region="utrecht" data-api="{api}"
 data-lang="{lang}"></script>
</body></html>"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def _widget_files(urls: list[str]) -> list[str]:
    """The built files under /widget/ among the fetched URLs, in order, once each."""
    names: list[str] = []
    for url in urls:
        match = re.search(r"/widget/([^/?#]+)$", url)
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return names


def page_loads(api: str, lang: str = "nl") -> tuple[list[str], list[str]]:
    """The widget files fetched before opening the chat, and those opening it adds."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "widget").symlink_to(DIST / "widget")
        (root / "host.html").write_text(_PAGE.format(api=api, lang=lang), encoding="utf-8")
        server = ThreadingHTTPServer(
            ("127.0.0.1", free_port()), functools.partial(_Quiet, directory=str(root))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                fetched: list[str] = []
                page.on("request", lambda request: fetched.append(request.url))
                page.goto(f"{base}/host.html", wait_until="networkidle")
                page.wait_for_timeout(1000)  # anything the launcher loads late
                before = _widget_files(fetched)
                page.locator("[data-vtchat-host] button.launcher").click()
                page.locator("[data-vtchat-host] section.panel").wait_for()
                page.wait_for_load_state("networkidle")
                after = [name for name in _widget_files(fetched) if name not in before]
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return before, after


def measure_weight(api: str | None = None) -> tuple[list[str], bool]:
    if not (DIST / "widget" / "loader.js").exists():
        return ["widget weight: web/dist is missing (run `make web-build`)"], False
    before, after = page_loads(api or "http://127.0.0.1:9/api")
    closed = sum(gzipped(DIST / "widget" / name) for name in before)
    opened = closed + sum(gzipped(DIST / "widget" / name) for name in after)
    ok = closed <= BUDGET_CLOSED and opened <= BUDGET_OPEN
    lines = ["Widget weight on a host page (gzip -9 of the built files the page fetched)"]
    for label, names in (("before opening", before), ("opening adds", after)):
        for name in names:
            size = gzipped(DIST / "widget" / name) / 1024
            lines.append(f"  {label:<15} {name:<24} {size:5.1f} kB")
    lines += [
        f"  until opened: {closed / 1024:4.1f} kB (budget {BUDGET_CLOSED / 1024:.0f} kB;"
        f" Rocket.Chat livechat's loader {ANCHOR_CLOSED / 1024:.1f} kB)",
        f"  chat open:    {opened / 1024:4.1f} kB (budget {BUDGET_OPEN / 1024:.0f} kB;"
        f" Rocket.Chat livechat's widget {ANCHOR_OPEN / 1024:.0f} kB)",
    ]
    if not ok:
        lines.append("  OVER BUDGET")
    return lines, ok


if __name__ == "__main__":
    text, within = measure_weight(os.environ.get("VTCHAT_API_URL"))
    print("\n".join(text))
    raise SystemExit(0 if within else 1)
