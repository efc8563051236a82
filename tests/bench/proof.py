"""Issue 15: what the intake's puzzle costs a visitor's browser, and an attacker's script.

The browser side solves puzzles from the running stack's `GET /api/challenge`
in headless Chromium with the widget's own loop (WebCrypto, one digest per
number); the attacker side is the Python solver (`vtchat.proof.solve`, one
core). Each level doubles the expected work; the figures are medians and
ratios within this run.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
from datetime import UTC, datetime

import requests
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from vtchat import proof
from vtchat.services import services

ROUNDS = 8
# The widget's loop (web/widget/src/chat/proof.ts), timed in the page.
_SOLVE = """
async (puzzle) => {
  const enc = new TextEncoder();
  const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
  const t0 = performance.now();
  for (let n = 0; n <= puzzle.maxnumber; n++) {
    const d = await crypto.subtle.digest('SHA-256', enc.encode(puzzle.salt + String(n)));
    if (hex(d) === puzzle.challenge) return [n, performance.now() - t0];
  }
  return [-1, performance.now() - t0];
}
"""


def _browser_rate(api: str) -> list[float]:
    """Hashes per second of the widget's loop, one figure per base-level puzzle."""
    rates = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(f"{api}/regions")  # a secure context on the API's own origin
        for _ in range(ROUNDS):
            puzzle = requests.get(f"{api}/challenge", timeout=10).json()
            number, ms = page.evaluate(_SOLVE, puzzle)
            rates.append(max(number, 1) / max(ms, 1.0) * 1000)
        browser.close()
    return rates


def _python_rate() -> float:
    svc = services()
    hashes, seconds = 0, 0.0
    for _ in range(ROUNDS):
        puzzle = proof.issue(svc, now=datetime.now(UTC), at_level=2)
        began = time.perf_counter()
        solved = proof.solve(puzzle)
        seconds += time.perf_counter() - began
        hashes += int(json.loads(base64.b64decode(solved))["number"])
    return hashes / seconds


def measure_proof(api: str) -> list[str]:
    base = services().settings.proof_base_number
    browser = statistics.median(_browser_rate(api))
    script = _python_rate()
    lines = [
        "Intake puzzle (issue 15): expected work base x 2^level / 2 hashes",
        f"  the widget's loop in headless Chromium: {browser:,.0f} hashes/s (median of {ROUNDS})",
        f"  a Python script on one core: {script:,.0f} hashes/s "
        f"({script / browser:.1f}x the widget)",
    ]
    for level in (0, 2, 4, 5):
        expected = base * 2**level / 2
        lines.append(
            f"  level {level}: a visitor's browser {expected / browser:.1f} s on average, "
            f"the script {expected / script:.2f} s"
        )
    return lines
