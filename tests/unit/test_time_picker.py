from datetime import date, datetime

from bot.domain.meetings import check_when, offered_hours

HOURS = range(8, 21)


def test_today_offers_only_hours_that_check_when_accepts() -> None:
    now = datetime(2026, 10, 1, 12, 55)
    hours = offered_hours(date(2026, 10, 1), now, HOURS)
    assert hours == list(range(14, 21))  # 13:00 has passed; 13:05 would be too soon anyway
    for h in hours:
        check_when(datetime(2026, 10, 1, h), now)


def test_another_day_offers_every_hour_and_a_late_evening_none_today() -> None:
    assert offered_hours(date(2026, 10, 2), datetime(2026, 10, 1, 23, 0), HOURS) == list(HOURS)
    assert offered_hours(date(2026, 10, 1), datetime(2026, 10, 1, 20, 0), HOURS) == []
    assert offered_hours(date(2026, 10, 1), datetime(2026, 10, 1, 19, 49), HOURS) == [20]
