"""Meetings' rules pinned: each boundary on both sides, the key of each refusal, whole outputs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain import meetings as mr
from bot.domain.errors import InvalidInput

NOW = datetime(2026, 11, 22, 12, 0)  # local


def refused(key: str, fn: object, *args: object) -> None:
    with pytest.raises(InvalidInput) as err:
        fn(*args)  # type: ignore[operator]
    assert err.value.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.11.26 16:30", datetime(2026, 11, 25, 16, 30)),  # a two-digit year is this century
        ("25.11.2027 16:30", datetime(2027, 11, 25, 16, 30)),
        ("25/11 в 16.30", datetime(2026, 11, 25, 16, 30)),
        ("21.11 12:00", datetime(2026, 11, 21, 12, 0)),  # exactly a day ago: still this year
        ("21.11 11:59", datetime(2027, 11, 21, 11, 59)),  # more than a day ago: next year
        ("01.10.2026 10:00", datetime(2026, 10, 1, 10, 0)),  # a year typed is kept, even past
        ("сегодня 18:00", datetime(2026, 11, 22, 18, 0)),
        ("TODAY 18:00", datetime(2026, 11, 22, 18, 0)),
        ("послезавтра в 7.15", datetime(2026, 11, 24, 7, 15)),
    ],
)
def test_when_forms(text: str, expected: datetime) -> None:
    assert mr.parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    "text", [None, "", "32.11 10:00", "25.13 10:00", "завтра 24:00", "вчера 10:00", "25.11"]
)
def test_when_refusals_say_when_invalid(text: str | None) -> None:
    refused("meet.when.invalid", mr.parse_when, text, NOW)


def test_time_of_a_picked_day() -> None:
    day = date(2026, 11, 25)
    assert mr.parse_time("9:05", day) == datetime(2026, 11, 25, 9, 5)
    assert mr.parse_time(" 23.59 ", day) == datetime(2026, 11, 25, 23, 59)
    for bad in (None, "", "9", "завтра 9:00", "9:5"):
        refused("meet.time.invalid", mr.parse_time, bad, day)
    with pytest.raises(InvalidInput):
        mr.parse_time("24:00", day)


def test_check_when_boundaries() -> None:
    assert timedelta(minutes=10) == mr.MIN_LEAD and timedelta(days=366) == mr.MAX_AHEAD
    assert mr.check_when(NOW + mr.MIN_LEAD, NOW) == NOW + mr.MIN_LEAD  # exactly ten minutes ahead
    refused("meet.when.past", mr.check_when, NOW + mr.MIN_LEAD - timedelta(seconds=1), NOW)
    refused("meet.when.past", mr.check_when, NOW, NOW)  # starting exactly now
    assert mr.check_when(NOW + mr.MAX_AHEAD, NOW) == NOW + mr.MAX_AHEAD
    refused("meet.when.too_far", mr.check_when, NOW + mr.MAX_AHEAD + timedelta(seconds=1), NOW)


def test_timezones_both_ways_and_naive() -> None:
    utc = mr.to_utc(datetime(2026, 11, 25, 16, 30), "Europe/Moscow")
    assert utc == datetime(2026, 11, 25, 13, 30) and utc.tzinfo is None
    local = mr.to_local(datetime(2026, 11, 25, 13, 30), "Europe/Moscow")
    assert local == datetime(2026, 11, 25, 16, 30) and local.tzinfo is None
    assert mr.to_local(datetime(2026, 7, 1, 0, 0), "UTC") == datetime(2026, 7, 1, 0, 0)


def test_final_meeting_window() -> None:
    end = date(2027, 5, 31)
    assert mr.next_kind(3, end - timedelta(days=14), end) is mr.Kind.FINAL
    assert mr.next_kind(3, end - timedelta(days=15), end) is mr.Kind.REGULAR
    assert mr.next_kind(2, end - timedelta(days=1), end) is mr.Kind.PLANNING  # the sequence comes first
    assert mr.next_kind(0, end, end) is mr.Kind.INTRO


def test_breaks_include_both_ends() -> None:
    breaks = [(date(2026, 12, 28), date(2027, 1, 10)), (date(2027, 3, 1), date(2027, 3, 7))]
    assert mr.in_break(date(2026, 12, 28), breaks) and mr.in_break(date(2027, 1, 10), breaks)
    assert not mr.in_break(date(2026, 12, 27), breaks)
    assert mr.in_break(date(2027, 3, 7), breaks) and not mr.in_break(date(2027, 3, 8), breaks)
    assert not mr.in_break(date(2027, 1, 1), [])


def test_nudges_with_other_periods() -> None:
    start = datetime(2026, 10, 1)
    assert mr.nudge_bucket(start, start + timedelta(days=7), days=7) == 1
    assert mr.nudge_bucket(start, start + timedelta(days=7) - timedelta(seconds=1), days=7) is None


def test_weekly_limits() -> None:
    first = datetime(2026, 12, 1, 15, 0)
    assert mr.weekly(first, date(2026, 12, 1)) == [first]  # the last day counts
    assert mr.weekly(first, date(2026, 11, 30)) == []
    assert mr.weekly(first, date(2027, 12, 31), limit=3) == [first + timedelta(days=7 * i) for i in range(3)]
    assert len(mr.weekly(first, date(2030, 1, 1))) == 60


def test_no_checkin_for_a_cancelled_meeting() -> None:
    m = mr.Meeting(
        1, 1, mr.Kind.INTRO, datetime(2026, 11, 25, 13, 0), False, None, mr.MeetingStatus.CANCELLED, 1
    )
    assert not mr.checkin_due(m, datetime(2026, 11, 26))


def test_disagreement_at_the_threshold() -> None:
    assert mr.disagreement("no", "yes", 5, 5) == "happened"
    assert mr.disagreement("yes", "yes", 1, 5) == "usefulness"  # four points apart
    assert mr.disagreement("yes", "yes", 2, 5) is None
    assert mr.disagreement(None, "no", 1, 10) == "usefulness"
    assert mr.disagreement("no", "no", 3, None) is None


def test_the_whole_ics() -> None:
    m = mr.Meeting(
        42,
        7,
        mr.Kind.TRIAL,
        datetime(2026, 11, 25, 13, 5, 9),
        False,
        "Каб. 12, 3 этаж",
        mr.MeetingStatus.CONFIRMED,
        1,
        duration_min=90,
    )
    text = mr.ics(m, "Пробная; встреча", "Алиса,\nАртём \\ Мария", uid_host="example.org")
    assert text.split("\r\n") == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Nastavnik//RU",
        "BEGIN:VEVENT",
        "UID:meeting-42@example.org",
        "DTSTAMP:20261125T130509Z",
        "DTSTART:20261125T130509Z",
        "DTEND:20261125T143509Z",
        "SUMMARY:Пробная\\; встреча",
        "DESCRIPTION:Алиса\\,\\nАртём \\\\ Мария",
        "LOCATION:Каб. 12\\, 3 этаж",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    online = mr.Meeting(
        1, 1, mr.Kind.INTRO, datetime(2026, 1, 2, 3, 4), True, None, mr.MeetingStatus.CONFIRMED, 1
    )
    text = mr.ics(online, "t", "d")
    assert "UID:meeting-1@nastavnik.bot\r\n" in text and "LOCATION" not in text
    assert "DTEND:20260102T040400Z\r\n" in text  # an hour by default
