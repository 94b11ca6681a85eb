"""5,000 reminders (2,500 pairs) due in the same minute, sent through the outbox against
the emulator with Telegram's limits on. Prints one JSON line.
Run: .venv/bin/python bench/notify.py [pairs]"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench.common import pairs_with_meetings  # noqa: E402
from bot.app import build_bot  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.jobs import meetings_tick  # noqa: E402
from bot.outbox import Sender  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox.run import SANDBOX_TOKEN, start_emulator  # noqa: E402
from storage.db import Database  # noqa: E402

LIMIT = 30


async def main(n_pairs: int) -> None:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = True  # Telegram's: 30/s overall, 1/s per chat, 20/min per group
    now = datetime(2026, 10, 1, 9, 0)
    clock = FakeClock(now)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/notify.db")
        await db.migrate()
        await pairs_with_meetings(db, emu, n_pairs, now, timedelta(minutes=59))
        i18n = Translator()
        started = time.perf_counter()
        counts = await meetings_tick(db, i18n, clock)
        enqueue_s = time.perf_counter() - started
        started = time.perf_counter()
        again = await meetings_tick(db, i18n, clock)  # the next tick finds nothing new to send
        idle_tick_s = time.perf_counter() - started
        assert again["reminders"] == 0
        expected = counts["reminders"]
        settings = Settings(_env_file=None, bot_token=SANDBOX_TOKEN, telegram_api_url=url)  # type: ignore[call-arg,arg-type]
        bot = build_bot(settings)
        sender = Sender(db, bot, clock, i18n)
        started = time.perf_counter()
        task = asyncio.create_task(sender.run())
        while True:
            async with db.unit() as uow:
                state = await uow.outbox.counts()
            if state.get("pending", 0) + state.get("sending", 0) == 0:
                break
            await asyncio.sleep(0.2)
        seconds = time.perf_counter() - started
        await sender.stop()
        await task
        await bot.session.close()
        await db.close()
    received: Counter[int] = Counter()
    for chat, messages in emu.messages.items():
        for m in messages:
            if m["from_bot"] and re.search("Напоминание", m.get("text") or ""):
                received[chat] += 1
    unique = len(received)
    duplicates = sum(n - 1 for n in received.values())
    rate = expected / seconds
    print(
        json.dumps(
            {
                "messages": expected,
                "seconds": round(seconds, 1),
                "rate_per_s": round(rate, 2),
                "limit_per_s": LIMIT,
                "rate_ratio": round(rate / LIMIT, 3),
                "http_429": emu.stats["http_429"],
                "lost": expected - unique,
                "duplicates": duplicates,
                "enqueue_s": round(enqueue_s, 2),
                "idle_tick_s": round(idle_tick_s, 2),
                "tick_interval_s": 30,
                "outbox": state,
            }
        )
    )
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2500))
