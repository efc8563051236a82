"""The demo's synthetic records: repeatable, valid, and the figures show them."""

from __future__ import annotations

from datetime import date

from emulators.demo_figures import records

from vtchat.evaluation import report
from vtchat.regions import load_directory

TODAY = date(2026, 11, 29)


def test_the_demo_records_are_repeatable_and_fill_the_figures() -> None:
    regions = [(org.id, list(org.fallback)) for org in load_directory()]
    made = records(regions=regions, weeks=12, today=TODAY)
    assert made == records(regions=regions, weeks=12, today=TODAY)
    assert {r.region for r in made} == {org for org, _ in regions}
    assert all(date(2026, 8, 31) <= r.started.date() < date(2026, 11, 23) for r in made)
    assert any(r.via_fallback for r in made) and any(not r.served for r in made)

    tables = {t.name: t for t in report(made)}
    trend = tables["trend-per-week"].rows
    assert len(trend) == 12
    assert sum(int(row[1] or 0) for row in trend) == len(made)
