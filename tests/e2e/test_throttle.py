"""One person cannot slow the bot for the others: past 20 updates in the window, one
friendly «слишком часто» and the rest dropped before any database work; the others are
answered as usual, and after a pause the spammer is answered again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from sandbox.client import Person, SandboxClient
from storage.db import Database
from storage.tables import SeenUpdateRow
from tests.conftest import Running

WINDOW = 3.0


class StoppedTime:
    """The throttle's clock (seconds, monotonic), moved by the test alone: on a loaded
    machine a burst can take longer than the window in real time, and the throttle would
    then (rightly) let more through than the test says."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"throttle_updates": 20, "throttle_window_s": WINDOW})


@pytest.fixture
def throttle_time(bot: Running) -> StoppedTime:
    assert bot.app is not None and bot.app.dp is not None
    stopped = StoppedTime()
    bot.app.dp["throttle"].now = stopped
    return stopped


@pytest.fixture
async def db(bot: Running) -> AsyncIterator[Database]:
    database = Database(bot.settings.database_url)
    try:
        yield database
    finally:
        await database.close()


async def _seen(db: Database) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(SeenUpdateRow)) or 0)


async def _bot_texts(client: SandboxClient, chat_id: int) -> list[str]:
    return [
        m.get("text") or "" for m in await client.get("/control/messages", chat_id=chat_id) if m["from_bot"]
    ]


async def _settle(client: SandboxClient, chat_id: int, answers: int) -> list[str]:
    """The bot's messages in a chat once it has sent ``answers`` and then nothing for a second."""

    async def enough() -> bool:
        return len(await _bot_texts(client, chat_id)) >= answers

    await client.wait_for(enough, timeout=30)
    await asyncio.sleep(1.0)  # nothing more comes: what is dropped stays dropped
    return await _bot_texts(client, chat_id)


async def test_a_spammer_gets_one_slow_down_and_others_are_answered(
    bot: Running, client: SandboxClient, db: Database, throttle_time: StoppedTime
) -> None:
    assert bot.settings.throttle_updates == 20
    spammer = await client.person("Спамер")
    other = await client.person("Обычный")
    seen_before = await _seen(db)
    await asyncio.gather(*(spammer.send("/help") for _ in range(40)))
    await other.send("/help")
    await other.expect("Что я умею")
    texts = await _settle(client, spammer.id, 21)
    assert sum("Что я умею" in t for t in texts) == 20, texts
    assert sum("Слишком часто" in t for t in texts) == 1
    # the 20 dropped updates never reached the unit of work: no database row for them
    assert await _seen(db) - seen_before == 20 + 1
    # and those that came in one long poll with others were dropped as JSON, never parsed
    assert bot.app is not None and bot.app.dp is not None
    throttle = bot.app.dp["throttle"]
    assert throttle.dropped == 20 and throttle.screened > 0
    throttle_time.now += WINDOW + 0.5  # a pause: answered again
    await spammer.send("/help")
    await spammer.expect("Что я умею")


async def test_a_spammer_in_a_group_is_told_once_by_name(
    bot: Running, client: SandboxClient, throttle_time: StoppedTime
) -> None:
    spammer: Person = await client.person("Вася")
    group = await client.post("/control/groups", title="Класс", members=[spammer.id])
    await asyncio.gather(*(spammer.send(f"/help {i}", chat_id=group["id"]) for i in range(30)))
    texts = await _settle(client, group["id"], 21)
    assert [t for t in texts if "слишком часто" in t] == [
        "Вася, слишком часто 🙂 Несколько секунд паузы — и я снова отвечаю."
    ]


async def test_a_spammer_pressing_buttons_gets_the_word_as_a_toast(
    bot: Running, client: SandboxClient, throttle_time: StoppedTime
) -> None:
    spammer = await client.person("Жмущий")
    await spammer.send("/start")
    menu = await spammer.reply()
    presses = [
        await client.post(
            "/control/press", user_id=spammer.id, chat_id=spammer.id, message_id=menu["message_id"], data="x"
        )
        for _ in range(25)
    ]
    answered = await asyncio.gather(
        *(client.get(f"/control/callback/{p['callback_query_id']}", wait=20) for p in presses[:20])
    )
    dropped = await asyncio.gather(  # the rest are dropped: still unanswered after the others
        *(client.get(f"/control/callback/{p['callback_query_id']}", wait=2.0) for p in presses[20:])
    )
    toasts = answered + dropped
    # /start and 19 presses pass (each answered), the 20th press is told, the rest get nothing
    assert all(t is not None for t in toasts[:19])
    assert toasts[19] is not None and "Слишком часто" in toasts[19]["text"]
    assert toasts[20:] == [None] * 5
