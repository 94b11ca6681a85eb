"""Mentoring groups through the real bot: a programme with groups → the draft forms a
group → the curator confirms it → the mentor answers once, each member for themselves →
a group meeting set once for all → reminders (the mentor's: one) → each member's private
check-in → leaving, moving, and the mentor leaving the programme."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select, text

from bot.clock import FakeClock
from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Profile
from bot.jobs import meetings_tick, proposals_tick
from handlers.callbacks import GroupCb, GroupMineCb
from sandbox.client import Person, SandboxClient
from storage.db import Database
from storage.tables import (
    MeetingRow,
    MentoringGroupRow,
    PairRow,
    ParticipantRow,
    ReflectionRow,
    SurveyItemRow,
    SurveyResponseRow,
)
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually

pytestmark = BOTH_MESSENGERS

TITLE = "Кружок олимпиадников"


async def group_programme(curator: Person) -> dict[str, Any]:
    await curator.send("/new_programme")
    await curator.expect("Как называется программа")
    await curator.send(TITLE)
    choice = await curator.expect("Какие формы")
    await curator.press(choice, "Ученик — ученик")
    await curator.press(choice, "Готово")
    await curator.press(await curator.expect("Уточните программу"), "Готово")  # no sub-models
    fmt = await curator.expect("Формат работы")
    await curator.press(fmt, "группа (один наставник — несколько наставляемых)")
    await curator.expect("Дата начала")
    await curator.send("01.09.2026")
    await curator.expect("Дата окончания")
    await curator.send("31.05.2027")
    tz = await curator.expect("Часовой пояс")
    await curator.press(tz, "Москва")
    cadence = await curator.expect("Как часто")
    await curator.press(cadence, "раз в неделю")
    await curator.expect("Программа создана")
    return await curator.expect(TITLE, "Этап 1 из 7")


def mentee_profile(grade: int, fits: bool = True) -> Profile:
    return Profile(
        Role.MENTEE,
        "pupil",
        grade=grade,
        tags=("olympiad",) if fits else ("communication",),
        interests=("chess",) if fits else ("music",),
        slots=("tue_pm",),
        format=MeetFormat.ANY,
    )


MENTOR = Profile(
    Role.MENTOR,
    "pupil",
    grade=11,
    tags=("olympiad", "math"),
    interests=("chess",),
    capacity=1,  # the programme's group size (3) decides how many the group holds
    slots=("tue_pm",),
    format=MeetFormat.ANY,
)


async def seed(bot: Running, client: SandboxClient, specs: list[tuple[str, Profile]]) -> dict[str, Person]:
    assert bot.app is not None and bot.app.db is not None
    people = {}
    for name, profile in specs:
        person = await client.person(name)
        await person.send("/start")
        await person.expect("/help")
        people[name] = person
        async with bot.app.db.unit() as uow:
            p = await uow.participants.create(
                1, bot_id(person), f"{name} Тест", None, profile, bot.clock.now()
            )
            await uow.participants.decide(p.id, Status.APPROVED, True, 0, bot.clock.now())
    return people


async def delivered(db: Database) -> bool:
    async with db.engine.connect() as conn:
        q = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
        return (await conn.execute(text(q))).scalar() == 0


async def texts_of(person: Person, client: SandboxClient) -> list[str]:
    return [m.get("text") or "" for m in await client.get("/control/messages", chat_id=person.id, after=0)]


async def rows(bot: Running, table: Any) -> list[Any]:
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        return list(await s.scalars(select(table).order_by(table.id)))


async def formed_group(
    bot: Running, client: SandboxClient, curator: Person
) -> tuple[dict[str, Person], dict[str, Any], dict[str, Any]]:
    """A group programme with group size 3: Артём's group of three is drafted and confirmed;
    the fourth mentee stays without a place."""
    card = await group_programme(curator)
    specs = (
        [("Артём", MENTOR)]
        + [(n, mentee_profile(g)) for n, g in (("Алиса", 7), ("Максим", 8), ("Ваня", 7))]
        + [
            ("Оля", mentee_profile(9, fits=False))  # allowed, but fits less: no place left for her
        ]
    )
    people = await seed(bot, client, specs)
    await curator.press(card, "Пары")
    menu = await curator.expect(f"Пары «{TITLE}»")
    await curator.press(menu, "Размер группы")
    await curator.expect("Сколько наставляемых может быть в одной группе")
    for bad in ("много", "<b>100</b>", "1"):
        await curator.send(bad)
        await curator.expect("Напишите число от 2 до 30")
    await curator.send("3")
    await curator.expect("Размер группы: до 3")
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар", "Группа 1", "участников: 3", "Без пары: 1")
    assert "Оля Тест — у подходящих наставников нет мест" in draft["text"]
    assert "Наставник: <b>Артём Тест</b>" in draft["text"] or "Артём Тест" in draft["text"]
    assert draft["text"].count("Почему:") == 3  # each member with the reasons they fit
    return people, draft, card


async def test_a_group_from_the_draft_to_check_ins(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    p, draft, card = await formed_group(bot, client, curator)
    groups = await rows(bot, MentoringGroupRow)
    assert [(g.number, g.status) for g in groups] == [(1, "draft")]
    members = [r for r in await rows(bot, PairRow) if r.group_id == groups[0].id]
    assert len(members) == 3 and len({r.mentee_id for r in members}) == 3  # no one twice

    await curator.press(draft, "Подтвердить группу 1")
    await curator.expect("Группа 1 подтверждена", "(3)")
    offer = await p["Артём"].expect("предлагают вести группу", "3 участника")
    intros = {}
    for name in ("Алиса", "Максим", "Ваня"):
        intros[name] = await p[name].expect("групповой формат", "Артём Тест")
        others = {"Алиса", "Максим", "Ваня", "Оля"} - {name}
        assert not any(f"{o} Тест" in intros[name]["text"] for o in others)  # never another member
    again = await curator.press(draft, "Подтвердить группу 1")  # pressed twice: nothing sent twice
    assert again is not None and "уже решено" in again["text"]

    # the mentor answers once for the group; two members accept, one declines
    await p["Артём"].press(offer, "Принять")
    await p["Артём"].expect("Каждый участник, который тоже согласится")
    await p["Алиса"].press(intros["Алиса"], "Принять")
    await p["Алиса"].expect("пара сложилась", "Артём Тест")
    await p["Максим"].press(intros["Максим"], "Принять")
    await p["Максим"].expect("пара сложилась")
    await p["Ваня"].press(intros["Ваня"], "Не сейчас")
    await p["Ваня"].expect("коротко напиши почему")
    await p["Ваня"].send("/cancel")

    async def working() -> bool:
        g = (await rows(bot, MentoringGroupRow))[0]
        return g.status == "active" and sorted(r.status for r in await rows(bot, PairRow)) == [
            "active",
            "active",
            "declined",
        ]

    await eventually(working)

    # the mentor sets one meeting for the group
    await p["Артём"].send("/meetings")
    block = await p["Артём"].expect("Группа 1", "участников: 2")
    await p["Артём"].press(block, "Назначить встречу группы")
    await p["Артём"].expect("Выбери день")
    await p["Артём"].send("03.10 16:30")  # Moscow: 13:30 UTC
    kinds = await p["Артём"].expect("Какая это встреча")
    await p["Артём"].press(kinds, "⭐ знакомство")
    fmt = await p["Артём"].expect("Как встречаетесь")
    await p["Артём"].press(fmt, "очно")
    await p["Артём"].expect("Где встречаетесь")
    await p["Артём"].send("<b>каб. 21</b> 🙂")
    await p["Артём"].expect("Встреча группы назначена", "3 октября, 16:30", "участников: 2")
    for name in ("Алиса", "Максим"):
        note = await p[name].expect("Встреча группы назначена (наставник", "3 октября, 16:30")
        assert "<b>каб. 21</b> 🙂" in note["text"]
    meetings = await rows(bot, MeetingRow)
    assert len(meetings) == 2 and {m.group_meeting for m in meetings} == {meetings[0].id}
    assert {m.status for m in meetings} == {"confirmed"}
    # a member's card of the group meeting: the time is the mentor's (no «Перенести»)
    await p["Алиса"].send("/meetings")
    listing = await p["Алиса"].expect("Встречи · Артём Тест")
    assert "Выйти из группы" in str(listing["reply_markup"])
    await p["Алиса"].press(listing, "1.")
    member_card = await p["Алиса"].expect("знакомство")
    labels = [b["text"] for row in member_card["reply_markup"]["inline_keyboard"] for b in row]
    assert not any("Перенести" in x for x in labels) and any("Отменить" in x for x in labels)
    # forged buttons: a member answering for the group, a member pressing the curator's
    group_id = groups[0].id
    forged = await p["Алиса"].press_data(listing, GroupMineCb(a="n", id=group_id).pack())
    assert forged is not None and "недоступно" in forged["text"]
    forged = await p["Алиса"].press_data(listing, GroupCb(a="ok", g=group_id).pack())
    assert forged is not None and "только для кураторов" in forged["text"]
    forged = await p["Алиса"].press_data(listing, GroupMineCb(a="meet", id=group_id).pack())
    assert forged is not None and "недоступно" in forged["text"]

    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    async def tick() -> dict[str, int]:
        """A scheduler tick, then its messages delivered (the test's clock jumps ahead next:
        a message still being sent must not look abandoned and go twice)."""
        counts = await meetings_tick(db, i18n, clock)
        await eventually(lambda: delivered(db))
        return counts

    # reminders: every member, and the mentor ONE per reminder moment
    clock.current = datetime(2026, 10, 2, 13, 30)
    assert (await tick())["reminders"] == 3
    assert (await tick())["reminders"] == 0
    clock.current = datetime(2026, 10, 3, 12, 30)
    assert (await tick())["reminders"] == 3
    for name in ("Алиса", "Максим"):
        await p[name].expect("через 1 час")
    await p["Артём"].expect("через 1 час", "участниками твоей группы")

    async def mentor_reminders() -> bool:
        return sum("Напоминание" in x for x in await texts_of(p["Артём"], client)) == 2

    await eventually(mentor_reminders)  # one at 24 h, one at 1 h: not one per member

    # after the meeting: each member is asked privately, the mentor once
    clock.current = datetime(2026, 10, 3, 15, 0)
    assert (await tick())["checkins"] == 3
    assert (await tick())["checkins"] == 0
    mentor_ask = await p["Артём"].expect("Встреча состоялась?", "участниками твоей группы")
    for name, useful in (("Алиса", "9"), ("Максим", "4")):
        ask = await p[name].expect("Встреча состоялась?")
        await p[name].press(ask, "Да")
        scale = await p[name].expect("Насколько встреча была полезной")
        await p[name].press(scale, useful)
        second = await p[name].expect("Насколько")
        await p[name].press(second, "7")
        await p[name].expect("Что успели сделать")
        await p[name].send(f"Секрет {name}")
        skip = await p[name].expect("Что дальше")
        await p[name].press(skip, "Пропустить")
        await p[name].expect("увидит только куратор")
    await p["Артём"].press(mentor_ask, "Да")
    scale = await p["Артём"].expect("Насколько встреча была полезной")
    await p["Артём"].press(scale, "8")
    second = await p["Артём"].expect("Насколько")
    await p["Артём"].press(second, "8")
    await p["Артём"].expect("Что успели сделать")
    await p["Артём"].send("Секрет наставника")
    skip = await p["Артём"].expect("Что дальше")
    await p["Артём"].press(skip, "Пропустить")
    await p["Артём"].expect("увидит только куратор")

    async def answered() -> bool:
        done = [r for r in await rows(bot, ReflectionRow) if r.answered_at is not None]
        return len(done) == 3

    await eventually(answered)
    # private: one member's answers never reach another member or the mentor
    assert not any("Секрет Максим" in x for x in await texts_of(p["Алиса"], client))
    assert not any("Секрет Алиса" in x for x in await texts_of(p["Максим"], client))
    assert not any("Секрет Алиса" in x or "Секрет Максим" in x for x in await texts_of(p["Артём"], client))
    members_saw = await texts_of(p["Алиса"], client) + await texts_of(p["Максим"], client)
    assert not any("Секрет наставника" in x for x in members_saw)

    # the digest: the group is one unit (one meeting held, not two); check-ins per member
    await curator.send("/digest")
    await curator.expect(f"Сводка: {TITLE}")
    figures = await curator.expect("Цифры недели")
    assert "Работающих пар: 2" in figures["text"] and "из них групп" in figures["text"]
    assert "Встреч прошло: 1" in figures["text"]

    # the report: the group's number on its members' pairs and meetings; meetings once
    await curator.send("/export")
    choose = await curator.expect("Отчёт по какой программе")
    await curator.press(choose, TITLE)
    fmt = await curator.expect("в каком формате")
    await curator.press(fmt, "Excel")
    doc = await curator.expect("Отчёт по программе")
    wb = load_workbook(io.BytesIO(await client.file(doc["document"]["file_id"])))
    pair_sheet = list(wb["Пары"].iter_rows(values_only=True))
    assert pair_sheet[0][-1] == "Группа №" and [r[-1] for r in pair_sheet[1:]] == [1, 1, 1]
    meeting_sheet = list(wb["Встречи"].iter_rows(values_only=True))
    assert meeting_sheet[0][-1] == "Группа №" and len(meeting_sheet) == 3  # a row per member
    kpi = {r[0]: r[1] for r in wb["Показатели"].iter_rows(values_only=True)}
    assert kpi["Групп в работе (один наставник — несколько наставляемых)"] == 1
    assert kpi["Встреч проведено"] == 1 and kpi["Встреч назначено"] == 1

    # the questionnaire asks «полезность групповых встреч» only of the group's mentor and members
    await curator.press(card, "Анкеты")
    menu = await curator.expect("Анкеты программы")
    await curator.press(menu, "Запустить промежуточную анкету")  # the item is interim/final
    ask = await curator.expect("Промежуточная анкета: что будет, если запустить")
    await curator.press(ask, "Да, разослать анкету")
    await curator.expect("Анкета «Промежуточная» отправлена 5 участникам")
    group_item = {i.id for i in await rows(bot, SurveyItemRow) if i.code == "group"}
    names = {x.id: x.name for x in await rows(bot, ParticipantRow)}
    asked = {
        names[r.participant_id]: bool(group_item & set(r.items)) for r in await rows(bot, SurveyResponseRow)
    }
    # a silent group: its mentor is nudged once for the group, each member for themselves
    clock.current = datetime(2026, 10, 18, 10, 0)
    assert (await tick())["nudges"] == 3
    assert (await tick())["nudges"] == 0
    await p["Артём"].expect("не встречались уже 14 дн.", "участниками твоей группы")
    await p["Алиса"].expect("не встречались уже 14 дн.", "Артём Тест")
    assert asked == {
        "Артём Тест": True,
        "Алиса Тест": True,
        "Максим Тест": True,
        "Ваня Тест": False,
        "Оля Тест": False,
    }

    # the mentor leaves the programme (not erased): the members are told, the curators asked
    await p["Артём"].send("/help")
    own = await p["Артём"].expect("Что я умею")
    await p["Артём"].press(own, "Выйти из программы")
    confirm = await p["Артём"].expect("Выйти из программы")
    await p["Артём"].press(confirm, "Да, выйти")
    await p["Артём"].expect("больше не в программе")
    for name in ("Алиса", "Максим"):
        await p[name].expect("завершена", "второй участник покинул программу")
    await curator.expect("Наставник группы 1 покинул программу", "Участники (2)")
    assert [g.status for g in await rows(bot, MentoringGroupRow)] == ["ended"]


async def test_a_member_leaves_one_is_moved_and_the_mentor_leaves(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    """Two groups published at once; a member leaves (the group goes on); the curator moves
    a member to the other group; the mentor of the other group leaves the programme: the
    curators are told, the members are told neutrally and go first in the next matching."""
    curator = await make_curator()
    card = await group_programme(curator)
    talk = Profile(
        Role.MENTOR, "pupil", grade=10, tags=("communication",), interests=("music",), capacity=3,
        slots=("tue_pm",), format=MeetFormat.ANY,
    )  # fmt: skip
    artem = Profile(
        Role.MENTOR, "pupil", grade=11, tags=("olympiad",), interests=("chess",), capacity=2,
        slots=("tue_pm",), format=MeetFormat.ANY,
    )  # fmt: skip
    specs = [("Артём", artem), ("Софья", talk), ("Алиса", mentee_profile(7)), ("Максим", mentee_profile(8))]
    specs += [("Ваня", mentee_profile(7, fits=False)), ("Оля", mentee_profile(8, fits=False))]
    p = await seed(bot, client, specs)
    await curator.press(card, "Пары")
    menu = await curator.expect(f"Пары «{TITLE}»")
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар", "Группа 1", "Группа 2")
    assert "Без пары" not in draft["text"]
    await curator.press(draft, "Опубликовать")
    await curator.expect("Опубликовано предложений: 4")
    offers = {m: await p[m].expect("предлагают вести группу", "2 участника") for m in ("Артём", "Софья")}
    intros = {n: await p[n].expect("групповой формат") for n in ("Алиса", "Максим", "Ваня", "Оля")}
    # no answer by half-time: each mentor is reminded once for the group, not per member
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    clock.advance(hours=37)
    due = await proposals_tick(bot.app.db, bot.app.i18n, clock)
    assert len(due.remind) == 4
    reminder = await p["Артём"].expect("предложение вести группу ждёт твоего ответа")

    async def one_reminder_each() -> bool:
        texts = [await texts_of(p[m], client) for m in ("Артём", "Софья")]
        return [sum("вести группу ждёт" in x for x in mine) for mine in texts] == [1, 1]

    await eventually(one_reminder_each)
    await p["Артём"].press(reminder, "Принять")  # the reminder's buttons answer for the group
    await p["Софья"].press(offers["Софья"], "Принять")
    for name, intro in intros.items():
        await p[name].press(intro, "Принять")
        joined = await p[name].expect("пара сложилась")
        assert "встречи группы назначает наставник" in joined["text"]

    # Ваня leaves Софья's group: she and the curators are told; the group goes on with Оля
    await p["Ваня"].send("/meetings")
    mine = await p["Ваня"].expect("Встречи · Софья Тест")
    await p["Ваня"].press(mine, "Выйти из группы")
    await p["Ваня"].expect("Ты больше не в группе")
    await p["Софья"].expect("Участник покинул группу: Ваня Тест", "продолжает работу")
    await curator.expect("покинул участник: Ваня Тест")
    stale = await p["Ваня"].press(mine, "Выйти из группы")  # pressed again: nothing changes
    assert stale is not None and "устарела" in stale["text"]

    # the curator moves Максим into Софья's group
    await curator.press(menu, "Группы")
    first = await curator.expect("Группа 1", "Артём Тест")
    await curator.expect("Группа 2", "Софья Тест")
    await curator.press(first, "Перевести участника")
    who = await curator.expect("Кого из группы 1 перевести")
    await curator.press(who, "Максим Тест")
    where = await curator.expect("В какую группу перевести")
    await curator.press(where, "Группа 2 · Софья Тест")
    await curator.expect("Готово: Максим Тест теперь в группе, наставник — Софья Тест")
    await p["Максим"].expect("перевёл тебя в другую группу", "Софья Тест")
    await p["Артём"].expect("перевёл участника в другую группу: Максим Тест")
    await p["Софья"].expect("новый участник: Максим Тест")

    # a member's own meeting with the mentor shows in the mentor's group block
    await p["Оля"].send("/meetings")
    await p["Оля"].press(await p["Оля"].expect("Встречи · Софья Тест"), "Назначить встречу")
    await p["Оля"].expect("Выбери день")
    await p["Оля"].send("05.10 15:00")
    await p["Оля"].press(await p["Оля"].expect("Какая это встреча"), "⭐ знакомство")
    await p["Оля"].press(await p["Оля"].expect("Как встречаетесь"), "онлайн")
    await p["Оля"].press(await p["Оля"].expect("ссылку"), "Пропустить")
    await p["Софья"].expect("Оля Тест предлагает встречу")
    await p["Софья"].send("/meetings")
    block = await p["Софья"].expect("Группа 2", "участников: 2", "Личные встречи с участниками", "Оля Тест")
    assert "Личная встреча 1" in str(block["reply_markup"])

    # Софья leaves the programme: the members are told, the curators asked to place them
    await p["Софья"].send("/forget_me")
    await p["Софья"].press(await p["Софья"].expect("Удалить"), "Да, удалить")
    await p["Софья"].expect("удалены")
    for name in ("Оля", "Максим"):
        await p[name].expect("второй участник покинул программу")
    await curator.expect("Наставник группы 2 покинул программу", "Участники (2)", "первыми в очереди")
    groups = {g.number: g.status for g in await rows(bot, MentoringGroupRow)}
    assert groups == {1: "active", 2: "ended"}
    prio = {r.name: r.priority for r in await rows(bot, ParticipantRow)}
    assert prio["Оля Тест"] and prio["Максим Тест"] and not prio["Алиса Тест"]
