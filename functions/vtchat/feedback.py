"""The anonymous word afterwards, kept as counters per organisation and ISO week.

When a chat has ended the widget asks two or three fixed questions (no free
text). No document per answer ever exists: a form adds one to counters of
its organisation and ISO week (`feedback/{org}_{week}`), so nothing links an
answer to a chat, not even by time. The organisation is the one that served
the chat: whose advisor answered it (after a fall-back or a transfer, not the
queue it started in), or, unanswered, the one whose queue it waited in. The
answers judge that organisation's conversation, and its supervisor can act
on them; the chat's queue organisation would mix in other teams' work.

A chat counts once: the counters and a marker `feedbackGiven/{sessionId}`
are one batch whose marker is a `create`, so a second form (a retry, a
replay) fails whole and counts nothing. The marker says only "given" and goes
with the chat (the session's `expireAt`).

The figures (`table`) show only whole ISO weeks that are over, each in the
month of its Thursday (as ISO years do), with small cells hidden like the
other tables (vtchat.disclosure): a count that is still running would move
right after one chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from google.api_core import exceptions as api_exceptions
from google.cloud.firestore_v1 import Increment

from vtchat.access import current_session
from vtchat.disclosure import NATION, Cube
from vtchat.errors import Conflict, NotFound, declare
from vtchat.models import FeedbackCountDoc, FeedbackGivenDoc, FeedbackRequest, FeedbackSaved
from vtchat.services import Services
from vtchat.store import from_snapshot, to_doc, where
from vtchat.tables import Cell, Table, period_of
from vtchat.tokens import SessionClaim

FEEDBACK_TOO_EARLY = declare(
    "feedback_too_early", Conflict, "the word afterwards is asked once the chat has ended"
)
# A chat the system ends at its maximum lifetime ends when its token expires:
# for this one call the token is accepted a little longer (main.feedback).
TOKEN_GRACE = timedelta(minutes=30)
# The stored question names (the request's camelCase fields) and their Dutch text.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("helpful", "Had je iets aan deze chat?"),
    ("nextStep", "Weet je wat je nu kunt doen?"),
    ("again", "Zou je deze chat nog eens gebruiken?"),
)
ANSWERS = ("yes", "partly", "no")
SKIPPED = "skipped"
FORMS = "feedback-forms"
TOO_EARLY = "Je kunt pas iets over de chat zeggen als de chat is afgelopen."


def serving_org(org: str, advisor_org: str | None) -> str:
    return advisor_org or org


def answers_of(request: FeedbackRequest) -> dict[str, str]:
    """The given answers by stored question name; skipped questions are left out."""
    given = {"helpful": request.helpful, "nextStep": request.next_step, "again": request.again}
    return {question: answer for question, answer in given.items() if answer is not None}


def record(svc: Services, *, claim: SessionClaim, request: FeedbackRequest) -> FeedbackSaved:
    """Count one form for the chat's organisation and this week, once per chat."""
    store = svc.store
    session = current_session(store, claim)
    now = datetime.now(UTC)
    if session.expire_at <= now:
        raise NotFound()  # gone, but TTL has not deleted it yet; nor, maybe, its marker
    if session.state != "ended":
        raise Conflict(TOO_EARLY, code=FEEDBACK_TOO_EARLY)
    org = serving_org(session.org, session.advisor_org)
    week = period_of(now, "week")
    batch = store.batch()
    store.create(batch, store.feedback_given(claim.session_id),
                 to_doc(FeedbackGivenDoc(expire_at=session.expire_at)))  # fmt: skip
    counts = {f"{q}.{a}": Increment(1) for q, a in answers_of(request).items()}
    # Keys in a `set` are field names, not paths: "helpful.yes" is one map key.
    # An empty map would replace the counts merged so far: a form of skips adds none.
    store.set(
        batch,
        store.feedback_count(org, week),
        {"org": org, "week": week, "total": Increment(1), **({"counts": counts} if counts else {})},
        merge=True,
    )
    try:
        batch.commit()
    except api_exceptions.AlreadyExists:
        return FeedbackSaved(duplicate=True)
    # Nothing logged: a line's time next to the chat's own lines would tie the form to it.
    return FeedbackSaved(duplicate=False)


# --- figures -------------------------------------------------------------------------


def weeks_of_month(start: date, end: date, *, today: date) -> list[str]:
    """The ISO weeks whose Thursday is in [start, end) and that were over before `today`."""
    thursday = start + timedelta(days=(3 - start.weekday()) % 7)
    weeks = []
    while thursday < end:
        if thursday + timedelta(days=3) < today:  # its Sunday has passed
            year, number, _ = thursday.isocalendar()
            weeks.append(f"{year}-W{number:02d}")
        thursday += timedelta(days=7)
    return weeks


def load_counts(svc: Services, weeks: Sequence[str]) -> list[FeedbackCountDoc]:
    """Every organisation's counters of these weeks (all of them: see `table`)."""
    if not weeks:
        return []
    query = svc.store.feedback_counts().where(filter=where("week", "in", list(weeks)))
    return [from_snapshot(FeedbackCountDoc, snap) for snap in svc.store.query(query)]


def cube_of(counts: Sequence[FeedbackCountDoc], *, minimum: int) -> Cube:
    """Forms and answers by organisation and nation, small cells chosen once over all.

    A question's answers and its skips add up to the forms: one line, so a
    hidden answer cannot be worked out as forms minus the others.
    """
    cube = Cube(regions=sorted({c.org for c in counts}))
    scopes = [*cube.regions, NATION]
    categories = [*ANSWERS, SKIPPED]
    for count in counts:
        for scope in (count.org, NATION):
            cube.counts[(FORMS, scope, "")] += count.total
            for question, _ in QUESTIONS:
                answered = 0
                for answer in ANSWERS:
                    given = count.counts.get(f"{question}.{answer}", 0)
                    answered += given
                    cube.counts[(question, scope, answer)] += given
                cube.counts[(question, scope, SKIPPED)] += max(0, count.total - answered)
    cube.lines.append(tuple((FORMS, scope, "") for scope in scopes))
    for question, _ in QUESTIONS:
        for scope in scopes:
            cube.lines.append((*((question, scope, c) for c in categories), (FORMS, scope, "")))
        for category in categories:
            cube.lines.append(tuple((question, scope, category) for scope in scopes))
    cube.protect(minimum)
    return cube


def table(
    counts: Sequence[FeedbackCountDoc], weeks: Sequence[str], *, org: str | None, minimum: int
) -> Table:
    """Per organisation (one for a supervisor, all and the nation for the national role),
    per question: how often each answer was given, skipped, and the forms sent.

    `counts` are every organisation's, also for one: which cells are hidden is
    decided over all of them, or the nation minus the others would give one away.
    """
    cube = cube_of(counts, minimum=minimum)
    scopes = ([org] if org in cube.regions else []) if org else [*cube.regions, NATION]
    rows: list[tuple[Cell, ...]] = []
    hidden = 0
    for scope in scopes:
        forms = cube.cell((FORMS, scope, ""))
        hidden += forms is None or forms == "x"
        for question, text in QUESTIONS:
            cells = [cube.cell((question, scope, c)) for c in (*ANSWERS, SKIPPED)]
            hidden += sum(1 for cell in cells if cell is None or cell == "x")
            rows.append(("alle" if scope == NATION else scope, text, *cells, forms))
    span = f"weken {weeks[0]} t/m {weeks[-1]}" if weeks else "nog geen hele week voorbij"
    return Table(
        name="woord-achteraf",
        title=f"Woord achteraf: antwoorden per vraag ({span})",
        columns=("organisatie", "vraag", "ja", "deels", "nee", "overgeslagen", "formulieren"),
        rows=rows,
        suppressed=hidden,
    )
