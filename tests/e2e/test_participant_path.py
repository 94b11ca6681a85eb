"""A participant's path: /meetings named where they look for it, a confirmed proposal that
says so, a stale button that says what to do instead."""

from __future__ import annotations

from datetime import datetime

from bot.clock import FakeClock
from handlers.callbacks import DayCb
from sandbox.client import SandboxClient
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair

pytestmark = BOTH_MESSENGERS


async def test_meetings_are_named_and_a_confirmed_proposal_says_so(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    await mentee.send("/start")
    await mentee.expect("Твои программы", "/meetings")
    await mentee.send("/help")
    await mentee.expect("/meetings — встречи наставнической пары")

    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send("03.10 16:30")
    kinds = await mentor.expect("Какая это встреча?")
    await mentor.press(kinds, "знакомство")
    fmt = await mentor.expect("Как встречаетесь")
    await mentor.press(fmt, "очно")
    await mentor.expect("Где встречаетесь")
    await mentor.send("каб. 21")
    await mentor.expect("Предложение встречи", "отправлено: Алиса Тест")
    offer = await mentee.expect("Анна Тест предлагает встречу", "ждёт подтверждения")
    await mentee.press(offer, "Подтвердить")
    await mentee.expect("подтверждена")
    now = await client.edited(offer, "(подтверждена)")
    assert "ждёт подтверждения" not in now["text"] and "(подтверждена)" in now["text"]
    assert "reply_markup" not in now
    stale = await mentee.press_data(offer, offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert stale is not None and stale["text"]
    assert "/meetings" in stale["text"] or "уже" in stale["text"]  # says what to do, never silence


async def test_the_time_picker_offers_no_past_hours(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, _mentee = await active_pair(bot, client)
    clock.current = datetime(2026, 10, 1, 9, 30)  # 12:30 in Moscow
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "Назначить встречу")
    days = await mentor.expect("день или напиш")
    await mentor.press(days, "1 окт.")  # today
    times = await mentor.expect("Во сколько — чт, 1 октября?")
    labels = [b["text"] for row in times["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == "13:00" and "12:00" not in labels and "08:00" not in labels
    await mentor.press(times, "13:00")
    await mentor.expect("Какая это встреча?")  # accepted, not refused
    await mentor.send("/cancel")
    clock.current = datetime(2026, 10, 1, 17, 55)  # 20:55: nothing left today
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "Назначить встречу")
    days = await mentor.expect("день или напиш")
    labels = [b["text"] for row in days["reply_markup"]["inline_keyboard"] for b in row]
    assert "чт, 1 окт." not in labels and labels[0] == "пт, 2 окт."
    stale = await mentor.press_data(days, DayCb(day="20261001").pack())  # an old picker's today
    assert stale is not None and "свободных часов уже не осталось" in stale["text"]


async def test_another_time_asks_only_for_the_time_and_answered_prompts_collapse(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send("03.10 16:30")
    kinds = await mentor.expect("Какая это встреча?")
    await mentor.press(kinds, "пробная встреча")
    fmt = await mentor.expect("Как встречаетесь")
    await mentor.press(fmt, "очно")
    await mentor.expect("Где встречаетесь")
    await mentor.send("каб. 21")
    await mentor.expect("Предложение встречи", "отправлено: Алиса Тест")
    for prompt, answer in ((kinds, "→ пробная встреча"), (fmt, "→ очно")):
        now = await client.message(prompt["chat_id"], prompt["message_id"])
        assert now["text"].endswith(answer) and "reply_markup" not in now

    offer = await mentee.expect("Анна Тест предлагает встречу")
    await mentee.press(offer, "Другое время")
    await mentee.expect("день или напиш")
    await mentee.send("05.10 17:00")
    sent = await mentee.expect("Предложение встречи", "отправлено")  # no kind, format or place asked
    assert "пн, 5 октября, 17:00" in sent["text"]
    counter = await mentor.expect("Алиса Тест предлагает встречу", "пн, 5 октября, 17:00")
    assert "пробная встреча" in counter["text"] and "каб. 21" in counter["text"]
