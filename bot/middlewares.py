"""Outer middlewares: one unit of work per update, then who the person is and their language."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TgUser

from bot.clock import Clock
from bot.i18n import Translator
from storage.db import Database

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)


class UnitOfWork(BaseMiddleware):
    """Opens one DB session for the update; commits when the handler returns, rolls back
    when it raises (so a refused action changes nothing).

    An update handled before is skipped: Telegram sends an update again when the bot
    stopped before confirming it, and a second toggle or answer must change nothing. The
    mark is written in the same transaction as the handler's effects. ``drain`` lets a
    stopping bot finish the updates in hand before it closes the database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._active += 1
        self._idle.clear()
        try:
            async with self.db.unit() as repo:
                if isinstance(event, Update) and not await repo.first_time(event.update_id, self.clock.now()):
                    log.info("update %s was handled before; skipped", event.update_id)
                    return None
                data["repo"] = repo
                return await handler(event, data)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait until no update is being handled (True) or the timeout passes (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Person(BaseMiddleware):
    """Puts ``user`` (the domain user, created on first contact) and ``t`` (their strings)."""

    def __init__(self, i18n: Translator, clock: Clock) -> None:
        self.i18n = i18n
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg: TgUser | None = data.get("event_from_user")
        if tg is None or tg.is_bot:
            data["t"] = self.i18n.get(None)
            return await handler(event, data)
        repo = data["repo"]
        user = await repo.get_user(tg.id)
        name = tg.full_name[:128] or str(tg.id)
        changed = not user.forgotten and (user.name, user.username) != (name, tg.username) if user else True
        if user is None or changed or user.unreachable:
            user = await repo.touch_user(tg.id, name, tg.username, self.clock.now())
        data["user"] = user
        data["t"] = self.i18n.get(self.i18n.pick(user.locale, tg.language_code))
        return await handler(event, data)


def is_update(event: TelegramObject) -> bool:
    return isinstance(event, Update)
