"""A busy machine wakes the sender late: the pacer makes the lateness up with the next
send instead of losing it, and still never lets more than 30 go in any second."""

from __future__ import annotations

from bot.domain.pacing import Pacer


def late_sender(pacer: Pacer, n: int, late: float) -> list[float]:
    """Each message to its own chat; every wait is overslept by ``late`` seconds."""
    now, times = 0.0, []
    for chat in range(1, n + 1):
        wait = pacer.wait(chat, now)
        if wait > 0:
            now += wait + late
        pacer.take(chat, now)
        times.append(now)
    return times


def test_late_wakeups_do_not_lower_the_rate() -> None:
    times = late_sender(Pacer(), 840, late=0.01)  # 10 ms late at every sleep
    rate = len(times) / times[-1]
    assert rate >= 27.5  # the old bucket of one token gave 28 / (1 + 28 × 0.01) ≈ 21.9


def test_still_never_more_than_thirty_in_any_second() -> None:
    for late in (0.0, 0.005, 0.02, 0.05):
        times = late_sender(Pacer(), 600, late=late)
        for i, start in enumerate(times):
            assert sum(1 for t in times[i:] if t < start + 1.0) <= 30, late
