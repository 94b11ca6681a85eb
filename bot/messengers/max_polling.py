"""MAX's updates by long polling (``GET /updates`` with a marker), each turned into the
bot's own update and fed to the same dispatcher as Telegram's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.messengers import max_convert as conv
from bot.messengers.max_api import MaxApi, MaxError, MaxNetworkError
from storage.message_refs import MessageRefs

log = logging.getLogger(__name__)
TYPES = ",".join(conv.USED_TYPES)


def max_source(api: MaxApi, bot_user_id: int) -> str:
    """The duplicate guard's stream name for this MAX bot on this server."""
    return f"max:{bot_user_id}@{api.base_url}"[:120]


class MaxPolling:
    def __init__(
        self,
        api: MaxApi,
        dp: Dispatcher,
        bot: Bot,
        refs: MessageRefs,
        me: dict[str, Any],
        now: Callable[[], datetime],
        timeout: int = 30,
    ) -> None:
        self.api = api
        self.dp = dp
        self.bot = bot
        self.refs = refs
        self.now = now
        self.timeout = timeout
        self.source = max_source(api, int(me["user_id"]))
        self.bot_user = conv.user({**me, "is_bot": True})
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        marker: int | None = None
        backoff = 1.0
        while not self._stop.is_set():
            try:
                answer = await self.api.call(
                    "GET",
                    "/updates",
                    {
                        "marker": marker,
                        "timeout": self.timeout,
                        "limit": 100,
                        "types": ",".join(conv.USED_TYPES),
                    },
                    timeout=self.timeout + 10,
                )
            except (MaxError, MaxNetworkError) as exc:
                log.warning("MAX updates: %s; again in %.0fs", exc, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            marker = answer.get("marker", marker)
            for raw in answer.get("updates") or []:
                await self._take(raw)

    async def _take(self, raw: dict[str, Any]) -> None:
        try:
            refs = {mid: await self.refs.ref(mid, self.now()) for mid in conv.mids_in(raw)}
            made = conv.to_update(raw, refs, self.bot_user)
        except (KeyError, ValueError, TypeError) as exc:
            log.warning("MAX update %s not understood: %s", raw.get("update_type"), exc)
            return
        if made is None:
            return
        update = Update.model_validate(made, context={"bot": self.bot})
        task = asyncio.create_task(self._feed(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _feed(self, update: Update) -> None:
        try:
            await self.dp.feed_update(self.bot, update, update_source=self.source)
        except Exception:  # one bad update never stops the others
            log.exception("MAX update %s failed", update.update_id)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
