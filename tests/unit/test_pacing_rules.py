"""The pacer's buckets pinned against hand-worked figures: refill, waits, groups, forgetting."""

from __future__ import annotations

import pytest

from bot.domain.pacing import Pacer, _Bucket, backoff


def test_bucket_refills_at_its_rate_up_to_its_capacity() -> None:
    b = _Bucket(rate=2.0, capacity=3.0, tokens=0.0, stamp=0.0)
    assert b.wait(0.0) == 0.5  # one token at 2 a second
    assert b.wait(0.25) == 0.25  # half a token refilled
    assert b.wait(0.5) == 0.0  # exactly one token: may go
    assert b.wait(0.49) > 0
    assert b.wait(0.75) == 0.0  # one and a half tokens: no wait, not a negative one
    assert b.wait(10.0) == 0.0  # full at 3
    b.take(10.0)  # long idle: full at 3, one taken
    assert (b.tokens, b.stamp) == (2.0, 10.0)
    b.take(10.0)
    b.take(10.0)
    assert b.tokens == 0.0
    assert b.wait(10.0) == 0.5
    b.take(10.25)  # half a token refilled, one taken: half a token owed
    assert (b.tokens, b.stamp) == (-0.5, 10.25)
    assert b.wait(10.25) == 0.75


def test_pacer_waits_for_the_slower_of_the_two_buckets() -> None:
    p = Pacer()
    assert p.wait(5, 0.0) == 0.0
    p.take(5, 0.0)
    assert p.wait(6, 0.0) == pytest.approx(1 / 28)  # another chat: only the global spacing
    assert p.wait(5, 0.0) == 1.0  # the same chat: one a second
    assert p.wait(5, 0.5) == 0.5
    assert p.wait(6, 1 / 28) == 0.0


def test_groups_get_nineteen_a_minute_and_chat_zero_is_not_a_group() -> None:
    p = Pacer()
    p.take(-100, 0.0)
    assert p.wait(-100, 0.0) == pytest.approx(60 / 19)
    p.take(0, 10.0)
    assert p.wait(0, 10.0) == 1.0
    q = Pacer(group_per_minute=6.0)
    q.take(-1, 0.0)
    assert q.wait(-1, 0.0) == pytest.approx(10.0)


def test_rates_and_burst_are_settable() -> None:
    p = Pacer(global_rate=1000.0, chat_rate=0.5, chat_burst=2.0)
    p.take(7, 0.0)
    assert p.wait(7, 0.01) == 0.0  # the burst's second message
    p.take(7, 0.01)
    assert p.wait(7, 0.01) == pytest.approx((1 - 0.01 * 0.5) / 0.5)
    assert p.wait(8, 0.01) == 0.0  # the global bucket saved a token (GLOBAL_BURST 2)
    p.take(8, 0.01)
    assert p.wait(9, 0.01) == pytest.approx(0.001)  # then 1000 a second
    assert Pacer(global_rate=4.0).wait(1, 0.0) == 0.0


def test_global_bucket_saves_two_tokens_at_most() -> None:
    p = Pacer()
    p.take(1, 0.0)
    p.take(2, 100.0)  # idle for long: two tokens saved, not a hundred seconds' worth
    assert p.wait(3, 100.0) == 0.0
    p.take(3, 100.0)
    assert p.wait(4, 100.0) == pytest.approx(1 / 28)


def test_forget_idle_drops_chats_quiet_for_two_minutes() -> None:
    p = Pacer()
    p.take(1, 0.0)
    p.take(2, 0.5)
    p.take(3, 100.0)
    p.forget_idle(120.0)
    assert sorted(p._chats) == [2, 3]  # chat 1: quiet 120 s exactly, dropped
    p.forget_idle(120.0, idle=20.5)
    assert sorted(p._chats) == [3]
    p.forget_idle(119.9, idle=20.0)
    assert sorted(p._chats) == [3]


def test_backoff_doubles_from_its_base_up_to_its_cap() -> None:
    assert [backoff(n) for n in (1, 2, 3, 9, 10)] == [1.0, 2.0, 4.0, 256.0, 300.0]
    assert backoff(3, base=0.5) == 2.0
    assert backoff(4, cap=5.0) == 5.0
    assert backoff(3, cap=4.0) == 4.0
    assert isinstance(backoff(1), float)
