"""Which counts of a month's figures are hidden: one decision for every report.

A month's counts form one cube: a family (offered, the weeks of the trend,
the hours, the topics…) by region of origin and category, plus the national
row (`NATION`), which is the sum of the regions. A supervisor sees one
region's slice, a national account any region's and the nation's. If each
report hid its small cells on its own, the nation minus the other regions
would give a region's hidden count, and a region's total minus its shown
categories its hidden one. So the cells to hide are chosen once, over the
whole cube, and every report shows its slice of that one decision
(tests/functions/test_figures_differencing.py plays these subtractions).

Every set of cells that adds up to another cell a reader can see or work out
is a *line*: a region's categories with the region's total, the nation's
categories with the national total, a category's regions with the nation's
count. A count from 1 to `minimum - 1` is hidden (primary); then, as long as
a line has exactly one hidden cell, its smallest shown non-zero cell is hidden
too (complementary suppression, as CBS and τ-ARGUS do), so that no line's
total minus its shown cells is one hidden cell. Zeros are shown: a zero is
no person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from vtchat.models import ChatRecordDoc

NATION = "*"
Key = tuple[str, str, str]  # (family, region or NATION, category)


@dataclass
class Cube:
    counts: Counter[Key] = field(default_factory=Counter)
    lines: list[tuple[Key, ...]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    # A hidden cell: True when it is small itself, False when hidden with one.
    hidden: dict[Key, bool] = field(default_factory=dict)

    def value(self, key: Key) -> int:
        return self.counts[key]

    def family(
        self,
        name: str,
        records: Sequence[ChatRecordDoc],
        values: Callable[[ChatRecordDoc], Iterable[str]],
        *,
        categories: Sequence[str] = (),
        total: str | None = None,
    ) -> list[str]:
        """Count `name` by region and category; its total per region is the family `total`
        (which must count the same records) or else its own `name + "-n"`.

        Returns the categories: the given ones, then any other that occurs, sorted.
        """
        seen: set[str] = set()
        for record in records:
            for value in values(record):
                seen.add(value)
                self.counts[(name, record.region, value)] += 1
                self.counts[(name, NATION, value)] += 1
        ordered = list(categories) + sorted(seen - set(categories))
        margin = total or f"{name}-n"
        rows = [*self.regions, NATION]
        if total is None:
            for region in rows:
                self.counts[(margin, region, "")] = sum(
                    self.counts[(name, region, c)] for c in ordered
                )
            self.lines.append(tuple((margin, r, "") for r in rows))
        for region in rows:
            self.lines.append((*((name, region, c) for c in ordered), (margin, region, "")))
        for category in ordered:
            self.lines.append(tuple((name, r, category) for r in rows))
        return ordered

    def totals(
        self, name: str, records: Sequence[ChatRecordDoc], counts: Callable[[ChatRecordDoc], bool]
    ) -> None:
        """A count per region with the nation as their sum (offered, served, …)."""
        for record in records:
            if counts(record):
                self.counts[(name, record.region, "")] += 1
                self.counts[(name, NATION, "")] += 1
        self.lines.append(tuple((name, r, "") for r in [*self.regions, NATION]))

    def protect(self, minimum: int) -> None:
        cells = {key for line in self.lines for key in line}
        self.hidden = {k: True for k in sorted(cells) if 0 < self.counts[k] < minimum}
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                hidden = [k for k in line if k in self.hidden]
                if len(hidden) != 1:
                    continue
                shown = [k for k in line if k not in self.hidden and self.counts[k] > 0]
                if shown:
                    self.hidden[min(shown, key=lambda k: (self.counts[k], k))] = False
                    changed = True

    def cell(self, key: Key) -> int | str | None:
        """What a report shows: the count, None when small, "x" when hidden with one."""
        if key not in self.hidden:
            return self.counts[key]
        return None if self.hidden[key] else "x"
