"""The per-person window: 20 updates in 10 s pass, the 21st is "too often" once, the rest
are dropped silently; a pause lets the person in again; other people are never affected."""

from __future__ import annotations

from bot.domain.throttle import Throttle, Verdict


def test_twenty_pass_then_one_warning_then_silence() -> None:
    th = Throttle(limit=20, window=10.0)
    verdicts = [th.hit(1, i * 0.01) for i in range(40)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20] is Verdict.WARN
    assert verdicts[21:] == [Verdict.DROP] * 19


def test_a_person_at_two_a_second_is_never_held_back() -> None:
    th = Throttle(limit=20, window=10.0)
    assert all(th.hit(1, i * 0.55) is Verdict.ALLOW for i in range(200))


def test_exactly_the_limit_in_the_window_passes_and_one_more_does_not() -> None:
    th = Throttle(limit=3, window=10.0)
    assert [th.hit(1, t) for t in (0.0, 1.0, 2.0)] == [Verdict.ALLOW] * 3
    assert th.hit(1, 9.9) is Verdict.WARN  # four within 10 s
    th2 = Throttle(limit=3, window=10.0)
    assert [th2.hit(1, t) for t in (0.0, 1.0, 2.0, 10.0)] == [Verdict.ALLOW] * 4  # the first left


def test_a_spammer_who_keeps_on_stays_held_back_and_a_pause_lets_them_in() -> None:
    th = Throttle(limit=5, window=10.0)
    for i in range(5):
        th.hit(1, i * 0.1)
    # typing on at 1 a second (slower than the limit alone, but every try counts)
    assert [th.hit(1, 1.0 + i) for i in range(20)] == [Verdict.WARN] + [Verdict.DROP] * 19
    assert th.hit(1, 40.0) is Verdict.ALLOW  # quiet for more than a window
    # a later burst is told again, once
    verdicts = [th.hit(1, 40.1 + i * 0.01) for i in range(6)]
    assert verdicts == [Verdict.ALLOW] * 4 + [Verdict.WARN, Verdict.DROP]


def test_others_are_not_affected_by_a_spammer() -> None:
    th = Throttle(limit=5, window=10.0)
    for i in range(100):
        th.hit(666, i * 0.001)
    assert [th.hit(7, 0.1 + i * 0.01) for i in range(5)] == [Verdict.ALLOW] * 5


def test_quiet_people_are_forgotten() -> None:
    th = Throttle(limit=5, window=10.0)
    for who in range(1000):
        th.hit(who, 0.0)
    assert len(th) == 1000
    th.hit(1, 10.5)
    assert len(th) == 1
