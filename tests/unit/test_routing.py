"""Routing rules: wait estimates, widening fall-back rounds and which offers are due."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vtchat.regions import load_directory
from vtchat.routing import (
    Offer,
    RoutingPolicy,
    ServingLookup,
    Staffing,
    WaitingChat,
    due_offers,
    estimate_reserved_wait,
    estimate_wait,
    fallback_regions,
    is_overflowing,
    offer_candidates,
    queue_positions,
    staffing_by_language,
    wait_minutes,
)
from vtchat.schedule import load_schedule

DIRECTORY = load_directory()
SHIPPED = load_schedule(DIRECTORY)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
POLICY = RoutingPolicy(
    fallback_after=timedelta(minutes=3),
    reoffer_after=timedelta(minutes=2),
    widen_by=2,
    mean_chat=timedelta(minutes=17),
)
MEAN = POLICY.mean_chat
# Thursday: the Gelderland/Overijssel rota regions are all served by ijsselland.
THURSDAY = datetime(2026, 11, 19, 10, 0, tzinfo=AMSTERDAM)
# An ordinary Saturday: only zuidoost-brabant is open.
SATURDAY = datetime(2026, 11, 14, 12, 0, tzinfo=AMSTERDAM)
# Saturday of the Week tegen Kindermishandeling: utrecht and zuidoost-brabant are open.
UTRECHT_SATURDAY = datetime(2026, 11, 21, 12, 0, tzinfo=AMSTERDAM)
NOW = THURSDAY

UTRECHT_FALLBACK = [
    "gooi-en-vechtstreek",
    "gelderland-midden",
    "hollands-midden",
    "amsterdam-amstelland",
    "zuid-holland-zuid",
]
DRENTHE_FALLBACK = ["groningen", "friesland", "ijsselland", "twente"]
ALL_IDS = [org.id for org in DIRECTORY]


class FakeSchedule:
    """A `ServingLookup` whose open regions and their staff are given outright."""

    def __init__(self, serving: Mapping[str, str]) -> None:
        self.serving = dict(serving)

    def serving_org(self, region: str, at: datetime) -> str | None:
        return self.serving.get(region)


def open_only(*regions: str, served_by: Mapping[str, str] | None = None) -> FakeSchedule:
    """Only `regions` open, each served by itself unless `served_by` says otherwise."""
    staff = dict(served_by or {})
    return FakeSchedule({region: staff.get(region, region) for region in regions})


def all_open(served_by: Mapping[str, str] | None = None) -> FakeSchedule:
    return open_only(*ALL_IDS, served_by=served_by)


def all_open_except(*closed: str) -> FakeSchedule:
    return open_only(*(region for region in ALL_IDS if region not in closed))


def chat(
    region: str = "utrecht",
    *,
    org: str | None = None,
    session_id: str = "s1",
    waited: timedelta = timedelta(minutes=5),
    offer_round: int = 0,
    offered_ago: timedelta | None = None,
) -> WaitingChat:
    return WaitingChat(
        session_id=session_id,
        region=region,
        org=org or region,
        queued_at=NOW - waited,
        offer_round=offer_round,
        offered_at=None if offered_ago is None else NOW - offered_ago,
    )


def offers_for(
    *chats: WaitingChat,
    schedule: ServingLookup | None = None,
    staffing: Mapping[str, Staffing] | None = None,
    now: datetime = NOW,
) -> list[Offer]:
    return due_offers(
        waiting=list(chats),
        staffing=staffing or {},
        directory=DIRECTORY,
        schedule=schedule or all_open(),
        policy=POLICY,
        now=now,
    )


def national(region: str) -> list[str]:
    return [org for org in ALL_IDS if org != region]


# --- Wait estimates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "staffing", "expected"),
    [
        # A free slot for the chat: taken at once.
        (1, Staffing(capacity=2, free=1), timedelta(0)),
        (2, Staffing(capacity=3, free=2), timedelta(0)),
        # Beyond the free slots: (position - free) chats end, `capacity` per mean chat.
        (1, Staffing(capacity=1, free=0), MEAN),
        (3, Staffing(capacity=2, free=1), MEAN),
        (4, Staffing(capacity=3, free=0), MEAN * 4 / 3),
        (5, Staffing(capacity=4, free=2), MEAN * 3 / 4),
    ],
)
def test_estimate_wait_is_zero_within_free_slots_and_scales_beyond_them(
    position: int, staffing: Staffing, expected: timedelta
) -> None:
    assert estimate_wait(position=position, staffing=staffing, mean_chat=MEAN) == expected


@pytest.mark.parametrize("position", [1, 2, 10])
def test_estimate_wait_is_unknown_when_nobody_is_online(position: int) -> None:
    assert estimate_wait(position=position, staffing=Staffing(), mean_chat=MEAN) is None


FREE = Staffing(capacity=1, free=1)
FULL = Staffing(capacity=1, free=0)
FIVE = timedelta(minutes=5)


@pytest.mark.parametrize(
    ("speakers", "own", "released_in", "expected"),
    [
        # Nobody speaks it: a free Dutch-only advisor takes it only after the release.
        (Staffing(), FREE, FIVE, FIVE),
        (Staffing(), FULL, FIVE, FIVE + MEAN),
        # A free speaker somewhere: at once.
        (FREE, FULL, FIVE, timedelta(0)),
        # A busy speaker: whichever is sooner, the speaker's next free slot or the release.
        (FULL, FREE, FIVE, FIVE),
        (FULL, FREE, MEAN * 2, MEAN),
        # The reservation ran out but the tick has not released it yet.
        (Staffing(), FREE, -timedelta(seconds=30), timedelta(0)),
        # Nobody online at all: unknown.
        (Staffing(), Staffing(), FIVE, None),
    ],
)
def test_a_chat_kept_for_its_language_waits_for_a_speaker_or_its_release(
    speakers: Staffing, own: Staffing, released_in: timedelta, expected: timedelta | None
) -> None:
    estimate = estimate_reserved_wait(
        position=1, speakers=speakers, own=own, mean_chat=MEAN, released_in=released_in
    )
    assert estimate == expected


def test_speakers_are_counted_per_language_across_organisations() -> None:
    rows = [(["nl", "tr"], 3, 1), (["nl"], 2, 2), (["tr", "ar", "tr"], 1, 0)]
    assert staffing_by_language(rows) == {
        "nl": Staffing(capacity=5, free=2),
        "tr": Staffing(capacity=4, free=3),
        "ar": Staffing(capacity=1, free=1),
    }


@pytest.mark.parametrize(
    ("wait", "minutes"),
    [
        (None, None),
        (timedelta(0), 0),
        (timedelta(microseconds=1), 1),
        (timedelta(seconds=1), 1),
        (timedelta(minutes=1), 1),
        (timedelta(minutes=1, seconds=1), 2),
        (MEAN / 3, 6),  # 5 min 40 s
        (MEAN * 4 / 3, 23),  # 22 min 40 s
        (MEAN, 17),
    ],
)
def test_wait_minutes_rounds_up_to_whole_minutes(
    wait: timedelta | None, minutes: int | None
) -> None:
    assert wait_minutes(wait) == minutes


# --- Widening rounds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "round_number", "expected"),
    [
        ("utrecht", 1, UTRECHT_FALLBACK[:2]),
        ("utrecht", 2, UTRECHT_FALLBACK[:4]),
        # Five neighbours: the third round reaches the fifth, the fourth is national.
        ("utrecht", 3, UTRECHT_FALLBACK),
        ("utrecht", 4, national("utrecht")),
        ("utrecht", 9, national("utrecht")),
        ("drenthe", 1, DRENTHE_FALLBACK[:2]),
        ("drenthe", 2, DRENTHE_FALLBACK),
        ("drenthe", 3, national("drenthe")),
        ("zuid-limburg", 1, ["noord-en-midden-limburg"]),
        ("zuid-limburg", 2, national("zuid-limburg")),
    ],
)
def test_fallback_regions_widen_by_two_neighbours_per_round_then_go_national(
    region: str, round_number: int, expected: list[str]
) -> None:
    regions = fallback_regions(DIRECTORY, region=region, round_number=round_number, widen_by=2)
    assert regions == expected


@pytest.mark.parametrize("region", ALL_IDS)
def test_national_round_is_every_other_organisation_once(region: str) -> None:
    regions = fallback_regions(DIRECTORY, region=region, round_number=99, widen_by=2)
    assert sorted(regions) == sorted(national(region))
    assert len(regions) == len(DIRECTORY) - 1


@pytest.mark.parametrize(
    ("round_number", "expected"),
    [
        (1, UTRECHT_FALLBACK[:1]),
        (3, UTRECHT_FALLBACK[:3]),
        (5, UTRECHT_FALLBACK),
        (6, national("utrecht")),
    ],
)
def test_fallback_regions_follow_the_widen_by_setting(
    round_number: int, expected: list[str]
) -> None:
    regions = fallback_regions(DIRECTORY, region="utrecht", round_number=round_number, widen_by=1)
    assert regions == expected


# --- Offer candidates ---------------------------------------------------------------


def candidates(waiting: WaitingChat, schedule: FakeSchedule, round_number: int) -> tuple[str, ...]:
    return offer_candidates(
        DIRECTORY, schedule, chat=waiting, round_number=round_number, widen_by=2, now=NOW
    )


def test_candidates_are_the_open_neighbours_nearest_first() -> None:
    assert candidates(chat("utrecht"), all_open(), 1) == (
        "gooi-en-vechtstreek",
        "gelderland-midden",
    )
    assert candidates(chat("utrecht"), all_open(), 2) == tuple(UTRECHT_FALLBACK[:4])


def test_closed_regions_are_not_offered() -> None:
    schedule = all_open_except("gooi-en-vechtstreek", "amsterdam-amstelland")
    assert candidates(chat("utrecht"), schedule, 1) == ("gelderland-midden",)
    assert candidates(chat("utrecht"), schedule, 2) == ("gelderland-midden", "hollands-midden")


def test_a_round_of_closed_regions_has_no_candidates() -> None:
    schedule = all_open_except("gooi-en-vechtstreek", "gelderland-midden")
    assert candidates(chat("utrecht"), schedule, 1) == ()


def test_a_rota_region_is_offered_to_the_organisation_staffing_it_once() -> None:
    rota_day = {"ijsselland": "gelderland-midden", "noord-en-oost-gelderland": "gelderland-midden"}
    schedule = open_only("ijsselland", "noord-en-oost-gelderland", "drenthe", served_by=rota_day)
    # twente's neighbours: ijsselland, noord-en-oost-gelderland, drenthe.
    assert candidates(chat("twente"), schedule, 2) == ("gelderland-midden", "drenthe")


def test_the_chats_own_organisation_is_never_a_candidate() -> None:
    # On a rota day ijsselland's advisors hold twente's queue and serve its neighbours.
    rota = ["gelderland-midden", "gelderland-zuid", "noord-en-oost-gelderland", "twente"]
    schedule = all_open(served_by=dict.fromkeys(rota, "ijsselland"))
    waiting = chat("twente", org="ijsselland")
    assert candidates(waiting, schedule, 1) == ()
    assert candidates(waiting, schedule, 2) == ("drenthe",)
    everyone = candidates(waiting, schedule, 3)
    assert "ijsselland" not in everyone
    assert "twente" not in everyone
    assert len(everyone) == len(set(everyone))


def test_national_candidates_are_every_other_open_organisation() -> None:
    schedule = open_only("utrecht", "zeeland", "groningen")
    assert candidates(chat("utrecht"), schedule, 4) == ("groningen", "zeeland")


def test_candidates_with_the_shipped_schedule_on_a_rota_thursday() -> None:
    utrecht = chat("utrecht")
    assert offer_candidates(
        DIRECTORY, SHIPPED, chat=utrecht, round_number=1, widen_by=2, now=THURSDAY
    ) == ("gooi-en-vechtstreek", "ijsselland")


# --- Queue positions ----------------------------------------------------------------


def test_queue_positions_count_per_organisation_in_queue_order() -> None:
    waiting = [
        chat("utrecht", session_id="u-late", waited=timedelta(minutes=1)),
        chat("drenthe", session_id="d-only", waited=timedelta(minutes=2)),
        chat("utrecht", session_id="u-first", waited=timedelta(minutes=9)),
        chat("twente", org="utrecht", session_id="u-middle", waited=timedelta(minutes=4)),
    ]
    assert queue_positions(waiting) == {
        "u-first": 1,
        "u-middle": 2,
        "u-late": 3,
        "d-only": 1,
    }


def test_queue_positions_of_no_chats_are_empty() -> None:
    assert queue_positions([]) == {}


# --- Overflow -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waited", "position", "staffing"),
    [
        # Waited the fall-back threshold, even with a free advisor.
        (timedelta(minutes=3), 1, Staffing(capacity=5, free=5)),
        (timedelta(minutes=30), 1, Staffing(capacity=5, free=5)),
        # Just queued, but the expected wait reaches the threshold.
        (timedelta(0), 1, Staffing(capacity=1, free=0)),  # 17 min
        (timedelta(0), 2, Staffing(capacity=6, free=0)),  # 5 min 40 s
        (timedelta(0), 3, Staffing(capacity=3, free=2)),  # 5 min 40 s
        # Just queued, and nobody online to take it.
        (timedelta(0), 1, Staffing()),
        (timedelta(0), 1, Staffing(capacity=0, free=0)),
    ],
)
def test_a_chat_overflows_when_it_waited_or_will_wait_too_long(
    waited: timedelta, position: int, staffing: Staffing
) -> None:
    waiting = chat(waited=waited)
    assert is_overflowing(waiting, position=position, staffing=staffing, policy=POLICY, now=NOW)


@pytest.mark.parametrize(
    ("waited", "position", "staffing"),
    [
        (timedelta(0), 1, Staffing(capacity=1, free=1)),
        (timedelta(minutes=2, seconds=59), 2, Staffing(capacity=2, free=2)),
        # No free slot, but six running chats: one ends within 2 min 50 s.
        (timedelta(minutes=1), 1, Staffing(capacity=6, free=0)),
        (timedelta(minutes=1), 3, Staffing(capacity=6, free=2)),
    ],
)
def test_a_chat_does_not_overflow_when_an_advisor_is_expected_soon(
    waited: timedelta, position: int, staffing: Staffing
) -> None:
    waiting = chat(waited=waited)
    assert not is_overflowing(waiting, position=position, staffing=staffing, policy=POLICY, now=NOW)


# --- Due offers ---------------------------------------------------------------------


def test_an_overflowing_chat_is_offered_to_the_first_round() -> None:
    assert offers_for(chat("utrecht")) == [
        Offer(
            session_id="s1",
            round=1,
            previous_round=0,
            region="utrecht",
            org="utrecht",
            candidates=("gooi-en-vechtstreek", "gelderland-midden"),
        )
    ]


def test_a_chat_that_will_be_taken_soon_is_not_offered() -> None:
    waiting = chat("utrecht", waited=timedelta(minutes=1))
    assert offers_for(waiting, staffing={"utrecht": Staffing(capacity=2, free=1)}) == []


def test_a_just_queued_chat_with_nobody_online_is_offered_at_once() -> None:
    waiting = chat("utrecht", waited=timedelta(0))
    staffing = {"drenthe": Staffing(capacity=3, free=3)}
    [offer] = offers_for(waiting, staffing=staffing)
    assert offer.round == 1


def test_the_wait_is_judged_by_the_chats_place_in_its_own_queue() -> None:
    first = chat("utrecht", session_id="first", waited=timedelta(minutes=2))
    second = chat("utrecht", session_id="second", waited=timedelta(minutes=1))
    other = chat("drenthe", session_id="other", waited=timedelta(minutes=1))
    # One free slot each: utrecht's second chat waits 17 min, drenthe's only one none.
    staffing = {
        "utrecht": Staffing(capacity=1, free=1),
        "drenthe": Staffing(capacity=1, free=1),
    }
    offers = offers_for(other, second, first, staffing=staffing)
    assert [offer.session_id for offer in offers] == ["second"]


def test_offers_are_made_oldest_chat_first() -> None:
    waiting = [
        chat("drenthe", session_id="new", waited=timedelta(minutes=4)),
        chat("utrecht", session_id="old", waited=timedelta(minutes=8)),
        chat("zeeland", session_id="middle", waited=timedelta(minutes=6)),
    ]
    assert [offer.session_id for offer in offers_for(*waiting)] == ["old", "middle", "new"]


@pytest.mark.parametrize("offered_ago", [timedelta(0), timedelta(minutes=1, seconds=59)])
def test_a_chat_offered_less_than_the_reoffer_delay_ago_is_left_alone(
    offered_ago: timedelta,
) -> None:
    waiting = chat("utrecht", waited=timedelta(minutes=10), offer_round=1, offered_ago=offered_ago)
    assert offers_for(waiting) == []


@pytest.mark.parametrize(
    ("offer_round", "offered_ago", "expected_round", "expected_candidates"),
    [
        (1, timedelta(minutes=2), 2, tuple(UTRECHT_FALLBACK[:4])),
        (2, timedelta(minutes=5), 3, tuple(UTRECHT_FALLBACK)),
        (3, timedelta(minutes=2), 4, tuple(national("utrecht"))),
        # Already national: offered nationally again.
        (4, timedelta(minutes=2), 5, tuple(national("utrecht"))),
    ],
)
def test_after_the_reoffer_delay_the_next_wider_round_is_offered(
    offer_round: int,
    offered_ago: timedelta,
    expected_round: int,
    expected_candidates: tuple[str, ...],
) -> None:
    waiting = chat(
        "utrecht", waited=timedelta(minutes=12), offer_round=offer_round, offered_ago=offered_ago
    )
    [offer] = offers_for(waiting)
    assert offer.round == expected_round
    assert offer.previous_round == offer_round
    assert offer.candidates == expected_candidates


def test_rounds_whose_regions_are_all_closed_are_skipped() -> None:
    schedule = all_open_except("gooi-en-vechtstreek", "gelderland-midden")
    [offer] = offers_for(chat("utrecht"), schedule=schedule)
    assert offer.round == 2
    assert offer.previous_round == 0
    assert offer.candidates == ("hollands-midden", "amsterdam-amstelland")


def test_a_reoffer_skips_closed_rounds_and_keeps_the_round_it_came_from() -> None:
    schedule = open_only("drenthe", "zeeland", "zuid-limburg")
    waiting = chat("drenthe", offer_round=1, offered_ago=timedelta(minutes=3))
    [offer] = offers_for(waiting, schedule=schedule)
    # drenthe's neighbours 3 and 4 (round 2) are closed: straight to national.
    assert (offer.round, offer.previous_round) == (3, 1)
    assert offer.candidates == ("zeeland", "zuid-limburg")


@pytest.mark.parametrize(
    "schedule",
    [open_only(), open_only("utrecht")],
    ids=["everything-closed", "only-the-chats-own-region-open"],
)
def test_nothing_is_offered_when_no_other_region_is_open(schedule: FakeSchedule) -> None:
    assert offers_for(chat("utrecht"), chat("utrecht", session_id="s2"), schedule=schedule) == []


def test_the_shipped_schedule_offers_a_rota_regions_chat_past_its_own_rota() -> None:
    # Thursday: twente's queue is ijsselland's, and so are its first two neighbours.
    waiting = chat("twente", org="ijsselland")
    [offer] = offers_for(waiting, schedule=SHIPPED, now=THURSDAY)
    assert (offer.round, offer.candidates) == (2, ("drenthe",))


def test_the_shipped_schedule_on_a_saturday_offers_nationally_to_the_one_open_region() -> None:
    waiting = WaitingChat(
        session_id="s1",
        region="drenthe",
        org="drenthe",
        queued_at=SATURDAY - timedelta(minutes=5),
    )
    offers = due_offers(
        waiting=[waiting],
        staffing={},
        directory=DIRECTORY,
        schedule=SHIPPED,
        policy=POLICY,
        now=SATURDAY,
    )
    assert [(offer.round, offer.candidates) for offer in offers] == [(3, ("zuidoost-brabant",))]


# --- The national round comes right after the last neighbour, whatever the list length ---


def _lone_open_stranger(region: str) -> str:
    """The first organisation that is neither `region` nor one of its neighbours."""
    near = {region, *DIRECTORY.get(region).fallback}
    return next(org for org in ALL_IDS if org not in near)


@pytest.mark.parametrize("region", ALL_IDS)
def test_with_every_neighbour_closed_the_chat_is_offered_nationally(region: str) -> None:
    stranger = _lone_open_stranger(region)
    offers = offers_for(chat(region), schedule=open_only(region, stranger))
    national_round = math.ceil(len(DIRECTORY.get(region).fallback) / POLICY.widen_by) + 1
    assert [(offer.round, offer.candidates) for offer in offers] == [(national_round, (stranger,))]


def test_the_shipped_schedule_offers_utrechts_saturday_chat_to_zuidoost_brabant() -> None:
    # 21 Nov 2026 utrecht opens 10:00-14:00; its five neighbours are closed, and
    # zuidoost-brabant (open every day) is the only other region open.
    waiting = WaitingChat(
        session_id="s1",
        region="utrecht",
        org="utrecht",
        queued_at=UTRECHT_SATURDAY - timedelta(minutes=5),
    )
    offers = due_offers(
        waiting=[waiting],
        staffing={},
        directory=DIRECTORY,
        schedule=SHIPPED,
        policy=POLICY,
        now=UTRECHT_SATURDAY,
    )
    assert [(offer.round, offer.candidates) for offer in offers] == [(4, ("zuidoost-brabant",))]
