"""kill -9 in the middle of a wave, then restart: nothing lost, duplicates at most the
sender's concurrency. The bot runs as a real process (python -m bot) against the emulator.
Prints one JSON line. Run: .venv/bin/python bench/crash.py [messages]"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.outbox import Sender  # noqa: E402
from sandbox.run import SANDBOX_TOKEN, start_emulator  # noqa: E402
from storage.db import Database  # noqa: E402


async def main(n: int) -> None:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = True
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite+aiosqlite:///{tmp}/crash.db"
        db = Database(db_url)
        await db.migrate()
        now = datetime.utcnow()  # the bot process uses the system clock (naive UTC)
        async with db.unit() as uow:
            for i in range(n):
                user = emu.add_user(f"u{i}")
                emu.started.add(user["id"])
                await uow.outbox.enqueue(f"bench:{i}", user["id"], f"Волна {i}", None, now)
        await db.close()
        env = {
            **os.environ,
            "BOT_TOKEN": SANDBOX_TOKEN,
            "TELEGRAM_API_URL": url,
            "DATABASE_URL": db_url,
            "LOG_LEVEL": "ERROR",
            # the restarted process leads once the dead one's lease lapses, and retakes the
            # rows it had claimed once their claims lapse (production: 15 s and 60 s)
            "LEADER_TTL_S": "5",
            "OUTBOX_LEASE_S": "10",
        }

        async def spawn() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env)

        proc = await spawn()
        while emu.stats["sent"] < n // 3:  # noqa: ASYNC110 - polling another process's effect
            await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        killed_at = emu.stats["sent"]
        started = time.perf_counter()
        proc = await spawn()
        db = Database(db_url)
        while True:
            async with db.unit() as uow:
                state = await uow.outbox.counts()
            if state.get("pending", 0) + state.get("sending", 0) == 0:
                break
            if time.perf_counter() - started > 600:
                break
            await asyncio.sleep(0.2)
        await db.close()
        proc.send_signal(signal.SIGTERM)
        await proc.wait()
    received = Counter(m.get("text") for msgs in emu.messages.values() for m in msgs if m["from_bot"])
    unique = len(received)
    print(
        json.dumps(
            {
                "messages": n,
                "killed_after_sent": killed_at,
                "lost": n - unique,
                "duplicates": sum(c - 1 for c in received.values()),
                "sender_concurrency": Sender.DEFAULT_CONCURRENCY,
                "outbox": state,
                "http_429": emu.stats["http_429"],
                "restart_to_done_s": round(time.perf_counter() - started, 1),
            }
        )
    )
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
