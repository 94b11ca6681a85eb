"""5,000 reminders (2,500 pairs) due in the same minute, sent through the outbox against
the emulator with each messenger's limits on: once with everyone in Telegram (30/s
overall), once with everyone in MAX (30 requests/s overall, 2/s into one chat). Prints one
JSON line per messenger, each against its own limit.
Run: .venv/bin/python bench/notify.py [pairs] [telegram|max|both]"""

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
from bot.app import build_bot, max_session_of  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.jobs import meetings_tick  # noqa: E402
from bot.outbox import Sender  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox.emulator import MAX_SANDBOX_TOKEN  # noqa: E402
from sandbox.run import SANDBOX_TOKEN, start_emulator  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.message_refs import MessageRefs  # noqa: E402

LIMITS = {"telegram": 30, "max": 30}  # messages (MAX: requests) a second, each its own bot


async def main(n_pairs: int, messenger: str) -> None:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = True  # both faces: Telegram 30/s, 1/s per chat; MAX 30/s, 2/s per chat
    now = datetime(2026, 10, 1, 9, 0)
    clock = FakeClock(now)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/notify.db")
        await db.migrate()
        await pairs_with_meetings(db, emu, n_pairs, now, timedelta(minutes=59), messenger)
        i18n = Translator()
        started = time.perf_counter()
        counts = await meetings_tick(db, i18n, clock)
        enqueue_s = time.perf_counter() - started
        started = time.perf_counter()
        again = await meetings_tick(db, i18n, clock)  # the next tick finds nothing new to send
        idle_tick_s = time.perf_counter() - started
        assert again["reminders"] == 0
        expected = counts["reminders"]
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            bot_token=SANDBOX_TOKEN,  # type: ignore[arg-type]
            telegram_api_url=url,
            max_bot_token=MAX_SANDBOX_TOKEN,  # type: ignore[arg-type]
            max_api_url=url + "/max",
        )
        bot = build_bot(settings, MessageRefs(db.sessions), clock.now)
        maxed = max_session_of(bot)
        assert maxed is not None
        await maxed.load_me()
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
    limit = LIMITS[messenger]
    prefix = "max_" if messenger == "max" else ""
    print(
        json.dumps(
            {
                "messenger": messenger,
                "messages": expected,
                "seconds": round(seconds, 1),
                "rate_per_s": round(rate, 2),
                "limit_per_s": limit,
                "rate_ratio": round(rate / limit, 3),
                "http_429": emu.stats[f"{prefix}http_429"],
                "sent_by_face": {"telegram": emu.stats["sent"], "max": emu.stats["max_sent"]},
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
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    for name in ("telegram", "max") if which == "both" else (which,):
        asyncio.run(main(pairs, name))
