"""`GET /api/report` over a year of records (issue 8): time and reads per request.

The figures are computed on request from the anonymous chat records, so a
national account's year is one read per chat. Seeds the demo's synthetic
records (emulators/demo_figures.py: about 12,000 a year for the 26 regions)
and times `report.figures` in process for a few ranges.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from emulators.demo_figures import seed_figures

from vtchat import report
from vtchat.models import ReportQuery, Staff
from vtchat.services import services

RANGES = ((4, None), (12, None), (52, None), (52, "utrecht"))


def measure_figures() -> list[str]:
    svc = services()
    seeded = seed_figures(svc, weeks=52)
    national = Staff(uid="bench", role="national", org="utrecht", display_name="Bench")
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    lines = [f"Figures (GET /api/report in process), {seeded} synthetic records over 52 weeks:"]
    for weeks, org in RANGES:
        query = ReportQuery.model_validate(
            {"from": (monday - timedelta(weeks=weeks)).isoformat(), "to": monday.isoformat(),
             "org": org}
        )  # fmt: skip
        started = time.perf_counter()
        figures = report.figures(svc, staff=national, query=query)
        total = time.perf_counter() - started
        started = time.perf_counter()
        report.load_records(svc, start=figures.start, end=figures.end, org=org)
        reading = time.perf_counter() - started
        lines.append(
            f"  {weeks:>2} weeks, {org or 'all regions':<12} {figures.chats:>6} records"
            f" = reads   {total * 1000:6.0f} ms; reading them alone {reading * 1000:6.0f} ms"
        )
    return lines
