"""The gate that lets a few updates work at once (bot/admission.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot.admission import Gate, away, place


async def test_at_most_capacity_at_work_and_the_rest_in_order_of_arrival() -> None:
    gate = Gate(2)
    order: list[int] = []

    async def update(i: int) -> None:
        async with place(gate):
            order.append(i)
            assert gate.busy <= 2
            await asyncio.sleep(0.01)

    await asyncio.gather(*(update(i) for i in range(8)))
    assert order == list(range(8)) and gate.peak == 2 and gate.busy == 0


async def test_an_update_waiting_for_telegram_gives_its_place_and_comes_back_first() -> None:
    gate = Gate(1)
    log: list[str] = []
    telegram = asyncio.Event()

    async def first() -> None:
        async with place(gate):
            log.append("first works")

            async def send() -> None:
                await telegram.wait()

            await away(send)  # while Telegram answers, the place is someone else's
            log.append("first back")

    async def later(name: str) -> None:
        async with place(gate):
            log.append(name)
            if name == "second":
                telegram.set()  # Telegram answers the first while the second works
                await asyncio.sleep(0)

    task = asyncio.create_task(first())
    await asyncio.sleep(0)
    await asyncio.gather(later("second"), later("third"), task)
    # the first came back before the third, which had not started yet
    assert log == ["first works", "second", "first back", "third"]
    assert gate.busy == 0 and gate.peak == 1


async def test_outside_an_update_and_in_spawned_tasks_away_just_runs() -> None:
    gate = Gate(1)

    async def call() -> int:
        return 7

    assert await away(call) == 7  # the outbox and the scheduler hold no place
    async with place(gate):
        assert await asyncio.create_task(away(call)) == 7  # a task the update spawned
        assert gate.busy == 1
    assert gate.busy == 0


async def test_a_cancelled_waiter_leaves_no_trace_and_errors_give_the_place_back() -> None:
    gate = Gate(1)
    async with place(gate):
        waiting = asyncio.create_task(gate.enter())
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    assert gate.busy == 0

    async def broken() -> None:
        raise RuntimeError("Telegram said no")

    with pytest.raises(RuntimeError):
        async with place(gate):
            await away(broken)
    assert gate.busy == 0
    with pytest.raises(ValueError, match="at least 1"):
        Gate(0)
