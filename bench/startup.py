"""Start-up and reply latency of the real bot process against the emulator.

Prints JSON lines. Baselines are measured in the same run: a bare interpreter and the
imports of the stack, so the ratios say what the bot itself adds.
Run: .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.client import SandboxClient  # noqa: E402
from sandbox.run import SANDBOX_TOKEN, start_emulator  # noqa: E402

RUNS = 3


async def timed_process(*args: str) -> float:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, *args, cwd=ROOT)
    await proc.wait()
    return time.perf_counter() - started


async def bot_start_to_first_answer(url: str, client: SandboxClient, db_dir: Path, n: int) -> float:
    env = {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "TELEGRAM_API_URL": url,
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite+aiosqlite:///{db_dir / f'start{n}.db'}",
    }
    person = await client.person(f"Замер {n}")
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env)
    try:
        await person.send("/start")
        await person.expect("ссылку-приглашение", timeout=60)
        return time.perf_counter() - started
    finally:
        proc.terminate()
        await proc.wait()


async def main() -> None:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = False
    with tempfile.TemporaryDirectory() as tmp:
        async with SandboxClient(url) as client:
            bare = statistics.median([await timed_process("-c", "pass") for _ in range(RUNS)])
            imports = statistics.median(
                [
                    await timed_process("-c", "import aiogram, sqlalchemy.ext.asyncio, alembic, aiosqlite")
                    for _ in range(RUNS)
                ]
            )
            first = statistics.median(
                [await bot_start_to_first_answer(url, client, Path(tmp), n) for n in range(RUNS)]
            )
            print(
                json.dumps(
                    {
                        "bench": "startup",
                        "runs": RUNS,
                        "bare_python_s": round(bare, 3),
                        "stack_imports_s": round(imports, 3),
                        "bot_first_answer_s": round(first, 3),
                        "ratio_to_imports": round(first / imports, 2),
                    }
                )
            )

            # reply latency with the bot in this process (same code path as python -m bot)
            from pydantic import SecretStr

            from bot.app import App
            from bot.settings import Settings

            settings = Settings(
                _env_file=None,
                bot_token=SecretStr(SANDBOX_TOKEN),
                telegram_api_url=url,  # type: ignore[call-arg]
                database_url=f"sqlite+aiosqlite:///{tmp}/latency.db",
                log_level="WARNING",
            )
            app = App(settings)
            await app.start()
            task = asyncio.create_task(app.serve(handle_signals=False))
            person = await client.person("Латентность")
            samples = []
            for _ in range(200):
                t0 = time.perf_counter()
                await person.send("/help")
                await person.reply()
                samples.append((time.perf_counter() - t0) * 1000)
            samples.sort()
            print(
                json.dumps(
                    {
                        "bench": "reply_latency",
                        "messages": len(samples),
                        "p50_ms": round(samples[len(samples) // 2], 1),
                        "p95_ms": round(samples[int(len(samples) * 0.95)], 1),
                        "max_ms": round(samples[-1], 1),
                    }
                )
            )
            await app.stop()
            await task
            await app.close()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
