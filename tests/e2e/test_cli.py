"""`python -m bot` as a process: the curator bootstrap, bad settings, serving, SIGTERM, the sandbox."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from sandbox.client import BOOT, PATIENCE, SandboxClient
from sandbox.emulator import Emulator
from sandbox.run import SANDBOX_TOKEN
from tests.conftest import LAUNCHES_PROCESSES

pytestmark = LAUNCHES_PROCESSES

ROOT = Path(__file__).resolve().parents[2]


def env(**extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "TELEGRAM_", "WEBHOOK_"))
    }
    return {**base, "PYTHONUNBUFFERED": "1", **extra}


async def run(*args: str, **extra: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env(**extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), BOOT)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_curator_add_creates_the_first_curator(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    code, out, _ = await run(
        "curator", "add", "555", "--org", "Школа №10", "--tz", "Europe/Moscow", DATABASE_URL=db
    )
    assert code == 0 and "555 added of «Школа №10»" in out
    code, out, _ = await run("curator", "add", "555", "--org", "Школа №10", DATABASE_URL=db)
    assert code == 0 and "already a curator" in out
    code, _, err = await run("curator", "add", "556", "--org", "X", "--tz", "Mars/Olympus", DATABASE_URL=db)
    assert code == 1 and "Unknown timezone: Mars/Olympus" in err


async def test_an_invalid_setting_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    code, _, err = await run(
        "migrate", BOT_TOKEN="not-a-token", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db"
    )
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("Invalid setting BOT_TOKEN:")
    code, _, err = await run(
        "migrate", TELEGRAM_API_URL="ftp://example", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db"
    )
    assert code == 2 and err.strip().startswith("Invalid setting TELEGRAM_API_URL:")


async def test_the_bot_process_serves_the_emulator_and_stops_on_sigterm(
    emulator: tuple[Emulator, str], client: SandboxClient, tmp_path: Path
) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env(
            BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_API_URL=emulator[1],
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'proc.db'}",
            LOG_LEVEL="WARNING",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        person = await client.person("Процесс")
        await person.send("/start")
        await person.expect("ссылку-приглашение", timeout=BOOT)
        await person.send("что тут можно делать?")
        await person.expect("/help")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), PATIENCE)
    assert code == 0


async def test_make_run_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env(SANDBOX_PORT="0", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), BOOT)).decode()
        match = re.search(r"open (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        async with SandboxClient(match.group(1)) as c:
            state = await c.get("/control/state")
            assert state["bot"]["username"] == "nastavnik_sandbox_bot"
            person = await c.person("Гость")
            await person.send("/start")
            await person.expect("ссылку-приглашение")
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), PATIENCE)
