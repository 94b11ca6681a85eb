"""The composition root: the only place that builds the bot, the dispatcher, the
database and the web server, and closes them all."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import logsafe
from bot.answered import AnsweredQueries
from bot.clock import Clock, SystemClock
from bot.dispatch_index import IndexedDispatcher
from bot.domain.identity import Messenger
from bot.domain.pacing import Pacer
from bot.edits import NotModifiedIsDone
from bot.i18n import Translator
from bot.leader import Leadership
from bot.messengers.max_api import MaxApi
from bot.messengers.max_polling import MaxPolling
from bot.messengers.max_session import MaxSession
from bot.messengers.max_updates import MaxUpdates
from bot.messengers.max_webhook import MaxWebhook, subscribe, unsubscribe_all
from bot.messengers.routing import RoutingSession
from bot.middlewares import CommitBeforeSend, ConversationState, Isolation, Person, UnitOfWork
from bot.outbox import Sender, worker_name
from bot.retry import RetryMiddleware
from bot.scheduler import build_scheduler
from bot.services.links import StartLinks
from bot.settings import Settings
from bot.throttle import PersonThrottle
from bot.webhook import ClosedRequestHandler, max_webhook_secret, webhook_secret
from handlers import get_routers
from handlers.common import set_default_commands
from storage.db import Database
from storage.fsm import SqlStorage
from storage.message_refs import MessageRefs

log = logging.getLogger(__name__)


MAX_ONLY_TOKEN = "1:max-only"  # noqa: S105 - aiogram's Bot wants a token; with MAX alone it is never sent


def build_bot(
    settings: Settings, refs: MessageRefs | None = None, now: Callable[[], datetime] | None = None
) -> Bot:
    """One bot for both messengers: a session that routes each call by the chat's messenger
    (``bot/messengers/routing.py``); the request middlewares serve both."""
    telegram = None
    if settings.bot_token is not None:
        telegram = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    max_session = None
    if settings.max_bot_token is not None:
        if refs is None:
            raise ValueError("MAX needs the database (message ids)")
        api = MaxApi(settings.max_bot_token.get_secret_value(), settings.max_api_url, settings.max_ca_file)
        max_session = MaxSession(api, refs, now or SystemClock().now)
    if telegram is None and max_session is None:
        raise ValueError("neither BOT_TOKEN nor MAX_BOT_TOKEN is set")
    session = RoutingSession(telegram, max_session)
    session.middleware(CommitBeforeSend())
    session.middleware(RetryMiddleware())
    session.middleware(AnsweredQueries())
    session.middleware(NotModifiedIsDone())
    token = settings.bot_token.get_secret_value() if settings.bot_token else MAX_ONLY_TOKEN
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def screen_long_polls(bot: Bot, dp: Dispatcher) -> None:
    """Telegram's getUpdates answers pass the per-person throttle as JSON: a spammer's
    updates are dropped before aiogram builds them (bot/throttle.py ``screen``)."""
    session = bot.session
    if isinstance(session, RoutingSession):
        telegram = session.sessions[Messenger.TELEGRAM]
        if telegram is not None:
            telegram.json_loads = dp["throttle"].loads


def max_session_of(bot: Bot) -> MaxSession | None:
    session = bot.session
    if isinstance(session, RoutingSession):
        found = session.sessions[Messenger.MAX]
        return found if isinstance(found, MaxSession) else None
    return None


async def start_links(bot: Bot, settings: Settings) -> StartLinks:
    """The bot's username in each messenger it serves (asked of each at start)."""
    telegram = (await bot.get_me()).username or "bot" if settings.bot_token is not None else None
    maxed = max_session_of(bot)
    max_name = None
    if maxed is not None:
        me = await maxed.load_me()
        max_name = str(me.get("username") or me.get("user_id"))
    return StartLinks(telegram=telegram, max=max_name)


def update_source(settings: Settings, bot_id: int) -> str:
    """Which stream of update ids this is: the bot and the server it polls. A new emulator
    or a new token starts a new stream, so old marks never hide new updates."""
    return f"{bot_id}@{settings.telegram_api_url}"[:120]


def build_dispatcher(
    settings: Settings,
    db: Database,
    clock: Clock,
    i18n: Translator,
    bot_username: str,
    bot_id: int = 0,
    links: StartLinks | None = None,
) -> Dispatcher:
    isolation = SimpleEventIsolation()
    dp = IndexedDispatcher(
        storage=SqlStorage(db.sessions),
        events_isolation=isolation,
        disable_fsm=True,  # registered below, in the order the unit of work needs
        settings=settings,
        clock=clock,
        i18n=i18n,
        bot_username=bot_username,
        links=links or StartLinks(telegram=bot_username),
    )
    unit_of_work = UnitOfWork(db, clock, update_source(settings, bot_id), settings.updates_in_flight)
    dp["throttle"] = throttle = PersonThrottle(settings, i18n)
    dp.update.outer_middleware(throttle)
    dp.update.outer_middleware(Isolation(dp.fsm, isolation))
    dp.update.outer_middleware(unit_of_work)
    dp.update.outer_middleware(ConversationState())
    dp["unit_of_work"] = unit_of_work  # the app drains it before closing
    dp.update.outer_middleware(Person(i18n, clock))
    dp.include_routers(*get_routers())
    return dp


Role = Literal["web", "worker", "all"]


@dataclass
class App:
    """A running bot: built by ``start``, served by ``serve``, closed by ``stop``.

    Roles: ``web`` answers updates (polling, or a webhook behind a proxy; run N of them);
    ``worker`` runs the scheduler and the outbox sender — every worker competes for one
    leadership lease and only the leader ticks and sends; ``all`` (the default) is both."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    role: Role = "all"
    leadership: Leadership | None = None
    _leader_task: asyncio.Task[None] | None = None
    db: Database | None = None
    bot: Bot | None = None
    dp: Dispatcher | None = None
    i18n: Translator | None = None
    scheduler: AsyncIOScheduler | None = None
    sender: Sender | None = None
    _sender_task: asyncio.Task[None] | None = None
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    owner_link: str | None = None  # a one-time «стать куратором» link while there is no curator
    owner_links: list[tuple[str, str]] = field(default_factory=list)  # the same, per messenger
    links: StartLinks | None = None
    max_updates: MaxUpdates | None = None  # MAX's updates into the dispatcher (polling or webhook)
    max_polling: MaxPolling | None = None
    _max_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        s = self.settings
        logsafe.install(*(t.get_secret_value() if t else None for t in (s.bot_token, s.max_bot_token)))
        self.db = Database(s.database_url)
        await self.db.migrate()
        self.bot = build_bot(s, MessageRefs(self.db.sessions), self.clock.now)
        self.links = links = await start_links(self.bot, s)
        self.i18n = i18n = Translator(s.default_locale)
        username = links.telegram or links.max or "bot"
        self.dp = build_dispatcher(s, self.db, self.clock, i18n, username, self.bot.id, links)
        screen_long_polls(self.bot, self.dp)
        await set_default_commands(self.bot, i18n)
        if self.role in ("worker", "all"):
            holder = worker_name()
            ttl = timedelta(seconds=s.leader_ttl_s)
            self.leadership = leading = Leadership(
                self.db, self.clock, holder, ttl, renew_s=s.leader_ttl_s / 5
            )
            await leading.try_take()
            self._leader_task = asyncio.create_task(leading.run())
            self.scheduler = build_scheduler(
                self.db, i18n, self.clock, leading=leading, retention_months=s.archive_retention_months
            )
            self.scheduler.start()
            self.sender = Sender(
                self.db,
                self.bot,
                self.clock,
                i18n,
                Pacer(global_rate=s.outbox_rate),
                worker=holder,
                active=leading,
                lease=timedelta(seconds=s.outbox_lease_s),
            )
            self._sender_task = asyncio.create_task(self.sender.run())
        log.info("bot ready: %s (role %s)", links, self.role)
        self.owner_links = await first_curator_links(self.db, self.clock, links)
        self.owner_link = self.owner_links[0][1] if self.owner_links else None

    async def serve(self, handle_signals: bool = True) -> None:
        assert self.bot is not None and self.dp is not None
        if self.role == "worker":  # no updates here: tick and send until told to stop
            if handle_signals:
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, self._stopped.set)
            await self._stopped.wait()
            return
        if self.settings.webhook_mode:  # both messengers' webhooks on one web server
            await self._serve_webhook(handle_signals)
            return
        if self._stopped.is_set():  # told to stop before serving began (a stop right after start)
            return
        await self._start_max_polling()
        if self._stopped.is_set():  # told to stop while MAX's subscriptions were being removed
            return
        if self.settings.bot_token is None:  # MAX alone: its polling runs until told to stop
            if handle_signals:
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, self._stopped.set)
            await self._stopped.wait()
        else:
            await self.bot.delete_webhook()
            await self._poll_until_stopped(handle_signals)

    async def _poll_until_stopped(self, handle_signals: bool) -> None:
        """Telegram's long polling until it ends or ``stop`` is asked — also when the stop
        came before aiogram's polling had begun (``stop_polling`` then has nothing to stop,
        and a polling started after it would run forever: a sandbox stopped right after its
        start never exited)."""
        assert self.bot is not None and self.dp is not None
        if self._stopped.is_set():
            return
        polling = asyncio.create_task(
            self.dp.start_polling(
                self.bot,
                handle_signals=handle_signals,
                close_bot_session=False,
                allowed_updates=self.dp.resolve_used_update_types(),
            )
        )
        stopped = asyncio.create_task(self._stopped.wait())
        try:
            await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not polling.done():  # ``stop`` asked aiogram to stop: normally it ends at once
            await asyncio.wait({polling}, timeout=5)
        if not polling.done():  # it began after ``stop`` asked (or never began): stop it now
            try:
                await self.dp.stop_polling()
            except RuntimeError:  # not begun at all
                polling.cancel()
            with suppress(asyncio.CancelledError):
                await polling
            return
        polling.result()  # its error, if any

    def _max_updates(self) -> MaxUpdates | None:
        """MAX's updates into the dispatcher, when this installation serves MAX."""
        assert self.bot is not None and self.dp is not None
        maxed = max_session_of(self.bot)
        if maxed is None or maxed.me is None:
            return None
        self.max_updates = MaxUpdates(maxed.max, self.dp, self.bot, maxed.refs, maxed.me, self.clock.now)
        return self.max_updates

    async def _start_max_polling(self) -> None:
        """MAX's updates by long polling, beside Telegram's; MAX serves no long polling while
        a webhook subscription exists, so any is removed first."""
        updates = self._max_updates()
        if updates is None:
            return
        await unsubscribe_all(updates.api)
        if self._stopped.is_set():  # stopped meanwhile: ``stop`` found nothing to stop
            return
        self.max_polling = MaxPolling(updates.api, updates)
        self._max_task = asyncio.create_task(self.max_polling.run())

    async def _serve_webhook(self, handle_signals: bool) -> None:
        """One web server takes Telegram's webhook (``WEBHOOK_PATH``) and MAX's
        (``MAX_WEBHOOK_PATH``), each checking its own secret; with one messenger, its route only."""
        assert self.bot is not None and self.dp is not None
        s = self.settings
        app = web.Application()
        secret = None
        if s.bot_token is not None:
            secret = webhook_secret(s)
            logsafe.install(secret)
            ClosedRequestHandler(self.dp, self.bot, secret_token=secret).register(app, path=s.webhook_path)
        max_updates = self._max_updates()
        max_secret = None
        if max_updates is not None:
            max_secret = max_webhook_secret(s)
            logsafe.install(max_secret)
            MaxWebhook(max_updates, max_secret).register(app, s.max_webhook_path)
        setup_application(app, self.dp, bot=self.bot)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, s.webhook_host, s.webhook_port).start()
        assert s.webhook_url is not None
        if secret is not None:
            await self.bot.set_webhook(
                s.webhook_url + s.webhook_path,
                secret_token=secret,
                allowed_updates=self.dp.resolve_used_update_types(),
            )
        if max_updates is not None and max_secret is not None:
            await subscribe(max_updates.api, s.webhook_url + s.max_webhook_path, max_secret)
        if handle_signals:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self._stopped.set)
        await self._stopped.wait()
        await self._runner.cleanup()
        self._runner = None

    async def stop(self) -> None:
        """Ask ``serve`` to return (from a test or a signal)."""
        self._stopped.set()
        if self.max_polling is not None and self._max_task is not None:
            await self.max_polling.stop()
            self._max_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._max_task
            self.max_polling = None
        if self.max_updates is not None:  # the MAX updates in hand finish
            await self.max_updates.stop()
            self.max_updates = None
        polling = self.settings.bot_token is not None and not self.settings.webhook_mode
        if self.dp is not None and polling and self.role != "worker":
            with suppress(RuntimeError):
                await self.dp.stop_polling()

    async def close(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.dp is not None:  # let the updates in hand finish and commit
            uow = self.dp.workflow_data.get("unit_of_work")
            if isinstance(uow, UnitOfWork) and not await uow.drain(10):
                log.warning("closing with updates still being handled")
        if self.sender is not None and self._sender_task is not None:
            await self.sender.stop()
            with suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._sender_task, 10)
        if self.leadership is not None and self._leader_task is not None:
            await self.leadership.stop()
            with suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._leader_task, 5)
        if self._runner is not None:
            await self._runner.cleanup()
        if self.dp is not None:
            await self.dp.storage.close()
            await self.dp.fsm.events_isolation.close()
        if self.bot is not None:
            await self.bot.session.close()
        if self.db is not None:
            await self.db.close()


async def first_curator_links(db: Database, clock: Clock, links: StartLinks) -> list[tuple[str, str]]:
    from bot.services import owner

    async with db.unit() as repo:
        token = await owner.at_start(repo, clock.now())
    return links.urls(token) if token else []


def owner_link_notice(links: list[tuple[str, str]]) -> str:
    where = " or ".join(f"in {name}: {url}" for name, url in links)
    return f"No curator yet: open this one-time link to become the school's first curator, {where}"


async def run(settings: Settings, clock: Clock | None = None, role: Role = "all") -> None:
    app = App(settings, clock or SystemClock(), role=role)
    try:
        await app.start()
        if app.owner_links:
            print(owner_link_notice(app.owner_links), flush=True)
        await app.serve()
    finally:
        await app.close()
