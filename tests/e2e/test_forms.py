"""The target model's forms in detail (issue 15), through the real bot: reverse mentoring the
right way round, requests offered by kind, sub-models and directions picked by the curator
and used by matching and the report, the «нужна поддержка» flag (curators only), a parent's
profession asked at registration and used in matching."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Profile
from handlers.callbacks import SupportCb
from sandbox.client import Person, SandboxClient
from storage.tables import MenteeProfileRow, MentorProfileRow, ParticipantRow, ProgrammeRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

pytestmark = BOTH_MESSENGERS


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["text"] for row in rows for b in row]


async def seed(
    bot: Running, client: SandboxClient, programme_id: int, specs: list[tuple[str, Profile, bool]]
) -> dict[str, Person]:
    """Approved participants (a mentor trained when said) with profiles, straight in the database."""
    people: dict[str, Person] = {}
    assert bot.app is not None and bot.app.db is not None
    for name, profile, trained in specs:
        person = await client.person(name)
        await person.send("/start")
        await person.expect("/help")
        people[name] = person
        async with bot.app.db.unit() as uow:
            p = await uow.participants.create(
                programme_id, bot_id(person), f"{name} Тест", None, profile, bot.clock.now()
            )
            await uow.participants.decide(p.id, Status.APPROVED, trained, 0, bot.clock.now())
    return people


def pupil(role: Role, grade: int, tags: tuple[str, ...], **kw: Any) -> Profile:
    return Profile(role, "pupil", grade=grade, tags=tags, slots=("tue_pm",), format=MeetFormat.ANY, **kw)


async def run_matching(curator: Person, card: dict[str, Any]) -> str:
    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «")
    await curator.press(menu, "Подобрать пары")
    return str((await curator.expect("Черновик пар"))["text"])


async def test_reverse_mentoring_and_requests_by_kind(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator, forms=("Реверсивное",))
    links = await flows.invite_links(curator, card)

    # an experienced teacher joins as a mentee: asked her years, offered a teacher's requests
    senior = await client.person("Галина")
    await senior.start(links["mentee"])
    await senior.press(await senior.expect("Выбери язык"), "Русский")
    await senior.press(await senior.expect("Согласие на обработку"), "Мне есть 18")
    await senior.expect("Как тебя зовут")
    await senior.send("Галина Петровна")
    kind = await senior.expect("Кто ты?")
    assert "Опытный педагог" in buttons(kind)
    await senior.press(kind, "Опытный педагог")
    await senior.press(await senior.expect("Сколько лет опыта"), "20 лет")
    asks = await senior.expect("С чем вам нужна помощь")  # a teacher, an adult: «вы» from here on
    offered = buttons(asks)
    assert "Цифровые инструменты" in offered and "Работа с документацией" in offered
    assert "Подготовка к олимпиадам" not in offered and "Документы" not in offered
    await senior.press(asks, "Цифровые инструменты")
    await senior.press(asks, "Готово")
    interests = await senior.expect("Что вам интересно")
    await senior.press(interests, "Шахматы")
    await senior.press(interests, "Готово")
    slots = await senior.expect("Когда вам удобно")
    await senior.press(slots, "Вт день")
    await senior.press(slots, "Готово")
    await senior.press(await senior.expect("Как удобнее встречаться"), "Всё равно")
    summary = await senior.expect("Проверьте профиль", "Опытный педагог", "20 лет")
    await senior.press(summary, "Отправить")
    await senior.expect("Профиль отправлен куратору")

    # a pupil is never offered a teacher's requests
    kid = await client.person("Миша")
    await kid.start(links["mentee"])
    await kid.press(await kid.expect("Выбери язык"), "Русский")
    await kid.press(await kid.expect("Согласие на обработку"), "Мне есть 18")
    await kid.expect("Как тебя зовут")
    await kid.send("Миша Иванов")
    await kid.press(await kid.expect("Кто ты?"), "Ученик")
    await kid.press(await kid.expect("В каком ты классе"), "9")
    kid_asks = buttons(await kid.expect("С чем тебе нужна помощь"))
    for teachers_only in ("Планирование уроков", "Дисциплина в классе", "Работа с родителями", "документац"):
        assert not any(teachers_only in b for b in kid_asks), teachers_only
    assert any("олимпиад" in b for b in kid_asks)

    # a pupil strong in digital tools mentors her; a teacher of 30 years does not (not younger)
    await seed(
        bot,
        client,
        1,
        [
            ("Артём", pupil(Role.MENTOR, 11, ("digital", "informatics"), capacity=1), True),
            (
                "Олег",
                Profile(Role.MENTOR, "teacher", experience=20, tags=("digital",), format=MeetFormat.ANY),
                True,
            ),
        ],
    )
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.unit() as uow:
        her = await uow.participants.find(1, bot_id(senior))
        assert her is not None
        await uow.participants.decide(her.id, Status.APPROVED, False, bot_id(curator), bot.clock.now())
    draft = await run_matching(curator, card)
    assert "Галина Петровна ↔ Артём Тест" in draft, draft
    assert (
        "форма «Реверсивное наставничество»" in draft
        and "«Цифровые инструменты» ↔ «Цифровые инструменты»" in draft
    )


async def test_sub_models_and_directions_from_creation_to_the_report(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(
        curator,
        forms=("Ученик — ученик",),
        details=("равный — равному", "социокультурное", "учебно-профессиональное"),
    )
    assert "Подмодели: равный — равному" in card["text"]
    assert "Направления: учебно-профессиональное, социокультурное" in card["text"]
    await seed(
        bot,
        client,
        1,
        [
            ("Лена", pupil(Role.MENTOR, 8, ("communication",)), True),
            ("Катя", pupil(Role.MENTEE, 8, ("communication",)), False),
        ],
    )
    # «равный — равному» allows a pair from the same class, and the explanation names it
    draft = await run_matching(curator, card)
    assert "Катя Тест ↔ Лена Тест" in draft and "подмодель «равный — равному»" in draft, draft

    # the curator drops the sub-model from the card: today's rule again (an older pupil only)
    await curator.press(card, "Подмодели и направления")
    setup = await curator.expect("Подмодели и направления программы")
    assert "Ученик — ученик: успевающий — неуспевающий" in buttons(setup)
    assert not any("Учитель — учитель" in b for b in buttons(setup))  # only the programme's forms
    answer = await curator.press(setup, "✅ Ученик — ученик: равный — равному")
    assert answer is not None and answer["text"] == "Сохранено"
    await curator.press(setup, "индивидуально-профилактическое")
    await curator.press(setup, "Готово")
    fresh = await curator.expect("Этап 1 из 7", "Направления:")
    assert "Подмодели:" not in fresh["text"]
    assert "учебно-профессиональное, социокультурное, индивидуально-профилактическое" in fresh["text"]
    draft = await run_matching(curator, fresh)
    assert "Катя Тест — нет подходящего наставника" in draft, draft

    # a forged sub-model of a form the programme lacks changes nothing
    forged = await curator.press_data(setup, "fs:1:s:tt_young")
    assert forged is not None and "Эта кнопка устарела" in forged["text"]
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        row = await s.get(ProgrammeRow, 1)
        assert row is not None and row.submodels == [] and row.directions == ["study", "social", "prevent"]

    # the directions are in the report's summary sheet
    await curator.send("/export")
    await curator.press(await curator.expect("Отчёт по какой программе"), "Наставничество 2026/27")
    await curator.press(await curator.expect("в каком формате"), "Excel")
    doc = await curator.expect("Отчёт по программе")
    wb = load_workbook(io.BytesIO(await client.file(doc["document"]["file_id"])))
    kpi = {r[0]: r[1] for r in wb["Показатели"].iter_rows(values_only=True)}
    assert kpi["Направления"] == "учебно-профессиональное, социокультурное, индивидуально-профилактическое"


async def test_needs_support_is_a_curators_flag_and_a_hard_rule(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator, forms=("Ученик — ученик", "Педагог — учащийся"))
    people = await seed(
        bot,
        client,
        1,
        [
            # the older pupil fits best by interests and requests...
            ("Артём", pupil(Role.MENTOR, 11, ("olympiad", "communication"), interests=("chess",)), True),
            ("Олег", Profile(Role.MENTOR, "teacher", experience=15, format=MeetFormat.ANY), True),
            ("Соня", pupil(Role.MENTEE, 7, ("olympiad", "communication"), interests=("chess",)), False),
        ],
    )
    sonya = people["Соня"]

    # the curator opens Соня's card from the list and marks «нужна поддержка»
    await curator.press(card, "Участники")
    listing = await curator.expect("Участников найдено: 3")
    await curator.press(listing, "3")
    sonya_card = await curator.expect("Соня Тест — наставляемый")
    assert "поддержка" not in sonya_card["text"]
    done = await curator.press(sonya_card, "Отметить: нужна поддержка")
    assert done is not None and "Отмечено" in done["text"]

    async def flagged() -> bool:
        assert bot.app is not None and bot.app.db is not None
        async with bot.app.db.sessions() as s:
            return bool(await s.scalar(select(ParticipantRow.needs_support).where(ParticipantRow.id == 3)))

    await eventually(flagged)

    async def shown() -> bool:  # the card is edited after the answer to the press
        edited = await client.message(sonya_card["chat_id"], sonya_card["message_id"])
        return "Нужна поддержка (видят только кураторы)" in edited["text"]

    await eventually(shown)
    current = await client.message(sonya_card["chat_id"], sonya_card["message_id"])
    assert any("Снять отметку" in b for b in buttons(current))
    await curator.press(card, "Участники")
    assert (
        "Соня Тест — наставляемый, заявка одобрена 🫶" in (await curator.expect("Участников найдено"))["text"]
    )

    # the digest counts her among what needs attention while she has no pair
    await curator.send("/digest")
    digest = await curator.expect("Сводка: Наставничество")
    assert "Нужна поддержка, а пары нет (1): Соня Тест" in digest["text"]

    # matching gives her the adult trained mentor, and says why — to the curator only
    draft = await run_matching(curator, card)
    assert "Соня Тест ↔ Олег Тест" in draft, draft
    assert "нужна поддержка: наставник взрослый и прошёл обучение" in draft

    # she never sees the flag; a forged toggle from her is refused and changes nothing
    await sonya.send("/profile")
    own = await sonya.expect("Соня Тест")
    assert "поддержк" not in own["text"]
    forged = await sonya.press_data(own, SupportCb(part=3, v=0).pack())
    assert forged is not None and "только для кураторов" in forged["text"]
    await eventually(flagged)

    # the flag is in the report's base of mentees, and the curator can clear it
    await curator.send("/export")
    await curator.press(await curator.expect("Отчёт по какой программе"), "Наставничество 2026/27")
    await curator.press(await curator.expect("в каком формате"), "Excel")
    doc = await curator.expect("Отчёт по программе")
    wb = load_workbook(io.BytesIO(await client.file(doc["document"]["file_id"])))
    rows = list(wb["База наставляемых"].iter_rows(values_only=True))
    column = rows[0].index("Нужна поддержка")
    assert [r[column] for r in rows[1:] if r[0] == "Соня Тест"] == ["да"]
    cleared = await curator.press(current, "Снять отметку")
    assert cleared is not None and "снята" in cleared["text"]

    async def unflagged() -> bool:
        return not await flagged()

    await eventually(unflagged)


async def test_a_parent_mentor_gives_a_profession_used_for_career_requests(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator, forms=("Родитель — ученик",))
    links = await flows.invite_links(curator, card)
    parent = await client.person("Ирина")
    await parent.start(links["mentor"])
    await parent.press(await parent.expect("Выберите язык"), "Русский")  # a mentor's link: «вы»
    await parent.press(await parent.expect("Согласие на обработку"), "Мне есть 18")
    await parent.expect("Как вас зовут")
    await parent.send("Ирина Волкова")
    await parent.press(await parent.expect("Кто вы как наставник"), "Родитель")
    await parent.press(await parent.expect("Сколько лет опыта"), "10 лет")
    await parent.expect("Ваша профессия?", "64")
    for bad in ("", "🙂🙂🙂", "я" * 5000):
        await parent.send(bad or " ")
        await parent.expect("Профессия — текст от 2 до 64 символов")
    await parent.send("<b>Врач</b>   педиатр")
    competencies = await parent.expect("В чём вы можете помочь")
    await parent.press(competencies, "Профориентация")
    await parent.press(competencies, "Готово")
    interests = await parent.expect("Что вам интересно")
    await parent.press(interests, "Шахматы")
    await parent.press(interests, "Готово")
    await parent.press(await parent.expect("Скольким наставляемым"), "2")
    slots = await parent.expect("Когда вам удобно")
    await parent.press(slots, "Вт день")
    await parent.press(slots, "Готово")
    await parent.press(await parent.expect("Как удобнее встречаться"), "Всё равно")
    summary = await parent.expect("Проверьте профиль", "Профессия")
    assert "<b>Врач</b> педиатр" in summary["text"]  # the typed text, shown as typed (escaped)
    await parent.press(summary, "Отправить")
    await parent.expect("Профиль отправлен куратору")
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.unit() as uow:
        her = await uow.participants.find(1, bot_id(parent))
        assert her is not None and her.profile is not None
        assert her.profile.profession == "<b>Врач</b> педиатр"
        await uow.participants.decide(her.id, Status.APPROVED, True, bot_id(curator), bot.clock.now())

    # a pupil choosing a profession: the parent with a profession scores higher, and it is said
    await seed(
        bot,
        client,
        1,
        [
            ("Павел", Profile(Role.MENTOR, "parent", experience=5, tags=("career",), capacity=1), True),
            ("Дима", pupil(Role.MENTEE, 9, ("career",)), False),
        ],
    )
    draft = await run_matching(curator, card)
    assert "Дима Тест ↔ Ирина Волкова" in draft, draft
    assert "профессия наставника поможет с выбором профессии" in draft
    async with bot.app.db.sessions() as s:
        stored = await s.scalar(
            select(MentorProfileRow.profession).where(MentorProfileRow.participant_id == 1)
        )
        assert stored == "<b>Врач</b> педиатр"
        assert await s.scalar(select(MenteeProfileRow.kind)) == "pupil"


async def test_a_supported_mentee_left_without_an_adult_trained_mentor_is_explained(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator, forms=("Ученик — ученик",))
    await seed(
        bot,
        client,
        1,
        [
            ("Артём", pupil(Role.MENTOR, 11, ("communication",)), True),
            ("Соня", pupil(Role.MENTEE, 7, ("communication",)), False),
        ],
    )
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.unit() as uow:
        await uow.participants.set_needs_support(2, True)
    draft = await run_matching(curator, card)
    assert "Соня Тест — нужна поддержка, а взрослого обученного наставника нет" in draft, draft
    assert "↔" not in draft
