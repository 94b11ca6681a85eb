"""Updates per second through the real dispatcher, middlewares, handlers and database, with
the Bot API stubbed in-process (a configurable delay stands for Telegram's latency), against
bare aiogram echoing the same number of messages through the same stub in the same run.

The mix is what people do: a new person opens an invite link (/start with the token) and
walks the registration questionnaire by pressing the buttons of the last message the bot
sent them (or typing when it asks for text), with /meetings, /profile, /help and free text
in between. Cases: one update at a time, and 200 people at once; Telegram answering in 0
and in 50 ms. One JSON line per case; besides the wall-clock rate it gives the CPU time this
process spent per update against the echo's (``cpu_ratio``), which a busy machine moves less.

Run: .venv/bin/python bench/updates.py [--database-url URL] [--people 200] [--steps 12]
(``DATABASE_URL`` works too; default: a fresh SQLite file. On PostgreSQL, give a database
that may be wiped: every case starts from an empty schema.)"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncGenerator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram import Bot, Dispatcher, Router  # noqa: E402
from aiogram.client.session.base import BaseSession  # noqa: E402
from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.methods.base import TelegramType  # noqa: E402
from aiogram.types import Chat, Message, Update, User  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.app import build_dispatcher  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.domain.catalog import Cadence, Form, Role  # noqa: E402
from bot.domain.models import Invite, OrganisationId, Programme, ProgrammeId  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.middlewares import CommitBeforeSend  # noqa: E402
from bot.retry import RetryMiddleware  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.db import Database  # noqa: E402

TOKEN = "123456:BENCH"
BOT_ID = 123456
NOW = datetime(2026, 10, 1, 9, 0)


class StubSession(BaseSession):
    """Answers every Bot API method after ``delay`` seconds with a plausible result, and
    remembers the last inline keyboard sent into each chat (what a person can press)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.calls = 0
        self.next_id = 1
        self.keyboards: dict[int, tuple[int, list[str]]] = {}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        name = type(method).__name__
        if name == "GetMe":
            return User(id=BOT_ID, is_bot=True, first_name="Бот", username="bench_bot")  # type: ignore[return-value]
        chat_id = getattr(method, "chat_id", None)
        if name in ("SendMessage", "SendPhoto", "SendDocument") and isinstance(chat_id, int):
            self.next_id += 1
            markup = getattr(method, "reply_markup", None)
            rows = getattr(markup, "inline_keyboard", None)
            if rows:
                data = [b.callback_data for row in rows for b in row if b.callback_data]
                self.keyboards[chat_id] = (self.next_id, data)
            elif chat_id in self.keyboards and name == "SendMessage":
                self.keyboards.pop(chat_id, None)
            msg = Message(
                message_id=self.next_id,
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private" if chat_id > 0 else "group"),
                text=getattr(method, "text", None),
            )
            return msg  # type: ignore[return-value]
        if name.startswith("Edit"):
            markup = getattr(method, "reply_markup", None)
            rows = getattr(markup, "inline_keyboard", None)
            message_id = getattr(method, "message_id", None)
            if isinstance(chat_id, int) and rows and isinstance(message_id, int):
                data = [b.callback_data for row in rows for b in row if b.callback_data]
                self.keyboards[chat_id] = (message_id, data)
            return True  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


def make_bot(delay: float, *, ours: bool) -> tuple[Bot, StubSession]:
    session = StubSession(delay)
    if ours:  # the bot's own request chain: commit before a call, retry on 429/5xx
        session.middleware(CommitBeforeSend())
        session.middleware(RetryMiddleware())
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session


class Updates:
    def __init__(self) -> None:
        self.next_update = 1
        self.next_message = 1_000_000

    def message(self, uid: int, text: str) -> Update:
        self.next_update += 1
        self.next_message += 1
        return Update.model_validate(
            {
                "update_id": self.next_update,
                "message": {
                    "message_id": self.next_message,
                    "date": int(NOW.timestamp()),
                    "chat": {"id": uid, "type": "private", "first_name": f"Ученик {uid}"},
                    "from": {
                        "id": uid,
                        "is_bot": False,
                        "first_name": f"Ученик {uid}",
                        "language_code": "ru",
                    },
                    "text": text,
                    **(
                        {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
                        if text.startswith("/")
                        else {}
                    ),
                },
            }
        )

    def press(self, uid: int, message_id: int, data: str) -> Update:
        self.next_update += 1
        return Update.model_validate(
            {
                "update_id": self.next_update,
                "callback_query": {
                    "id": str(self.next_update),
                    "from": {
                        "id": uid,
                        "is_bot": False,
                        "first_name": f"Ученик {uid}",
                        "language_code": "ru",
                    },
                    "chat_instance": str(uid),
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(NOW.timestamp()),
                        "chat": {"id": uid, "type": "private", "first_name": f"Ученик {uid}"},
                        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Бот"},
                        "text": "…",
                    },
                },
            }
        )


async def fresh_database(url: str) -> Database:
    db = Database(url)
    if not db.is_sqlite:  # an empty schema for every case
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await db.migrate()
    return db


async def school(db: Database) -> str:
    async with db.unit() as uow:
        org = await uow.organisations.create("Школа", "Europe/Moscow", NOW)
        await uow.people.touch(1, "Куратор", None, NOW)
        await uow.organisations.add_curator(org.id, 1, None, NOW)
        programme = await uow.programmes.create(
            Programme(
                ProgrammeId(0),
                OrganisationId(org.id),
                "Бенчмарк",
                (Form.PUPIL_PUPIL, Form.TEACHER_PUPIL),
                False,
                date(2026, 9, 1),
                date(2027, 5, 31),
                "Europe/Moscow",
                Cadence.WEEKLY,
                30,
            ),
            NOW,
        )
        invite = Invite("benchinvite", OrganisationId(org.id), programme.id, Role.MENTEE)
        await uow.invites.create(invite, 1, NOW)
    return invite.token


class Walk:
    """One person's next update: a realistic mix, decided by what the bot last offered."""

    EXTRA = ("/meetings", "/profile", "/help", "привет! что дальше?", "Алиса <b>Смирнова</b> 🙂")

    def __init__(
        self, uid: int, token: str, session: StubSession, updates: Updates, rnd: random.Random
    ) -> None:
        self.uid, self.token, self.session, self.updates, self.rnd = uid, token, session, updates, rnd
        self.started = False

    def next(self) -> Update:
        if not self.started:
            self.started = True
            return self.updates.message(self.uid, f"/start {self.token}")
        if self.rnd.random() < 0.2:
            return self.updates.message(self.uid, self.rnd.choice(self.EXTRA))
        offered = self.session.keyboards.get(self.uid)
        if offered and offered[1]:
            message_id, data = offered
            return self.updates.press(self.uid, message_id, self.rnd.choice(data))
        return self.updates.message(self.uid, self.rnd.choice(("Алиса Смирнова", "14", "8", "шахматы")))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def drive(
    dp: Dispatcher, bot: Bot, people: int, steps: int, make: Any, concurrent: bool
) -> tuple[float, list[float], int]:
    """Feed ``people`` × ``steps`` updates; each person waits for the answer to their last
    update (as a person does). Returns wall seconds, latencies, updates that failed."""
    latencies: list[float] = []
    lost = 0

    async def person(i: int) -> None:
        nonlocal lost
        walk = make(i)
        for _ in range(steps):
            update = walk.next()
            started = time.perf_counter()
            try:
                await dp.feed_update(bot, update)
            except Exception:
                lost += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    if concurrent:
        await asyncio.gather(*(person(i) for i in range(people)))
    else:
        for i in range(people):
            await person(i)
    return time.perf_counter() - started, latencies, lost


async def echo_rate(n: int, delay: float, concurrent: bool, people: int) -> tuple[float, float]:
    """Bare aiogram answering every message with its text, through the same stub."""
    bot, _ = make_bot(delay, ours=False)
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    updates = Updates()
    steps = max(1, n // people)

    class Echo:
        def __init__(self, uid: int) -> None:
            self.uid = uid

        def next(self) -> Update:
            return updates.message(self.uid, "привет")

    cpu = time.process_time()
    wall, _, _ = await drive(dp, bot, people, steps, lambda i: Echo(10_000 + i), concurrent)
    cpu = time.process_time() - cpu
    await bot.session.close()
    return people * steps / wall, cpu / (people * steps)


async def case(
    url: str, delay_ms: int, concurrent: bool, people: int, steps: int, seed: int, in_flight: int
) -> dict[str, Any]:
    db = await fresh_database(url)
    try:
        token = await school(db)
        bot, session = make_bot(delay_ms / 1000, ours=True)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            bot_token=TOKEN,  # type: ignore[arg-type]
            database_url=url,
            updates_in_flight=in_flight,
        )
        dp = build_dispatcher(settings, db, FakeClock(NOW), Translator(), "bench_bot", BOT_ID)
        updates = Updates()
        rnd = random.Random(seed)
        cpu = time.process_time()
        wall, latencies, lost = await drive(
            dp,
            bot,
            people,
            steps,
            lambda i: Walk(100_000 + i, token, session, updates, rnd),
            concurrent,
        )
        n = people * steps
        cpu = time.process_time() - cpu
        baseline, baseline_cpu = await echo_rate(n, delay_ms / 1000, concurrent, people)
        rate = n / wall
        return {
            "bench": "updates",
            "database": "sqlite" if db.is_sqlite else "postgresql",
            "mode": "concurrent" if concurrent else "sequential",
            "delay_ms": delay_ms,
            "people": people,
            "updates": n,
            "updates_per_s": round(rate, 1),
            "baseline_per_s": round(baseline, 1),
            "ratio": round(rate / baseline, 3),
            # CPU seconds of this process per update: what the machine's other load moves least
            "cpu_ms_per_update": round(cpu / n * 1000, 3),
            "baseline_cpu_ms": round(baseline_cpu * 1000, 3),
            "cpu_ratio": round(baseline_cpu * n / cpu, 3) if cpu else None,
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "lost": lost,
            "in_flight": in_flight,
            "peak_at_work": dp["unit_of_work"].gate.peak,
            "api_calls_per_update": round(session.calls / n, 2),
        }
    finally:
        await db.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    ap.add_argument("--people", type=int, default=200)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--sequential-people", type=int, default=60)
    ap.add_argument("--delays", default="0,50")
    ap.add_argument("--seed", type=int, default=20261203)
    # updates at work at once (UPDATES_IN_FLIGHT); a large number turns the gate off
    ap.add_argument("--in-flight", type=int, default=Settings.model_fields["updates_in_flight"].default)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for delay in (int(d) for d in args.delays.split(",")):
            for concurrent in (False, True):
                url = args.database_url or f"sqlite+aiosqlite:///{tmp}/updates-{delay}-{int(concurrent)}.db"
                people = args.people if concurrent else args.sequential_people
                result = await case(url, delay, concurrent, people, args.steps, args.seed, args.in_flight)
                print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
