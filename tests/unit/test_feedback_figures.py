"""The word afterwards in the figures: whole weeks that are over, small cells hidden."""

from __future__ import annotations

from datetime import date

from vtchat.feedback import answers_of, table, weeks_of_month
from vtchat.models import FeedbackCountDoc, FeedbackRequest

HELPFUL = "Had je iets aan deze chat?"


def counts(org: str, total: int, **answers: int) -> FeedbackCountDoc:
    return FeedbackCountDoc(org=org, week="2026-W45", total=total, counts=answers)


def test_a_week_belongs_to_the_month_of_its_thursday_once_it_is_over() -> None:
    november = (date(2026, 11, 1), date(2026, 12, 1))
    # W44 (26 Oct - 1 Nov) is October's, W49 (30 Nov - 6 Dec) December's.
    assert weeks_of_month(*november, today=date(2026, 12, 10)) == [
        "2026-W45", "2026-W46", "2026-W47", "2026-W48",
    ]  # fmt: skip
    # On Sunday 29 November W48 is still running: not shown, not even partly.
    assert weeks_of_month(*november, today=date(2026, 11, 29))[-1] == "2026-W47"
    assert weeks_of_month(*november, today=date(2026, 11, 30))[-1] == "2026-W48"
    # 2026-W53 (28 Dec - 3 Jan) is December's, counted once it is over.
    december = (date(2026, 12, 1), date(2027, 1, 1))
    assert weeks_of_month(*december, today=date(2027, 1, 2))[-1] == "2026-W52"
    assert weeks_of_month(*december, today=date(2027, 1, 4))[-1] == "2026-W53"


def test_skipped_questions_are_left_out() -> None:
    request = FeedbackRequest.model_validate({"sessionId": "s" * 20, "nextStep": "no"})
    assert answers_of(request) == {"nextStep": "no"}


def test_a_small_answer_is_hidden_with_another_cell_of_its_line() -> None:
    data = [
        counts("utrecht", 20, **{"helpful.yes": 17, "helpful.no": 3}),
        counts("drenthe", 12, **{"helpful.yes": 12}),
    ]
    shown = table(data, ["2026-W45"], org="utrecht", minimum=5)
    (helpful, *_) = shown.rows
    # No: 3 is small; Utrecht's 20 forms minus 17 yes would give it, so the
    # smallest other cell of the line (17) goes too.
    assert helpful == ("utrecht", HELPFUL, "x", 0, None, 0, 20)
    assert shown.suppressed >= 2
    # The nation's "no" equals Utrecht's: hidden there as well.
    rows = table(data, ["2026-W45"], org=None, minimum=5).rows
    nation = {row[0]: row for row in rows if row[1] == HELPFUL}
    assert nation["alle"][4] in (None, "x")


def test_a_supervisor_without_feedback_gets_an_empty_table() -> None:
    shown = table([counts("drenthe", 9, **{"again.yes": 9})], [], org="utrecht", minimum=5)
    assert shown.rows == [] and "nog geen hele week" in shown.title
