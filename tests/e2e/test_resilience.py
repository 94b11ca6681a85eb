"""The bot under Telegram's hiccups: 429 waited out, 5xx retried, a blocked curator skipped."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import pytest
from sqlalchemy import text

from bot.clock import FakeClock
from bot.outbox import Sender
from sandbox.client import PATIENCE, SandboxClient
from sandbox.emulator import Emulator
from storage.outbox import OutboxRepo
from storage.tables import UserRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


async def test_replies_arrive_despite_flood_limits_and_server_errors(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    await client.post("/control/limits", enabled=True, chat_burst=2, chat_rate=2)
    await client.post("/control/faults", error_rate=0.2)
    kid = await client.person("Лев")
    await flows.register_mentee(kid, links["mentee"], name="Лев Степанов", minor_age=None)
    await client.post("/control/faults", error_rate=0)
    await flows.send_summary(kid)
    stats = await client.get("/control/stats")
    assert stats["http_429"] > 0 and stats["http_5xx"] > 0  # they happened, and nothing was lost


async def test_a_curator_who_blocked_the_bot_does_not_break_registration(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    await client.post("/control/block", user_id=curator.id)
    kid = await client.person("Ника")
    await flows.register_mentee(kid, links["mentee"], name="Ника Орлова", minor_age=None)
    await flows.send_summary(kid)

    async def refused() -> bool:
        return bool((await client.get("/control/stats"))["http_403"] >= 1)

    await client.wait_for(refused)  # the curator's notice went through the outbox and hit the block
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def marked() -> bool:
        async with db.sessions() as s:
            user = await s.get(UserRow, curator.id)
            return user is not None and user.unreachable

    await eventually(marked)


async def test_an_update_delivered_again_after_a_restart_changes_nothing(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """Telegram sends an update again when the bot stopped before confirming it: a toggle
    pressed once must stay toggled once, an answer must not come twice."""
    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)
    kid = await client.person("Вика")
    await kid.start(links["mentee"])
    await kid.expect("Тебя пригласили")
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне есть 18")
    await kid.expect("Как тебя зовут")
    await kid.send("Вика Тест")
    kind = await kid.expect("Кто ты?")
    await kid.press(kind, "Ученик")
    grade = await kid.expect("В каком ты классе")
    await kid.press(grade, "9")
    tags = await kid.expect("С чем тебе нужна помощь")
    res = await client.post(
        "/control/press", user_id=kid.id, chat_id=kid.id, message_id=tags["message_id"],
        data=next(b["callback_data"] for row in tags["reply_markup"]["inline_keyboard"] for b in row
                  if "Мотивация" in b["text"]),
    )  # fmt: skip
    assert await client.get(f"/control/callback/{res['callback_query_id']}", wait=PATIENCE) is not None

    async def ticked() -> bool:
        current = await client.message(kid.id, tags["message_id"])
        return any("✅" in b["text"] for row in current["reply_markup"]["inline_keyboard"] for b in row)

    await eventually(ticked)
    sent = await client.post("/control/send", user_id=kid.id, text="/help")
    await kid.expect("Что я умею")
    await bot.stop()
    for update_id in (res["update_id"], sent["update_id"]):  # the same press and message again
        await client.post("/control/redeliver", update_id=update_id)
    await bot.start()
    await kid.send("/profile")  # the bot is up and past the redelivered updates
    await kid.expect("Профиль ещё заполняется")  # mid-registration: the dialogue goes on
    texts = [m.get("text") or "" for m in await client.get("/control/messages", chat_id=kid.id, after=0)]
    assert sum("Что я умею" in t for t in texts) == 1, "a message delivered twice is answered once"
    assert await ticked(), "the option stays chosen: the second delivery was skipped"
    await kid.press(tags, "Готово")
    await kid.expect("Что тебе интересно")  # the choice was kept


async def test_a_message_still_on_the_wire_when_the_clock_jumps_goes_once(
    bot: Running, client: SandboxClient, clock: FakeClock
) -> None:
    """A claim's lease is read on the bot's clock: when that clock passes the lease while the
    sender still has the message in hand (Telegram slower than the lease; in tests, a clock
    moved ahead right after a message was seen), the sender must not claim it again."""
    person = await client.person("Медленная")
    await person.send("/start")
    await person.reply()
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db
    await client.post("/control/faults", timeout_rate=1.0, timeout_seconds=1.5)  # every send slow
    async with db.unit() as uow:
        await uow.outbox.enqueue("slow:1", person.id, "Письмо, которое идёт долго", None, clock.now())

    async def counts() -> dict[str, int]:
        async with db.unit() as uow:
            return await uow.outbox.counts()

    async def on_the_wire() -> bool:
        return (await counts()).get("sending", 0) == 1

    await eventually(on_the_wire)
    clock.advance(hours=1)  # its lease (60 s) is long gone by the bot's clock

    async def settled() -> bool:
        return set(await counts()) == {"sent"}

    await eventually(settled)
    await client.post("/control/faults", timeout_rate=0)
    async with db.engine.connect() as conn:  # claimed once: a second claim would count here
        attempts = await conn.scalar(text("SELECT attempts FROM outbox WHERE dedupe_key = 'slow:1'"))
    assert attempts == 1
    texts = [m.get("text") for m in await client.get("/control/messages", chat_id=person.id)]
    assert texts.count("Письмо, которое идёт долго") == 1, texts


async def test_while_records_lag_the_sender_keeps_few_messages_in_doubt(
    bot: Running, emulator: tuple[Emulator, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sent message is recorded a moment later, in a batch; a crash in between sends it
    again. When the records lag (a busy database) the sender waits for them rather than
    send on: no more than its concurrency plus IN_DOUBT messages are ever in doubt."""
    emu = emulator[0]
    assert bot.app is not None and bot.app.db is not None and bot.app.sender is not None
    db, bound = bot.app.db, Sender.DEFAULT_CONCURRENCY + Sender.IN_DOUBT
    records = asyncio.Event()  # closed: no batch of sent messages gets recorded
    settle_sent = OutboxRepo.settle_sent

    async def lagging(self: OutboxRepo, sent: Sequence[tuple[int, datetime, int]], worker: str) -> None:
        await records.wait()
        await settle_sent(self, sent, worker)

    monkeypatch.setattr(OutboxRepo, "settle_sent", lagging)
    people = []
    async with db.unit() as uow:
        for i in range(3 * bound):
            user = emu.add_user(f"Получатель {i}")
            emu.started.add(user["id"])
            people.append(user["id"])
            await uow.outbox.enqueue(f"doubt:{i}", user["id"], f"Письмо №{i}", None, bot.clock.now())

    def delivered() -> int:
        return sum(1 for chat in people for m in emu.messages.get(chat, ()) if m["from_bot"])

    async def stalled() -> bool:
        return delivered() >= Sender.IN_DOUBT

    try:
        await eventually(stalled)
        await asyncio.sleep(1.0)  # at 28 a second, some 28 more would go if nothing held them
        assert Sender.IN_DOUBT <= delivered() <= bound
    finally:
        records.set()

    async def all_recorded() -> bool:
        async with db.unit() as uow:
            return await uow.outbox.counts() == {"sent": len(people)}

    await eventually(all_recorded)
    assert all(len([m for m in emu.messages.get(chat, ()) if m["from_bot"]]) == 1 for chat in people)
