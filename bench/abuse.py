"""One person cannot slow the bot for the others. 50 ordinary people each send /help every
2–4 s and wait for the answer, while a spammer sends /help as fast as the emulator takes
it, in private and in three groups; the same run without the spammer is the baseline.
Telegram's flood limits are on (30/s overall, 1/s per chat, 20/min per group).

The emulator, the bot and the spammer each run in their own process (as they would for
real: the spammer's client is not the bot's CPU), the ordinary people in this one. Prints
one JSON line: the ordinary people's answer latency p50/p99 with and without the spammer,
the ratio (target ≤ 1.5) and their unanswered messages (target 0), and the CPU seconds the bot
and the emulator processes used in each run (the spam's cost to the bot itself).

Run: .venv/bin/python bench/abuse.py [--people 50] [--messages 10]"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import App  # noqa: E402
from bot.settings import Settings  # noqa: E402
from sandbox.client import Person, SandboxClient, SandboxError  # noqa: E402
from sandbox.run import SANDBOX_TOKEN, start_emulator  # noqa: E402

ANSWER_TIMEOUT = 20.0
T0 = time.monotonic()


async def serve_emulator() -> None:
    emu, runner, url = await start_emulator("127.0.0.1", 0)
    emu.limits.enabled = True
    print(url, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_bot(url: str, database: str) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SANDBOX_TOKEN,  # type: ignore[arg-type]
        telegram_api_url=url,
        database_url=f"sqlite+aiosqlite:///{database}",
        log_level="WARNING",
    )
    app = App(settings)
    try:
        await app.start()
        print("ready", flush=True)
        await app.serve()
    finally:
        await app.close()


async def spam(url: str, user_id: int, chats: list[int], seconds: float) -> None:
    """As fast as the emulator answers: one sender per chat. At the lowest CPU priority: a
    spammer's phone is not the bot's server (on this 2-core machine the spammer's own client
    would otherwise take a core from the bot, which no real deployment shares with it)."""
    os.nice(19)
    sent = 0
    async with SandboxClient(url) as client:
        deadline = time.monotonic() + seconds

        async def into(chat: int) -> None:
            nonlocal sent
            while time.monotonic() < deadline:
                await client.post("/control/send", user_id=user_id, text="/help", chat_id=chat)
                sent += 1

        await asyncio.gather(*(into(c) for c in chats))
    print(json.dumps({"spam_sent": sent}), flush=True)


async def ordinary(person: Person, messages: int, rng: random.Random) -> tuple[list[float], int]:
    latencies: list[float] = []
    lost = 0
    await asyncio.sleep(rng.uniform(0, 3))
    for _ in range(messages):
        started = time.perf_counter()
        await person.send("/help")
        try:
            await person.expect("/profile", timeout=ANSWER_TIMEOUT)
            latencies.append(time.perf_counter() - started)
        except SandboxError:
            lost += 1
        await asyncio.sleep(rng.uniform(2, 4))
    return latencies, lost


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - this very file, with our own arguments
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=str(ROOT)
    )


async def one_run(people: int, messages: int, with_spammer: bool, seed: int) -> dict[str, Any]:
    emulator = _child("--serve-emulator")
    assert emulator.stdout is not None
    url = emulator.stdout.readline().strip()
    bot: subprocess.Popen[str] | None = None
    spammer: subprocess.Popen[str] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            bot = _child("--serve-bot", url, f"{tmp}/abuse.db")
            assert bot.stdout is not None
            await asyncio.to_thread(bot.stdout.readline)
            print(f"bot ready {time.monotonic() - T0:.1f}", file=sys.stderr)
            async with SandboxClient(url) as client:
                crowd = [await client.person(f"Ученик {i}") for i in range(people)]
                evil = await client.person("Спамер")
                groups = [
                    int(
                        (
                            await client.post(
                                "/control/groups", title=f"Класс {g}", members=[evil.id, crowd[g].id]
                            )
                        )["id"]
                    )
                    for g in range(3)
                ]
                rng = random.Random(seed)
                if with_spammer:
                    duration = messages * 3.0 + 10
                    chats = [evil.id, *groups]
                    spammer = _child("--spam", url, str(evil.id), ",".join(map(str, chats)), str(duration))
                    await asyncio.sleep(1.0)  # the spammer is at full speed before anyone asks
                results = await asyncio.gather(
                    *(ordinary(p, messages, random.Random(rng.random())) for p in crowd)
                )
            print(f"crowd done {time.monotonic() - T0:.1f}", file=sys.stderr)
            cpu = {"bot_cpu_s": _cpu_s(bot.pid), "emulator_cpu_s": _cpu_s(emulator.pid)}
            spam_sent = 0
            if spammer is not None:
                out, _ = await asyncio.to_thread(spammer.communicate)
                spam_sent = json.loads(out.strip().splitlines()[-1])["spam_sent"]
        finally:
            for proc in (spammer, bot, emulator):
                if proc is not None and proc.poll() is None:
                    proc.terminate()
                    try:
                        await asyncio.to_thread(proc.wait, 15)
                    except subprocess.TimeoutExpired:
                        proc.kill()
    print(f"stopped {time.monotonic() - T0:.1f}", file=sys.stderr)
    latencies = sorted(x for lat, _ in results for x in lat)
    lost = sum(n for _, n in results)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return {
        "answered": len(latencies),
        "unanswered": lost,
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p99_s": round(p99, 3),
        "spam_sent": spam_sent,
        **cpu,
    }


def _cpu_s(pid: int) -> float | None:
    """CPU seconds a child process has used (Linux /proc): what the spam cost the bot itself,
    apart from the emulator and the spammer sharing this machine's cores."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


async def main(people: int, messages: int) -> None:
    base = await one_run(people, messages, with_spammer=False, seed=1)
    spam_run = await one_run(people, messages, with_spammer=True, seed=1)
    print(
        json.dumps(
            {
                "bench": "abuse",
                "people": people,
                "messages_each": messages,
                "baseline": base,
                "with_spammer": spam_run,
                "p50_ratio": round(spam_run["p50_s"] / base["p50_s"], 2),
                "p99_ratio": round(spam_run["p99_s"] / base["p99_s"], 2),
                "target_ratio": 1.5,
                "unanswered": spam_run["unanswered"],
                "target_unanswered": 0,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--serve-emulator", action="store_true")
    parser.add_argument("--serve-bot", nargs=2, metavar=("URL", "DB"))
    parser.add_argument("--spam", nargs=4, metavar=("URL", "USER", "CHATS", "SECONDS"))
    args = parser.parse_args()
    if args.serve_emulator:
        asyncio.run(serve_emulator())
    elif args.serve_bot:
        asyncio.run(serve_bot(*args.serve_bot))
    elif args.spam:
        url, user, chats, seconds = args.spam
        asyncio.run(spam(url, int(user), [int(c) for c in chats.split(",")], float(seconds)))
    else:
        asyncio.run(main(args.people, args.messages))
