"""The sandbox as a newcomer sees it: the demo school, slow answers injected for tests."""

from __future__ import annotations

import time

from aiohttp import ClientSession
from sqlalchemy import func, select

from sandbox.client import SandboxClient
from sandbox.demo import fill_demo
from sandbox.emulator import Emulator
from sandbox.run import SANDBOX_TOKEN
from storage.tables import MenteeProfileRow, MentorProfileRow, ParticipantRow
from tests.conftest import Running


async def test_demo_school_is_populated_and_usable(
    bot: Running, client: SandboxClient, emulator: tuple[Emulator, str]
) -> None:
    assert bot.app is not None and bot.app.db is not None
    await fill_demo(bot.app, emulator[0])
    async with bot.app.db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(MentorProfileRow)) == 8
        assert await s.scalar(select(func.count()).select_from(MenteeProfileRow)) == 20
        assert await s.scalar(select(func.count()).where(ParticipantRow.status == "pending")) == 4
    state = await client.get("/control/state")
    curator_id = next(u["id"] for u in state["users"] if u.get("username") == "curator_tatiana")
    assert len(state["users"]) == 29
    from sandbox.client import Person

    curator = Person(curator_id, "Татьяна", client)
    await curator.send("/programmes")
    card = await curator.expect("Наставничество 2026/27", "8 наставников", "16 наставляемых")
    await curator.press(card, "Заявки")
    await curator.expect("всего 4")
    # six pairs with five weeks of history: the digest in the curators' group has news
    group = next(c for c in emulator[0].chats.values() if c.title == "Кураторы школы №10")
    await curator.send("/digest", chat_id=group.id)
    head = await curator.expect(
        "Сводка: Наставничество 2026/27", "Требуют внимания: 2 пары", chat_id=group.id
    )
    assert "Пара №" in head["text"] and "низкая польза" not in head["text"]  # no details in a group
    await curator.expect("Работающих пар: 6", "Охват обучающихся", chat_id=group.id)
    await curator.expect("Встречи по неделям", chat_id=group.id)
    await curator.send("/digest")  # the reasons are in the curator's private chat
    private = await curator.expect("Сводка: Наставничество 2026/27", "Требуют внимания: 2 пары")
    assert "нет встречи" in private["text"] and "низкая польза" in private["text"]


async def test_slow_answers_can_be_injected(emulator: tuple[Emulator, str]) -> None:
    emu, url = emulator
    user = emu.add_user("Медленный")
    emu.started.add(user["id"])
    emu.faults.timeout_rate, emu.faults.timeout_seconds = 1.0, 0.4
    async with ClientSession() as http:
        started = time.monotonic()
        payload = {"chat_id": user["id"], "text": "x"}
        async with http.post(f"{url}/bot{SANDBOX_TOKEN}/sendMessage", json=payload) as resp:
            assert resp.status == 200
        assert time.monotonic() - started >= 0.4
