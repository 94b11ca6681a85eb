"""The digest's rules and the questionnaires' rules, as plain functions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain import digest as d
from bot.domain import surveys as s
from bot.domain.errors import InvalidInput

NOW = datetime(2026, 10, 5, 6, 0)
START = datetime(2026, 9, 7, 10, 0)


def snapshot(**kw: object) -> d.Snapshot:
    snap = d.Snapshot(start=date(2026, 9, 1), cadence="weekly")
    snap.people = [
        d.SnapPerson(1, "mentor", "Анна", START, "teacher", capacity=1),
        d.SnapPerson(2, "mentee", "Алиса", START, "pupil"),
        d.SnapPerson(3, "mentee", "Борис", START, "pupil"),
    ]
    for key, value in kw.items():
        setattr(snap, key, value)
    return snap


def pair(pid: int = 10, mentee: int = 2, status: str = "active", **kw: object) -> d.SnapPair:
    return d.SnapPair(pid, 1, mentee, status, "pp", START, START if status == "active" else None, **kw)  # type: ignore[arg-type]


def held(
    mid: int, when: datetime, useful: tuple[int | None, int | None], pid: int = 10
) -> tuple[d.SnapMeeting, list[d.SnapReflection]]:
    m = d.SnapMeeting(mid, pid, when, "confirmed")
    asked = when + timedelta(hours=2)
    refl = [
        d.SnapReflection(
            mid,
            role,
            "yes" if v is not None else None,
            v,
            asked,
            asked + timedelta(hours=1) if v is not None else None,
        )
        for role, v in zip(("mentor", "mentee"), useful, strict=True)
    ]
    return m, refl


def with_meetings(*items: tuple[d.SnapMeeting, list[d.SnapReflection]], **kw: object) -> d.Snapshot:
    return snapshot(
        pairs=kw.pop("pairs", [pair()]),
        meetings=[m for m, _ in items],
        reflections=[r for _, rs in items for r in rs],
        **kw,
    )


def test_a_pair_that_meets_and_answers_needs_nobody() -> None:
    snap = with_meetings(*(held(i, NOW - timedelta(days=7 * i + 1), (8, 9)) for i in range(4)))
    assert d.attention(snap, NOW) == []


def test_fourteen_days_without_a_meeting_counts_from_the_last_held_one() -> None:
    snap = with_meetings(held(1, NOW - timedelta(days=14), (8, 8)))
    (a,) = d.attention(snap, NOW)
    assert a.risks == (d.Risk.NO_MEETING,) and a.days_silent == 14
    assert d.attention(with_meetings(held(1, NOW - timedelta(days=13, hours=23), (8, 8))), NOW) == []


def test_a_meeting_that_did_not_happen_is_not_a_meeting() -> None:
    m, refl = held(1, NOW - timedelta(days=2), (None, None))
    refl[0] = d.SnapReflection(1, "mentor", "no", None, refl[0].asked_at, refl[0].asked_at)
    snap = with_meetings(held(0, NOW - timedelta(days=20), (8, 8)), (m, refl))
    assert d.Risk.NO_MEETING in d.attention(snap, NOW)[0].risks


def test_no_nudge_during_a_break() -> None:
    snap = with_meetings(
        held(1, NOW - timedelta(days=20), (8, 8)), breaks=[(date(2026, 10, 1), date(2026, 10, 10))]
    )
    assert d.attention(snap, NOW) == []


def test_two_unanswered_check_ins_but_not_fresh_ones() -> None:
    snap = with_meetings(
        held(1, NOW - timedelta(days=3), (None, 8)), held(2, NOW - timedelta(days=2), (8, None))
    )
    assert d.attention(snap, NOW)[0].risks == (d.Risk.MISSING,)
    fresh = with_meetings(
        held(1, NOW - timedelta(days=3), (None, 8)), held(2, NOW - timedelta(hours=5), (None, None))
    )
    assert d.attention(fresh, NOW) == []  # asked 3 h ago: not missing yet


def test_low_usefulness_and_a_falling_trend() -> None:
    low = with_meetings(held(1, NOW - timedelta(days=3), (4, 4)))
    assert d.attention(low, NOW)[0].risks == (d.Risk.LOW,)
    falling = with_meetings(
        held(1, NOW - timedelta(days=17), (9, 9)),
        held(2, NOW - timedelta(days=10), (8, 7)),
        held(3, NOW - timedelta(days=3), (6, 7)),
    )
    assert d.attention(falling, NOW)[0].risks == (d.Risk.FALLING,)
    assert not d.falling([9, 8.5, 8]) and d.falling([9, 8, 7]) and not d.falling([7, 9])


def test_disagreement_expired_declined_unreachable_over_capacity() -> None:
    m = d.SnapMeeting(1, 10, NOW - timedelta(days=3), "confirmed", disagreement="happened")
    snap = snapshot(
        pairs=[pair(), pair(11, 3, "declined", ended_at=NOW - timedelta(days=2))],
        meetings=[m],
        reflections=[],
    )
    found = {a.pair.id: a.risks for a in d.attention(snap, NOW)}
    assert found[10] == (d.Risk.DISAGREE,)
    assert found[11] == (d.Risk.DECLINED,)
    old = snapshot(pairs=[pair(11, 3, "expired", ended_at=NOW - timedelta(days=9))])
    assert d.attention(old, NOW) == []  # news for a week only
    blocked = snapshot(pairs=[pair(), pair(12, 3, "proposed")])
    blocked.people[1] = d.SnapPerson(2, "mentee", "Алиса", START, "pupil", unreachable=True)
    risks = {a.pair.id: a.risks for a in d.attention(blocked, NOW)}
    assert risks[10][0] is d.Risk.UNREACHABLE and d.Risk.OVER_CAPACITY in risks[10]
    assert risks[12] == (d.Risk.OVER_CAPACITY,)


def test_the_most_urgent_come_first() -> None:
    snap = with_meetings(
        held(1, NOW - timedelta(days=3), (3, 3)),
        held(2, NOW - timedelta(days=30), (8, 8), pid=11),
        pairs=[pair(), pair(11, 3)],
    )
    assert [a.pair.id for a in d.attention(snap, NOW)] == [11, 10]


def test_figures_of_a_week_and_of_the_week_before() -> None:
    snap = with_meetings(
        held(1, NOW - timedelta(days=3), (8, None)),
        held(2, NOW - timedelta(days=10), (6, 4)),
        pupils_total=4,
    )
    f = d.figures(snap, NOW - timedelta(days=7), NOW)
    assert (f.mentors, f.mentees, f.active_pairs, f.pairs_by_form) == (1, 2, 1, {"pp": 1})
    assert (f.held, f.scheduled, f.expected) == (1, 1, 1)
    assert f.response_rate("mentor") == 1 and f.response_rate("mentee") == 0
    assert f.usefulness_mean == 8 and f.usefulness_good == 1
    assert f.coverage == 0.25 and not f.quiet
    before = d.figures(snap, NOW - timedelta(days=14), NOW - timedelta(days=7))
    assert before.usefulness_mean == 5 and before.usefulness_good == 0
    empty = d.figures(snapshot(), NOW - timedelta(days=7), NOW)
    assert empty.quiet and empty.usefulness_mean is None and empty.response_rate("mentor") is None


def test_weeks_for_the_chart() -> None:
    snap = with_meetings(
        held(1, datetime(2026, 9, 2, 12), (8, 6)), held(2, datetime(2026, 9, 16, 12), (9, 9))
    )
    weeks = d.weeks(snap, datetime(2026, 9, 20))
    assert [(w.number, w.held, w.usefulness) for w in weeks] == [(1, 1, 7.0), (2, 0, None), (3, 1, 9.0)]


def test_the_digest_moment_in_local_time() -> None:
    from zoneinfo import ZoneInfo

    msk = ZoneInfo("Europe/Moscow")
    assert not d.due(datetime(2026, 10, 5, 8, 59, tzinfo=msk), 0, 9)
    assert d.due(datetime(2026, 10, 5, 9, 0, tzinfo=msk), 0, 9)
    assert d.due(datetime(2026, 10, 7, 15, 0, tzinfo=msk), 0, 9)  # after downtime, the same week
    assert not d.due(datetime(2026, 10, 6, 9, 0, tzinfo=msk), 2, 9)  # Wednesday's not yet
    assert d.week_key(datetime(2026, 10, 5, tzinfo=msk)) == "2026w41"


# --- questionnaires ------------------------------------------------------------------------


def test_every_role_gets_the_models_items() -> None:
    mentee = [i.code for i in s.BANK if "mentee" in i.roles]
    mentor = [i.code for i in s.BANK if "mentor" in i.roles]
    assert len(mentee) == 33 and len(mentor) == 28  # the catalog: every moment and form together
    assert "expect_clear" in mentee and "engagement" in mentor and "become_mentor" not in mentor


def test_answers_are_checked() -> None:
    assert s.parse(s.ItemKind.SCALE, "7") == 7
    for bad in ("0", "11", "семь", "", None):
        with pytest.raises(InvalidInput):
            s.parse(s.ItemKind.SCALE, bad)
    assert s.parse(s.ItemKind.YESNO, "y") == "y"
    with pytest.raises(InvalidInput):
        s.parse(s.ItemKind.YESNO, "maybe")
    assert s.parse(s.ItemKind.OPEN, "  <b>ещё</b> 🙂 ") == "<b>ещё</b> 🙂"
    assert s.parse(s.ItemKind.OPEN, None, skip=True) is None
    with pytest.raises(InvalidInput):
        s.parse(s.ItemKind.OPEN, "x" * 5000)
    with pytest.raises(InvalidInput):
        s.parse(s.ItemKind.SCALE, None, skip=True)


def items() -> list[s.Item]:
    return [
        s.Item(1, "mentee", s.ItemKind.SCALE, "Польза", "effect"),
        s.Item(2, "mentee", s.ItemKind.YESNO, "Продолжить?", "continue"),
        s.Item(3, "mentee", s.ItemKind.OPEN, "Чего не хватило?", "missing"),
        s.Item(4, "mentee", s.ItemKind.SCALE, "План", "planned"),
    ]


def response(rid: int, form: str, answers: dict[str, int | str | None], done: bool = True) -> s.Response:
    return s.Response(rid, rid, "mentee", form, (1, 2, 3, 4), answers, done)


def test_results_per_form_with_grouped_open_answers_and_swot() -> None:
    res = s.results(
        items(),
        [
            response(1, "pp", {"1": 9, "2": "y", "3": "Встреч", "4": 5}),
            response(2, "pp", {"1": 8, "2": "n", "3": "встреч", "4": 4}),
            response(3, "tt", {"1": 10}),
            response(4, "tt", {}, done=False),  # nothing answered: not counted
        ],
    )
    assert [(g.form, g.responses) for g in res] == [("pp", 2), ("tt", 1)]
    pp = {r.item.id: r for r in res[0].items}
    assert pp[1].mean == 8.5 and pp[1].distribution == {8: 1, 9: 1}
    assert (pp[2].yes, pp[2].no) == (1, 1)
    assert pp[3].texts == ["Встреч (×2)"]
    assert s.next_item(response(5, "pp", {"1": 9, "2": "y"})) == 3
    sw = s.swot(res)
    assert [x for x, _ in sw.strengths] == ["Польза"] and [x for x, _ in sw.weaknesses] == ["План"]
    assert sw.wishes == ["Встреч (×2)"]


def test_entry_versus_final() -> None:
    entry = s.results(items(), [response(1, "pp", {"1": 5, "4": 5})])
    final = s.results(items(), [response(2, "pp", {"1": 8, "4": 4})])
    changes = {c.item.id: c.delta for c in s.compare(entry, final)}
    assert changes == {1: 3.0, 4: -1.0}


# --- the pair's plan -----------------------------------------------------------------------


def test_plan_items_with_and_without_due_dates() -> None:
    from bot.domain import plans as p

    today = date(2026, 11, 22)
    assert p.parse_item("Разобрать задачи до 15.12", today) == ("Разобрать задачи", date(2026, 12, 15))
    assert p.parse_item("Прочитать главу 3 10.01", today) == ("Прочитать главу 3", date(2027, 1, 10))
    assert p.parse_item("Доклад by 01.03.2027", today) == ("Доклад", date(2027, 3, 1))
    assert p.parse_item("  Просто   шаг 🙂 ", today) == ("Просто шаг 🙂", None)
    for bad in ("", "до 15.12", "Шаг до 31.02", "x" * 201):
        with pytest.raises(InvalidInput):
            p.parse_item(bad, today)
    assert p.clean_goal(" Олимпиада <b>по</b> математике ") == "Олимпиада <b>по</b> математике"
    full = p.Plan(1, "Цель", tuple(p.PlanItem(i, "шаг", None) for i in range(p.MAX_ITEMS)))
    with pytest.raises(InvalidInput):
        p.check_room(full)


def test_a_pair_with_a_side_on_a_pause_is_not_silent_while_it_lasts() -> None:
    back = NOW.date() + timedelta(days=10)
    resting = [
        d.SnapPerson(1, "mentor", "Анна", START, "teacher"),
        d.SnapPerson(2, "mentee", "Алиса", START, "pupil", paused_until=back),
    ]
    unanswered = held(2, NOW - timedelta(days=16), (None, None))
    snap = with_meetings(held(1, NOW - timedelta(days=20), (8, 8)), unanswered, people=resting)
    assert d.attention(snap, NOW) == []  # no «нет встреч», no missed check-ins
    assert d.attention(snap, datetime.combine(back, NOW.time())) != []  # the pause is over: it is
    low = with_meetings(held(1, NOW - timedelta(days=3), (2, 3)), people=resting)
    assert d.attention(low, NOW)[0].risks == (d.Risk.LOW,)  # how it went still counts


def test_the_weeks_figures_count_who_is_on_a_pause_and_expect_no_meeting_of_their_pair() -> None:
    people = [
        d.SnapPerson(1, "mentor", "Анна", START, "teacher", capacity=2),
        d.SnapPerson(2, "mentee", "Алиса", START, "pupil", paused_until=NOW.date() + timedelta(days=3)),
        d.SnapPerson(3, "mentee", "Борис", START, "pupil", paused_until=NOW.date() + timedelta(days=9)),
        d.SnapPerson(4, "mentee", "Вера", START, "pupil", paused_until=NOW.date()),  # back today
    ]
    pairs = [pair(10, 2), pair(11, 3), pair(12, 4)]
    f = d.figures(snapshot(people=people, pairs=pairs), NOW - timedelta(days=7), NOW)
    assert (f.paused, f.paused_until) == (2, NOW.date() + timedelta(days=9))
    assert f.mentees == 3 and f.active_pairs == 3 and f.expected == 1  # only Вера's pair is expected
    nobody = d.figures(snapshot(pairs=pairs[:1]), NOW - timedelta(days=7), NOW)
    assert (nobody.paused, nobody.paused_until, nobody.expected) == (0, None, 1)
