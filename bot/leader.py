"""One leader at a time among the processes that share a database: it alone runs the
scheduler's ticks and the outbox sender. Leadership is a lease row (works on SQLite and
PostgreSQL alike) that the leader renews; when it stops renewing (killed, frozen, cut
off), another process takes it over once the lease has run out."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import timedelta

from bot.clock import Clock
from storage.db import Database

log = logging.getLogger(__name__)

LEADER = "leader"


class Leadership:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        holder: str,
        ttl: timedelta = timedelta(seconds=15),
        renew_s: float = 3.0,
    ) -> None:
        self.db, self.clock, self.holder = db, clock, holder
        self.ttl, self.renew_s = ttl, renew_s
        self.leading = False
        self._stop = asyncio.Event()

    def __call__(self) -> bool:
        """Whether this process leads now (the sender and the scheduler's gate ask this)."""
        return self.leading

    async def try_take(self) -> bool:
        try:
            async with self.db.unit() as uow:
                ours = await uow.leases.take(LEADER, self.holder, self.clock.now(), self.ttl)
        except Exception:  # the database is away: not leading until it answers again
            log.exception("leadership: could not renew the lease")
            ours = False
        if ours != self.leading:
            log.info("%s %s the leadership", self.holder, "took" if ours else "lost")
        self.leading = ours
        return ours

    async def run(self) -> None:
        while not self._stop.is_set():
            await self.try_take()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.renew_s)

    async def stop(self) -> None:
        """Stop renewing and hand the lease back, so another process leads at once."""
        self._stop.set()
        if self.leading:
            self.leading = False
            with suppress(Exception):
                async with self.db.unit() as uow:
                    await uow.leases.release(LEADER, self.holder)
