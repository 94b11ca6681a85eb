"""Meetings' rules pinned: boundaries on both sides, refusal keys, the whole .ics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain import meetings as mr
from bot.domain.errors import InvalidInput

NOW = datetime(2026, 11, 22, 12, 0)


def refusal(fn: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        fn(*args)  # type: ignore[operator]
    return err.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.11.26 16:30", datetime(2026, 11, 25, 16, 30)),  # a two-digit year
        ("25.11.2027 в 16:30", datetime(2027, 11, 25, 16, 30)),
        ("21.11 12:00", datetime(2026, 11, 21, 12, 0)),  # a day ago exactly: still this year
        ("21.11 11:59", datetime(2027, 11, 21, 11, 59)),  # more than a day ago: next year
        ("21.11.2026 11:59", datetime(2026, 11, 21, 11, 59)),  # a written year is kept
        ("сегодня 18:00", datetime(2026, 11, 22, 18, 0)),
        ("Today at 7.30", datetime(2026, 11, 22, 7, 30)),
        ("TOMORROW 15:00", datetime(2026, 11, 23, 15, 0)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert mr.parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", [None, "", "вчера 10:00", "31.02 10:00", "завтра 24:00", "25.11"])
def test_parse_when_refuses_with_its_key(text: str | None) -> None:
    assert refusal(mr.parse_when, text, NOW).key == "meet.when.invalid"


def test_parse_time() -> None:
    day = date(2026, 11, 25)
    assert mr.parse_time("16:30", day) == datetime(2026, 11, 25, 16, 30)
    assert mr.parse_time(" 9.05 ", day) == datetime(2026, 11, 25, 9, 5)
    assert refusal(mr.parse_time, "завтра", day).key == "meet.time.invalid"
    assert refusal(mr.parse_time, None, day).key == "meet.time.invalid"
    assert refusal(mr.parse_time, "25:00", day).key == "meet.when.invalid"


def test_check_when_boundaries() -> None:
    lead = NOW + timedelta(minutes=10)
    assert mr.check_when(lead, NOW) == lead  # exactly MIN_LEAD ahead is fine
    assert refusal(mr.check_when, lead - timedelta(seconds=1), NOW).key == "meet.when.past"
    far = NOW + timedelta(days=366)
    assert mr.check_when(far, NOW) == far
    assert refusal(mr.check_when, far + timedelta(seconds=1), NOW).key == "meet.when.too_far"


END = date(2027, 5, 31)


def test_next_kind_final_window_both_sides() -> None:
    assert mr.next_kind(3, END - timedelta(days=14), END) is mr.Kind.FINAL
    assert mr.next_kind(3, END - timedelta(days=15), END) is mr.Kind.REGULAR
    assert mr.next_kind(2, END - timedelta(days=1), END) is mr.Kind.PLANNING  # the sequence first
    assert mr.next_kind(0, END, END) is mr.Kind.INTRO


def meeting(starts: datetime, **kw: object) -> mr.Meeting:
    fields: dict[str, object] = {
        "id": 9,
        "pair_id": 1,
        "kind": mr.Kind.INTRO,
        "starts_at": starts,
        "online": False,
        "place": None,
        "status": mr.MeetingStatus.CONFIRMED,
        "proposed_by": 1,
    }
    return mr.Meeting(**{**fields, **kw})  # type: ignore[arg-type]


def test_reminders_at_their_moment_exactly_and_custom_offsets() -> None:
    m = meeting(datetime(2026, 11, 25, 13, 0))
    offsets = (timedelta(hours=2),)
    assert mr.reminders_due(m, datetime(2026, 11, 25, 10, 59), offsets) == []
    assert mr.reminders_due(m, datetime(2026, 11, 25, 11, 0), offsets) == list(offsets)
    assert mr.reminders_due(m, datetime(2026, 11, 25, 12, 59, 59), offsets) == list(offsets)
    cancelled = meeting(m.starts_at, status=mr.MeetingStatus.CANCELLED)
    assert mr.reminders_due(cancelled, datetime(2026, 11, 25, 12, 30)) == []


def test_checkin_only_for_a_confirmed_meeting() -> None:
    m = meeting(datetime(2026, 11, 25, 13, 0), status=mr.MeetingStatus.PROPOSED)
    assert not mr.checkin_due(m, datetime(2026, 11, 26))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("no", "yes", None, None), "happened"),
        (("yes", "no", 10, 10), "happened"),
        (("no", "no", 10, 1), "usefulness"),
        (("yes", "yes", 1, 5), "usefulness"),
        (("yes", "yes", 2, 5), None),
        ((None, "no", 9, 5), "usefulness"),
        (("yes", "yes", None, 9), None),
        (("yes", "yes", 0, None), None),
        (("yes", "maybe", None, None), None),
    ],
)
def test_disagreement_cases(
    args: tuple[str | None, str | None, int | None, int | None], expected: str | None
) -> None:
    assert mr.disagreement(*args) == expected


def test_in_break_includes_both_ends() -> None:
    breaks = [(date(2026, 12, 28), date(2027, 1, 10)), (date(2027, 3, 1), date(2027, 3, 7))]
    assert mr.in_break(date(2026, 12, 28), breaks)
    assert mr.in_break(date(2027, 1, 10), breaks)
    assert mr.in_break(date(2027, 3, 7), breaks)
    assert not mr.in_break(date(2026, 12, 27), breaks)
    assert not mr.in_break(date(2027, 2, 1), breaks)
    assert not mr.in_break(date(2027, 1, 1), [])


def test_nudge_bucket_with_its_own_period() -> None:
    start = datetime(2026, 10, 1)
    assert mr.nudge_bucket(start, start + timedelta(days=7), days=7) == 1
    assert mr.nudge_bucket(start, start + timedelta(days=7) - timedelta(seconds=1), days=7) is None
    assert mr.nudge_bucket(start, start + timedelta(days=20), days=7) == 2


def test_weekly_limit_and_last_day() -> None:
    first = datetime(2026, 12, 1, 15, 0)
    assert mr.weekly(first, date(2026, 12, 29))[-1] == datetime(2026, 12, 29, 15, 0)
    assert len(mr.weekly(first, date(2026, 12, 28))) == 4
    assert mr.weekly(first, date(2027, 12, 31), limit=3) == [first + timedelta(days=7 * i) for i in range(3)]
    assert len(mr.weekly(first, date(2029, 12, 31))) == 60
    assert mr.weekly(first, date(2026, 11, 30)) == []


def test_ics_whole_file() -> None:
    m = meeting(datetime(2026, 11, 25, 13, 0), place="Каб. 12; 2 этаж", duration_min=45)
    text = mr.ics(m, "Встреча, первая", "Алиса\\Артём\nвторая строка")
    assert text.split("\r\n") == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Nastavnik//RU",
        "BEGIN:VEVENT",
        "UID:meeting-9@nastavnik.bot",
        "DTSTAMP:20261125T130000Z",
        "DTSTART:20261125T130000Z",
        "DTEND:20261125T134500Z",
        "SUMMARY:Встреча\\, первая",
        "DESCRIPTION:Алиса\\\\Артём\\nвторая строка",
        "LOCATION:Каб. 12\\; 2 этаж",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    assert "UID:meeting-9@example.org\r\n" in mr.ics(m, "t", "d", uid_host="example.org")
    assert "LOCATION" not in mr.ics(meeting(m.starts_at), "t", "d")
