"""Mentoring groups' rules: a group's size, gathering a matching into groups within it (no
member twice), and placing further mentees into groups with free places fairly."""

from __future__ import annotations

import pytest

from bot.domain import groups as g
from bot.domain import matching as mt
from bot.domain.catalog import Form
from bot.domain.errors import InvalidInput

REASONS = mt.Reasons((), (), 0, False)


def pair(mentor: int, mentee: int, score: float = 1.0) -> mt.Pair:
    return mt.Pair(mentor, mentee, score, Form.PUPIL_PUPIL, REASONS)


def mentor(pid: int, grade: int = 11) -> mt.Person:
    return mt.Person(id=pid, user_id=1000 + pid, kind="pupil", grade=grade, capacity=1)


def mentee(pid: int, grade: int = 7, priority: bool = False, tags: frozenset[str] = frozenset()) -> mt.Person:
    return mt.Person(id=pid, user_id=1000 + pid, kind="pupil", grade=grade, tags=tags, priority=priority)


def test_limit_is_the_programmes_group_size_or_the_mentors_capacity() -> None:
    assert g.limit(3, None) == 3
    assert g.limit(3, 6) == 6
    assert g.limit(-1, None) == 0


def test_parse_size_checks_the_range_and_clears() -> None:
    assert g.parse_size(" 5 ") == 5
    assert g.parse_size("0") is None
    for bad in ("", "1", "31", "пять", "<b>4</b>", "🙈", "²", "9" * 5000):
        with pytest.raises(InvalidInput):
            g.parse_size(bad)


def test_gather_puts_a_mentors_mentees_into_one_group_within_its_free_places() -> None:
    rooms = {1: g.Room(1, size=3, group_id=None, members=1), 2: g.Room(2, size=2, group_id=77)}
    out = g.gather([pair(1, 10, 5), pair(1, 11, 9), pair(1, 12, 1), pair(2, 13)], rooms)
    by_mentor = {x.mentor: x for x in out.groups}
    assert [p.mentee for p in by_mentor[1].pairs] == [11, 10]  # 2 free places, best first
    assert by_mentor[1].group_id is None and by_mentor[2].group_id == 77  # an open group is joined
    assert [p.mentee for p in out.left] == [12]  # over the size: not in a group


def test_gather_never_puts_a_mentee_twice() -> None:
    rooms = {1: g.Room(1, 5), 2: g.Room(2, 5)}
    out = g.gather([pair(1, 10, 2), pair(2, 10, 3), pair(2, 11)], rooms)
    members = [p.mentee for x in out.groups for p in x.pairs]
    assert sorted(members) == [10, 11] and len(members) == len(set(members))
    assert next(x for x in out.groups if x.mentor == 2).pairs[0].mentee == 10  # the better score won


def test_place_fills_the_emptiest_compatible_group_first() -> None:
    mentors = [mentor(1), mentor(2)]
    rooms = {1: g.Room(1, size=4, members=3), 2: g.Room(2, size=4, members=1)}
    placed = g.place([mentee(10), mentee(11), mentee(12)], mentors, rooms, mt.Rules())
    where = {p.mentee: p.mentor for p in placed}
    # mentor 2 has 3 free places, mentor 1 one: 2 gets the first two, then they are level
    assert where[10] == 2 and where[11] == 2
    assert where[12] in (1, 2)
    counts = {m: sum(1 for x in where.values() if x == m) for m in (1, 2)}
    assert counts[1] + 3 <= 4 and counts[2] + 1 <= 4  # never over a group's size


def test_place_respects_the_rules_and_the_size() -> None:
    mentors = [mentor(1, grade=8)]
    rooms = {1: g.Room(1, size=2, members=1)}
    # an older mentee cannot be supported by a younger pupil; the group has one place
    placed = g.place([mentee(10, grade=9), mentee(11), mentee(12)], mentors, rooms, mt.Rules())
    assert [(p.mentor, p.mentee) for p in placed] == [(1, 11)]


def test_place_gives_priority_to_those_left_unmatched_before() -> None:
    mentors = [mentor(1)]
    rooms = {1: g.Room(1, size=1)}
    placed = g.place([mentee(10), mentee(11, priority=True)], mentors, rooms, mt.Rules())
    assert [p.mentee for p in placed] == [11]


def test_place_never_places_a_mentee_twice() -> None:
    mentors = [mentor(1), mentor(2)]
    rooms = {1: g.Room(1, size=3), 2: g.Room(2, size=3)}
    placed = g.place([mentee(10), mentee(10)], mentors, rooms, mt.Rules())
    assert [p.mentee for p in placed] == [10]


def test_excluded_pairs_are_not_placed() -> None:
    mentors = [mentor(1)]
    rooms = {1: g.Room(1, size=3)}
    rules = mt.Rules(excluded=frozenset({(1, 10)}))
    assert g.place([mentee(10)], mentors, rooms, rules) == []


def test_the_mentor_has_one_meeting_per_group_meeting() -> None:
    assert g.mentor_meeting(5, None) == 5
    assert {g.mentor_meeting(m, 5) for m in (5, 6, 7)} == {5}


def test_the_digest_counts_a_group_as_one_unit_and_check_ins_per_member() -> None:
    from datetime import date, datetime

    from bot.domain import digest as d

    t0 = datetime(2026, 10, 5, 9, 0)
    people = [d.SnapPerson(i, "mentor" if i < 3 else "mentee", f"P{i}", t0, "pupil") for i in range(1, 7)]
    pairs = [
        d.SnapPair(10, 1, 3, "active", "pp", t0, t0, group_id=7),  # group 7: mentor 1, members 3, 4, 5
        d.SnapPair(11, 1, 4, "active", "pp", t0, t0, group_id=7),
        d.SnapPair(12, 1, 5, "active", "pp", t0, t0, group_id=7),
        d.SnapPair(13, 2, 6, "active", "pp", t0, t0),  # a pair
    ]
    at = datetime(2026, 10, 6, 13, 0)
    meetings = [
        d.SnapMeeting(100, 10, at, "confirmed", group_meeting=100),
        d.SnapMeeting(101, 11, at, "confirmed", group_meeting=100),
        d.SnapMeeting(102, 12, at, "confirmed", group_meeting=100),
        d.SnapMeeting(103, 13, at, "confirmed"),
        d.SnapMeeting(104, 13, datetime(2026, 10, 8, 13, 0), "confirmed"),  # planned, not yet
    ]
    asked = datetime(2026, 10, 6, 14, 0)
    reflections = [
        d.SnapReflection(100, "mentor", "yes", 8, asked, asked),  # the mentor: once for the group
        d.SnapReflection(100, "mentee", "yes", 9, asked, asked),
        d.SnapReflection(101, "mentee", "yes", 4, asked, asked),
        d.SnapReflection(102, "mentee", None, None, asked, None),
        d.SnapReflection(103, "mentor", "yes", 7, asked, asked),
        d.SnapReflection(103, "mentee", "yes", 7, asked, asked),
    ]
    snap = d.Snapshot(date(2026, 9, 1), "weekly", people, pairs, meetings, reflections)
    f = d.figures(snap, datetime(2026, 10, 5), datetime(2026, 10, 7, 12, 0))
    assert f.active_pairs == 4 and f.groups == 1  # members are pairs; the group is one unit
    assert f.held == 2 and f.scheduled == 2 and f.expected == 2  # the group meeting once
    assert f.asked == {"mentor": 2, "mentee": 4} and f.answered == {"mentor": 2, "mentee": 3}
    assert f.ratings == 5  # satisfaction per member
    week = d.weeks(snap, datetime(2026, 10, 9))
    assert week[-1].held == 3  # the group meeting once, the pair's two (not 5)
