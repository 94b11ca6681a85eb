"""Planning a reminder wave by deadline: everything goes by its moment at the given rate."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from bot.domain.pacing import latest_starts

NINE = datetime(2026, 12, 7, 9, 0)


def test_a_wave_too_big_for_its_hour_starts_early_enough_and_in_deadline_order() -> None:
    deadlines = [NINE] * 3 + [NINE + timedelta(seconds=1)]
    starts = latest_starts(deadlines, rate=1.0)
    assert sorted(starts) == [
        NINE - timedelta(seconds=2),
        NINE - timedelta(seconds=1),
        NINE,
        NINE + timedelta(seconds=1),
    ]
    assert starts[3] == NINE + timedelta(seconds=1)  # the latest deadline goes last, on time
    assert all(s <= d for s, d in zip(starts, deadlines, strict=True))


def test_spread_out_messages_each_go_at_their_own_moment() -> None:
    deadlines = [NINE + timedelta(minutes=i) for i in (5, 0, 10)]
    assert latest_starts(deadlines, rate=1.0) == deadlines


def test_sent_at_the_rate_from_the_planned_starts_nothing_is_late() -> None:
    deadlines = [NINE + timedelta(seconds=i % 7) for i in range(500)]
    starts = sorted(latest_starts(deadlines, rate=30.0))
    gap = timedelta(seconds=1 / 30)
    for a, b in pairwise(starts):
        assert b - a >= gap - timedelta(microseconds=1)
    sent = {i: s for i, s in enumerate(latest_starts(deadlines, rate=30.0))}
    assert all(sent[i] <= deadlines[i] for i in sent)
    assert starts[0] == NINE + timedelta(seconds=6) - 499 * gap  # as late as the rate allows


def test_no_messages_no_plan() -> None:
    assert latest_starts([], rate=30.0) == []
