"""`make bench`: relay latency and Firestore cost per relayed message.

Runs inside `emulators/stack.py exec`. Prints, in one run:
- p50/p95 from `POST /api/messages` (visitor) to the advisor's Firestore
  listener (the JS SDK agent) seeing it, and from the advisor's POST to the
  visitor's event stream delivering it;
- the raw emulator baseline: a direct admin write seen by the same listener;
  each as a ratio to that baseline;
- document reads and writes per relayed message, counted in the data layer;
- a burst of intakes at a fixed pool of advisors (issue 3, tests/bench/burst.py):
  time to assignment, retries, failures, fall-back, and the capacity and
  one-advisor-per-chat invariants watched throughout (a violation exits 1);
- `GET /api/status` throughput, latency and reads per 1,000 requests;
- the advisor console in headless Chromium (issue 6, tests/bench/console.py):
  intake → queue row and message → chat panel, and Firestore reads per
  advisor-hour from the console's own listener counts.
- 500 visitors' streams on one production-configured stream process
  (issue 14, tests/bench/streams.py), and the skewed fall-back scene
  (tests/bench/skewed.py).
`VTCHAT_BENCH_ONLY=console` runs only the console part, `=relay` only the
relay latency, `=streams` only the streams, `=proof` only the intake's puzzle,
`=weight` only the widget's weight on a host page (issue 17, tests/bench/weight.py),
`=supervision` only the extra reads of reading along (issue 19, tests/bench/supervision.py).
Timed on a shared machine: compare ratios within one run, not absolute times.
"""

from __future__ import annotations

import functools
import operator
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from google.cloud.firestore import SERVER_TIMESTAMP

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from emulators.stack import reset_auth, reset_firestore  # noqa: E402
from emulators.visitor import post_intake  # noqa: E402

from tests.agent import AdvisorAgent  # noqa: E402
from tests.bench.burst import measure_burst, measure_status  # noqa: E402
from tests.bench.console import measure_console  # noqa: E402
from tests.bench.figures import measure_figures  # noqa: E402
from tests.bench.proof import measure_proof  # noqa: E402
from tests.bench.stats import latency_line, percentile  # noqa: E402
from tests.bench.streams import measure_streams  # noqa: E402
from tests.bench.supervision import measure_supervision  # noqa: E402
from tests.bench.weight import measure_weight  # noqa: E402
from tests.support import PROJECT, Functions, create_staff, new_id, parse_sse  # noqa: E402

ROUNDS = int(os.environ.get("VTCHAT_BENCH_ROUNDS", "60"))


def summary(name: str, values: list[float], baseline: float | None) -> str:
    return latency_line(name, values, baseline, width=44)


def doc_with_text(text: str) -> Callable[[dict[str, Any]], bool]:
    """An agent event whose document carries this text."""
    return lambda event: bool(event.get("doc", {}).get("text") == text)


def now_ms() -> float:
    return time.time() * 1000


def measure_latency(api: str) -> list[str]:
    staff = create_staff(org="utrecht", name="Bench")
    agent = AdvisorAgent()
    try:
        agent.command("signIn", email=staff.email, password=staff.password)
        agent.call("availability", {"status": "online", "capacity": 5})
        chat = post_intake(
            api, {"nickname": "Bench", "age": 30, "gender": "unspecified", "region": "utrecht"}
        ).json()
        sid, token = chat["sessionId"], chat["token"]
        agent.command("watchMessages", sessionId=sid)
        # The baseline writes into a chat of its own, so the visitor's stream
        # above only ever carries what the functions wrote.
        other = post_intake(
            api, {"nickname": "Basis", "age": 30, "gender": "unspecified", "region": "utrecht"}
        ).json()["sessionId"]
        agent.command("watchMessages", sessionId=other)
        visitor = {"Authorization": f"Bearer {token}"}

        arrivals: dict[str, float] = {}
        arrived = threading.Condition()

        def pump() -> None:
            # The stream's own address from the intake, as the widget opens it.
            stream_url = chat["streamUrl"]
            with requests.get(stream_url, headers=visitor, stream=True, timeout=120) as r:
                for event in parse_sse(r.iter_content(chunk_size=None)):
                    with arrived:
                        arrivals[str(event.data.get("text"))] = now_ms()
                        arrived.notify_all()
                    if event.type == "ended":
                        return

        threading.Thread(target=pump, daemon=True).start()
        to_advisor, to_visitor, baseline = [], [], []
        from vtchat.services import services

        store = services().store
        for n in range(ROUNDS):
            text = f"bezoeker {n} {uuid.uuid4().hex[:6]}"
            start = now_ms()
            requests.post(
                f"{api}/messages",
                json={"sessionId": sid, "messageId": new_id(), "text": text},
                headers=visitor,
                timeout=10,
            ).raise_for_status()
            seen = agent.wait_for(doc_with_text(text))
            to_advisor.append(seen["at"] - start)

            text = f"adviseur {n} {uuid.uuid4().hex[:6]}"
            start = now_ms()
            agent.call("messages", {"sessionId": sid, "messageId": new_id(), "text": text})
            with arrived:
                arrived.wait_for(functools.partial(operator.contains, arrivals, text), timeout=10)
            to_visitor.append(arrivals[text] - start)

            # Baseline: the same listener, a direct write without the functions.
            text = f"direct {n}"
            start = now_ms()
            # With createdAt, as the functions write it: the stream instance's
            # shared listener matches it too, so the emulator notifies the same
            # listeners as for a relayed message before the commit returns.
            store.message(other, f"direct-{n}").set(
                {
                    "seq": 1000 + n,
                    "kind": "text",
                    "sender": "system",
                    "text": text,
                    "createdAt": SERVER_TIMESTAMP,
                }
            )
            seen = agent.wait_for(doc_with_text(text))
            baseline.append(seen["at"] - start)
        agent.call("end", {"sessionId": sid})
        base = statistics.median(baseline)
        base95 = percentile(baseline, 0.95)
        return [
            f"Relay latency over {ROUNDS} round trips (one run; ratios are what to compare):",
            summary("raw emulator: direct write → listener", baseline, None),
            summary("visitor POST → advisor listener", to_advisor, base),
            summary("advisor POST → visitor event stream", to_visitor, base),
            f"  p95 ratios to the raw p95: visitor → advisor "
            f"{percentile(to_advisor, 0.95) / base95:.2f}x, advisor → visitor "
            f"{percentile(to_visitor, 0.95) / base95:.2f}x (target <= 1.5x)",
        ]
    finally:
        agent.close()


def measure_cost() -> list[str]:
    """Reads and writes of the functions' data layer per relayed message (in process)."""
    functions = Functions()
    staff = create_staff(org="utrecht")
    functions.post("availability", {"status": "online"}, token=staff.id_token)
    chat = functions.intake()
    from vtchat.services import services

    counts = services().store.counts
    reads0, writes0 = counts.snapshot()
    messages = 40
    for n in range(messages // 2):
        for token in (chat["token"], staff.id_token):
            response = functions.post(
                "messages",
                {"sessionId": chat["sessionId"], "messageId": new_id(), "text": f"tekst {n}"},
                token=token,
            )
            assert response.status_code == 201
    reads1, writes1 = counts.snapshot()
    resend_id = new_id()
    body = {"sessionId": chat["sessionId"], "messageId": resend_id, "text": "nogmaals"}
    functions.post("messages", body, token=chat["token"])
    reads2, writes2 = counts.snapshot()
    functions.post("messages", body, token=chat["token"])
    reads3, writes3 = counts.snapshot()
    return [
        f"Firestore cost per relayed message ({messages} messages, counted in vtchat.store):",
        f"  function: {(reads1 - reads0) / messages:.1f} reads,"
        f" {(writes1 - writes0) / messages:.1f} writes"
        "  (session + message id in one read; message + session seq in one conditional commit)",
        "  listeners: +1 read for the advisor's timeline listener, +1 for the visitor's stream",
        f"  a resent duplicate: {reads3 - reads2} reads, {writes3 - writes2} writes"
        f"  (first send: {reads2 - reads1} reads, {writes2 - writes1} writes)",
    ]


def measure_presence_cost() -> list[str]:
    """Firestore operations that presence adds: heartbeats and the tick's sweeps."""
    from vtchat import housekeeping, presence
    from vtchat.services import services

    functions = Functions()
    svc = services()
    counts = svc.store.counts
    staff = create_staff(org="utrecht")
    functions.post("availability", {"status": "online", "capacity": 5}, token=staff.id_token)
    chats = [functions.intake() for _ in range(5)]

    def cost(action: Any) -> tuple[int, int]:
        reads0, writes0 = counts.snapshot()
        action()
        reads1, writes1 = counts.snapshot()
        return reads1 - reads0, writes1 - writes0

    visitor = cost(lambda: functions.post("heartbeat", {}, token=chats[0]["token"]))
    advisor = cost(lambda: functions.post("heartbeat", {}, token=staff.id_token))
    quiet_tick = cost(lambda: housekeeping.tick(svc))
    later = datetime.now(UTC) + svc.settings.visitor_grace + timedelta(seconds=1)
    presence.advisor_heartbeat(svc, staff=svc.verify_staff(staff.id_token), now=later)
    sweep = cost(lambda: presence.sweep(svc, now=later))
    per_hour = 3600 / svc.settings.visitor_seen_refresh.total_seconds()
    beats = 3600 / (svc.settings.advisor_grace.total_seconds() / 4)
    return [
        "Presence (counted in vtchat.store, in process):",
        f"  visitor heartbeat / stream refresh: {visitor[0]} reads, {visitor[1]} writes"
        f" -> {per_hour:.0f} writes per connected visitor-hour (refresh every"
        f" {svc.settings.visitor_seen_refresh.total_seconds():.0f} s)",
        f"  advisor heartbeat: {advisor[0]} reads, {advisor[1]} writes"
        f" -> {beats * advisor[0]:.0f} reads + {beats * advisor[1]:.0f} writes per advisor-hour",
        f"  a tick with {len(chats)} active chats and nobody silent: {quiet_tick[0]} reads,"
        f" {quiet_tick[1]} writes",
        f"  the presence sweep when all {len(chats)} visitors have gone:"
        f" {sweep[0]} reads, {sweep[1]} writes",
    ]


def reset() -> None:
    # A stalled burst of an earlier run can leave transactions holding locks in
    # the emulator until they time out; the delete then answers 409 for a while.
    for attempt in range(12):
        try:
            reset_firestore(os.environ["FIRESTORE_EMULATOR_HOST"], PROJECT)
            break
        except RuntimeError as e:
            if "409" not in str(e) or attempt == 11:
                raise
            time.sleep(5)
    reset_auth(os.environ["FIREBASE_AUTH_EMULATOR_HOST"], PROJECT)


def main() -> int:
    api = os.environ["VTCHAT_API_URL"]
    only = os.environ.get("VTCHAT_BENCH_ONLY")
    if only == "console":
        reset()
        print("\n".join(measure_console(api, reset)))
        return 0
    if only == "supervision":
        reset()
        print("\n".join(measure_supervision(api)))
        return 0
    if only == "relay":
        reset()
        print("\n".join(measure_latency(api)))
        return 0
    if only == "figures":
        reset()
        print("\n".join(measure_figures()))
        return 0
    if only == "proof":
        print("\n".join(measure_proof(api)))
        return 0
    if only == "weight":
        weight, weight_ok = measure_weight(api)
        print("\n".join(weight))
        return 0 if weight_ok else 1
    if only == "streams":
        reset()
        print("\n".join(measure_streams(api, os.environ["VTCHAT_STREAM_URL"])))
        return 0
    reset()
    lines = [*measure_latency(api), ""]
    reset()
    lines += measure_cost()
    reset()
    lines += ["", *measure_presence_cost()]
    print("\n".join(lines), flush=True)
    reset()
    print("\n".join(["", *measure_console(api, reset)]), flush=True)
    reset()
    print("\n".join(["", *measure_supervision(api)]), flush=True)
    reset()
    print("\n".join(["", *measure_figures()]), flush=True)
    reset()
    print("\n".join(["", *measure_streams(api, os.environ["VTCHAT_STREAM_URL"])]), flush=True)
    print("\n".join(["", *measure_proof(api)]), flush=True)
    weight, weight_ok = measure_weight(api)
    print("\n".join(["", *weight]), flush=True)
    started = time.perf_counter()
    reset()
    lines = ["", *measure_status(api), ""]
    # Last: a stalled burst may leave calls running in the background.
    reset()
    burst, ok = measure_burst()
    lines += [*burst, f"(status and burst parts took {time.perf_counter() - started:.0f} s)"]
    print("\n".join(lines))
    from tests.bench.skewed import measure_skewed  # issue 14: one region swamped

    skewed, skewed_ok = measure_skewed(api, reset)
    print("\n".join(["", *skewed]), flush=True)
    ok = ok and skewed_ok and weight_ok
    if not ok:
        print("FAILED: a load test broke an invariant (see VIOLATIONS above)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
