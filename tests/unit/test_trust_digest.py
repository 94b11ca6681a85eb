"""A pair ended because a side asked to be forgotten is news for the curators for a week;
the erased person is never counted."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain import digest as d

NOW = datetime(2026, 10, 5, 6, 0)
START = datetime(2026, 9, 7, 10, 0)


def snap(ended_at: datetime) -> d.Snapshot:
    s = d.Snapshot(start=date(2026, 9, 1), cadence="weekly")
    s.people = [
        d.SnapPerson(1, "mentor", "Анна", START, "teacher"),
        d.SnapPerson(2, "mentee", "Удалённый участник", START, None, left=True),
    ]
    s.pairs = [d.SnapPair(10, 1, 2, "ended", "pp", START, START, ended_at, d.LEFT_REASON)]
    return s


def test_a_pair_a_side_left_needs_a_human_for_a_week() -> None:
    [item] = d.attention(snap(NOW - timedelta(days=1)), NOW)
    assert item.risks == (d.Risk.LEFT,)
    assert d.attention(snap(NOW - timedelta(days=8)), NOW) == []


def test_the_erased_person_is_not_counted() -> None:
    figures = d.figures(snap(NOW - timedelta(days=1)), NOW - timedelta(days=7), NOW)
    assert figures.mentors == 1 and figures.mentees == 0


def test_initials_show_no_name() -> None:
    assert d.initials("Снежана Уникальнова") == "С. У."
    assert d.initials("  анна  ") == "а."
    assert d.initials("") == "—"


def test_outsiders_are_more_members_than_curators() -> None:
    assert d.outsiders(3, 1) and not d.outsiders(1, 1) and not d.outsiders(None, 1)
