"""Synthetic anonymous chat records for `make demo`, so the console's figures
(trend, time of day, tables, CSV) have something to show.

Deterministic (a fixed seed) and idempotent (fixed document ids), so running
the demo twice writes the same records. Only the shape is plausible: more
chats on weekday afternoons and evenings, most answered by their own region,
some by a fall-back neighbour, a few left while waiting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import get_args

from vtchat.models import Advice, ChatRecordDoc, Contact, Gender, Outcome, Referral, Topic
from vtchat.services import Services
from vtchat.store import to_doc
from vtchat.tables import AMSTERDAM

AGE_BANDS = ("<12", "12-15", "16-17", "18-23", "24-30", "31-40", "41-50", "51-64", "65+")
AGE_WEIGHTS = (1, 4, 4, 6, 7, 6, 4, 2, 1)
# Hours of the day (local) and how busy each is.
HOURS = {9: 3, 10: 4, 11: 4, 12: 3, 13: 4, 14: 5, 15: 6, 16: 6, 19: 5, 20: 6, 21: 5, 22: 3}
# Weekdays busier than the weekend (Monday first).
WEEKDAY_WEIGHTS = (5, 5, 5, 5, 4, 2, 2)
# Larger regions get more chats.
BUSY = {"amsterdam-amstelland": 3, "rotterdam-rijnmond": 3, "utrecht": 3, "haaglanden": 2}


def _pick(rng: random.Random, values: Sequence[str], k: int) -> list[str]:
    return sorted(rng.sample(list(values), k))


def records(
    *, regions: Sequence[tuple[str, list[str]]], weeks: int, today: date, seed: int = 2026
) -> list[ChatRecordDoc]:
    """`regions`: (organisation, its fall-back neighbours) for every region."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, repeatable on purpose
    monday = today - timedelta(days=today.weekday())
    out: list[ChatRecordDoc] = []
    for week in range(weeks, 0, -1):
        start = monday - timedelta(weeks=week)
        # A slow rise over the weeks, as a new channel gets known.
        growth = 0.6 + 0.4 * (weeks - week) / max(1, weeks - 1)
        for org, fallback in regions:
            for _ in range(round(rng.uniform(6, 12) * BUSY.get(org, 1) * growth)):
                day = start + timedelta(days=rng.choices(range(7), weights=WEEKDAY_WEIGHTS)[0])
                hour = rng.choices(list(HOURS), weights=list(HOURS.values()))[0]
                started = datetime.combine(day, time(hour, 15 * rng.randrange(4)), AMSTERDAM)
                out.append(_record(rng, org, fallback, started.astimezone(UTC)))
    return out


def _record(rng: random.Random, org: str, fallback: list[str], started: datetime) -> ChatRecordDoc:
    roll = rng.random()
    left = roll < 0.12
    answering = None if left else (rng.choice(fallback) if roll > 0.9 and fallback else org)
    served = answering is not None
    registered = served and rng.random() < 0.9
    return ChatRecordDoc(
        region=org,
        queued_org=org,
        answering_org=answering,
        month=f"{started.astimezone(AMSTERDAM):%Y-%m}",
        started=started,
        waited_minutes=rng.choice((0, 0, 1, 1, 2, 3, 5, 8, 12)) + (6 if left else 0),
        duration_minutes=max(3, round(rng.gauss(24, 10))) if served else None,
        ended_how=(
            "visitor_left_while_waiting"
            if left
            else rng.choice(("ended_by_advisor", "ended_by_advisor", "visitor_left_during_chat"))
        ),
        served=served,
        transferred=False,
        urgent=served and rng.random() < 0.05,
        via_fallback=served and answering != org,
        age_band=rng.choices(AGE_BANDS, weights=AGE_WEIGHTS)[0],
        gender=rng.choices(get_args(Gender), weights=(6, 3, 1, 1))[0],
        contact=rng.choice(get_args(Contact)) if registered else None,
        topics=_pick(rng, get_args(Topic), rng.choice((1, 1, 2))) if registered else [],
        advice=_pick(rng, get_args(Advice), rng.choice((1, 2))) if registered else [],
        referrals=_pick(rng, get_args(Referral), 1) if registered else [],
        outcome=rng.choice(get_args(Outcome)[:3]) if registered else None,
        registered=registered,
    )


def seed_figures(svc: Services, *, weeks: int = 12, today: date | None = None) -> int:
    regions = [(org.id, list(org.fallback)) for org in svc.directory]
    made = records(regions=regions, weeks=weeks, today=today or datetime.now(AMSTERDAM).date())
    store = svc.store
    # Firestore takes at most 500 writes per batch.
    for first in range(0, len(made), 400):
        batch = store.client.batch()
        for index, record in enumerate(made[first : first + 400], start=first):
            batch.set(store.chat_record(f"demo-{index:05d}"), to_doc(record))
        batch.commit()
    return len(made)
