"""Stage 6 through the real bot with a controllable clock: a meeting set and confirmed,
both reminders once, a move moves them, private check-ins, a reminded missing check-in,
a recorded disagreement, a break that silences nudges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.matching import Reasons
from bot.domain.models import Profile
from bot.domain.pairs import PairStatus
from bot.jobs import meetings_tick
from handlers.callbacks import PlanCb
from sandbox.client import Person, SandboxClient
from storage.tables import MeetingRow, ReflectionRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

pytestmark = BOTH_MESSENGERS


async def active_pair(bot: Running, client: SandboxClient) -> tuple[Person, Person]:
    assert bot.app is not None and bot.app.db is not None
    people = []
    for name, profile in (
        (
            "Анна",
            Profile(
                Role.MENTOR,
                "teacher",
                experience=10,
                tags=("olympiad",),
                interests=("chess",),
                capacity=2,
                slots=("tue_pm",),
                format=MeetFormat.ANY,
            ),
        ),
        (
            "Алиса",
            Profile(
                Role.MENTEE,
                "pupil",
                grade=7,
                tags=("olympiad",),
                interests=("chess",),
                slots=("tue_pm",),
                format=MeetFormat.ANY,
            ),
        ),
    ):
        person = await client.person(name)
        await person.send("/start")
        await person.expect("/help")
        people.append((person, profile))
    async with bot.app.db.unit() as uow:
        ids = []
        for person, profile in people:
            p = await uow.participants.create(
                1, bot_id(person), f"{person.name} Тест", None, profile, bot.clock.now()
            )
            await uow.participants.decide(p.id, Status.APPROVED, True, 0, bot.clock.now())
            ids.append(p.id)
        pair_id = await uow.pairs.create(
            1,
            ids[0],
            ids[1],
            PairStatus.ACTIVE,
            5.0,
            None,
            Reasons(("chess",), ("olympiad",), 3, False),
            False,
            bot.clock.now(),
        )
        await uow.pairs.update(pair_id, started_at=bot.clock.now())
    return people[0][0], people[1][0]


async def texts_of(person: Person, client: SandboxClient) -> list[str]:
    return [m.get("text") or "" for m in await client.get("/control/messages", chat_id=person.id, after=0)]


async def test_meetings_reminders_and_two_way_reflection(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)  # 01.09.2026–31.05.2027, Europe/Moscow
    mentor, mentee = await active_pair(bot, client)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    async def tick() -> dict[str, int]:
        return await meetings_tick(db, i18n, clock)

    # the mentor proposes the first meeting by typing a time; the mentee confirms
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест", "Встреч пока нет")
    await mentor.press(listing, "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send("вчера 10:00")
    await mentor.expect("Не получилось понять время")
    await mentor.send("03.10 16:30")  # Moscow time = 13:30 UTC
    kinds = await mentor.expect("Какая это встреча? Я советую: знакомство")
    await mentor.press(kinds, "⭐ знакомство")
    fmt = await mentor.expect("Как встречаетесь")
    await mentor.press(fmt, "очно")
    await mentor.expect("Где встречаетесь")
    await mentor.send("<b>каб. 21</b>")
    await mentor.expect("Предложение встречи", "отправлено: Алиса Тест", "сб, 3 октября, 16:30")
    offer = await mentee.expect("Анна Тест предлагает встречу", "знакомство")
    assert "<b>каб. 21</b>" in offer["text"]  # shown as typed, not as markup
    await mentee.press(offer, "Подтвердить")
    await mentee.expect("подтверждена")
    await mentor.expect("Алиса Тест: встреча", "подтверждена")

    # 24 h before: both reminded, once
    clock.current = datetime(2026, 10, 2, 13, 30)
    assert (await tick())["reminders"] == 2
    assert (await tick())["reminders"] == 0
    await mentor.expect("Напоминание: через 24 часа", "16:30")
    await mentee.expect("Напоминание: через 24 часа")

    # the mentee moves it; the reminders follow the new time
    await mentee.send("/meetings")
    listing = await mentee.expect("Встречи · Анна Тест")
    await mentee.press(listing, "1.")
    meeting_card = await mentee.expect("знакомство")
    await mentee.press(meeting_card, "Перенести")
    await mentee.expect("день или напиш")
    await mentee.send("04.10 17:00")  # 14:00 UTC
    await mentee.expect("почему переносим")
    await mentee.send("Заболела")
    await mentee.expect("перенесена на")
    await mentor.expect("Алиса Тест: встреча перенесена", "17:00", "Заболела")
    clock.current = datetime(2026, 10, 3, 14, 0)
    assert (await tick())["reminders"] == 2
    clock.current = datetime(2026, 10, 4, 13, 0)
    assert (await tick())["reminders"] == 2
    assert (await tick())["reminders"] == 0
    await mentor.expect("через 24 часа", "17:00")
    await mentor.expect("через 1 час", "17:00")
    await mentee.expect("через 24 часа", "17:00")
    await mentee.expect("через 1 час", "17:00")

    # .ics of the meeting
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "1.")
    card = await mentor.expect("знакомство")
    await mentor.press(card, ".ics")
    doc = await mentor.reply()
    assert doc["document"]["file_name"].endswith(".ics")

    # after the meeting: both get a private check-in
    clock.current = datetime(2026, 10, 4, 15, 0)
    assert (await tick())["checkins"] == 2
    ask = await mentor.expect("Встреча состоялась?")
    mentee_ask = await mentee.expect("Встреча состоялась?")
    await mentor.press(ask, "Да")
    scale = await mentor.expect("Насколько встреча была полезной")
    await mentor.press(scale, "9")
    engaged = await mentor.expect("Насколько наставляемый был вовлечён")
    answered = await client.edited(scale, "→ 9", markup=False)  # keeps the answer chosen
    assert answered["text"].endswith("→ 9") and "reply_markup" not in answered
    scale = engaged
    await mentor.press(scale, "8")
    await mentor.expect("Что успели сделать")
    await mentor.send("Решали олимпиадные задачи")
    skip = await mentor.expect("Что дальше")
    await mentor.press(skip, "Пропустить")
    await mentor.expect("Ваши ответы увидит только куратор")

    # the mentee does not answer: one reminder after 24 h, not two
    clock.current = datetime(2026, 10, 5, 15, 30)
    assert (await tick())["reflection_reminders"] == 1
    assert (await tick())["reflection_reminders"] == 0
    reminder = await mentee.expect("расскажи, как прошла встреча")
    await mentee.press(reminder, "Нет")
    await mentee.expect("Твои ответы увидит только куратор")
    await curator.expect("Расхождение", "состоялась ли встреча")
    stale = await mentee.press(mentee_ask, "Да")  # the first check-in message, answered already
    assert stale is not None and "уже решено" in stale["text"]

    async def stored() -> bool:
        async with db.sessions() as s:
            rows = list(await s.scalars(select(ReflectionRow).where(ReflectionRow.answered_at.is_not(None))))
            meeting = await s.scalar(select(MeetingRow))
            return len(rows) == 2 and meeting is not None and meeting.disagreement == "happened"

    await eventually(stored)
    # private: neither side ever sees the other's answers
    assert not any("олимпиадные задачи" in text for text in await texts_of(mentee, client))
    # the curator does, on the pair card
    await curator.send("/programmes")
    programmes = await curator.expect("Наставничество 2026/27")
    await curator.press(programmes, "Пары")
    pairs_menu = await curator.expect("Пары «")
    await curator.press(pairs_menu, "Пары в работе")
    active = await curator.expect("Пары в работе")
    await curator.press(active, "🔎 1")
    details = await curator.expect("Решали олимпиадные задачи")
    assert "польза 9" in details["text"] and "по-разному ответили" in details["text"]
    assert "вторая оценка" not in details["text"] and "польза 9 из 10" in details["text"]


async def test_breaks_silence_nudges(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    await curator.press(card, "Каникулы")
    await curator.expect("Каникулы и экзамены")
    await curator.send("когда-нибудь")
    await curator.expect("Не получилось понять период")
    await curator.send("10.10.2026 - 20.10.2026")
    await curator.expect("Сохранил перерыв: 10 октября 2026 — 20 октября 2026")

    clock.current = datetime(2026, 10, 16, 9, 0)  # 15 quiet days, but inside the break
    assert (await meetings_tick(bot.app.db, bot.app.i18n, clock))["nudges"] == 0
    clock.current = datetime(2026, 10, 21, 9, 0)  # after the break
    assert (await meetings_tick(bot.app.db, bot.app.i18n, clock))["nudges"] == 2
    assert (await meetings_tick(bot.app.db, bot.app.i18n, clock))["nudges"] == 0  # once per period
    await mentor.expect("не встречались уже 20 дн")
    await mentee.expect("не встречались уже 20 дн")


async def test_the_pairs_plan_goal_items_ticks_seen_by_both_and_the_curator(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "План пары")
    plan = await mentor.expect("План пары", "Цель ещё не записана")
    await mentor.press(plan, "Цель")
    await mentor.expect("Напишите цель пары")
    await mentor.send("   ")
    await mentor.expect("Пусто")
    await mentor.send("Олимпиада по <b>математике</b> 🏆")
    await mentor.expect("Цель: Олимпиада по <b>математике</b> 🏆")  # shown as typed
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "План пары")
    plan = await mentor.expect("Цель: Олимпиада")
    await mentor.press(plan, "Пункт")
    await mentor.expect("Напишите пункт плана")
    await mentor.send("Разобрать задачи 2023 года до 31.02")
    await mentor.expect("Не получилось понять дату")
    await mentor.send("Разобрать задачи 2023 года до 15.12")
    await mentor.expect("1. ⬜ Разобрать задачи 2023 года — до 15 декабря 2026", "Выполнено: 0 из 1")
    # the mentee sees the same plan and ticks the item; the mentor hears of it
    await mentee.send("/meetings")
    listing = await mentee.expect("Встречи · Анна Тест")
    await mentee.press(listing, "План пары")
    theirs = await mentee.expect("Цель: Олимпиада", "Разобрать задачи")
    answer = await mentee.press(theirs, "1 ⬜")
    assert answer is not None and "выполнено" in answer["text"]
    await mentor.expect("Алиса Тест: пункт плана выполнен", "Разобрать задачи")
    # a stranger's forged tick changes nothing
    stranger = await client.person("Чужой")
    await stranger.send("/start")
    await stranger.expect("/help")
    forged = await stranger.press_data(theirs, PlanCb(a="t", id=1).pack())
    assert forged is not None and "недоступно" in forged["text"]
    # the curator sees the plan in the pair's card
    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «Наставничество 2026/27»")
    await curator.press(menu, "Пары в работе")
    active = await curator.expect("Пары в работе и ждущие ответа: 1")
    await curator.press(active, "🔎 1")
    await curator.expect("План пары", "Цель: Олимпиада", "1. ✅ Разобрать задачи", "Выполнено: 1 из 1")
