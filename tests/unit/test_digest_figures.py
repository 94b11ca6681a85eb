"""The digest pinned by hand-worked figures and each risk's boundary on both sides."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain import digest as d

T0 = datetime(2026, 9, 7, 10, 0)  # a Monday
DAY = timedelta(days=1)


def person(pid: int, role: str, kind: str | None = None, **kw: object) -> d.SnapPerson:
    return d.SnapPerson(pid, role, f"P{pid}", T0, kind, **kw)  # type: ignore[arg-type]


def snap(**kw: object) -> d.Snapshot:
    s = d.Snapshot(start=date(2026, 9, 7), cadence="weekly")
    s.people = [
        person(1, "mentor", "teacher", capacity=2),
        person(2, "mentee", "pupil"),
        person(3, "mentee", "yteacher"),
    ]
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def active(pid: int = 10, mentee: int = 2, started: datetime = T0, **kw: object) -> d.SnapPair:
    return d.SnapPair(pid, 1, mentee, "active", "pp", T0, started, **kw)  # type: ignore[arg-type]


def refl(
    mid: int,
    role: str,
    useful: int | None,
    asked: datetime,
    answered: datetime | None = None,
    happened: str | None = "yes",
) -> d.SnapReflection:
    return d.SnapReflection(mid, role, happened, useful, asked, answered)


def risks(s: d.Snapshot, now: datetime) -> dict[int, tuple[d.Risk, ...]]:
    return {a.pair.id: a.risks for a in d.attention(s, now)}


def test_no_meeting_from_the_start_exactly_fourteen_days() -> None:
    s = snap(pairs=[active()])
    assert risks(s, T0 + 14 * DAY - timedelta(seconds=1)) == {}
    [a] = d.attention(s, T0 + 14 * DAY)
    assert a.risks == (d.Risk.NO_MEETING,) and a.days_silent == 14
    assert d.attention(s, T0 + 20 * DAY)[0].days_silent == 20
    resting = snap(pairs=[active()], breaks=[(date(2026, 9, 27), date(2026, 9, 27))])
    assert risks(resting, datetime(2026, 9, 27, 12)) == {}
    assert risks(resting, datetime(2026, 9, 28, 0)) == {10: (d.Risk.NO_MEETING,)}


def test_a_meeting_now_is_held_unless_someone_says_no() -> None:
    m = d.SnapMeeting(5, 10, T0 + 10 * DAY, "confirmed")
    s = snap(pairs=[active()], meetings=[m])
    now = T0 + 10 * DAY
    assert risks(s, now + 13 * DAY) == {}  # counted from the meeting, not from the start
    assert d.attention(s, now + 14 * DAY)[0].days_silent == 14
    for said in ("no", "moved"):
        s.reflections = [refl(5, "mentee", None, now, now, happened=said)]
        assert risks(s, now + 13 * DAY) == {10: (d.Risk.NO_MEETING,)}
    s.meetings = [d.SnapMeeting(5, 10, T0 + 10 * DAY, "proposed")]
    s.reflections = []
    assert risks(s, now + 13 * DAY) == {10: (d.Risk.NO_MEETING,)}


def test_missing_check_ins_after_a_day_of_grace() -> None:
    m = d.SnapMeeting(5, 10, T0 + 1 * DAY, "confirmed")
    asked = T0 + 2 * DAY
    s = snap(
        pairs=[active()],
        meetings=[m],
        reflections=[refl(5, "mentor", None, asked), refl(5, "mentee", None, asked)],
    )
    assert risks(s, asked + DAY - timedelta(seconds=1)) == {}
    assert risks(s, asked + DAY) == {10: (d.Risk.MISSING,)}
    s.reflections[1] = refl(5, "mentee", 5, asked, asked)
    assert risks(s, asked + DAY) == {}  # one missing is not yet a risk


def held_with(mid: int, day: int, *useful: int) -> tuple[d.SnapMeeting, list[d.SnapReflection]]:
    when = T0 + day * DAY
    return d.SnapMeeting(mid, 10, when, "confirmed"), [
        refl(mid, role, u, when, when) for role, u in zip(("mentor", "mentee"), useful, strict=False)
    ]


def with_held(*items: tuple[d.SnapMeeting, list[d.SnapReflection]]) -> d.Snapshot:
    return snap(
        pairs=[active()], meetings=[m for m, _ in items], reflections=[r for _, rs in items for r in rs]
    )


def test_low_usefulness_is_four_or_less_of_the_last_meeting() -> None:
    now = T0 + 5 * DAY
    assert risks(with_held(held_with(1, 1, 3, 5)), now) == {10: (d.Risk.LOW,)}  # mean 4
    assert risks(with_held(held_with(1, 1, 4, 5)), now) == {}  # mean 4.5
    assert risks(with_held(held_with(1, 1, 2), held_with(2, 2, 9)), now) == {}


def test_falling_needs_three_and_a_drop_of_two() -> None:
    now = T0 + 5 * DAY
    assert risks(with_held(held_with(1, 1, 9), held_with(2, 2, 8), held_with(3, 3, 7)), now) == {
        10: (d.Risk.FALLING,)
    }
    assert risks(with_held(held_with(1, 1, 9), held_with(2, 2, 8), held_with(3, 3, 7, 8)), now) == {}  # 7.5
    assert risks(with_held(held_with(1, 1, 9), held_with(2, 2, 9), held_with(3, 3, 7)), now) == {}
    assert risks(with_held(held_with(2, 2, 8), held_with(3, 3, 6)), now) == {}
    assert d.falling([10, 9, 8]) and not d.falling([9, 8]) and not d.falling([8, 9, 7])
    assert d.falling([1, 10, 9, 7]) and not d.falling([10, 9, 8.5])


def test_disagreement_within_fourteen_days() -> None:
    now = T0 + 20 * DAY
    m = d.SnapMeeting(1, 10, now - 14 * DAY, "confirmed", disagreement="happened")
    s = snap(pairs=[active()], meetings=[m], reflections=[refl(1, "mentor", 8, m.starts_at, m.starts_at)])
    assert risks(s, now) == {10: (d.Risk.NO_MEETING, d.Risk.DISAGREE)}
    assert risks(s, now + timedelta(seconds=1)) == {10: (d.Risk.NO_MEETING,)}


def test_declined_and_expired_are_news_for_seven_days() -> None:
    ended = T0 + DAY
    for status, risk in (("declined", d.Risk.DECLINED), ("expired", d.Risk.EXPIRED)):
        p = d.SnapPair(20, 1, 3, status, "pp", T0, None, ended)
        assert risks(snap(pairs=[p]), ended + 7 * DAY) == {20: (risk,)}
        assert risks(snap(pairs=[p]), ended + 7 * DAY + timedelta(seconds=1)) == {}
        assert risks(snap(pairs=[p, active(mentee=3)]), ended + DAY) == {}  # the mentee has a pair again
        assert risks(snap(pairs=[d.SnapPair(20, 1, 3, status, "pp", T0)]), ended) == {}


def test_unreachable_and_over_capacity() -> None:
    s = snap(pairs=[active(10, 2), d.SnapPair(11, 1, 3, "proposed", "pp", T0)])
    assert risks(s, T0 + DAY) == {}  # two pairs for a capacity of two
    s.people[0] = person(1, "mentor", "teacher", capacity=1)
    assert risks(s, T0 + DAY) == {10: (d.Risk.OVER_CAPACITY,), 11: (d.Risk.OVER_CAPACITY,)}
    s.people[0] = person(1, "mentor", "teacher", capacity=0, unreachable=True)  # a capacity under one is one
    assert risks(s, T0 + DAY) == {
        10: (d.Risk.UNREACHABLE, d.Risk.OVER_CAPACITY),
        11: (d.Risk.UNREACHABLE, d.Risk.OVER_CAPACITY),
    }
    s.pairs = [active(10, 2)]
    s.people[0] = person(1, "mentor", "teacher", capacity=0)
    s.people[1] = person(2, "mentee", "pupil", unreachable=True)
    assert risks(s, T0 + DAY) == {10: (d.Risk.UNREACHABLE,)}
    s.pairs = [d.SnapPair(12, 1, 99, "active", "pp", T0, T0)]  # a person no longer in the programme
    assert d.attention(s, T0 + 30 * DAY) == []


def test_the_order_most_urgent_then_most_reasons_then_id() -> None:
    s = snap(
        people=[
            person(1, "mentor", capacity=5),
            person(2, "mentee"),
            person(3, "mentee"),
            person(4, "mentee", unreachable=True),
        ],
        pairs=[active(30, 2), active(20, 3), active(40, 4, started=T0 + 10 * DAY)],
        meetings=[d.SnapMeeting(1, 20, T0, "confirmed", disagreement="usefulness")],
    )
    got = d.attention(s, T0 + 14 * DAY)
    assert [(a.pair.id, a.risks) for a in got] == [
        (40, (d.Risk.UNREACHABLE,)),
        (20, (d.Risk.NO_MEETING, d.Risk.DISAGREE)),
        (30, (d.Risk.NO_MEETING,)),
    ]
    assert list(d.SEVERITY) == list(d.Risk) and d.SEVERITY[d.Risk.UNREACHABLE] == 0


def test_figures_of_a_week_by_hand() -> None:
    start, end = T0 + 7 * DAY, T0 + 14 * DAY
    s = snap(
        people=[
            person(1, "mentor"),
            person(2, "mentee", "pupil"),
            person(3, "mentee", "college"),
            person(4, "mentee", "yteacher"),
            d.SnapPerson(5, "mentor", "late", end),
        ],
        pairs=[
            active(10, 2),
            d.SnapPair(11, 1, 3, "ended", None, T0, T0, end),  # ended exactly at the week's end: counted
            d.SnapPair(12, 1, 4, "active", "tp", T0, T0),
            d.SnapPair(13, 1, 2, "ended", "pp", T0, T0, end - timedelta(seconds=1)),
            d.SnapPair(14, 1, 2, "active", "pp", T0, end),  # started at the end: not yet
            d.SnapPair(15, 1, 2, "proposed", "pp", T0, T0),
        ],
        meetings=[
            d.SnapMeeting(1, 10, start, "confirmed"),
            d.SnapMeeting(2, 10, end - timedelta(seconds=1), "confirmed"),
            d.SnapMeeting(3, 10, start + DAY, "confirmed"),
            d.SnapMeeting(4, 10, end, "confirmed"),
            d.SnapMeeting(5, 10, start + DAY, "cancelled"),
            d.SnapMeeting(6, 10, start - timedelta(seconds=1), "confirmed"),
        ],
        reflections=[
            refl(1, "mentor", 7, start, start + DAY),
            refl(1, "mentee", 6, start, None),
            refl(3, "mentee", 3, start + DAY, start + 2 * DAY, happened="no"),
            refl(2, "mentor", 10, end - DAY, end),  # answered after the week: asked in it, rated next week
            refl(6, "mentee", 9, start - DAY, start),  # asked before the week, rated in it
            refl(6, "mentor", None, start, start),
        ],
        pupils_total=8,
    )
    f = d.figures(s, start, end)
    assert (f.mentors, f.mentees, f.active_pairs) == (1, 3, 3)
    assert f.pairs_by_form == {"-": 1, "pp": 1, "tp": 1}
    assert (f.held, f.scheduled, f.expected) == (2, 3, 3)  # meeting 3 did not happen
    assert f.asked == {"mentor": 3, "mentee": 2} and f.answered == {"mentor": 3, "mentee": 1}
    assert f.response_rate("mentor") == 1.0 and f.response_rate("mentee") == 0.5
    assert f.response_rate("curator") is None
    assert f.ratings == 3 and f.usefulness_mean == (7 + 3 + 9) / 3 and f.usefulness_good == 2 / 3
    assert (f.covered, f.pupils_total, f.coverage) == (2, 8, 0.25)  # pupils and college students only
    assert not f.quiet
    s.covered_in_org = 6
    assert d.figures(s, start, end).coverage == 0.75
    s.cadence = "biweekly"
    assert d.figures(s, start, end).expected == 2  # 3 pairs × 7 / 14 = 1.5 → 2
    s.cadence = "monthly"
    assert d.figures(s, start, end).expected == 1  # 3 × 7 / 30 = 0.7
    s.cadence = "unknown"
    assert d.figures(s, start, end).expected == 3


def test_a_quiet_week() -> None:
    f = d.figures(snap(), T0, T0 + 7 * DAY)
    assert f.quiet and f.coverage is None and f.usefulness_mean is None and f.usefulness_good is None
    assert (f.mentors, f.mentees, f.ratings, f.covered) == (1, 2, 0, 0)
    only_asked = snap(reflections=[refl(1, "mentee", None, T0)])
    assert not d.figures(only_asked, T0, T0 + 7 * DAY).quiet
    only_scheduled = snap(meetings=[d.SnapMeeting(1, 10, T0 + DAY, "confirmed")])
    g = d.figures(only_scheduled, T0, T0 + 7 * DAY)
    assert not g.quiet and (g.scheduled, g.held) == (1, 1)
    assert not d.figures(snap(pairs=[active()]), T0, T0 + 7 * DAY).quiet


def test_weeks_by_hand() -> None:
    s = snap(
        meetings=[
            d.SnapMeeting(1, 10, T0, "confirmed"),
            d.SnapMeeting(2, 10, datetime(2026, 9, 14) - timedelta(seconds=1), "confirmed"),
            d.SnapMeeting(3, 10, datetime(2026, 9, 14), "confirmed"),
            d.SnapMeeting(4, 10, T0 + 8 * DAY, "confirmed"),
            d.SnapMeeting(5, 10, T0 - DAY, "confirmed"),
            d.SnapMeeting(6, 10, T0 + 15 * DAY, "confirmed"),
        ],
        reflections=[
            refl(1, "mentor", 8, T0, T0),
            refl(1, "mentee", None, T0),
            refl(2, "mentee", 5, T0, T0),
            refl(4, "mentee", 2, T0, T0, happened="no"),
        ],
    )
    now = T0 + 14 * DAY
    assert d.weeks(s, now) == [
        d.Week(1, date(2026, 9, 7), 2, 6.5),
        d.Week(2, date(2026, 9, 14), 1, None),
        d.Week(3, date(2026, 9, 21), 0, None),  # meeting 6 is still ahead
    ]
    assert d.weeks(s, datetime(2026, 9, 7)) == []
    assert d.weeks(s, datetime(2026, 9, 7, 0, 0, 1)) == [d.Week(1, date(2026, 9, 7), 0, None)]


def test_constants() -> None:
    assert (d.NO_MEETING_DAYS, d.MISSING_REFLECTIONS, d.LOW_USEFULNESS, d.GOOD_USEFULNESS) == (14, 2, 4, 7)
    assert (d.FALLING_DROP, d.RECENT_DAYS, d.COVERAGE_TARGET) == (2, 7, 0.70)
    assert {"pupil", "college"} == d.PUPIL_KINDS and d.CADENCE_DAYS == {
        "weekly": 7,
        "biweekly": 14,
        "monthly": 30,
    }


def test_edges_a_meeting_exactly_now_a_flat_step_a_new_proposal_a_stranger_first() -> None:
    now = T0 + 20 * DAY
    s = snap(pairs=[active()], meetings=[d.SnapMeeting(5, 10, now, "confirmed")])
    assert risks(s, now) == {}  # a confirmed meeting starting now counts as held
    assert risks(s, now - timedelta(seconds=1)) == {10: (d.Risk.NO_MEETING,)}  # not yet
    assert not d.falling([9, 7, 7]) and not d.falling([9, 9, 7])  # each step must be worse
    ended = T0 + DAY
    declined = d.SnapPair(20, 1, 3, "declined", "pp", T0, None, ended)
    proposed = d.SnapPair(21, 1, 3, "proposed", "pp", T0 + DAY)
    assert risks(snap(pairs=[declined, proposed]), ended + DAY) == {}  # a new proposal is on its way
    stranger = d.SnapPair(12, 1, 99, "active", "pp", T0, T0)  # a person no longer in the programme
    assert risks(snap(pairs=[stranger, declined]), ended + DAY) == {20: (d.Risk.DECLINED,)}


def test_pairs_of_one_form_add_up_and_a_week_ends_before_its_end() -> None:
    start, end = T0 + 7 * DAY, T0 + 14 * DAY
    s = snap(
        pairs=[active(10 + i, 2 + i) for i in range(4)],
        reflections=[refl(5, "mentee", None, end), refl(6, "mentor", None, end - timedelta(seconds=1))],
    )
    f = d.figures(s, start, end)
    assert (f.pairs_by_form, f.active_pairs, f.expected) == ({"pp": 4}, 4, 4)  # weekly: one a week each
    assert f.asked == {"mentor": 1}  # asked at the very end: next week's
