"""How many updates are at work at once. An update's work comes in phases — database and
CPU before and after each message it sends — and each phase queues for the connection:
with hundreds of updates let in at once, every phase waits behind all of them, so an update
of three phases takes three times as long as one of one and the slowest answers (p99) grow
with the crowd. The gate lets ``capacity`` updates work at once; an update waiting for
Telegram (or for a 429's pause) gives its place up, and when the answer comes it goes back
before the updates not yet started: work begun finishes first, and everyone waits about
the same time. Telegram's latency is never spent holding a place."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class Gate:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.busy = 0
        self.peak = 0  # the most updates at work at once (tests and benches read it)
        self._back: deque[asyncio.Future[None]] = deque()  # updates coming back from Telegram
        self._new: deque[asyncio.Future[None]] = deque()  # updates not yet started

    async def enter(self, back: bool = False) -> None:
        """Take a place, waiting in order; ``back``: an update resuming goes first."""
        if self.busy < self.capacity and not self._back and (back or not self._new):
            self._take()
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._back if back else self._new
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # the place was handed over just as we were cancelled
            else:
                queue.remove(waiter)
            raise

    def leave(self) -> None:
        """Give the place up: to the next update coming back, else to the next new one."""
        self.busy -= 1
        while self.busy < self.capacity:
            queue = self._back or self._new
            if not queue:
                return
            waiter = queue.popleft()
            if waiter.done():
                continue
            self._take()
            waiter.set_result(None)

    def _take(self) -> None:
        self.busy += 1
        self.peak = max(self.peak, self.busy)


@dataclass
class _Place:
    gate: Gate
    task: asyncio.Task[object] | None
    held: bool = True


_place: ContextVar[_Place | None] = ContextVar("nastavnik_gate_place", default=None)


@asynccontextmanager
async def place(gate: Gate) -> AsyncIterator[None]:
    """An update's place at work, from its first statement to its last."""
    await gate.enter()
    me = _Place(gate, asyncio.current_task())
    token = _place.set(me)
    try:
        yield
    finally:
        _place.reset(token)
        if me.held:
            me.held = False
            gate.leave()


async def away(call: Callable[[], Awaitable[T]]) -> T:
    """Run ``call`` (a Bot API request) without holding the update's place; come back first
    in line. Outside an update (the outbox, the scheduler) or in a task the update spawned,
    it just runs."""
    me = _place.get()
    if me is None or not me.held or me.task is not asyncio.current_task():
        return await call()
    me.held = False
    me.gate.leave()
    try:
        result = await call()
    except asyncio.CancelledError:
        raise  # the update is being cancelled: its place is already given up
    except BaseException:
        await me.gate.enter(back=True)
        me.held = True
        raise
    await me.gate.enter(back=True)
    me.held = True
    return result
