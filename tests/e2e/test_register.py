"""«вы» for adults, «ты» for pupils, through the real bot (issue 16 item 5): an adult teacher
registering reads «Как вас зовут?», a pupil «Как тебя зовут?», a pupil who came by a
mentor's link switches to «ты» once their age says so; a reminder the bot starts itself
says «вы» to a teacher and «ты» to a pupil; a curator's digest shows a mean as «7,2»."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.meetings import Kind, MeetingStatus
from bot.jobs import meetings_tick
from sandbox.client import SandboxClient
from storage.tables import PairRow, ParticipantRow
from storage.unit import Unit
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair

pytestmark = BOTH_MESSENGERS


async def test_a_teacher_reads_vy_and_a_pupil_reads_ty_from_the_first_question(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)  # forms: ученик — ученик, учитель — учитель
    links = await flows.invite_links(curator, card)

    teacher = await client.person("Анна")
    await teacher.start(links["mentor"])
    await teacher.expect("Здравствуйте!", "Вас пригласили как: наставник")
    await teacher.press(await teacher.expect("Выберите язык"), "Русский")
    consent = await teacher.expect("Чтобы подобрать вам наставника или наставляемого")
    assert "тебе" not in consent["text"] and "твои" not in consent["text"]
    await teacher.press(consent, "Мне есть 18")
    await teacher.expect("Как вас зовут? Напишите имя и фамилию")
    await teacher.send("Анна Соколова")
    await teacher.press(await teacher.expect("Кто вы как наставник?"), "Учитель")
    await teacher.press(await teacher.expect("Сколько лет опыта"), "10 лет")
    await teacher.expect("В чём вы можете помочь?")

    pupil = await client.person("Алиса")
    await pupil.start(links["mentee"])
    await pupil.expect("Привет!", "Тебя пригласили как: наставляемый")
    await pupil.press(await pupil.expect("Выбери язык"), "Русский")
    await pupil.press(await pupil.expect("Чтобы подобрать тебе наставника"), "Мне меньше 18")
    await pupil.press(await pupil.expect("Сколько тебе лет"), "14")
    await pupil.expect("Как тебя зовут? Напиши имя и фамилию")

    # a pupil mentor came by the teachers' link: «вы» until they say they are a pupil
    senior = await client.person("Егор")
    await senior.start(links["mentor"])
    await senior.expect("Вас пригласили как: наставник")
    await senior.press(await senior.expect("Выберите язык"), "Русский")
    await senior.press(await senior.expect("Согласие на обработку"), "Мне есть 18")
    await senior.expect("Как вас зовут?")
    await senior.send("Егор Петров")
    await senior.press(await senior.expect("Кто вы как наставник?"), "Ученик")
    await senior.expect("В каком ты классе?")


async def test_a_reminder_says_vy_to_a_teacher_and_ty_to_a_pupil(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)  # a teacher and a pupil
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    held = datetime(2026, 10, 6, 13, 0)
    async with db.unit() as uow:
        pair_id = await _pair(uow)
        await uow.meetings.create(pair_id, Kind.REGULAR, held, True, None, MeetingStatus.CONFIRMED, 0, held)
    clock.current = held + timedelta(hours=2)
    assert (await meetings_tick(db, i18n, clock))["checkins"] == 2
    await mentor.expect("Встреча состоялась?")
    await mentee.expect("Встреча состоялась?")
    clock.current = held + timedelta(hours=27)  # neither answered: one reminder each
    assert (await meetings_tick(db, i18n, clock))["reflection_reminders"] == 2
    await mentor.expect("Напоминаю: расскажите, как прошла встреча")
    await mentee.expect("Напоминаю: расскажи, как прошла встреча")


async def test_a_curator_reads_a_mean_with_a_decimal_comma(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)  # Europe/Moscow
    await active_pair(bot, client)
    assert bot.app is not None and bot.app.db is not None
    now = datetime(2026, 10, 12, 9, 0)
    async with bot.app.db.unit() as uow:
        pair_id = await _pair(uow)
        sides = list(await uow.session.scalars(select(ParticipantRow.id).order_by(ParticipantRow.id)))
        for day, useful in ((1, (7, 7)), (2, (7, 7)), (3, (8, None))):  # five ratings: 7.2
            when = now - timedelta(days=day + 1)
            m = await uow.meetings.create(
                pair_id, Kind.REGULAR, when, True, None, MeetingStatus.CONFIRMED, 0, when
            )
            for pid, role, value in zip(sides, ("mentor", "mentee"), useful, strict=True):
                await uow.meetings.ask(m.id, pid, role, when + timedelta(hours=2))
                r = await uow.meetings.reflection(m.id, pid)
                assert r is not None
                if value is not None:
                    await uow.meetings.answer(
                        r.id,
                        happened="yes",
                        usefulness=value,
                        second=8,
                        answered_at=when + timedelta(hours=3),
                    )
    clock.current = now
    await curator.send("/digest")
    figures = await curator.expect("Цифры недели")
    assert "Польза встреч: 7,2 из 10" in figures["text"], figures["text"]
    assert "7.2" not in figures["text"]
    schedule = await curator.expect("Сводка приходит в чат кураторов")
    assert "(Москва)" in schedule["text"] and "Europe/Moscow" not in schedule["text"]


async def _pair(uow: Unit) -> int:
    pair_id = await uow.session.scalar(select(PairRow.id).order_by(PairRow.id.desc()))
    assert pair_id is not None
    return int(pair_id)
