"""Stage 5 through the real bot: matching, editing the draft, publishing, answers,
contacts after both accept, a decline re-matched next round, an expired proposal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Profile
from bot.jobs import proposals_tick
from handlers.callbacks import ProposalCb
from sandbox.client import Person, SandboxClient
from storage.tables import ExclusionRow, PairRow, ParticipantRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

pytestmark = BOTH_MESSENGERS


async def seed(bot: Running, client: SandboxClient, programme_id: int) -> dict[str, Person]:
    """Approved, trained participants with profiles (registration itself is tested elsewhere)."""
    people: dict[str, Person] = {}
    specs: list[tuple[str, str | None, Profile]] = [
        (
            "Артём",
            "artem_11",
            Profile(
                Role.MENTOR,
                "pupil",
                grade=11,
                tags=("olympiad", "math"),
                interests=("chess",),
                capacity=2,
                slots=("tue_pm",),
                format=MeetFormat.ANY,
            ),
        ),
        (
            "Софья",
            None,
            Profile(
                Role.MENTOR,
                "pupil",
                grade=10,
                tags=("communication",),
                interests=("music",),
                capacity=1,
                slots=("wed_pm",),
                format=MeetFormat.ANY,
            ),
        ),
        (
            "Алиса",
            "alisa_7",
            Profile(
                Role.MENTEE,
                "pupil",
                grade=7,
                tags=("olympiad",),
                interests=("chess",),
                slots=("tue_pm",),
                format=MeetFormat.ONLINE,
            ),
        ),
        (
            "Максим",
            None,
            Profile(
                Role.MENTEE,
                "pupil",
                grade=8,
                tags=("communication",),
                interests=("music",),
                slots=("wed_pm",),
                format=MeetFormat.ANY,
            ),
        ),
        (
            "Ольга",
            None,
            Profile(
                Role.MENTEE,
                "yteacher",
                experience=1,
                tags=("lessons",),
                interests=("theatre",),
                slots=("mon_ev",),
                format=MeetFormat.ANY,
            ),
        ),
    ]
    assert bot.app is not None and bot.app.db is not None
    for name, username, profile in specs:
        person = await client.person(name, username=username)
        await person.send("/start")
        await person.expect("/help")
        people[name] = person
        async with bot.app.db.unit() as uow:
            p = await uow.participants.create(
                programme_id, bot_id(person), f"{name} Тест", None, profile, bot.clock.now()
            )
            await uow.participants.decide(p.id, Status.APPROVED, True, 0, bot.clock.now())
    return people


async def pair_rows(bot: Running) -> list[Any]:
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        return list(await s.scalars(select(PairRow).order_by(PairRow.id)))


async def test_matching_proposals_and_answers(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    p = await seed(bot, client, programme_id=1)

    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «Наставничество 2026/27»", "Свободных наставляемых: 3")
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар", "Без пары: 1")
    text = draft["text"]
    assert "сумма баллов" not in text and "совместимость" in text and "в среднем" in text
    assert "Алиса Тест ↔ Артём Тест" in text and "Максим Тест ↔ Софья Тест" in text
    assert "запрос «Подготовка к олимпиадам» ↔ «Олимпиады»" in text and "общие интересы: Шахматы" in text
    assert "общие свободные часы: 3 в неделю" in text
    assert "Ольга Тест — нет подходящего наставника" in text

    # edit: swap Максим's mentor to Артём, then pair Ольга by hand despite the rules
    await curator.press(draft, "✏️ Пара 2")
    pair_card = await curator.expect("Максим Тест")
    await curator.press(pair_card, "Другой наставник")
    options = await curator.expect("Наставляемый: Максим Тест. Кого поставить наставником")
    await curator.press(options, "Артём Тест")
    await curator.expect("Наставник: Артём Тест")
    await curator.press(draft, "➕ Ольга Тест")
    options = await curator.expect("Наставляемый: Ольга Тест. Кого поставить наставником")
    await curator.press(options, "⚠️ Софья Тест")
    warning = await curator.expect("нарушает правила")
    await curator.press(warning, "Да, поставить")
    await curator.expect("Ольга Тест", "пару составил куратор")

    async def three_drafts() -> bool:
        return [(r.status, r.manual) for r in await pair_rows(bot)] == [
            ("draft", False),
            ("draft", True),
            ("draft", True),
        ]

    await eventually(three_drafts)
    rows = await pair_rows(bot)

    await curator.press(menu, "Черновик")
    draft = await curator.expect("Черновик пар", "Ольга Тест ↔ Софья Тест — ⚠️")
    await curator.press(draft, "Опубликовать")
    await curator.expect("Опубликовано предложений: 3", "72 ч")
    # the draft's old «убрать» button, pressed after publishing: says why and changes nothing
    stale = await curator.press(pair_card, "❌ Убрать из черновика")
    assert (
        stale is not None
        and "Эта пара уже не в черновике" in stale["text"]
        and "/programmes" in stale["text"]
    )

    intro = await p["Алиса"].expect("Мы нашли", "Артём Тест")
    assert "artem_11" not in intro["text"] and "Олимпиады" in intro["text"]
    mentor_intro = await p["Артём"].expect("Мы нашли", "Алиса Тест")
    assert "alisa_7" not in mentor_intro["text"]
    maxim_intro = await p["Максим"].expect("Мы нашли")
    olga_intro = await p["Ольга"].expect("Мы нашли")

    # a forged "accept" for someone else's proposal is refused and changes nothing
    alice_pair = rows[0].id
    forged = await p["Максим"].press_data(maxim_intro, ProposalCb(pair=alice_pair, answer="y").pack())
    assert forged is not None and "недоступно" in forged["text"]

    # Алиса keeps her Telegram to herself (/profile): her pair reaches her through the curator
    await p["Алиса"].send("/profile")
    where = "MAX" if p["Алиса"].messenger == "max" else "Telegram"  # the messenger she uses
    setting = await p["Алиса"].expect(f"второй участник увидит твой аккаунт в {where}")
    await p["Алиса"].press(setting, f"Не показывать мой {where}")
    await p["Алиса"].press(intro, "Принять")
    await p["Алиса"].expect("Ждём ответа второй стороны")
    await p["Артём"].press(mentor_intro, "Принять")
    alice_contact = await p["Алиса"].expect("Наставническая пара сложилась")
    artem_contact = await p["Артём"].expect("Наставническая пара сложилась")
    assert "@artem_11" in alice_contact["text"]
    assert "alisa_7" not in artem_contact["text"] and "через куратора (Татьяна)" in artem_contact["text"]
    await curator.expect("Пара начала работу: Алиса Тест и Артём Тест")
    again = await p["Алиса"].press_data(intro, ProposalCb(pair=alice_pair, answer="n").pack())
    assert again is not None and "уже решено" in again["text"]
    await p["Артём"].press(artem_contact, "Назначить встречу")  # straight from the announcement
    await p["Артём"].expect("день или напиш")
    await p["Артём"].send("/cancel")

    # Ольга declines with a reason; the curator is told; the pairing is excluded
    await p["Ольга"].press(olga_intro, "Не сейчас")
    await p["Ольга"].expect("коротко напиш")
    await p["Софья"].expect("пара не сложилась")
    await curator.expect("Предложение отклонено (наставляемый): Ольга Тест и Софья Тест")
    await p["Ольга"].send("<b>Не подходит</b> время 🙈")
    await p["Ольга"].expect("передал куратору")
    reason = await curator.expect("Причина отказа")
    assert "<b>Не подходит</b> время 🙈" in reason["text"]

    # nobody answers Максим's proposal: a reminder at half-time, then it expires
    assert (
        bot.app is not None
        and bot.app.db is not None
        and bot.app.bot is not None
        and bot.app.i18n is not None
    )
    clock.advance(hours=30)
    due = await proposals_tick(bot.app.db, bot.app.i18n, clock)
    assert not due.remind and not due.expired
    clock.advance(hours=7)
    due = await proposals_tick(bot.app.db, bot.app.i18n, clock)
    assert len(due.remind) == 1
    await p["Максим"].expect("Напоминаю: предложение пары")
    await p["Артём"].expect("Напоминаю: предложение пары")
    due = await proposals_tick(bot.app.db, bot.app.i18n, clock)
    assert not due.remind  # once only
    clock.advance(hours=36)
    due = await proposals_tick(bot.app.db, bot.app.i18n, clock)
    assert len(due.expired) == 1
    await p["Максим"].expect("истекло без ответа")
    await curator.expect("Предложение истекло без ответа: Максим Тест и Артём Тест")

    rows = await pair_rows(bot)
    assert [r.status for r in rows] == ["active", "expired", "declined"]
    async with bot.app.db.sessions() as s:
        excluded = {(e.mentor_id, e.mentee_id, e.reason) for e in await s.scalars(select(ExclusionRow))}
        prio = dict((await s.execute(select(ParticipantRow.name, ParticipantRow.priority))).all())
    assert {reason for *_, reason in excluded} == {"expired", "declined"}
    assert prio["Максим Тест"] and prio["Ольга Тест"] and not prio["Алиса Тест"]

    # next round: the declined and expired pairings are not proposed again
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар")
    assert "Максим Тест ↔ Софья Тест" in draft["text"]
    assert "Ольга Тест — нет подходящего наставника" in draft["text"]

    # the curator ends the working pair with a reason; both are told kindly
    await curator.press(menu, "Пары в работе")
    active = await curator.expect("Пары в работе и ждущие ответа: 1")
    await curator.press(active, "🔎 1")
    working = await curator.expect("работает")
    await curator.press(working, "Завершить")
    await curator.expect("Завершить пару:")
    await curator.send("Алиса перешла в другую школу")
    await curator.expect("Пара завершена")
    ended = await p["Алиса"].expect("завершена куратором")
    assert "другую школу" not in ended["text"]
    await p["Артём"].expect("завершена куратором")


async def test_mentee_choice_mode(bot: Running, client: SandboxClient, make_curator: MakeCurator) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    p = await seed(bot, client, programme_id=1)
    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «")
    answer = await curator.press(menu, "Выбор наставника: выкл")
    assert answer is not None and "включён" in answer["text"]
    await curator.press(menu, "Подобрать пары")
    await curator.expect("Предложения выбрать наставника отправлены: 2")
    offer = await p["Алиса"].expect("Выбери наставника")
    assert "Артём Тест" in offer["text"] and "artem_11" not in offer["text"]
    await p["Алиса"].press(offer, "Выбрать №1")
    await p["Алиса"].expect("Я отправил запрос наставнику")
    ask = await p["Артём"].expect("Мы нашли", "Алиса Тест")
    await p["Артём"].press(ask, "Принять")
    await p["Алиса"].expect("Наставническая пара сложилась", "@artem_11")
    stale = await p["Алиса"].press_data(
        offer, offer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    assert stale is not None and stale["text"]
    assert stale["show_alert"] or p["Алиса"].messenger == "max"  # MAX shows a notification, no alerts
