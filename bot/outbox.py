"""The paced, durable sender: every message the bot starts itself is an outbox row,
recorded before it is sent and marked after. After a crash only rows that were in
flight (status "sending") can go twice; everything else goes exactly once."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from datetime import timedelta

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
from storage.repo import OutboxItem

log = logging.getLogger(__name__)


class Sender:
    DEFAULT_CONCURRENCY = 8

    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        i18n: Translator,
        pacer: Pacer | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        idle_s: float = 0.1,
        batch: int = 200,
    ) -> None:
        self.db, self.bot, self.clock, self.i18n = db, bot, clock, i18n
        self.pacer = pacer or Pacer()
        self.concurrency = concurrency
        self.idle_s = idle_s
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        async with self.db.unit() as repo:
            again = await repo.outbox.reset_inflight()
        if again:
            log.warning("outbox: %s messages were in flight at the last stop; sending them again", again)
        while not self._stop.is_set():
            async with self.db.unit() as repo:
                items = await repo.outbox.due(self.clock.now(), self.batch)
            if not items:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.idle_s)
                continue
            for item in items:
                if self._stop.is_set():
                    break
                await self._dispatch(item)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        self._stop.set()

    async def _dispatch(self, item: OutboxItem) -> None:
        loop = asyncio.get_running_loop()
        wait = self.pacer.wait(item.chat_id, loop.time())
        while wait > 0:  # the pacer's next free moment for this chat (not an event to wait on)
            await asyncio.sleep(wait)
            wait = self.pacer.wait(item.chat_id, loop.time())
        await self._slots.acquire()
        self.pacer.take(item.chat_id, loop.time())
        now = self.clock.now()
        async with self.db.unit() as repo:
            if item.expires_at is not None and now >= item.expires_at:
                await repo.outbox.mark([item.id], status="dropped", error="its moment has passed")
                self._slots.release()
                return
            await repo.outbox.mark([item.id], status="sending", attempts=item.attempts + 1)
        task = asyncio.create_task(self._send(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, item: OutboxItem) -> None:
        try:
            markup = InlineKeyboardMarkup.model_validate(item.markup) if item.markup else None
            try:
                if item.photo is not None:
                    sent = await self.bot.send_photo(
                        item.chat_id,
                        BufferedInputFile(item.photo, "chart.png"),
                        caption=item.text or None,
                        reply_markup=markup,
                    )
                else:
                    sent = await self.bot.send_message(item.chat_id, item.text, reply_markup=markup)
            except TelegramRetryAfter as exc:
                await self._later(item, timedelta(seconds=exc.retry_after), "429")
            except TelegramForbiddenError as exc:
                await self._blocked(item, str(exc))
            except TelegramBadRequest as exc:
                log.error("outbox %s: Telegram refused the message: %s", item.id, exc)
                await self._final(item, "failed", str(exc))
            except (TelegramServerError, TelegramNetworkError) as exc:
                if item.attempts + 1 >= MAX_ATTEMPTS:
                    await self._final(item, "failed", str(exc))
                else:
                    await self._later(item, timedelta(seconds=backoff(item.attempts + 1)), str(exc))
            else:
                async with self.db.unit() as repo:
                    await repo.outbox.mark(
                        [item.id],
                        status="sent",
                        sent_at=self.clock.now(),
                        message_id=sent.message_id,
                        error=None,
                    )
        finally:
            self._slots.release()

    async def _later(self, item: OutboxItem, delay: timedelta, why: str) -> None:
        async with self.db.unit() as repo:
            await repo.outbox.mark(
                [item.id], status="pending", not_before=self.clock.now() + delay, error=why[:300]
            )

    async def _final(self, item: OutboxItem, status: str, why: str) -> None:
        async with self.db.unit() as repo:
            await repo.outbox.mark([item.id], status=status, error=why[:300])

    async def _blocked(self, item: OutboxItem, why: str) -> None:
        """The person blocked the bot: mark them unreachable and tell their curators once."""
        async with self.db.unit() as repo:
            await repo.outbox.mark([item.id], status="failed", error=why[:300])
            if item.user_id is None or not await repo.outbox.mark_unreachable(item.user_id):
                return
            user = await repo.get_user(item.user_id)
            now = self.clock.now()
            for org in await repo.user_organisations(item.user_id):
                for curator in await repo.curators_of(org):
                    if curator.id == item.user_id:
                        continue
                    t = self.i18n.get(curator.locale)
                    await repo.outbox.enqueue(
                        f"unreachable:{item.user_id}:{curator.id}:{now.isoformat()}",
                        curator.id,
                        t("curator.unreachable", name=user.name if user else "?"),
                        None,
                        now,
                    )
