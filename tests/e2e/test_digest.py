"""Stages 6–7 through the real bot with a controllable clock: a programme runs for several
weeks; the weekly digest arrives in the curators' group at the set hour with the pairs
that need a human first and buttons that work (and refuse a non-curator); the chart is
sent; a final questionnaire is answered; the programme is completed and archived; the
XLSX report opens with openpyxl and holds the expected rows."""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.__main__ import export as cli_export
from bot.clock import FakeClock
from bot.domain.catalog import Form, MeetFormat, Role, Status
from bot.domain.matching import Reasons
from bot.domain.meetings import Kind, MeetingStatus
from bot.domain.models import Profile
from bot.domain.pairs import PairStatus
from bot.jobs import digest_tick, surveys_tick
from bot.settings import Settings
from handlers.callbacks import DigestCb
from sandbox.client import Person, SandboxClient, button_data
from storage.tables import PairRow, ProgrammeRow, SurveyResponseRow
from storage.unit import Unit
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

START = datetime(2026, 9, 7, 10, 0)  # pairs start working (UTC)
MONDAY_9_MSK = datetime(2026, 10, 5, 6, 0)  # the default digest moment, in UTC


def mentor_profile() -> Profile:
    return Profile(
        Role.MENTOR, "teacher", experience=10, tags=("olympiad",), interests=("chess",), capacity=2,
        slots=("tue_pm",), format=MeetFormat.ANY,
    )  # fmt: skip


def mentee_profile() -> Profile:
    return Profile(
        Role.MENTEE, "pupil", grade=7, tags=("olympiad",), interests=("chess",), slots=("tue_pm",),
        format=MeetFormat.ANY,
    )  # fmt: skip


async def meeting(
    uow: Unit, pair_id: int, ids: tuple[int, int], when: datetime, useful: tuple[int | None, int | None]
) -> None:
    """A held meeting and both sides' check-ins (None: that side never answered)."""
    m = await uow.meetings.create(pair_id, Kind.REGULAR, when, True, None, MeetingStatus.CONFIRMED, 0, when)
    for pid, role, value in zip(ids, ("mentor", "mentee"), useful, strict=True):
        asked = when + timedelta(hours=2)
        await uow.meetings.ask(m.id, pid, role, asked)
        if value is not None:
            r = await uow.meetings.reflection(m.id, pid)
            assert r is not None
            await uow.meetings.answer(
                r.id, happened="yes", usefulness=value, second=8, answered_at=asked + timedelta(hours=1)
            )


async def school(
    bot: Running, client: SandboxClient, clock: FakeClock
) -> dict[str, tuple[Person, Person, int]]:
    """Three working pairs with a month of history: A is fine, B has gone quiet, C is in
    trouble (low usefulness, check-ins unanswered)."""
    assert bot.app is not None and bot.app.db is not None
    clock.current = START
    pairs: dict[str, tuple[Person, Person, int]] = {}
    names = {"A": ("Анна", "Алиса"), "B": ("Борис", "Богдан"), "C": ("Вера", "Варя")}
    persons: dict[str, Person] = {}
    for name in (n for both in names.values() for n in both):
        persons[name] = await client.person(name)
        await persons[name].send("/start")
        await persons[name].expect("/help")
    async with bot.app.db.unit() as uow:
        await uow.surveys.set_pulse_days(1, ())  # no automatic interim questionnaire here
        for key, (mentor_name, mentee_name) in names.items():
            people, ids = [], []
            for name, profile in ((mentor_name, mentor_profile()), (mentee_name, mentee_profile())):
                person = persons[name]
                p = await uow.participants.create(1, bot_id(person), f"{name} Тест", None, profile, START)
                await uow.participants.decide(p.id, Status.APPROVED, True, 0, START)
                people.append(person)
                ids.append(p.id)
            pair_id = await uow.pairs.create(
                1, ids[0], ids[1], PairStatus.ACTIVE, 5.0, Form.PUPIL_PUPIL,
                Reasons(("chess",), ("olympiad",), 3, False), False, START,
            )  # fmt: skip
            await uow.pairs.update(pair_id, started_at=START)
            pairs[key] = (people[0], people[1], pair_id)
            both = (ids[0], ids[1])
            tuesday = datetime(2026, 9, 8, 13, 0)
            if key == "A":
                for week in range(4):
                    await meeting(uow, pair_id, both, tuesday + timedelta(weeks=week), (8, 9))
            elif key == "B":
                for week in range(2):  # the last one on 15.09: 19 days before the digest
                    await meeting(uow, pair_id, both, tuesday + timedelta(weeks=week), (7, 7))
            else:
                await meeting(uow, pair_id, both, tuesday + timedelta(weeks=1), (9, 9))
                await meeting(uow, pair_id, both, tuesday + timedelta(weeks=2), (6, 6))
                await meeting(uow, pair_id, both, tuesday + timedelta(weeks=3), (3, None))
                await meeting(uow, pair_id, both, datetime(2026, 10, 1, 13, 0), (None, None))
    return pairs


async def drain(person: Person, chat_id: int | None = None) -> None:
    """Mark everything the bot has sent so far as read."""
    chat = chat_id or person.id
    found = await person.client.get("/control/messages", chat_id=chat, after=person.seen.get(chat, 0))
    for m in found:
        person.seen[chat] = max(person.seen.get(chat, 0), m["message_id"])


async def answer_questionnaire(person: Person, scale: str, restart: Callable[[], Awaitable[object]]) -> int:
    """Answer every question: a score, yes, and typed or skipped open answers. The bot is
    restarted once while it waits for a typed answer."""
    answered = 0
    said_yes: dict[str, object] | None = None
    while True:
        m = await person.expect("Вопрос")
        if said_yes is not None:  # the question answered before keeps the answer chosen
            shown = await person.client.message(said_yes["chat_id"], said_yes["message_id"])
            assert shown["text"].endswith("→ Да") and "reply_markup" not in shown
            said_yes = None
        text = m["text"]
        answered += 1
        labels = [b["text"] for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        if "10" in labels or "10+" in labels:  # a score, or a count (0 to 10+)
            await person.press_data(m, _data(m, scale))
        elif "Да" in labels:
            await person.press(m, "Да")
            said_yes = m
        elif "не хватило?" in text:
            await person.send("x" * 5000)  # too long: a clear answer, nothing lost
            await person.expect("Слишком длинно")
            await person.send("<b>Больше встреч</b> 🙂")
        elif "изменить в программе" in text or "изменили" in text:
            await person.press(m, "Пропустить")
        else:
            await restart()  # waiting for a typed answer: the state is in the database
            await person.send("Разговоры о будущем")
        if re.search(r"Вопрос (\d+) из \1\b", text):
            await person.expect("Спасибо! Анкета заполнена")
            return answered


def _data(message: dict[str, object], label: str) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])  # type: ignore[union-attr]
    for row in rows:
        for b in row:
            if b["text"] == label:
                return str(b["callback_data"])
    raise AssertionError(label)


@BOTH_MESSENGERS
async def test_weeks_of_a_programme_digest_survey_completion_and_report(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock, settings: Settings
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)  # 01.09.2026–31.05.2027, Europe/Moscow
    outsider = await client.person("Посторонний")
    group = await client.post("/control/groups", title="Кураторы", members=[curator.id, outsider.id])
    gid = int(group["id"])
    await curator.send("/bind", chat_id=gid)
    await curator.expect("чат кураторов программы", chat_id=gid)
    await curator.send("/pupils сто")
    await curator.expect("Сколько обучающихся в школе")
    await curator.send("/pupils 10")
    await curator.expect("обучающихся — 10")
    pairs = await school(bot, client, clock)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    # Monday 08:50 in Moscow: not yet; 09:00: the digest goes, once
    clock.current = MONDAY_9_MSK - timedelta(minutes=10)
    assert await digest_tick(db, i18n, clock) == 0
    clock.current = MONDAY_9_MSK
    assert await digest_tick(db, i18n, clock) == 1
    assert await digest_tick(db, i18n, clock) == 0
    head = await curator.expect("Сводка: Наставничество 2026/27", chat_id=gid)
    text = head["text"]
    assert "Требуют внимания: 2 пары" in text
    # in the group: pair numbers and initials, no names, no risks (issue 12)
    assert text.index("(Б. Т. → Б. Т.)") < text.index("(В. Т. → В. Т.)")  # the quiet pair first
    assert "Тест" not in text and "низкая польза" not in text
    # the names and the reasons are in a curator's private digest
    await curator.send("/digest")
    private = (await curator.expect("Сводка: Наставничество 2026/27"))["text"]
    assert private.index("Борис Тест") < private.index("Вера Тест")
    assert "нет встречи 19 дней" in private
    assert "2+ рефлексии без ответа" in private and "низкая польза" in private
    assert "Анна Тест" not in private  # a pair that is fine is not news
    figures = await curator.expect("Цифры недели", chat_id=gid)
    assert "Работающих пар: 3" in figures["text"]
    assert "Встреч прошло: 3" in figures["text"]
    assert "наставники 67%" in figures["text"] and "наставляемые 33%" in figures["text"]
    assert "Охват обучающихся: 30%" in figures["text"] and "цель 70%" in figures["text"]
    chart = await curator.expect("Встречи по неделям", chat_id=gid)
    png = await client.file(chart["photo"][-1]["file_id"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000

    # a non-curator's press is refused politely; nothing happens
    answer = await outsider.press(head, "1 · 👋 Напомнить")
    assert answer is not None and "для кураторов" in answer["text"]
    # the curator nudges the quiet pair: both sides hear it, once today
    answer = await curator.press(head, "1 · 👋 Напомнить")
    assert answer is not None and "отправлено обоим" in answer["text"]
    borys, bogdan, _ = pairs["B"]
    await borys.expect("Куратор напоминает", "Богдан Тест")
    await bogdan.expect("Куратор напоминает", "Борис Тест")
    answer = await curator.press(head, "1 · 👋 Напомнить")
    assert answer is not None and "уже напоминали" in answer["text"]
    # the card goes to the curator privately, with both sides' check-ins
    await drain(curator)
    answer = await curator.press(head, "2 · 📋 Карточка")
    assert answer is not None and "личные сообщения" in answer["text"]
    await curator.expect("Вера Тест", "Варя Тест")
    # ending pair C from the group: the reason is asked in private
    _, _, pair_c = pairs["C"]
    await curator.press_data(head, DigestCb(a="e", pair=pair_c).pack())
    await curator.expect("Завершить пару:")
    await curator.send("Не сложилось <i>общение</i>")
    await curator.expect("Пара завершена")

    # the curator asks in the group; an outsider may not
    await outsider.send("/digest", chat_id=gid)
    await outsider.expect("только куратор", chat_id=gid)

    # a week later: the next digest, the ended pair is no longer news, the quiet one still is
    clock.current = MONDAY_9_MSK + timedelta(weeks=1)
    assert await digest_tick(db, i18n, clock) == 1
    second = await curator.expect("Сводка: Наставничество 2026/27", chat_id=gid)
    assert "(Б. Т. → Б. Т.)" in second["text"] and "(В. Т. → В. Т.)" not in second["text"]
    assert "Требует внимания: 1 пара" in second["text"]
    await curator.expect("Цифры недели", "Работающих пар: 2 (−1)", chat_id=gid)

    # the curator moves the digest to Wednesdays
    await drain(curator)
    await curator.send("/digest")
    schedule = await curator.expect("Сводка приходит в чат кураторов", "по понедельникам")
    await curator.press(schedule, "Ср")

    async def moved() -> bool:
        async with db.unit() as uow:
            return bool(await uow.session.scalar(select(ProgrammeRow.digest_weekday)) == 2)

    await eventually(moved)

    # completion: final questionnaire, final meetings, outcomes, archive
    anna, alisa, pair_a = pairs["A"]
    await drain(curator)
    await curator.press(card, "Завершить программу")
    confirm = await curator.expect("Завершить программу «Наставничество 2026/27»?")
    await curator.press(confirm, "Начать завершение")
    await curator.expect("на этапе завершения", "Итоговая анкета отправлена", "Работающих пар: 2 пары")
    outcomes = await curator.expect("Итог каждой пары")
    archive = await curator.expect("отправьте программу в архив")
    invite = await alisa.expect("анкету «Итоговая»", "17 вопросов")
    await alisa.expect("итоговую встречу", "Анна Тест")
    await alisa.press(invite, "Начать анкету")
    first = await alisa.expect("Вопрос 1 из 17", "Оцени от 1 до 10")
    await alisa.press(first, "9")
    answer = await alisa.press_data(first, _data(first, "3"))  # an old button: nothing changes
    assert answer is not None and "уже позади" in answer["text"]
    await alisa.expect("Вопрос 2 из 17")  # shown again, as the current one
    rest = await answer_questionnaire(alisa, "8", bot.restart)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    assert rest >= 13

    async def answered() -> bool:
        async with db.unit() as uow:
            rows = list(await uow.session.scalars(select(SurveyResponseRow)))
            return any(r.completed_at is not None for r in rows)

    await eventually(answered)
    # one reminder two days later to whoever has not finished
    clock.current += timedelta(days=2, minutes=1)
    reminded = await surveys_tick(db, i18n, clock)
    assert reminded == 5  # everyone asked but Alisa, who finished
    assert await surveys_tick(db, i18n, clock) == 0
    await anna.expect("Напоминаю про анкету")

    answer = await curator.press(outcomes, "1 · ✅ Достигнута")
    assert answer is not None and "цель достигнута" in answer["text"]
    await curator.press(archive, "В архив")
    await curator.expect("в архиве", "цель достигнута: 1")
    thanks = await anna.expect("Спасибо за наставничество")
    assert thanks.get("photo"), "mentors get a certificate picture"
    assert await client.file(thanks["photo"][-1]["file_id"]) != b""

    async def archived() -> bool:
        async with db.unit() as uow:
            statuses = set(await uow.session.scalars(select(PairRow.status)))
            return statuses == {"ended"} and bool(await uow.session.scalar(select(ProgrammeRow.archived)))

    await eventually(archived)
    answer = await curator.press(card, "Приглашения")  # an old card's button: read-only now
    assert answer is not None and "в архиве" in answer["text"]

    # results: means per form, open answers grouped (escaped), a SWOT draft
    await drain(curator)
    await curator.send("/programmes")
    archived_card = await curator.expect("Программа в архиве")
    await curator.press(archived_card, "Анкеты")
    menu = await curator.expect("Анкеты программы", "Итоговая")
    await curator.press(menu, "Итоги")
    results = await curator.expect("Итоги анкеты «Итоговая»", "SWOT")
    assert "Насколько эффективной была программа" in results["text"]
    assert "n=" not in results["text"] and "из 10 (ответили" in results["text"]
    assert "<b>9.0</b>" not in results["text"]  # rendered as bold, not as literal tags
    assert "&lt;b&gt;Больше встреч&lt;/b&gt;" not in results["text"]
    assert "<b>Больше встреч</b> 🙂" in results["text"]  # the typed text, shown as typed

    # the report: XLSX from the bot and from the CLI, opened with openpyxl
    await drain(curator)
    await curator.send("/export")
    choose = await curator.expect("Отчёт по какой программе")
    await curator.press(choose, "Наставничество 2026/27")
    fmt = await curator.expect("в каком формате")
    await curator.press(fmt, "Excel")
    doc = await curator.expect("Отчёт по программе")
    data = await client.file(doc["document"]["file_id"])
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [
        "База наставников", "База наставляемых", "Пары", "Встречи", "Рефлексия по парам", "Анкеты",
        "Показатели", "Рост участников",
    ]  # fmt: skip
    mentors = list(wb["База наставников"].iter_rows(values_only=True))
    assert mentors[0][0] == "ФИО" and {r[0] for r in mentors[1:]} == {"Анна Тест", "Борис Тест", "Вера Тест"}
    pair_rows = list(wb["Пары"].iter_rows(values_only=True))
    assert len(pair_rows) == 4
    by_id = {r[0]: r for r in pair_rows[1:]}
    assert by_id[pair_a][9] == "цель достигнута" and by_id[pair_c][10] == "Не сложилось <i>общение</i>"
    assert len(list(wb["Встречи"].iter_rows(values_only=True))) == 1 + 4 + 2 + 4
    assert any(
        r[4] == "Насколько эффективной была программа наставничества?"
        for r in wb["Анкеты"].iter_rows(values_only=True)
    )
    kpi = {r[0]: r[1] for r in wb["Показатели"].iter_rows(values_only=True)}
    assert kpi["Обучающихся в школе"] == 10 and kpi["Пар за всё время"] == 3

    cli_data, summary = await cli_export(
        settings, argparse.Namespace(org=None, programme=None, format="xlsx", lang="en", out="report.xlsx")
    )
    assert "8 sheets" in summary
    assert load_workbook(io.BytesIO(cli_data), read_only=True).sheetnames[0] == "Mentors"


async def test_the_curator_edits_the_questionnaire_and_the_entry_survey_follows(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    assert bot.app is not None and bot.app.db is not None
    kid = await client.person("Лиза")
    await kid.send("/start")
    await kid.expect("/help")
    async with bot.app.db.unit() as uow:
        p = await uow.participants.create(1, kid.id, "Лиза Тест", None, mentee_profile(), bot.clock.now())
        await uow.participants.decide(p.id, Status.APPROVED, False, 0, bot.clock.now())
    await curator.press(card, "Анкеты")
    menu = await curator.expect("Анкеты программы", "Анкет ещё не было")
    await curator.press(menu, "Вопросы")
    await curator.expect("Вопросы для наставников")
    mentee_items = await curator.expect(
        "Вопросы для наставляемых", "2. [вход] Что вы ожидаете от программы наставничества?"
    )
    answer = await curator.press(mentee_items, "2 ✅")
    assert answer is not None and "выключен" in answer["text"]
    await curator.expect("Вопросы для наставников")
    mentee_items = await curator.expect("Вопросы для наставляемых", "⛔ 2.")
    await curator.press(mentee_items, "Изменить текст")
    await curator.expect("номер вопроса и новый текст")
    await curator.send("99 Что-то")
    await curator.expect("Такого номера нет: вопросов")
    await curator.send("1 Были ли вы <i>раньше</i> в программе?")
    await curator.expect("Текст вопроса изменён")
    await curator.expect("Вопросы для наставников")
    mentee_items = await curator.expect(
        "Вопросы для наставляемых", "1. [вход] Были ли вы <i>раньше</i> в программе?"
    )
    await curator.press(mentee_items, "Добавить вопрос")
    kinds = await curator.expect("Какой это будет вопрос")
    await curator.press(kinds, "Открытый ответ")
    await curator.expect("Напишите текст вопроса")
    await curator.send("?" * 5000)
    await curator.expect("Вопрос слишком длинный: 5000 символов")
    await curator.send("Что посоветуете следующему наставляемому?")
    await curator.expect("Вопрос добавлен")
    # someone else pressing the curator's buttons is refused
    forged = await kid.press_data(menu, button_data(menu, "Запустить входную анкету"))
    assert forged is not None and "только для кураторов" in forged["text"]
    # a curator of another school may not complete (or even see) this programme
    other = await make_curator("Олег", org="Школа №20")
    forged = await other.press_data(card, button_data(card, "Завершить программу"))
    assert forged is not None and "недоступно" in forged["text"]
    await curator.press(menu, "Запустить входную анкету")
    ask = await curator.expect("Входная анкета: что будет, если запустить", "1 наставляемый")
    assert "отправлена" not in (await client.message(ask["chat_id"], ask["message_id"]))["text"]
    await curator.press(ask, "Да, разослать анкету")  # one tap asks first; the second sends
    await curator.expect("Анкета «Входная» отправлена 1 участнику")
    # the entry set of ученик–ученик (expectations, starting points) less the one turned
    # off, plus the curator's own question
    invite = await kid.expect("анкету «Входная»", "7 вопросов")
    await kid.press(invite, "Начать анкету")
    await kid.expect("Вопрос 1 из 7", "Были ли вы <i>раньше</i> в программе?")
