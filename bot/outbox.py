"""The paced, durable sender: every message the bot starts itself is an outbox row,
recorded before it is sent and settled after.

Several processes may share one database. A sender claims a few seconds' worth of due
rows at a time, earliest deadline first, atomically and under a lease (see
``OutboxRepo.claim``); only the worker holding a claim may settle it, and rows of a worker
that died are taken again when its lease runs out — never while it lives. Only the leader
process sends (``bot/leader.py``), so Telegram's limits (30/s overall, 1/s per chat,
20/min per group) hold for the whole installation, not per process. After a crash only
rows that were on the wire can go twice: the Bot API has no idempotency key."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.clock import Clock
from bot.domain.pacing import MAX_ATTEMPTS, Pacer, backoff
from bot.i18n import Translator
from storage.db import Database
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)


def worker_name() -> str:
    """This process, as claims and leases name it."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class Sender:
    DEFAULT_CONCURRENCY = 8
    LEASE = timedelta(seconds=60)  # a claim older than this belongs to a dead worker
    AHEAD_S = 2.0  # claim about this many seconds' worth of sending at a time
    HOLD_S = 2.0  # a row whose chat is busy for longer waits parked (no head-of-line wait)
    SETTLE_EVERY_S = 0.05  # sent messages are recorded in batches this often (or SETTLE_BATCH)
    SETTLE_BATCH = 16
    IN_DOUBT = 2 * SETTLE_BATCH  # sent and not yet recorded, at most: what a crash sends again

    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        i18n: Translator,
        pacer: Pacer | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        idle_s: float = 0.1,
        batch: int | None = None,
        worker: str | None = None,
        active: Callable[[], bool] | None = None,
        lease: timedelta | None = None,
    ) -> None:
        self.db, self.bot, self.clock, self.i18n = db, bot, clock, i18n
        self.pacer = pacer or Pacer()
        self.concurrency = concurrency
        self.idle_s = idle_s
        self.batch = batch or max(1, int(self.pacer.global_rate * self.AHEAD_S))
        self.worker = worker or worker_name()
        self.active = active or (lambda: True)
        self.lease = lease or self.LEASE
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop = asyncio.Event()
        self._sent: list[tuple[int, datetime, int]] = []
        # claims in hand: never claimed again by this sender, even when the clock says their
        # lease ran out (a send slower than the lease, a clock moved ahead in a test)
        self._held: set[int] = set()
        self._in_doubt = 0  # sent, their record not yet written
        self._recorded = asyncio.Condition()

    async def run(self) -> None:
        recorder = asyncio.create_task(self._recorder())
        try:
            await self._run()
        finally:
            await recorder
            await self._record_sent()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        parked: dict[int, tuple[float, OutboxItem]] = {}  # claimed, its chat busy: ready at
        renewed = loop.time()
        while not self._stop.is_set():
            if not self.active():
                await self._release([item for _, item in parked.values()])
                parked.clear()
            now_l = loop.time()
            ready = [item for at, item in parked.values() if at <= now_l]
            for item in ready:
                del parked[item.id]
            items: list[OutboxItem] = []
            room = self.batch - len(parked)
            if self.active() and room > 0:
                async with self.db.unit() as uow:
                    items = await uow.outbox.claim(
                        self.clock.now(), room, self.worker, self.lease, self._held
                    )
                self._held.update(item.id for item in items)
            if parked and now_l - renewed > self.lease.total_seconds() / 3:
                async with self.db.unit() as uow:
                    await uow.outbox.renew(list(parked), self.worker, self.clock.now() + self.lease)
                renewed = now_l
            queue = ready + items
            for n, item in enumerate(queue):
                if self._stop.is_set() or not self.active():
                    await self._release(queue[n:])
                    break
                wait = self.pacer.wait(item.chat_id, loop.time())
                if wait > self.HOLD_S:  # this chat is busy: others go first, it waits parked
                    parked[item.id] = (loop.time() + wait, item)
                    continue
                await self._dispatch(item, wait)
            if not queue:
                nap = self.idle_s
                if parked:
                    nap = min(nap, max(0.0, min(at for at, _ in parked.values()) - loop.time()))
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), nap)
        await self._release([item for _, item in parked.values()])
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        self._stop.set()

    async def _release(self, items: list[OutboxItem]) -> None:
        """Give claimed rows back untouched (stopping, or no longer the leader)."""
        if not items:
            return
        try:
            async with self.db.unit() as uow:
                for item in items:
                    await uow.outbox.settle(
                        item.id, self.worker, status="pending", attempts=item.attempts - 1
                    )
        finally:
            self._held.difference_update(item.id for item in items)

    async def _dispatch(self, item: OutboxItem, wait: float) -> None:
        loop = asyncio.get_running_loop()
        while wait > 0:  # the pacer's next free moment for this chat (not an event to wait on)
            await asyncio.sleep(wait)
            wait = self.pacer.wait(item.chat_id, loop.time())
        now = self.clock.now()
        if item.expires_at is not None and now >= item.expires_at:
            try:
                async with self.db.unit() as uow:
                    await uow.outbox.settle(
                        item.id, self.worker, status="dropped", error="its moment has passed"
                    )
            finally:
                self._held.discard(item.id)
            return
        await self._slots.acquire()
        if self._in_doubt >= self.IN_DOUBT:  # the records lag behind (a busy database): wait
            async with self._recorded:
                await self._recorded.wait_for(lambda: self._in_doubt < self.IN_DOUBT)
        self.pacer.take(item.chat_id, loop.time())
        task = asyncio.create_task(self._send(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, item: OutboxItem) -> None:
        sent = False
        try:
            markup = InlineKeyboardMarkup.model_validate(item.markup) if item.markup else None
            try:
                if item.photo is not None:
                    message = await self.bot.send_photo(
                        item.chat_id,
                        BufferedInputFile(item.photo, "chart.png"),
                        caption=item.text or None,
                        reply_markup=markup,
                    )
                else:
                    message = await self.bot.send_message(item.chat_id, item.text, reply_markup=markup)
            except TelegramRetryAfter as exc:
                await self._later(item, timedelta(seconds=exc.retry_after), "429")
            except TelegramForbiddenError as exc:
                await self._blocked(item, str(exc))
            except TelegramBadRequest as exc:
                log.error("outbox %s: Telegram refused the message: %s", item.id, exc)
                await self._final(item, "failed", str(exc))
            except (TelegramServerError, TelegramNetworkError) as exc:
                if item.attempts >= MAX_ATTEMPTS:
                    await self._final(item, "failed", str(exc))
                else:
                    await self._later(item, timedelta(seconds=backoff(item.attempts)), str(exc))
            else:
                sent = True  # held until its record is written (_record_sent)
                self._in_doubt += 1
                self._sent.append((item.id, self.clock.now(), message.message_id))
                if len(self._sent) >= self.SETTLE_BATCH:
                    await self._record_sent()
        finally:
            if not sent:  # settled above (or failed unexpectedly): free to be claimed again
                self._held.discard(item.id)
            self._slots.release()

    async def _record_sent(self) -> None:
        """What went, recorded in one short transaction for many messages (a transaction per
        message was most of a wave's cost); a crash before this loses only the record."""
        batch, self._sent = self._sent, []
        if batch:
            try:
                async with self.db.unit() as uow:
                    await uow.outbox.settle_sent(batch, self.worker)
            finally:
                self._held.difference_update(item_id for item_id, _, _ in batch)
                self._in_doubt -= len(batch)
                async with self._recorded:
                    self._recorded.notify_all()

    async def _recorder(self) -> None:
        while not self._stop.is_set() or self._tasks:
            await asyncio.sleep(self.SETTLE_EVERY_S)
            await self._record_sent()
        await self._record_sent()

    async def _later(self, item: OutboxItem, delay: timedelta, why: str) -> None:
        async with self.db.unit() as uow:
            await uow.outbox.settle(
                item.id, self.worker, status="pending", not_before=self.clock.now() + delay, error=why[:300]
            )

    async def _final(self, item: OutboxItem, status: str, why: str) -> None:
        async with self.db.unit() as uow:
            await uow.outbox.settle(item.id, self.worker, status=status, error=why[:300])

    async def _blocked(self, item: OutboxItem, why: str) -> None:
        """The person blocked the bot: mark them unreachable and tell their curators once."""
        async with self.db.unit() as uow:
            await uow.outbox.settle(item.id, self.worker, status="failed", error=why[:300])
            if item.user_id is None or not await uow.people.mark_unreachable(item.user_id):
                return
            user = await uow.people.get(item.user_id)
            now = self.clock.now()
            for org in await uow.people.organisations(item.user_id):
                for curator in await uow.organisations.curators(org):
                    if curator.id == item.user_id:
                        continue
                    t = self.i18n.get(curator.locale)
                    await uow.outbox.enqueue(
                        f"unreachable:{item.user_id}:{curator.id}:{now.isoformat()}",
                        curator.id,
                        t("curator.unreachable", name=user.name if user else "?"),
                        None,
                        now,
                    )
