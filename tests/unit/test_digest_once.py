"""One digest a week in the curators' group: a group bound mid-week waits for the next
slot; an on-demand digest near or after the slot stands for it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import digest as d

MSK = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=MSK)  # 05.10.2026 is a Monday


def test_a_group_bound_on_thursday_waits_for_monday() -> None:
    first, skip = d.first_scheduled(at(8, 15), 0, 9)
    assert first == at(12, 9)
    assert skip == ["2026w41"]  # this week's slot (Monday 05.10) is not sent at once


def test_a_group_bound_before_this_weeks_moment_gets_it() -> None:
    first, skip = d.first_scheduled(at(5, 8), 0, 9)
    assert first == at(5, 9) and skip == []
    first, skip = d.first_scheduled(at(5, 9), 2, 18)  # Monday, the slot is Wednesday 18:00
    assert first == at(7, 18) and skip == []


def test_on_demand_after_the_slot_stands_for_it() -> None:
    assert d.weeks_covered(at(5, 10), 0, 9) == ["2026w41"]
    assert d.weeks_covered(at(8, 15), 0, 9) == ["2026w41"]  # already sent: recording it is harmless


def test_on_demand_shortly_before_the_slot_stands_for_it() -> None:
    assert d.weeks_covered(at(5, 8, 30), 0, 9) == ["2026w41"]
    assert d.weeks_covered(at(11, 22), 0, 9) == ["2026w41", "2026w42"]  # Sunday night before Monday 09:00


def test_on_demand_long_before_the_slot_does_not() -> None:
    assert d.weeks_covered(at(7, 12), 4, 9) == []  # Wednesday; the slot is Friday 09:00
    assert d.weeks_covered(at(11, 20), 0, 9, lead=timedelta(hours=12)) == ["2026w41"]
