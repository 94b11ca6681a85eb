from __future__ import annotations

import itertools

from bot.domain.pacing import Pacer, backoff


def send_all(pacer: Pacer, chats: list[int], horizon: float) -> list[float]:
    """Simulate a sender that always sends the earliest allowed message."""
    now, times = 0.0, []
    queue = list(chats)
    while queue and now <= horizon:
        waits = [(pacer.wait(c, now), i) for i, c in enumerate(queue)]
        wait, i = min(waits)
        now += wait
        pacer.take(queue.pop(i), now)
        times.append(now)
    return times


def test_overall_rate_stays_under_thirty_a_second() -> None:
    times = send_all(Pacer(), list(range(1, 301)), horizon=100)
    for start in range(len(times)):
        window = [t for t in times if times[start] <= t < times[start] + 1.0]
        assert len(window) <= 30
    assert len(times) == 300 and times[-1] <= 300 / 28 + 0.01  # ≈28 a second, evenly spaced


def test_one_chat_gets_about_one_a_second_and_groups_twenty_a_minute() -> None:
    times = send_all(Pacer(), [5] * 5, horizon=100)
    assert all(b - a >= 0.999 for a, b in itertools.pairwise(times))
    group = send_all(Pacer(), [-100] * 25, horizon=1000)
    in_first_minute = [t for t in group if t < 60]
    assert len(in_first_minute) <= 20


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff(20) == 300.0
