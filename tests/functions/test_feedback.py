"""The anonymous word afterwards (vtchat.feedback), against the emulators.

Attacks first: a replayed form, a form for a running chat, another chat's
token. Then what is stored (counters only: nothing links a form to a chat)
and the figures (only whole weeks that are over, small cells hidden).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import Functions, create_staff
from vtchat import feedback, report, tokens
from vtchat.models import FeedbackCountDoc
from vtchat.store import FEEDBACK, FEEDBACK_GIVEN, to_doc
from vtchat.tables import AMSTERDAM, period_of

pytestmark = pytest.mark.emulators


def served_chat(functions: Functions, svc: Any, *, org: str = "utrecht") -> dict[str, Any]:
    """A chat an advisor of `org` took (it stays running)."""
    chat = functions.intake(region=org)
    staff = create_staff(org=org)
    online = functions.post("availability", {"status": "online"}, token=staff.id_token)
    assert online.status_code == 200, online.get_json()
    assert svc.store.session(chat["sessionId"]).get().get("state") == "active"
    return chat


def ended_chat(functions: Functions, svc: Any, *, org: str = "utrecht") -> dict[str, Any]:
    """A chat an advisor took and the visitor then left."""
    chat = served_chat(functions, svc, org=org)
    ended = functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])
    assert ended.status_code == 200, ended.get_json()
    return chat


def send(
    functions: Functions, chat: dict[str, Any], token: str | None = None, **answers: str
) -> Any:
    body = {"sessionId": chat["sessionId"], **answers}
    return functions.post("feedback", body, token=token or chat["token"])


def stored(svc: Any, collection: str) -> list[Any]:
    return list(svc.store.client.collection(collection).stream())


def counters(svc: Any) -> dict[str, dict[str, Any]]:
    return {snap.id: snap.to_dict() or {} for snap in stored(svc, FEEDBACK)}


# --- attacks -------------------------------------------------------------------------


def test_replaying_one_form_twenty_times_counts_it_once(functions: Functions, svc: Any) -> None:
    chat = ended_chat(functions, svc)
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(lambda _: send(functions, chat, helpful="yes", nextStep="partly"), range(20))
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 19 + [201], [a.get_json() for a in answers]
    assert sum(a.get_json()["duplicate"] for a in answers) == 19
    # A retry later, with other answers: still nothing counted twice.
    assert send(functions, chat, helpful="no").get_json() == {"duplicate": True}
    (counted,) = counters(svc).values()
    assert counted["total"] == 1
    assert counted["counts"] == {"helpful.yes": 1, "nextStep.partly": 1}


def test_a_running_chat_gets_no_feedback(functions: Functions, svc: Any) -> None:
    waiting = functions.intake()
    running = served_chat(functions, svc, org="drenthe")
    for chat in (waiting, running):
        answer = send(functions, chat, helpful="yes")
        assert answer.status_code == 409, answer.get_json()
        assert answer.get_json()["error"]["code"] == "feedback_too_early"
    assert stored(svc, FEEDBACK) == [] and stored(svc, FEEDBACK_GIVEN) == []


def test_another_chats_token_is_refused(functions: Functions, svc: Any) -> None:
    mine = ended_chat(functions, svc)
    theirs = ended_chat(functions, svc, org="drenthe")
    answer = send(functions, theirs, token=mine["token"], helpful="no")
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "wrong_session"
    assert send(functions, theirs, token="vt1.forged.token").status_code == 401
    assert stored(svc, FEEDBACK) == [] and stored(svc, FEEDBACK_GIVEN) == []
    # Their own form still counts.
    assert send(functions, theirs, helpful="no").status_code == 201


def test_a_token_just_expired_may_still_send_the_word_afterwards(
    functions: Functions, svc: Any
) -> None:
    """A chat the system ends at its maximum lifetime ends as its token expires."""
    chat = ended_chat(functions, svc)
    now = datetime.now(UTC)
    late = tokens.issue(key=svc.session_key, session_id=chat["sessionId"],
                        expires_at=now - timedelta(minutes=40))  # fmt: skip
    assert send(functions, chat, token=late).get_json()["error"]["code"] == "token_expired"
    just = tokens.issue(key=svc.session_key, session_id=chat["sessionId"],
                        expires_at=now - timedelta(minutes=10))  # fmt: skip
    assert send(functions, chat, token=just, again="yes").status_code == 201
    # Only this call: the rest of the API refuses the expired token as before.
    assert functions.post("leave", {"sessionId": chat["sessionId"]}, token=just).status_code == 401


# --- what is stored ------------------------------------------------------------------


def test_nothing_stored_links_a_form_to_a_chat(functions: Functions, svc: Any) -> None:
    chats = [ended_chat(functions, svc) for _ in range(3)]
    send(functions, chats[0], helpful="yes", nextStep="yes", again="yes")
    send(functions, chats[1], helpful="partly")
    send(functions, chats[2])  # everything skipped: the form counts, no answer does
    week = period_of(datetime.now(UTC), "week")
    assert counters(svc) == {
        f"utrecht_{week}": {
            "org": "utrecht",
            "week": week,
            "total": 3,
            "counts": {"helpful.yes": 1, "helpful.partly": 1, "nextStep.yes": 1, "again.yes": 1},
        }
    }
    markers = {snap.id: snap.to_dict() for snap in stored(svc, FEEDBACK_GIVEN)}
    assert set(markers) == {c["sessionId"] for c in chats}
    for session_id, marker in markers.items():
        # Only when it goes: with the chat, never an answer or a time of its own.
        session = svc.store.session(session_id).get().to_dict()
        assert marker == {"expireAt": session["expireAt"]}
    everything = repr(counters(svc))
    assert not any(c["sessionId"] in everything for c in chats)


def test_the_organisation_that_answered_is_counted(functions: Functions, svc: Any) -> None:
    left = functions.intake(region="drenthe")  # nobody took it: its queue's organisation
    assert (
        functions.post("leave", {"sessionId": left["sessionId"]}, token=left["token"]).status_code
        == 200
    )
    assert send(functions, left, helpful="no").status_code == 201
    assert send(functions, ended_chat(functions, svc), again="yes").status_code == 201
    week = period_of(datetime.now(UTC), "week")
    assert set(counters(svc)) == {f"drenthe_{week}", f"utrecht_{week}"}


# --- the figures ---------------------------------------------------------------------


def seed(svc: Any, org: str, week: str, total: int, **counts: int) -> None:
    doc = FeedbackCountDoc(org=org, week=week, total=total, counts=counts)
    svc.store.feedback_count(org, week).set(to_doc(doc))


def figures(functions: Functions, token: str) -> dict[str, Any]:
    answer = functions.client("report").get("/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    table = next(t for t in answer.get_json()["tables"] if t["name"] == "woord-achteraf")
    return dict(table)


def test_figures_show_whole_weeks_that_are_over_with_small_cells_hidden(
    functions: Functions, svc: Any
) -> None:
    today = datetime.now(AMSTERDAM).date()
    start, end = report.last_full_month(today)
    weeks = feedback.weeks_of_month(start, end, today=today)
    assert weeks
    for week in weeks:
        seed(svc, "utrecht", week, 10, **{"helpful.yes": 6, "helpful.no": 4, "again.yes": 10})
    seed(svc, "drenthe", weeks[0], 2, **{"helpful.yes": 2})
    seed(svc, "haaglanden", weeks[-1], 7, **{"helpful.yes": 7})
    # The week running now (and any after the month) is never in the figures.
    running = period_of(datetime.now(UTC), "week")
    seed(svc, "utrecht", running, 1000, **{"helpful.yes": 1000})

    lead = create_staff(org="utrecht", role="supervisor")
    own = figures(functions, lead.id_token)
    assert weeks[0] in own["title"] and weeks[-1] in own["title"]
    n = len(weeks)
    assert [row[0] for row in own["rows"]] == ["utrecht"] * 3
    helpful, next_step, again = own["rows"]
    assert helpful[2:] == [6 * n, 0, 4 * n, 0, 10 * n]
    assert next_step[2:] == [0, 0, 0, 10 * n, 10 * n]
    assert again[2:] == [10 * n, 0, 0, 0, 10 * n]

    national = create_staff(org="utrecht", role="national")
    everything = figures(functions, national.id_token)
    rows = {(row[0], row[1]): row[2:] for row in everything["rows"]}
    # Drenthe's two forms are hidden, and with them the smallest other cell
    # of each line they are in (Haaglanden's seven), never Utrecht's.
    helpful = "Had je iets aan deze chat?"
    assert rows[("drenthe", helpful)] == [None, 0, 0, 0, None]
    assert rows[("haaglanden", helpful)] == ["x", 0, 0, 0, "x"]
    assert rows[("utrecht", helpful)] == [6 * n, 0, 4 * n, 0, 10 * n]
    assert rows[("alle", helpful)] == [6 * n + 9, 0, 4 * n, 0, 10 * n + 9]
    assert everything["suppressed"] > 0
    assert not any(isinstance(c, int) and c >= 1000 for row in rows.values() for c in row)
