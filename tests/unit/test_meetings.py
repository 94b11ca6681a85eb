from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain import meetings as mr
from bot.domain.errors import InvalidInput

NOW = datetime(2026, 11, 22, 12, 0)  # local time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.11 16:30", datetime(2026, 11, 25, 16, 30)),
        ("25.11.2026 16:30", datetime(2026, 11, 25, 16, 30)),
        ("завтра 15:00", datetime(2026, 11, 23, 15, 0)),
        ("Завтра в 9.05", datetime(2026, 11, 23, 9, 5)),
        ("tomorrow at 15:00", datetime(2026, 11, 23, 15, 0)),
        ("15.01 10:00", datetime(2027, 1, 15, 10, 0)),
        ("послезавтра 8:00", datetime(2026, 11, 24, 8, 0)),
    ],
)
def test_times_as_people_type_them(text: str, expected: datetime) -> None:
    assert mr.parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    "text", ["", "когда-нибудь", "31.02 10:00", "25.11 25:00", "вчера 10:00", "<b>", "🙂"]
)
def test_bad_times(text: str) -> None:
    with pytest.raises(InvalidInput):
        mr.parse_when(text, NOW)


def test_times_must_be_ahead_and_not_too_far() -> None:
    with pytest.raises(InvalidInput) as err:
        mr.check_when(NOW + timedelta(minutes=5), NOW)
    assert err.value.key == "meet.when.past"
    with pytest.raises(InvalidInput):
        mr.check_when(NOW + timedelta(days=400), NOW)


def test_timezones() -> None:
    assert mr.to_utc(datetime(2026, 11, 25, 16, 30), "Europe/Moscow") == datetime(2026, 11, 25, 13, 30)
    assert mr.to_local(datetime(2026, 11, 25, 13, 30), "Asia/Vladivostok") == datetime(2026, 11, 25, 23, 30)


def test_the_sequence_of_meetings() -> None:
    end = date(2027, 5, 31)
    kinds = [mr.next_kind(n, date(2026, 10, 1), end) for n in range(5)]
    assert kinds == [mr.Kind.INTRO, mr.Kind.TRIAL, mr.Kind.PLANNING, mr.Kind.REGULAR, mr.Kind.REGULAR]
    assert mr.next_kind(6, date(2027, 5, 20), end) is mr.Kind.FINAL


def meeting(starts: datetime, status: mr.MeetingStatus = mr.MeetingStatus.CONFIRMED) -> mr.Meeting:
    return mr.Meeting(1, 1, mr.Kind.INTRO, starts, False, None, status, 1)


def test_reminders_are_due_while_the_meeting_is_ahead() -> None:
    m = meeting(datetime(2026, 11, 25, 13, 0))
    assert mr.reminders_due(m, datetime(2026, 11, 24, 12, 0)) == []
    assert mr.reminders_due(m, datetime(2026, 11, 24, 13, 0)) == [timedelta(hours=24)]
    assert mr.reminders_due(m, datetime(2026, 11, 25, 12, 30)) == [timedelta(hours=24), timedelta(hours=1)]
    assert mr.reminders_due(m, datetime(2026, 11, 25, 13, 0)) == []  # passed during downtime: dropped
    assert (
        mr.reminders_due(meeting(m.starts_at, mr.MeetingStatus.PROPOSED), datetime(2026, 11, 25, 12, 30))
        == []
    )
    assert not mr.checkin_due(m, datetime(2026, 11, 25, 13, 59))
    assert mr.checkin_due(m, datetime(2026, 11, 25, 14, 0))


def test_disagreement() -> None:
    assert mr.disagreement("yes", "no", None, None) == "happened"
    assert mr.disagreement("yes", "yes", 9, 5) == "usefulness"
    assert mr.disagreement("yes", "yes", 9, 6) is None
    assert mr.disagreement("yes", None, 9, None) is None


def test_breaks_and_nudges() -> None:
    breaks = [(date(2026, 12, 28), date(2027, 1, 10))]
    assert mr.in_break(date(2027, 1, 1), breaks) and not mr.in_break(date(2027, 1, 11), breaks)
    start = datetime(2026, 10, 1)
    assert mr.nudge_bucket(start, start + timedelta(days=13)) is None
    assert mr.nudge_bucket(start, start + timedelta(days=14)) == 1
    assert mr.nudge_bucket(start, start + timedelta(days=27)) == 1
    assert mr.nudge_bucket(start, start + timedelta(days=28)) == 2


def test_weekly_and_ics() -> None:
    series = mr.weekly(datetime(2026, 12, 1, 15, 0), date(2026, 12, 31))
    assert [d.day for d in series] == [1, 8, 15, 22, 29]
    text = mr.ics(meeting(datetime(2026, 11, 25, 13, 0)), "Встреча; знакомство", "Алиса, Артём")
    assert "DTSTART:20261125T130000Z" in text and "SUMMARY:Встреча\\; знакомство" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
