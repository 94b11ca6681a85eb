"""Outer middlewares, in the order an update meets them:

1. ``Isolation``: one update at a time per person and chat (aiogram's event isolation),
   taken before any database work, so a person's second update waits without holding a
   connection or a lock that others need.
2. ``UnitOfWork``: one database session for the update. The update guard and the
   handler's writes commit together; a Bot API call commits what was done so far first
   (``storage.db.commit_current``), so no transaction is held while Telegram answers.
3. ``ConversationState``: the FSM state, read once, through the unit of work's session.
4. ``Person``: who the person is (created on first contact), their strings, and a
   curator check asked at most once per update."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TgUser

from bot import admission
from bot.admission import Gate
from bot.clock import Clock
from bot.i18n import Translator
from bot.services import register
from storage.db import Database, commit_current
from storage.unit import Unit

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)


class Isolation(BaseMiddleware):
    """Resolves the person's FSM context and holds their isolation lock for the update."""

    def __init__(self, fsm: FSMContextMiddleware, isolation: BaseEventIsolation) -> None:
        self.fsm = fsm
        self.isolation = isolation

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["fsm_storage"] = self.fsm.storage
        context = self.fsm.resolve_event_context(cast(Bot, data["bot"]), data)
        if context is None:
            return await handler(event, data)
        data["state"] = context
        async with self.isolation.lock(key=context.key):
            return await handler(event, data)


class UnitOfWork(BaseMiddleware):
    """Opens one DB session for the update; commits when the handler returns, rolls back
    what is not yet committed when it raises.

    An update handled before is skipped: Telegram sends an update again when the bot
    stopped before confirming it, and a second toggle or answer must change nothing. The
    mark is keyed by the bot and its API server (a new emulator or token never meets old
    marks) and commits with the handler's first effects, before anything is sent.
    ``drain`` lets a stopping bot finish the updates in hand before it closes the database.

    At most ``in_flight`` updates are at work at once (bot/admission.py): the others wait
    their turn in order of arrival, and one waiting for Telegram gives its place up. The
    gate is inside the per-person lock (aiogram's ``tasks_concurrency_limit`` would hold the
    polling loop and count updates waiting for their person's previous one)."""

    def __init__(self, db: Database, clock: Clock, source: str, in_flight: int = 8) -> None:
        self.db = db
        self.clock = clock
        self.source = source
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.gate = Gate(in_flight)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._active += 1
        self._idle.clear()
        try:
            async with admission.place(self.gate), self.db.unit() as uow:
                source = data.get("update_source") or self.source  # MAX's stream has its own
                if isinstance(event, Update) and not await uow.updates.first_time(
                    source, event.update_id, self.clock.now()
                ):
                    log.info("update %s was handled before; skipped", event.update_id)
                    return None
                data["uow"] = uow
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


class ConversationState(BaseMiddleware):
    """``raw_state`` for the state filters, read once through the update's own session."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        context: FSMContext | None = data.get("state")
        if context is not None:
            data["raw_state"] = await context.get_state()
        return await handler(event, data)


class CuratorCheck:
    """Is this person a curator (of an organisation)? Asked of the database once per update
    however many routers' filters ask it."""

    def __init__(self, uow: Unit, user_id: int, orgs: frozenset[int] | None = None) -> None:
        self.uow = uow
        self.user_id = user_id
        self._orgs: set[int] | None = set(orgs) if orgs is not None else None

    async def __call__(self, org_id: int | None = None) -> bool:
        if self._orgs is None:
            self._orgs = {o.id for o in await self.uow.organisations.of_curator(self.user_id)}
        return bool(self._orgs) if org_id is None else org_id in self._orgs


class Person(BaseMiddleware):
    """Puts ``user`` (the domain user, created on first contact), ``t`` (their strings, in
    their register: «вы» or «ты», bot/services/register.py) and ``curator`` (a ``CuratorCheck``)."""

    def __init__(self, i18n: Translator, clock: Clock) -> None:
        self.i18n = i18n
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg: TgUser | None = data.get("event_from_user")
        if tg is None or tg.is_bot:
            data["t"] = self.i18n.get(None)
            return await handler(event, data)
        uow = data["uow"]
        user, orgs = await uow.people.get_with_curatorships(tg.id)
        name = tg.full_name[:128] or str(tg.id)
        changed = not user.forgotten and (user.name, user.username) != (name, tg.username) if user else True
        if user is None or changed or user.unreachable:
            user = await uow.people.touch(tg.id, name, tg.username, self.clock.now())
        data["user"] = user
        data["curator"] = CuratorCheck(uow, user.id, orgs)
        context: FSMContext | None = data.get("state")
        formal = await register.formal(
            uow, user.id, data.get("raw_state"), context.get_data if context else None, bool(orgs)
        )
        data["t"] = self.i18n.get(self.i18n.pick(user.locale, tg.language_code), formal)
        return await handler(event, data)


class CommitBeforeSend(BaseRequestMiddleware):
    """A Bot API request made while an update's unit of work is open commits that unit's
    transaction first: what the person is told is already durable, and Telegram's latency
    never holds SQLite's write lock, a pooled connection or the update's place at work."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        await commit_current()
        return await admission.away(lambda: make_request(bot, method))


def is_update(event: TelegramObject) -> bool:
    return isinstance(event, Update)
