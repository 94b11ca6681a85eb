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
from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running
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
        assert any("ты" in q.lower() or "тебе" in q.lower() for q in questions), name
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
