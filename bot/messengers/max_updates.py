"""MAX's updates into the dispatcher, however they arrive (long polling or webhook): each
MAX update's message ids are resolved to the integers the handlers see, the update becomes
the bot's own (``max_convert``) and is fed to the same dispatcher as Telegram's, under MAX's
own stream name for the duplicate guard."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.messengers import max_convert as conv
from bot.messengers.max_api import MaxApi
from storage.message_refs import MessageRefs

log = logging.getLogger(__name__)


def max_source(api: MaxApi, bot_user_id: int) -> str:
    """The duplicate guard's stream name for this MAX bot on this server."""
    return f"max:{bot_user_id}@{api.base_url}"[:120]


class MaxUpdates:
    def __init__(
        self,
        api: MaxApi,
        dp: Dispatcher,
        bot: Bot,
        refs: MessageRefs,
        me: dict[str, Any],
        now: Callable[[], datetime],
    ) -> None:
        self.api = api
        self.dp = dp
        self.bot = bot
        self.refs = refs
        self.now = now
        self.source = max_source(api, int(me["user_id"]))
        self.bot_user = conv.user({**me, "is_bot": True})
        self._tasks: set[asyncio.Task[None]] = set()

    async def convert(self, raw: dict[str, Any]) -> Update | None:
        """The bot's own update, or None for one it does not use or cannot read."""
        try:
            refs = {mid: await self.refs.ref(mid, self.now()) for mid in conv.mids_in(raw)}
            made = conv.to_update(raw, refs, self.bot_user)
            return None if made is None else Update.model_validate(made, context={"bot": self.bot})
        except (KeyError, ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
            log.warning("MAX update %s not understood: %s", raw.get("update_type"), exc)
            return None

    def feed_soon(self, update: Update) -> None:
        """Handled in a task of its own: a slow update never holds up the next."""
        self._spawn(self._feed(update))

    def take_soon(self, raw: dict[str, Any]) -> None:
        """Converted and handled in a task (the webhook answers MAX at once)."""
        self._spawn(self._take(raw))

    async def _take(self, raw: dict[str, Any]) -> None:
        update = await self.convert(raw)
        if update is not None:
            await self._feed(update)

    async def _feed(self, update: Update) -> None:
        try:
            await self.dp.feed_update(self.bot, update, update_source=self.source)
        except Exception:  # one bad update never stops the others
            log.exception("MAX update %s failed", update.update_id)

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self, timeout: float = 10) -> None:
        """Let the updates in hand finish."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
