"""The region's Monday: 100,000 participants (50,000 pairs), 20,000 meetings starting in the
same hour (60 % of them at 10:00 sharp, as lessons do), so 40,000 "in an hour" reminders are
due between 09:00 and 10:00 — more than Telegram's 30 messages a second can send at their
moments. Two worker stacks share the database as two processes would (each its own
engine, leadership, scheduler tick and sender); only the leader ticks and sends.

Printed, one JSON line per variant: reminders sent, lateness against each reminder's
moment (p50/p99/max seconds; late = sent after its moment), and the achieved rate against
the limit. Variants in the same run: ``planned`` (the wave starts early enough, earliest
deadline first) and ``at_the_moment`` (every reminder queued at its own moment: the
baseline the planning replaces).

Time is compressed: the clock runs ``--scale`` times faster and every rate with it, so the
wave's arithmetic is Monday's while the run takes minutes. The Bot API is stubbed
in-process with Telegram's overall limit (429 above it), so what is measured is the
bot's planning and sending, not an HTTP server's speed.

Run: .venv/bin/python bench/monday.py [--meetings 20000] [--pairs 50000] [--scale 20]"""

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.client.session.base import BaseSession  # noqa: E402
from aiogram.exceptions import TelegramRetryAfter  # noqa: E402
from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.methods.base import TelegramType  # noqa: E402
from aiogram.types import Chat, Message  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from bot import jobs  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.domain.pacing import GLOBAL_RATE, Pacer  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.leader import Leadership  # noqa: E402
from bot.outbox import Sender  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.tables import (  # noqa: E402
    MeetingRow,
    OrganisationRow,
    OutboxRow,
    PairRow,
    ParticipantRow,
    ProgrammeRow,
    UserRow,
)

LIMIT = 30.0  # Telegram's overall messages a second
MONDAY_10 = datetime(2026, 12, 7, 7, 0)  # 10:00 in Moscow, naive UTC


class ScaledClock:
    """Monday's time, running ``scale`` times faster than the wall clock."""

    def __init__(self, start: datetime, scale: float) -> None:
        self.start, self.scale, self.t0 = start, scale, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.t0) * self.scale)


class Telegram(BaseSession):
    """Answers sendMessage at once; above the overall limit it answers 429 as Telegram does."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate, self.allowance, self.stamp = rate, 1.0, time.monotonic()
        self.sent = 0
        self.refused = 0

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        now = time.monotonic()
        self.allowance = min(self.rate / 10, self.allowance + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.allowance < 1:
            self.refused += 1
            raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=1)
        self.allowance -= 1
        self.sent += 1
        chat_id = int(getattr(method, "chat_id", 0) or 0)
        return Message(  # type: ignore[return-value]
            message_id=self.sent, date=datetime.now(UTC), chat=Chat(id=chat_id, type="private"), text="ok"
        )

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        """The wave downloads no files: an empty stream, as a file with no bytes."""
        yield b""

    async def close(self) -> None:
        return None


async def seed(url: str, pairs: int, meetings: int, rnd: random.Random) -> None:
    db = Database(url)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await db.migrate()
    made = MONDAY_10 - timedelta(days=30)
    async with db.engine.begin() as conn:
        await conn.execute(
            insert(OrganisationRow),
            [{"id": 1, "name": "Регион", "timezone": "Europe/Moscow", "created_at": made}],
        )
        await conn.execute(
            insert(ProgrammeRow),
            [
                {
                    "id": 1,
                    "organisation_id": 1,
                    "title": "Наставничество региона",
                    "forms": ["tp"],
                    "group_format": False,
                    "start_date": date(2026, 9, 1),
                    "end_date": date(2027, 5, 31),
                    "timezone": "Europe/Moscow",
                    "cadence": "weekly",
                    "min_meetings": 30,
                    "stage": 6,
                    "created_at": made,
                }
            ],
        )
        for lo in range(0, pairs, 5000):
            hi = min(pairs, lo + 5000)
            users, parts, prs = [], [], []
            for i in range(lo, hi):
                for side in (0, 1):
                    uid = 1_000_000 + 2 * i + side
                    users.append({"id": uid, "name": f"Участник {uid}", "created_at": made, "locale": "ru"})
                    parts.append(
                        {
                            "id": 2 * i + side + 1,
                            "programme_id": 1,
                            "user_id": uid,
                            "role": "mentor" if side == 0 else "mentee",
                            "status": "approved",
                            "name": f"Участник {uid}",
                            "joined_at": made,
                        }
                    )
                prs.append(
                    {
                        "id": i + 1,
                        "programme_id": 1,
                        "mentor_id": 2 * i + 1,
                        "mentee_id": 2 * i + 2,
                        "status": "active",
                        "form": "tp",
                        "created_at": made,
                        "started_at": MONDAY_10 - timedelta(days=3),  # no pair is quiet yet
                    }
                )
            await conn.execute(insert(UserRow), users)
            await conn.execute(insert(ParticipantRow), parts)
            await conn.execute(insert(PairRow), prs)
        rows, done = [], []
        for i in range(meetings):
            sharp = rnd.random() < 0.6
            starts = MONDAY_10 if sharp else MONDAY_10 + timedelta(minutes=rnd.randrange(1, 60))
            rows.append(
                {
                    "id": i + 1,
                    "pair_id": i + 1,
                    "kind": "regular",
                    "starts_at": starts,
                    "status": "confirmed",
                    "proposed_by": 1_000_000 + 2 * i,
                    "created_at": made,
                }
            )
            for side in (1, 2):  # yesterday's "in 24 hours" reminders went yesterday
                done.append(
                    {
                        "dedupe_key": f"meet:{i + 1}:{starts:%Y%m%d%H%M}:24h:{2 * i + side}",
                        "chat_id": 1_000_000 + 2 * i + side - 1,
                        "text": "",
                        "status": "sent",
                        "not_before": starts - timedelta(days=1),
                        "attempts": 1,
                        "created_at": starts - timedelta(days=1),
                    }
                )
        await conn.execute(insert(MeetingRow), rows)
        for lo in range(0, len(done), 5000):
            await conn.execute(insert(OutboxRow), done[lo : lo + 5000])
    await db.close()


class Worker:
    """One process's worker role: leadership, the scheduler's meeting tick, the sender."""

    def __init__(self, url: str, name: str, clock: ScaledClock, scale: float, planned: bool) -> None:
        self.db = Database(url)
        self.clock, self.scale, self.planned = clock, scale, planned
        self.leading = Leadership(self.db, clock, name, ttl=timedelta(seconds=15 * scale), renew_s=3.0)
        self.session = Telegram(LIMIT * scale)
        self.bot = Bot("123456:MONDAY", session=self.session)
        self.sender = Sender(
            self.db,
            self.bot,
            clock,
            Translator(),
            Pacer(global_rate=GLOBAL_RATE * scale, chat_rate=scale, group_per_minute=19 * scale),
            worker=name,
            active=self.leading,
            lease=timedelta(seconds=60),
            idle_s=0.02,
        )
        self.tasks: list[asyncio.Task[Any]] = []

    async def ticks(self) -> None:
        i18n = Translator()
        while True:
            if self.leading():
                await jobs.meetings_tick(self.db, i18n, self.clock, rate=GLOBAL_RATE)
            await asyncio.sleep(30 / self.scale)

    async def start(self) -> None:
        await self.leading.try_take()
        self.tasks = [
            asyncio.create_task(self.leading.run()),
            asyncio.create_task(self.ticks()),
            asyncio.create_task(self.sender.run()),
        ]

    async def stop(self) -> None:
        await self.sender.stop()
        await self.leading.stop()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.bot.session.close()
        await self.db.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def variant(url: str, args: argparse.Namespace, planned: bool) -> dict[str, Any]:
    await seed(url, args.pairs, args.meetings, random.Random(args.seed))
    lookahead = jobs.WAVE_LOOKAHEAD
    if not planned:
        jobs.WAVE_LOOKAHEAD = timedelta(0)  # the baseline: each reminder at its own moment
    wave = 2 * args.meetings
    first_moment = MONDAY_10 - timedelta(hours=1)
    # the scheduler's ticks before the timed part (every 30 s from 04:00 on in a real
    # morning) have planned what is in their window by 05:00
    db = Database(url)
    planned_at = time.monotonic()
    await jobs.meetings_tick(db, Translator(), FakeClock(first_moment - timedelta(hours=1)))
    planning_s = time.monotonic() - planned_at
    await db.close()
    clock = ScaledClock(first_moment - timedelta(minutes=args.lead_min), args.scale)
    workers = [Worker(url, f"worker-{n}", clock, args.scale, planned) for n in (1, 2)]
    started = time.monotonic()
    try:
        for w in workers:
            await w.start()
        db = workers[0].db
        while True:
            await asyncio.sleep(1)
            async with db.unit() as uow:
                sent = await uow.session.scalar(
                    select(OutboxRow.id)
                    .where(OutboxRow.dedupe_key.like("meet:%:1h:%"), OutboxRow.status == "sent")
                    .order_by(OutboxRow.id.desc())
                    .limit(1)
                    .offset(wave - 1)
                )
            if sent is not None or time.monotonic() - started > args.max_s:
                break
        async with db.unit() as uow:
            rows = (
                await uow.session.execute(
                    select(OutboxRow.sent_at, OutboxRow.deadline, OutboxRow.status).where(
                        OutboxRow.dedupe_key.like("meet:%:1h:%")
                    )
                )
            ).all()
    finally:
        for w in workers:
            await w.stop()
        jobs.WAVE_LOOKAHEAD = lookahead
    done = [(s, d) for s, d, status in rows if status == "sent" and s is not None and d is not None]
    lateness = [(s - d).total_seconds() for s, d in done]
    sends = sorted(s for s, _ in done)
    span = (sends[-1] - sends[0]).total_seconds() if len(sends) > 1 else 0.0
    rate = (len(sends) - 1) / span if span else 0.0
    return {
        "bench": "monday",
        "variant": "planned" if planned else "at_the_moment",
        "database": "sqlite" if url.startswith("sqlite") else "postgresql",
        "participants": 2 * args.pairs,
        "meetings": args.meetings,
        "reminders": wave,
        "sent": len(done),
        "late": sum(1 for x in lateness if x > 0),
        "lateness_p50_s": round(pct(lateness, 0.5), 1),
        "lateness_p99_s": round(pct(lateness, 0.99), 1),
        "lateness_max_s": round(max(lateness, default=0.0), 1),
        "first_sent_before_moment_min": round(
            ((first_moment - sends[0]).total_seconds() / 60) if sends else 0.0, 1
        ),
        "rate_per_s": round(rate, 2),
        "limit_per_s": LIMIT,
        "rate_to_limit": round(rate / LIMIT, 3),
        "senders": sum(1 for w in workers if w.session.sent),
        "http_429": sum(w.session.refused for w in workers),
        "scale": args.scale,
        "planning_tick_s": round(planning_s, 1),
        "wall_s": round(time.monotonic() - started, 1),
    }


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    ap.add_argument("--pairs", type=int, default=50_000)
    ap.add_argument("--meetings", type=int, default=20_000)
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--lead-min", type=float, default=20.0, help="the clock starts this long before 09:00")
    ap.add_argument("--max-s", type=float, default=900.0)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--variants", default="planned,at_the_moment")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.variants.split(","):
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/monday-{name}.db"
            print(json.dumps(await variant(url, args, name == "planned"), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
