"""Meetings of a pair: when (typed or picked, in the organisation's timezone), which type
comes next in the model's sequence, and what is due when (reminders, check-ins, nudges)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput


class Kind(StrEnum):
    INTRO = "intro"  # знакомство
    TRIAL = "trial"  # пробная
    PLANNING = "planning"  # планирование
    REGULAR = "regular"  # регулярная
    FINAL = "final"  # итоговая


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


SEQUENCE = (Kind.INTRO, Kind.TRIAL, Kind.PLANNING)
FINAL_WINDOW = timedelta(days=14)  # near the programme's end the bot suggests the final meeting
MIN_LEAD = timedelta(minutes=10)
MAX_AHEAD = timedelta(days=366)
DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=1))
CHECKIN_AFTER = timedelta(hours=1)  # after the start time
REFLECTION_REMINDER = timedelta(hours=24)
REFLECTION_MISSING = timedelta(hours=48)
DEFAULT_NUDGE_DAYS = 14
DISAGREE_POINTS = 4
OPEN_PROPOSALS_MAX = 3  # a pair's proposals not yet answered: more is flooding the other side


def check_open_proposals(open_now: int, limit: int = OPEN_PROPOSALS_MAX) -> None:
    """One more proposal while ``open_now`` of the pair's wait for an answer: refused at the limit."""
    if open_now >= limit:
        raise InvalidInput("meet.proposals.too_many", max=limit)


@dataclass(frozen=True)
class Meeting:
    id: int
    pair_id: int
    kind: Kind
    starts_at: datetime  # naive UTC
    online: bool
    place: str | None
    status: MeetingStatus
    proposed_by: int
    duration_min: int = 60
    disagreement: str | None = None
    group_meeting: int | None = None  # a group meeting: the first member row's id, shared by all


def next_kind(held: int, today: date, programme_end: date) -> Kind:
    """The type the bot suggests after ``held`` confirmed meetings."""
    if programme_end - today <= FINAL_WINDOW and held >= len(SEQUENCE):
        return Kind.FINAL
    return SEQUENCE[held] if held < len(SEQUENCE) else Kind.REGULAR


def to_utc(local: datetime, tz: str) -> datetime:
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime, tz: str) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


_WORDS = {"сегодня": 0, "today": 0, "завтра": 1, "tomorrow": 1, "послезавтра": 2}
_DATE_TIME = re.compile(
    r"^\s*(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?\s*(?:в\s+|at\s+)?(\d{1,2})[:.](\d{2})\s*$"
)
_WORD_TIME = re.compile(r"^\s*([a-zа-яё]+)\s*(?:в\s+|at\s+)?(\d{1,2})[:.](\d{2})\s*$", re.IGNORECASE)
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_when(text: str | None, now_local: datetime) -> datetime:
    """A local date and time as people type it: "25.11 16:30", "25.11.2026 16:30",
    "завтра 15:00", "tomorrow 15:00". A date without a year is the next such date."""
    if not text:
        raise InvalidInput("meet.when.invalid")
    if m := _DATE_TIME.match(text):
        day, month, year, hour, minute = m.groups()
        y = int(year) + (2000 if year and len(year) == 2 else 0) if year else now_local.year
        try:
            when = datetime(y, int(month), int(day), int(hour), int(minute))
        except ValueError:
            raise InvalidInput("meet.when.invalid") from None
        if not year and when < now_local - timedelta(days=1):
            when = when.replace(year=y + 1)
        return when
    if m := _WORD_TIME.match(text):
        word, hour, minute = m.groups()
        if word.lower() not in _WORDS:
            raise InvalidInput("meet.when.invalid")
        day = now_local.date() + timedelta(days=_WORDS[word.lower()])
        return _at(day, int(hour), int(minute))
    raise InvalidInput("meet.when.invalid")


def parse_time(text: str | None, day: date) -> datetime:
    m = _TIME.match(text or "")
    if not m:
        raise InvalidInput("meet.time.invalid")
    return _at(day, int(m.group(1)), int(m.group(2)))


def _at(day: date, hour: int, minute: int) -> datetime:
    try:
        return datetime.combine(day, time(hour, minute))
    except ValueError:
        raise InvalidInput("meet.when.invalid") from None


def offered_hours(day: date, now_local: datetime, hours: Iterable[int]) -> list[int]:
    """The whole hours of ``day`` the time picker may offer: none that ``check_when`` would
    refuse (today's past hours and the next ``MIN_LEAD``)."""
    return [h for h in hours if datetime.combine(day, time(h, 0)) >= now_local + MIN_LEAD]


def check_when(when_local: datetime, now_local: datetime) -> datetime:
    if when_local < now_local + MIN_LEAD:
        raise InvalidInput("meet.when.past")
    if when_local > now_local + MAX_AHEAD:
        raise InvalidInput("meet.when.too_far")
    return when_local


def reminders_due(
    m: Meeting, now: datetime, offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS
) -> list[timedelta]:
    """Reminder offsets whose moment has come while the meeting is still ahead. A moment
    missed during downtime is still due while the meeting is ahead; after it, never."""
    if m.status is not MeetingStatus.CONFIRMED or now >= m.starts_at:
        return []
    return [o for o in offsets if now >= m.starts_at - o]


def reminders_passed(
    starts_at: datetime, fixed_at: datetime, offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS
) -> list[timedelta]:
    """Reminders whose moment came before the meeting's time was fixed (confirmed, or a
    confirmed meeting moved): they are never sent, so a meeting confirmed 5 hours ahead
    does not get "24 hours before" seconds after the confirmation, nor the same words twice."""
    return [o for o in offsets if starts_at - o <= fixed_at]


def next_reminder(
    starts_at: datetime, fixed_at: datetime, offsets: tuple[timedelta, ...] = DEFAULT_REMINDERS
) -> timedelta | None:
    """The first reminder still to come after the time was fixed (its offset), or None."""
    ahead = [o for o in offsets if starts_at - o > fixed_at]
    return max(ahead) if ahead else None


def checkin_due(m: Meeting, now: datetime) -> bool:
    return m.status is MeetingStatus.CONFIRMED and now >= m.starts_at + CHECKIN_AFTER


def disagreement(
    a_happened: str | None, b_happened: str | None, a_useful: int | None, b_useful: int | None
) -> str | None:
    """What the curator should look at when both sides answered."""
    if a_happened and b_happened and {a_happened, b_happened} == {"yes", "no"}:
        return "happened"
    if a_useful is not None and b_useful is not None and abs(a_useful - b_useful) >= DISAGREE_POINTS:
        return "usefulness"
    return None


def in_break(day: date, breaks: list[tuple[date, date]]) -> bool:
    return any(start <= day <= end for start, end in breaks)


def nudge_bucket(last_activity: datetime, now: datetime, days: int = DEFAULT_NUDGE_DAYS) -> int | None:
    """A number that changes every ``days`` of silence (one nudge per period), or None."""
    silent = now - last_activity
    return silent.days // days if silent >= timedelta(days=days) else None


def weekly(first_local: datetime, until: date, limit: int = 60) -> list[datetime]:
    """A regular cadence ("every Tuesday at 15:00") until the programme ends."""
    out: list[datetime] = []
    when = first_local
    while when.date() <= until and len(out) < limit:
        out.append(when)
        when += timedelta(days=7)
    return out


def ics(m: Meeting, title: str, description: str, uid_host: str = "nastavnik.bot") -> str:
    """The meeting as an iCalendar file, times in UTC."""

    def stamp(dt: datetime) -> str:
        return dt.strftime("%Y%m%dT%H%M%SZ")

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Nastavnik//RU",
        "BEGIN:VEVENT",
        f"UID:meeting-{m.id}@{uid_host}",
        f"DTSTAMP:{stamp(m.starts_at)}",
        f"DTSTART:{stamp(m.starts_at)}",
        f"DTEND:{stamp(m.starts_at + timedelta(minutes=m.duration_min))}",
        f"SUMMARY:{esc(title)}",
        f"DESCRIPTION:{esc(description)}",
    ]
    if m.place:
        lines.append(f"LOCATION:{esc(m.place)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"
