"""/forget_me erases for real: after it, no column of any table holds the person's name,
@username, Telegram id or anything they wrote; their pairs end, the other side is told
neutrally, and nothing reaches the forgotten account again."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import inspect, text

from bot.clock import FakeClock
from bot.domain.base import History
from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.groups import GroupStatus
from bot.domain.matching import Reasons
from bot.domain.models import Profile
from bot.domain.pairs import PairStatus
from bot.jobs import meetings_tick
from handlers.callbacks import ProposalCb
from sandbox.client import Person, SandboxClient
from storage.db import Database
from storage.tables import MentoringGroupRow, PairRow, SurveyResponseRow, SurveyRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

NAME, USERNAME = "Снежана Уникальнова", "snezh_unik"
WRITTEN = [  # everything the forgotten person typed into the bot
    "Библиотека на Ледяной 7",
    "Разобрали задачи про лёд",
    "Готовлюсь к пятнице",
    "Цель ледяная: олимпиада",
    "Пункт ледяной: задачи",
    "Ответ в анкете про лёд",
    "Мне неуютно на Ледяной",  # «Сообщить куратору»
    "Мама с Ледяной, +7 900 000-00-00",  # the parent's contact, typed by a curator
]
MENTOR_PROFILE = Profile(
    Role.MENTOR, "teacher", experience=10, tags=("olympiad",), interests=("chess",), capacity=2,
    slots=("tue_pm",), format=MeetFormat.ANY,
)  # fmt: skip


async def kid_and_mentor(
    bot: Running, client: SandboxClient, curator: Person, status: PairStatus
) -> tuple[Person, Person, int]:
    """The kid registers through the bot (the curator is told her name); the curator's
    approval and the pair are set in the database."""
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    kid = await client.person("Снежана", username=USERNAME)
    await flows.register_mentee(kid, links["mentee"], name=NAME, minor_age=None)
    await flows.send_summary(kid)
    await curator.expect("Новая заявка", NAME)
    mentor = await client.person("Анна")
    await mentor.send("/start")
    await mentor.expect("/help")
    assert bot.app is not None and bot.app.db is not None
    now = bot.clock.now()
    async with bot.app.db.unit() as uow:
        kid_part = await uow.participants.find(1, bot_id(kid))
        assert kid_part is not None
        await uow.participants.decide(kid_part.id, Status.APPROVED, False, bot_id(curator), now)
        m = await uow.participants.create(1, bot_id(mentor), "Анна Тест", None, MENTOR_PROFILE, now)
        await uow.participants.decide(m.id, Status.APPROVED, True, bot_id(curator), now)
        pair_id = await uow.pairs.create(
            1, m.id, kid_part.id, status, 5.0, None, Reasons(("chess",), ("olympiad",), 3, False), False, now
        )
        if status is PairStatus.ACTIVE:
            await uow.pairs.update(pair_id, started_at=now)
    return kid, mentor, pair_id


async def dump(db: Database) -> list[tuple[str, str, Any]]:
    """Every value of every column of every table (text, numbers, JSON as stored)."""
    out: list[tuple[str, str, Any]] = []
    async with db.engine.connect() as conn:
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())  # either engine
        for table in names:
            result = await conn.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 (our own table names)
            columns = list(result.keys())
            for row in result.all():
                out += [(table, c, v) for c, v in zip(columns, row, strict=True)]
    return out


def leaks(values: list[tuple[str, str, Any]], user_id: int) -> list[str]:
    words = ["Снежана", "Уникальнова", USERNAME, *WRITTEN]
    own_id = re.compile(rf"(?<!\d){user_id}(?!\d)")
    found = []
    for table, column, value in values:
        if isinstance(value, int) and value == user_id:
            found.append(f"{table}.{column} = the Telegram id")
        elif isinstance(value, str):
            hits = [w for w in words if w.casefold() in value.casefold()]
            if hits or own_id.search(value):
                found.append(f"{table}.{column}: {value[:120]!r}")
    return found


@BOTH_MESSENGERS
async def test_forget_me_leaves_no_name_id_or_text_in_any_table(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    kid, mentor, pair_id = await kid_and_mentor(bot, client, curator, PairStatus.ACTIVE)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    # she proposes a meeting and types the place; the mentor confirms
    await kid.send("/meetings")
    listing = await kid.expect("Встречи · Анна Тест")
    await kid.press(listing, "Назначить встречу")
    await kid.expect("день или напиш")
    await kid.send("03.10 16:30")
    kinds = await kid.expect("Какая это встреча?")
    await kid.press(kinds, "⭐")
    fmt = await kid.expect("Как встречаетесь")
    await kid.press(fmt, "очно")
    await kid.expect("Где встречаетесь")
    await kid.send(WRITTEN[0])
    offer = await mentor.expect("Снежана Уникальнова предлагает встречу", WRITTEN[0])
    await mentor.press(offer, "Подтвердить")
    await kid.expect(": встреча", "подтверждена")
    # after it, her private check-in with two texts
    clock.current = datetime(2026, 10, 3, 15, 0)
    assert (await meetings_tick(db, i18n, clock))["checkins"] == 2
    ask = await kid.expect("Встреча состоялась?")
    await kid.press(ask, "Да")
    await kid.press(await kid.expect("Насколько встреча была полезной"), "8")
    await kid.press(await kid.expect("Насколько"), "9")
    await kid.expect("Что успели сделать")
    await kid.send(WRITTEN[1])
    await kid.expect("Что дальше")
    await kid.send(WRITTEN[2])
    await kid.expect("Твои ответы увидит только куратор")
    # the pair's plan, written by her
    await kid.send("/meetings")
    await kid.press(await kid.expect("Встречи · Анна Тест"), "План пары")
    await kid.press(await kid.expect("План пары"), "Цель")
    await kid.expect("цель пары")
    await kid.send(WRITTEN[3])
    await kid.expect("Цель:")
    await kid.send("/meetings")
    await kid.press(await kid.expect("Встречи · Анна Тест"), "План пары")
    await kid.press(await kid.expect("План пары"), "Пункт")
    await kid.expect("пункт плана")
    await kid.send(WRITTEN[4])
    await kid.expect("Выполнено: 0 из 1")
    # a questionnaire answer in her own words; a next meeting proposed by the mentor
    async with db.unit() as uow:
        kid_part = await uow.participants.find(1, bot_id(kid))
        assert kid_part is not None
        survey = SurveyRow(programme_id=1, kind="entry", launched_by=bot_id(curator), launched_at=clock.now())
        uow.session.add(survey)
        await uow.session.flush()
        uow.session.add(
            SurveyResponseRow(
                survey_id=survey.id, participant_id=kid_part.id, role="mentee", items=[1, 2],
                answers={"1": 7, "2": WRITTEN[5]}, asked_at=clock.now(), completed_at=clock.now(),
            )
        )  # fmt: skip
        await uow.participants.set_needs_support(kid_part.id, True)  # a curator's «нужна поддержка»
    await mentor.send("/meetings")
    await mentor.press(await mentor.expect("Встречи · Снежана Уникальнова"), "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send("10.10 16:30")
    await mentor.press(await mentor.expect("Какая это встреча?"), "⭐")
    await mentor.press(await mentor.expect("Как встречаетесь"), "онлайн")
    await mentor.press(await mentor.expect("ссылку на звонок"), "Пропустить")
    await kid.expect("Анна Тест предлагает встречу")

    # «Сообщить куратору» in her own words: the curator gets it with her name
    await kid.send("/help")
    await kid.press(await kid.expect("Сообщить куратору"), "Сообщить куратору")
    await kid.press(await kid.expect("Что случилось?"), "мне некомфортно")
    await kid.expect("напиши одним сообщением")
    await kid.send(WRITTEN[6])
    await kid.expect("ответит в течение дня")
    await curator.expect("🔴 Срочно", NAME, WRITTEN[6])

    async with db.unit() as uow:
        kid_part = await uow.participants.find(1, bot_id(kid))
        assert kid_part is not None
        await uow.parental.set_contact(kid_part.id, WRITTEN[7])

    await kid.send("/forget_me")
    await kid.press(await kid.expect("Удалить твои данные"), "Да, удалить")
    await kid.expect("твои данные удалены")

    async def delivered() -> bool:
        async with db.engine.connect() as conn:
            q = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
            return (await conn.execute(text(q))).scalar() == 0

    await eventually(delivered)
    found = leaks(await dump(db), bot_id(kid))
    assert not found, "\n".join(found)
    told = await mentor.expect("Ваша пара в программе «Наставничество 2026/27» завершена")
    assert "Снежана" not in told["text"]
    await curator.expect("попросил удалить свои данные", "Пар завершено: 1")
    async with db.sessions() as s:
        pair = await s.get(PairRow, pair_id)
        assert pair is not None and pair.status == "ended" and pair.end_reason == "left"
        scores = (await s.execute(text("SELECT usefulness FROM reflections WHERE usefulness = 8"))).all()
        assert scores, "her scores stay, without her identity, for the figures"
        report = (await s.execute(text("SELECT concern, note, user_id FROM safety_reports"))).all()
        assert report == [("unc", None, report[0][2])] and report[0][2] < -(2**53), "the kind stays, not who"
        consent = (await s.execute(text("SELECT user_id, withdrawn_at FROM consents"))).all()
        flags = (await s.execute(text("SELECT count(*) FROM participants WHERE needs_support"))).scalar()
        assert flags == 0, "the «нужна поддержка» flag goes with the person"
        assert consent and all(uid < -(2**53) and w is not None for uid, w in consent)

    # weeks later: no reminder, check-in or nudge for the ended pair, to anyone
    before = {p.id: len(await client.get("/control/messages", chat_id=p.id, after=0)) for p in (kid, mentor)}
    for days in (1, 8, 16, 30):
        clock.current = datetime(2026, 10, 3, 15, 0) + timedelta(days=days)
        counts = await meetings_tick(db, i18n, clock)
        assert not any(counts.values()), counts
    await eventually(delivered)
    after = {p.id: len(await client.get("/control/messages", chat_id=p.id, after=0)) for p in (kid, mentor)}
    assert after == before


async def test_a_pending_proposal_is_withdrawn_when_a_side_is_forgotten(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    kid, mentor, pair_id = await kid_and_mentor(bot, client, curator, PairStatus.PROPOSED)
    await kid.send("/forget_me")
    await kid.press(await kid.expect("Удалить твои данные"), "Да, удалить")
    await kid.expect("твои данные удалены")
    told = await mentor.expect("больше не действует", "второй участник покинул программу")
    assert "Снежана" not in told["text"]
    # the mentor presses «Принять» on the old proposal: nothing is formed, no link is shared
    fake = {"chat_id": mentor.id, "message_id": told["message_id"]}
    answer = await mentor.press_data(fake, ProposalCb(pair=pair_id, answer="y").pack())
    assert answer is not None and answer["show_alert"]
    texts = [m.get("text") or "" for m in await client.get("/control/messages", chat_id=mentor.id, after=0)]
    assert not any("пара сложилась" in t or "tg://user?id=" in t for t in texts), texts
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def ended() -> bool:
        async with db.sessions() as s:
            pair = await s.get(PairRow, pair_id)
            return pair is not None and pair.status == "ended"

    await eventually(ended)
    await curator.send("/digest")  # the curators see it in the digest, with no name
    digest = await curator.expect("участник удалил свои данные — пара завершена")
    assert "Снежана" not in digest["text"] and "Удалённый участник" in digest["text"]


async def test_forget_me_erases_the_mentor_base_record_and_invitations(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """The school's mentor base outlives a programme, not /forget_me: the record, its
    history and the invitations go with the person."""
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    mentor = await client.person("Снежана", username=USERNAME)
    await flows.register_mentor(mentor, links["mentor"], name=NAME)
    await flows.send_summary(mentor)
    await curator.press(await curator.expect("Новая заявка", NAME), "Открыть заявки")
    await curator.press(await curator.expect(NAME, "ждёт решения"), "обучение пройдено")
    await mentor.expect("одобрена 🎉")
    second = await flows.create_programme(curator, "Наставничество 2027/28")
    await curator.press(second, "База наставников")
    await curator.press(await curator.expect("База наставников", NAME), "➕ 1")
    await mentor.expect("Вы в базе наставников школы")
    async with db.unit() as uow:  # a finished programme in her history
        record = await uow.base.find(1, bot_id(mentor))
        assert record is not None and record.trained
        done = History(1, "Наставничество 2026/27", 1, 3, 4.5)
        await uow.base.add_history(record.id, done, {"reached": 1}, bot.clock.now())

    await mentor.send("/forget_me")
    await mentor.press(await mentor.expect("Удалить ваши данные"), "Да, удалить")
    await mentor.expect("данные удалены")

    async def delivered() -> bool:
        async with db.engine.connect() as conn:
            q = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
            return (await conn.execute(text(q))).scalar() == 0

    await eventually(delivered)
    found = leaks(await dump(db), bot_id(mentor))
    assert not found, "\n".join(found)
    async with db.engine.connect() as conn:
        for table in ("base_mentors", "base_history", "base_invites"):
            assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0, table  # noqa: S608
    await curator.send("/base")
    await curator.expect("База наставников", "Найдено: 0")


async def test_a_group_member_forgotten_leaves_nothing_in_the_group(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """mentoring_groups holds a mentor's participant id and a number, never a name: after a
    member's /forget_me nothing of her is in any table, and the group (no member left) ends."""
    curator = await make_curator()
    kid, mentor, pair_id = await kid_and_mentor(bot, client, curator, PairStatus.ACTIVE)
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db
    async with db.unit() as uow:
        pair = await uow.pairs.get(pair_id)
        assert pair is not None
        group = await uow.groups.create(1, pair.mentor.id, GroupStatus.ACTIVE, bot.clock.now())
        await uow.pairs.update(pair_id, group_id=group.id)
    await kid.send("/forget_me")
    await kid.press(await kid.expect("Удалить твои данные"), "Да, удалить")
    await kid.expect("твои данные удалены")
    await mentor.expect("второй участник покинул программу")

    async def ended() -> bool:
        async with db.sessions() as s:
            row = await s.get(MentoringGroupRow, group.id)
            return row is not None and row.status == "ended" and row.mentor_id == pair.mentor.id

    await eventually(ended)
    found = leaks(await dump(db), bot_id(kid))
    assert not found, "\n".join(found)
