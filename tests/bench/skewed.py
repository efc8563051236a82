"""Issue 14: one region swamped while its fall-back neighbours are quiet but staffed.

SWAMP intakes arrive at once in REGION, whose REGION_ADVISORS advisors
(capacity 3) can take 6 of them; each of its fall-back neighbours has
NEIGHBOUR_ADVISORS advisors and nothing to do. The scene runs twice on a fresh
database, with fall-back and without (nobody else is ever offered a chat),
and the visitors' waits (intake call → the session's assignedAt) are compared
within the run. Offers travel over Pub/Sub's push subscriptions to the
functions server (tests/bench/topology.py); the tick runs every second in
this process and simulated advisors end each chat CHAT_SECONDS after it was
assigned (the burst's machinery, tests/bench/burst.py).

Time is compressed: a chat lasts CHAT_SECONDS here against a mean of 17
minutes in production, and the routing settings are scaled by that factor so
that the policy keeps its shape: offered after 3 minutes of waiting (or an
expected wait that long) becomes 3/17 of a chat, re-offered wider after 2
minutes becomes 2/17, and the wait estimate's mean chat is CHAT_SECONDS. The
tick every second is about a minute in production time, as there. Each can be
set in the environment instead (VTCHAT_FALLBACK_AFTER_MINUTES,
VTCHAT_REOFFER_AFTER_MINUTES, VTCHAT_MEAN_CHAT_MINUTES, in fractional
minutes); without fall-back `fallback_after` is 1000 minutes, as in the
burst's control run.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tests.bench.burst import (
    CAPACITY,
    Enders,
    Monitor,
    Ticker,
    final_checks,
    fire_intakes,
    set_status,
    tapped_logs,
)
from tests.bench.locks import LockWatch
from tests.bench.stats import percentile
from tests.bench.topology import PushFigures, fresh_topology, remove_push_subscriptions
from vtchat.models import Staff
from vtchat.services import Services
from vtchat.settings import Settings, load_settings

REGION = "utrecht"
SWAMP = int(os.environ.get("VTCHAT_BENCH_SKEW_CHATS", "40"))
REGION_ADVISORS = 2
NEIGHBOUR_ADVISORS = 2
CHAT_SECONDS = float(os.environ.get("VTCHAT_BENCH_SKEW_CHAT_SECONDS", "10"))
# Without fall-back the region needs SWAMP / 6 rounds of chats: about 70 s.
DEADLINE_SECONDS = float(os.environ.get("VTCHAT_BENCH_SKEW_DEADLINE", "180"))
_PRODUCTION_MEAN_CHAT = timedelta(minutes=17)
_NEVER = timedelta(minutes=1000)


def scaled_settings(*, fallback: bool) -> Settings:
    """The environment's settings, with the routing policy scaled to CHAT_SECONDS."""
    factor = CHAT_SECONDS / _PRODUCTION_MEAN_CHAT.total_seconds()
    scaled = {
        "fallback_after": ("VTCHAT_FALLBACK_AFTER_MINUTES", timedelta(minutes=3) * factor),
        "reoffer_after": ("VTCHAT_REOFFER_AFTER_MINUTES", timedelta(minutes=2) * factor),
        "mean_chat": ("VTCHAT_MEAN_CHAT_MINUTES", timedelta(seconds=CHAT_SECONDS)),
    }
    update = {name: value for name, (env, value) in scaled.items() if not os.environ.get(env)}
    if not fallback:
        update["fallback_after"] = _NEVER
    return load_settings().model_copy(update=update)


def staff_for(svc: Services) -> list[Staff]:
    teams = [(REGION, REGION_ADVISORS)]
    teams += [(org, NEIGHBOUR_ADVISORS) for org in svc.directory.get(REGION).fallback]
    return [
        Staff(uid=f"skew-{org}-{n}", role="advisor", org=org, display_name=f"Adviseur {n}")
        for org, count in teams
        for n in range(count)
    ]


@dataclass
class Arm:
    fallback: bool
    waits: list[float]
    fired: int
    by_neighbours: int
    handovers: int
    offered: int
    pushes: PushFigures
    locks: str
    checks: list[str]
    ok: bool

    def line(self) -> str:
        name = "with fall-back   " if self.fallback else "without fall-back"
        w = self.waits
        return (
            f"  {name}: wait p50 {statistics.median(w) if w else 0:5.1f} s"
            f"  p95 {percentile(w, 0.95):5.1f} s  max {max(w, default=0):5.1f} s;"
            f" assigned {len(w)}/{self.fired}, {self.by_neighbours} by neighbours"
            f" ({self.handovers} handover records); {self.offered} chats offered"
        )


def run_arm(api: str, *, fallback: bool) -> Arm:
    config = scaled_settings(fallback=fallback)
    monitor_svc, intake_svc, ender_svc, tick_svc = (Services(config) for _ in range(4))
    client = monitor_svc.store.client
    fresh_topology(monitor_svc, api)
    with tapped_logs() as logs, LockWatch() as locks:
        set_status(ender_svc, staff_for(monitor_svc), "online")
        enders = Enders(ender_svc, chat_seconds=CHAT_SECONDS)
        monitor = Monitor(client, enders.schedule)
        ticker = Ticker(tick_svc)
        start = time.time()
        fired = fire_intakes(intake_svc, [REGION] * SWAMP)
        sessions = set(fired.started)
        monitor.wait_until(
            lambda: sessions <= monitor.assigned.keys(), start + DEADLINE_SECONDS - time.time()
        )
        ticker.stop(timeout=15)
        enders.stop(timeout=15)
        monitor.stop()
        checks, ok = final_checks(monitor_svc, monitor, sessions)
    remove_push_subscriptions(monitor_svc)
    docs = {s.id: s.to_dict() or {} for s in client.collection("sessions").stream()}
    assigned = {sid: d for sid, d in docs.items() if sid in sessions and d.get("assignedAt")}
    return Arm(
        fallback=fallback,
        waits=[d["assignedAt"].timestamp() - fired.started[sid] for sid, d in assigned.items()],
        fired=len(sessions),
        by_neighbours=sum(1 for d in assigned.values() if d.get("advisorOrg") != REGION),
        handovers=sum(1 for _ in client.collection("handovers").stream()),
        offered=sum(1 for sid in sessions if docs[sid].get("offerRound", 0) > 0),
        pushes=PushFigures.of(
            published=logs.count("chat_offered"),
            unpublished=logs.count("offer_unpublished"),
            assigned=assigned,
            assigned_here={sid for (event, sid) in logs.stamps if event == "chat_assigned"},
        ),
        locks=locks.line(),
        checks=checks,
        ok=ok,
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def measure_skewed(api: str, reset: Callable[[], None]) -> tuple[list[str], bool]:
    config = scaled_settings(fallback=True)
    neighbours = Services(config).directory.get(REGION).fallback
    arms = []
    for fallback in (True, False):
        reset()
        arms.append(run_arm(api, fallback=fallback))
    on, off = arms
    p50 = _ratio(_p50(on.waits), _p50(off.waits))
    p95 = _ratio(percentile(on.waits, 0.95), percentile(off.waits, 0.95))
    lines = [
        f"Skewed load: {SWAMP} intakes at once in {REGION} ({REGION_ADVISORS} advisors,"
        f" capacity {CAPACITY}); its fall-back neighbours ({', '.join(neighbours)}) quiet,"
        f" each with {NEIGHBOUR_ADVISORS} advisors of capacity {CAPACITY}; chats end"
        f" {CHAT_SECONDS:g} s after assignment; tick every 1 s; offers pushed over Pub/Sub",
        f"  routing scaled to a {CHAT_SECONDS:g}-s chat: offered after"
        f" {config.fallback_after.total_seconds():.2f} s, re-offered wider after"
        f" {config.reoffer_after.total_seconds():.2f} s, mean chat"
        f" {config.mean_chat.total_seconds():g} s (production 3 min, 2 min, 17 min)",
        on.line(),
        off.line(),
        f"  with / without fall-back: p50 {p50}, p95 {p95} (target p95 ≤ 0.5)",
    ]
    for arm in arms:
        label = "with" if arm.fallback else "without"
        lines += [f"  {label} fall-back:", arm.pushes.line(), f"  {arm.locks}", *arm.checks]
    return lines, on.ok and off.ok
