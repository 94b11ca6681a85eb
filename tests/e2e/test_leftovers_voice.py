"""Loose ends of issue 16 ("Participants' voice and the curator's reporting") through the
real bot: questionnaire items in the reader's register, Russian figures in the DOCX summary,
paused participants in the digest, an adult's invitation from the mentor base with «вы»."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from docx import Document as DocxDocument
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.services import surveys as survey_service
from handlers.surveys import bank_texts, launch_and_invite
from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running, bot_id
from tests.e2e import flows
from tests.e2e.test_digest import meeting
from tests.e2e.test_monitoring import DAY_29, answer_all, launch, two_forms
from tests.unit.test_register import TY, TY_VERBS

# «вы» as a pupil must not read it: the pronoun and the imperatives of «вы»
VY = re.compile(
    r"(?<![а-яё])(вы|вас|вам|вами|ваш|ваша|ваше|ваши|вашего|вашей|ваших|вашим|вашему|вашу"
    r"|[а-яё]+(?:ите|йте))(?![а-яё])",
    re.IGNORECASE,
)
OWN = "Удобно ли вам встречаться по субботам?"  # the curator's own question: shown as written


def _without_own(questions: list[str]) -> list[str]:
    return [q.replace(OWN, "") for q in questions]


async def test_questionnaire_items_say_ty_to_pupils_and_vy_to_adults(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    clock.current = DAY_29
    curator = await make_curator()
    card = await flows.create_programme(curator)  # ученик–ученик and учитель–учитель
    people = await two_forms(bot, client, clock)

    await curator.press(card, "Анкеты")
    menu = await curator.expect("Анкеты программы")
    await curator.press(menu, "Вопросы")
    await curator.expect("Вопросы для наставников")
    mentee_items = await curator.expect("Вопросы для наставляемых")
    await curator.press(mentee_items, "Добавить вопрос")
    await curator.press(await curator.expect("Какой это будет вопрос"), "Да / нет")
    await curator.expect("Напишите текст вопроса")
    await curator.send(OWN)
    await curator.expect("Вопрос добавлен")
    await curator.press(await curator.expect("Когда задавать этот вопрос?"), "Только во входной")

    await launch(curator, card, "Запустить входную анкету", "4 участникам")
    asked = {}
    for name, person in people.items():
        invite = await person.expect("анкету «Входная»")
        asked[name] = (invite["text"], await answer_all(person, invite, {}))

    for name in ("Маша", "Пётр"):  # pupils: a mentee and a pupil mentor
        invite, questions = asked[name]
        assert questions, name
        said = "\n".join([invite, *_without_own(questions)])
        assert not VY.search(said), (name, VY.findall(said))
        assert any(TY.search(q) for q in questions), name
    assert any(OWN in q for q in asked["Маша"][1])  # as the curator wrote it
    assert any(
        "Приходилось ли тебе раньше участвовать в программе наставничества?" in q for q in asked["Маша"][1]
    )
    assert any("Оцени от 1 до 10" in q for q in asked["Пётр"][1])

    for name in ("Ирина", "Олег"):  # adults: a teacher mentor and a young teacher
        invite, questions = asked[name]
        said = "\n".join([invite, *questions])
        assert not TY.search(said) and not TY_VERBS.search(said), (name, TY.findall(said))
    assert any(OWN in q for q in asked["Олег"][1])
    assert any("Сталкивались ли вы раньше с программой наставничества?" in q for q in asked["Ирина"][1])
    assert any("Оцените от 1 до 10" in q for q in asked["Ирина"][1])


def _docx_text(doc: Any) -> str:
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


async def test_the_docx_summary_writes_figures_as_russians_do(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    clock.current = DAY_29
    curator = await make_curator()
    await flows.create_programme(curator)
    people = await two_forms(bot, client, clock)  # two pairs, two meetings each rated 8 and 9
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.unit() as uow:  # one more check-in, so the mean is not a round number
        await meeting(uow, 1, (1, 2), clock.now() - timedelta(days=1), (7, 6))
    assert people

    await curator.send("/export")
    await curator.press(await curator.expect("Отчёт по какой программе"), "Наставничество 2026/27")
    await curator.press(await curator.expect("в каком формате"), "Excel")
    xlsx = await curator.expect("Отчёт по программе")
    wb = load_workbook(io.BytesIO(await client.file(xlsx["document"]["file_id"])))
    kpi = {r[0]: r[1] for r in wb["Показатели"].iter_rows(values_only=True)}
    assert isinstance(kpi["Средняя польза встреч (1–10)"], float)  # a spreadsheet's number stays a number
    summary = await curator.expect("Сводка по программе «Наставничество 2026/27»")
    doc = DocxDocument(io.BytesIO(await client.file(summary["document"]["file_id"])))
    text = _docx_text(doc)
    figures = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    mean = kpi["Средняя польза встреч (1–10)"]
    assert figures["Средняя польза встреч (1–10)"] == f"{mean:.1f}".replace(".", ",")
    assert "," in figures["Средняя польза встреч (1–10)"]
    assert figures["Доля молодых педагогов с наставником"] == "100\xa0%"
    assert "Охват обучающихся наставничеством (цель 70\xa0%)" in figures
    assert not re.search(r"\d\.\d", text), re.findall(r".{20}\d\.\d.{5}", text)
    assert not re.search(r"\d%", text)


async def test_the_digest_counts_who_is_on_a_pause_and_does_not_call_their_pair_silent(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    clock.current = DAY_29
    curator = await make_curator()
    await flows.create_programme(curator)
    people = await two_forms(bot, client, clock)  # both pairs last met 12 days ago
    clock.current = DAY_29 + timedelta(days=3)  # 15 days ago: both would be «нет встречи»
    masha = people["Маша"]
    await masha.send("/help")
    await masha.press(await masha.expect("Что я умею"), "Пауза")
    await masha.press(await masha.expect("До какого дня пауза?"), "2 недели")
    await masha.expect("Пауза до 17 октября 2026")
    await people["Пётр"].expect("берёт паузу")

    await curator.send("/digest")
    head = (await curator.expect("Сводка: Наставничество 2026/27"))["text"]
    assert "Требует внимания: 1 пара" in head
    assert "Ирина Тест" in head and "нет встречи 15 дней" in head  # the teachers' pair is silent
    assert "Пётр Тест" not in head and "Маша Тест" not in head  # the pupils' pair rests
    figures = (await curator.expect("Цифры недели"))["text"]
    assert "На паузе: 1 (до 17 октября 2026)" in figures
    assert "Работающих пар: 2" in figures and "по графику программы — 1)" in figures  # one pair rests


async def test_an_adult_alumna_is_invited_from_the_base_with_vy_and_registers_with_vy(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    curator = await make_curator()
    card = await flows.create_programme(curator, "Наставничество 2026/27")
    links = await flows.invite_links(curator, card)
    alumna = await client.person("Алиса")
    await flows.register_mentee(alumna, links["mentee"], minor_age=None)  # an 11th-grader of 18
    await flows.send_summary(alumna)
    await curator.press(await curator.expect("Новая заявка: Алиса Смирнова"), "Открыть заявки")
    await curator.press(await curator.expect("Алиса Смирнова"), "Одобрить")
    await alumna.expect("одобрена 🎉")
    i18n = bot.app.i18n
    async with bot.app.db.unit() as uow:  # the final questionnaire, cut to the one question
        await survey_service.ensure_items(uow, 1, bank_texts(i18n))
        for item in await uow.surveys.items(1):
            await uow.surveys.set_item_active(item.id, item.code == "become_mentor")
        await launch_and_invite(uow, bot.clock.now(), i18n, bot_id(curator), 1, "final")
    await alumna.press(await alumna.expect("заполнить анкету «Итоговая»"), "Начать анкету")
    await alumna.press(await alumna.expect("Планируешь ли ты стать наставником"), "Да")  # a pupil still
    await alumna.expect("Анкета заполнена")

    second = await flows.create_programme(curator, "Наставничество 2027/28")
    await curator.press(second, "База наставников")
    await curator.press(await curator.expect("Найдено: 0"), "Кандидаты")
    await curator.press(await curator.expect("Найдено: 1", "Алиса Смирнова"), "➕ 1")
    invitation = await alumna.expect("стать наставником", "Наставничество 2027/28")
    said = invitation["text"]
    assert said.startswith("Здравствуйте!") and "Нажмите «Участвовать»" in said  # an adult: «вы»
    assert not TY.search(said) and not TY_VERBS.search(said), said
    await alumna.press(invitation, "Участвовать")
    form = await alumna.expect("профиля наставника")
    assert not TY.search(form["text"]) and not TY_VERBS.search(form["text"])
    await alumna.press(await alumna.expect("Выберите язык"), "Русский")
    await alumna.press(await alumna.expect("Согласие на обработку"), "Мне есть 18")
    await alumna.expect("Как вас зовут")  # the registration goes on with «вы»
    await alumna.send("Алиса Смирнова")
    await alumna.press(await alumna.expect("Кто вы как наставник"), "Выпускник")
    await alumna.press(await alumna.expect("Сколько лет опыта"), "10 лет")
    await flows._multi(alumna, "В чём вы можете помочь", ["Олимпиады"])
    await flows._multi(alumna, "Что вам интересно", ["Шахматы"])
    await alumna.press(await alumna.expect("Скольким наставляемым"), "1")
    await flows._multi(alumna, "Когда вам удобно", ["Вт день"])
    await alumna.press(await alumna.expect("Как удобнее встречаться"), "Всё равно")
    await flows.send_summary(alumna)
    await curator.press(await curator.expect("Новая заявка: Алиса Смирнова"), "Открыть заявки")
    await curator.press(await curator.expect("Алиса Смирнова", "ждёт решения"), "Одобрить")
    # a graduate now: her pupil's participation of last year no longer makes her «ты»
    await alumna.expect("Ваша заявка в программу «Наставничество 2027/28» одобрена")
