"""A school's first hour, as a newcomer lives it: `make run` stopped and started again,
`make demo` after `make run`, the owner's one-time «стать куратором» link."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import select

from sandbox.client import BOOT, PATIENCE, Person, SandboxClient
from storage.db import Database
from storage.tables import OrganisationRow
from tests.conftest import LAUNCHES_PROCESSES

pytestmark = LAUNCHES_PROCESSES

ROOT = Path(__file__).resolve().parents[2]


def env(**extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "TELEGRAM_", "WEBHOOK_", "SANDBOX_"))
    }
    return {**base, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT), **extra}


class Sandbox:
    def __init__(self, proc: asyncio.subprocess.Process, url: str, lines: list[str]) -> None:
        self.proc, self.url, self.lines = proc, url, lines


@asynccontextmanager
async def sandbox(cwd: Path, *args: str) -> AsyncIterator[Sandbox]:
    """`make run` (or `make demo`) as a process in ``cwd``: its own ./data; SIGINT stops it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env(SANDBOX_PORT="0", LOG_LEVEL="WARNING"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        url = None
        while url is None:
            line = (await asyncio.wait_for(proc.stdout.readline(), BOOT)).decode()
            assert line, "the sandbox stopped before printing its address"
            lines.append(line)
            match = re.search(r"open (http://127\.0\.0\.1:\d+)", line)
            url = match.group(1) if match else None
        lines.append((await asyncio.wait_for(proc.stdout.readline(), PATIENCE)).decode())
        yield Sandbox(proc, url, lines)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(proc.wait(), BOOT)  # stopped at once: may still be starting
        assert code == 0, (await proc.stderr.read()).decode() if proc.stderr else code


async def resume(c: SandboxClient, user_id: int, name: str) -> Person:
    """A person of an earlier run, reading only what comes after their chat so far."""
    person = Person(user_id, name, c)
    history = await c.get("/control/messages", chat_id=user_id)
    person.seen[user_id] = max((m["message_id"] for m in history), default=0)
    return person


async def test_a_stopped_and_started_sandbox_answers_the_same_people(tmp_path: Path) -> None:
    async with sandbox(tmp_path, "run") as first, SandboxClient(first.url) as c:
        person = await c.person("Гость")
        group = await c.post("/control/groups", title="Кураторы", members=[person.id])
        await person.send("/start")
        await person.expect("ссылку-приглашение")
        # an empty school: the sandbox prints the owner's one-time link and its page offers it
        assert first.proc.stdout is not None
        notice = (await asyncio.wait_for(first.proc.stdout.readline(), PATIENCE)).decode()
        link = (await c.get("/control/state"))["owner_link"]
        assert link and "No curator yet" in notice and link in notice
        director = await c.person("Директор")
        await director.start(link)
        await director.expect("Как называется ваша школа")
        assert (await c.get("/control/state"))["owner_link"] is None  # offered once
        await director.send("Школа №7")
        await director.press(await director.expect("в каком часовом поясе"), "Самара")
        await director.expect("Готово: вы куратор «Школа №7»")
        first_ids = {u["id"] for u in (await c.get("/control/state"))["users"]}
    state_file = tmp_path / "data" / "nastavnik.sandbox.json"
    assert state_file.exists(), sorted(p.name for p in (tmp_path / "data").iterdir())
    saved = json.loads(state_file.read_text(encoding="utf-8"))
    assert saved["clean"] is True  # written at the stop, not only a moment after each change

    async with sandbox(tmp_path, "run") as second, SandboxClient(second.url) as c:
        state = await c.get("/control/state")
        assert {u["id"] for u in state["users"]} == first_ids  # the same people, same ids
        assert state["owner_link"] is None and not any("No curator" in x for x in second.lines)
        boss = await resume(c, director.id, "Директор")
        await boss.send("/start")
        await boss.expect("Вы куратор")
        assert [g["id"] for g in state["groups"]] == [group["id"]]
        history = await c.get("/control/messages", chat_id=person.id)
        assert any("ссылку-приглашение" in (m.get("text") or "") for m in history)  # the chat stays
        again = await resume(c, person.id, "Гость")
        await again.send("/start")  # the update counter goes on: no «handled before; skipped»
        await again.expect("ссылку-приглашение")
        await again.send("/help")
        await again.expect("/profile")
        newcomer = await c.person("Новенький")
        assert newcomer.id not in first_ids
        await newcomer.send("/start")
        await newcomer.expect("ссылку-приглашение")


async def test_make_demo_after_make_run_has_its_own_database(tmp_path: Path) -> None:
    async with sandbox(tmp_path, "run") as run, SandboxClient(run.url) as c:
        mine = await c.person("Хозяин")
        await mine.send("/start")
        await mine.expect("ссылку-приглашение")
    async with sandbox(tmp_path, "sandbox", "--demo") as demo, SandboxClient(demo.url) as c:
        state = await c.get("/control/state")
        assert len(state["users"]) == 29  # the demo's people only, not the user's
        curator_id = next(u["id"] for u in state["users"] if u.get("username") == "curator_tatiana")
        curator = Person(curator_id, "Татьяна", c)
        await curator.send("/programmes")
        await curator.expect("Наставничество 2026/27")
    # the user's database knows no demo school; the demo's is data/demo.db
    for name, expected in (("nastavnik.db", []), ("demo.db", ["Школа №10 (демо)"])):
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'data' / name}")
        try:
            async with db.sessions() as s:
                assert list(await s.scalars(select(OrganisationRow.name))) == expected
        finally:
            await db.close()
    # the demo again goes on where it stopped (its people and programme), and so does `make run`
    async with sandbox(tmp_path, "sandbox", "--demo") as demo, SandboxClient(demo.url) as c:
        assert any("goes on from" in line for line in demo.lines)
        assert len((await c.get("/control/state"))["users"]) == 29
        curator = await resume(c, curator_id, "Татьяна")
        await curator.send("/programmes")
        await curator.expect("Наставничество 2026/27")
    async with sandbox(tmp_path, "run") as run, SandboxClient(run.url) as c:
        assert [u["first_name"] for u in (await c.get("/control/state"))["users"]] == ["Хозяин"]
