"""A reminder whose moment passed before the meeting was confirmed is never sent; the
confirmation names the next one."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.meetings import Kind, Meeting, MeetingStatus, next_reminder, reminders_due, reminders_passed

H = timedelta(hours=1)
NOW = datetime(2026, 10, 5, 9, 0)


def _meeting(starts_at: datetime) -> Meeting:
    return Meeting(1, 1, Kind.INTRO, starts_at, True, None, MeetingStatus.CONFIRMED, 1)


def test_confirmed_two_days_ahead_skips_nothing_and_the_next_is_24_hours_before() -> None:
    starts = NOW + 48 * H
    assert reminders_passed(starts, NOW) == []
    assert next_reminder(starts, NOW) == 24 * H


def test_confirmed_20_hours_ahead_skips_the_24_hour_reminder() -> None:
    starts = NOW + 20 * H
    assert reminders_passed(starts, NOW) == [24 * H]
    assert next_reminder(starts, NOW) == H


def test_confirmed_5_hours_ahead_gets_only_the_one_hour_reminder() -> None:
    starts = NOW + 5 * H
    assert reminders_passed(starts, NOW) == [24 * H]
    assert next_reminder(starts, NOW) == H
    # the rule the tick applies: the 24-hour moment is "due" at once, but it is recorded as passed
    assert 24 * H in reminders_due(_meeting(starts), NOW)


def test_confirmed_within_the_last_hour_gets_no_reminder() -> None:
    starts = NOW + timedelta(minutes=40)
    assert reminders_passed(starts, NOW) == [24 * H, H]
    assert next_reminder(starts, NOW) is None


def test_a_moment_exactly_at_confirmation_counts_as_passed() -> None:
    starts = NOW + 24 * H
    assert reminders_passed(starts, NOW) == [24 * H]
    assert next_reminder(starts, NOW) == H


def test_each_reminder_is_either_skipped_or_ahead_never_both() -> None:
    for minutes in range(0, 60 * 50, 7):
        starts = NOW + timedelta(minutes=minutes)
        passed = set(reminders_passed(starts, NOW))
        ahead = {o for o in (24 * H, H) if starts - o > NOW}
        assert passed.isdisjoint(ahead) and passed | ahead == {24 * H, H}
        assert next_reminder(starts, NOW) == (max(ahead) if ahead else None)
