"""Issue 16, «Сообщить куратору»: a pupil reaches the curators privately and at once from
/help, from every meeting reminder and every check-in; the report is marked urgent with the
pair's card; curators see the open ones (/alerts) until one of them presses «Решено». Bad
input (empty, 5,000 characters, HTML-like text, stale or forged buttons) gets a clear answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.catalog import Status
from bot.domain.meetings import Kind, MeetingStatus
from bot.domain.models import Programme
from bot.domain.pairs import PairStatus
from bot.jobs import meetings_tick
from handlers import render
from handlers.callbacks import SafetyCb, VoiceCb
from sandbox.client import Person, SandboxClient, button_data
from storage.tables import SafetyReportRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair

HTML_LIKE = "<b>он кричит</b> & <script>x</script>"


async def school(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> tuple[Person, Person, Person]:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    return curator, mentor, mentee


def labels(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@BOTH_MESSENGERS
async def test_a_pupil_tells_the_curator_from_help_reminder_and_checkin(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator, mentor, mentee = await school(bot, client, make_curator)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    # from /help: a kind, then the pupil's own words (HTML-like, shown as typed)
    await mentee.send("/help")
    help_msg = await mentee.expect("Что я умею", "Сообщить куратору")
    await mentee.press(help_msg, "Сообщить куратору")
    kinds = await mentee.expect("Что случилось? Выбери")
    assert labels(kinds) == ["мне некомфортно", "наставник не приходит", "другое"]
    await mentee.press(kinds, "мне некомфортно")
    await mentee.expect("Если хочешь, напиши")
    await mentee.send(HTML_LIKE)
    done = await mentee.expect("Куратор (Татьяна)", "ответит в течение дня", "звони 112")
    assert "Пара" not in done["text"]
    urgent = await curator.expect("🔴 Срочно", "мне некомфортно", "Наставничество 2026/27")
    assert HTML_LIKE in urgent["text"]  # escaped: the curator reads exactly what was typed
    assert "Алиса Тест" in urgent["text"] and "Анна Тест" in urgent["text"]  # the pair's card
    assert labels(urgent) == ["📋 Карточка пары", "✅ Решено"]
    for person in (mentor,):  # the other side is never told
        texts = [
            m.get("text") or "" for m in await client.get("/control/messages", chat_id=person.id, after=0)
        ]
        assert not any("некомфортно" in t or "кричит" in t for t in texts)

    # from a reminder: only the mentee's reminder carries the button
    async with db.unit() as uow:
        pair = (await uow.pairs.in_programme(1, (PairStatus.ACTIVE,)))[0]
        await uow.meetings.create(
            pair.id, Kind.INTRO, datetime(2026, 10, 3, 13, 30), True, None, MeetingStatus.CONFIRMED,
            bot_id(mentor), clock.now(),
        )  # fmt: skip
    clock.current = datetime(2026, 10, 2, 13, 30)
    assert (await meetings_tick(db, i18n, clock))["reminders"] == 2
    reminder = await mentee.expect("Напоминание: через 24 часа")
    assert labels(reminder) == ["🆘 Сообщить куратору"]
    assert labels(await mentor.expect("Напоминание: через 24 часа")) == []
    await mentee.press(reminder, "Сообщить куратору")
    kinds = await mentee.expect("Что случилось?")
    await mentee.press(kinds, "наставник не приходит")
    without = await mentee.expect("Если хочешь, напиши")
    await mentee.press(without, "Отправить без текста")
    await mentee.expect("ответит в течение дня")
    await curator.expect("🔴 Срочно", "наставник не приходит", "Своими словами: —")
    stale = await mentee.press(without, "Отправить без текста")  # pressed again: not sent twice
    assert stale is not None and "устарела" in stale["text"]

    # from the check-in: under the first question
    clock.current = datetime(2026, 10, 3, 15, 0)
    assert (await meetings_tick(db, i18n, clock))["checkins"] == 2
    ask = await mentee.expect("Встреча состоялась?")
    assert labels(ask)[-1] == "🆘 Сообщить куратору" and "Да" in labels(ask)
    assert "🆘 Сообщить куратору" not in labels(await mentor.expect("Встреча состоялась?"))
    await mentee.press(ask, "Сообщить куратору")
    await mentee.press(await mentee.expect("Что случилось?"), "другое")
    await mentee.expect("Если хочешь, напиши")
    await mentee.send("Встреча была не в том месте")
    await mentee.expect("ответит в течение дня")
    await curator.expect("🔴 Срочно", "другое", "Встреча была не в том месте")

    # the curator sees the open ones until «Решено»
    await curator.send("/alerts")
    await curator.expect("Открытые сообщения участников (3)")
    first = await curator.expect("мне некомфортно")
    await curator.press(first, "Решено")
    closed = await curator.client.edited(first, "✅ Решено")
    assert "✅ Решено (Татьяна)" in closed["text"] and labels(closed) == []
    again = await curator.press(urgent, "Решено")  # the first notice of the same report
    assert again is not None and "уже" in again["text"]
    await curator.send("/alerts")
    await curator.expect("Открытые сообщения участников (2)")

    async def stored() -> bool:
        async with db.sessions() as s:
            rows = list(await s.scalars(select(SafetyReportRow).order_by(SafetyReportRow.id)))
            return [r.resolved_at is not None for r in rows] == [True, False, False] and rows[
                0
            ].note == HTML_LIKE

    await eventually(stored)


async def test_bad_input_to_the_safety_button_gets_a_clear_answer(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator, mentor, mentee = await school(bot, client, make_curator)
    await mentee.send("/help")
    help_msg = await mentee.expect("Сообщить куратору")
    await mentee.press(help_msg, "Сообщить куратору")
    kinds = await mentee.expect("Что случилось?")
    # a forged kind: refused, nothing asked
    forged = await mentee.press_data(kinds, SafetyCb(a="k", id=0, k="zzz").pack())
    assert forged is not None and forged["show_alert"] and "устарела" in forged["text"]
    await mentee.press(kinds, "другое")
    await mentee.expect("Если хочешь, напиши")
    await mentee.send("/meetings")  # a command is a command, not the report
    await mentee.expect("Встречи · Анна Тест")
    await mentee.sticker()  # no words
    await mentee.expect("Напиши словами, что произошло")
    await mentee.send("а" * 5000)
    await mentee.expect("Получилось 5000 символов, а можно до 1000")
    await mentee.send("Помогите, пожалуйста")  # still in the dialogue after the refusals
    await mentee.expect("ответит в течение дня")
    urgent = await curator.expect("🔴 Срочно", "Помогите, пожалуйста")
    assert not any("/meetings" in t for t in await texts_of(curator, client))

    # someone else's pair, a forged report id, a stranger, a non-curator's «Решено»
    stranger = await client.person("Гость")
    await stranger.send("/start")
    await stranger.expect("ссылку-приглашение")
    await stranger.send("/help")
    plain = await stranger.expect("Что я умею")
    assert labels(plain) == []
    answer = await stranger.press_data(plain, SafetyCb(a="go", id=0).pack())
    assert answer is not None and answer["show_alert"]
    answer = await stranger.press_data(plain, SafetyCb(a="go", id=1).pack())
    assert answer is not None and answer["show_alert"]
    await mentor.send("/help")
    mentor_help = await mentor.expect("Что я умею", "Сообщить куратору")
    answer = await mentor.press_data(mentor_help, SafetyCb(a="ok", id=1).pack())
    assert answer is not None and answer["show_alert"]
    await mentor.send("/alerts")
    await mentor.expect("недоступно")
    answer = await curator.press_data(urgent, SafetyCb(a="ok", id=999).pack())
    assert answer is not None and answer["show_alert"] and "устарела" in answer["text"]
    assert button_data(urgent, "Решено") == SafetyCb(a="ok", id=1).pack()


@BOTH_MESSENGERS
async def test_a_participant_writes_to_the_curator_and_asks_for_another_mentor(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator, mentor, mentee = await school(bot, client, make_curator)
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    # «Написать куратору»: relayed privately, answered through the bot, no contacts either way
    await mentee.send("/help")
    own = await mentee.expect("Что я умею")
    assert labels(own) == [
        "🆘 Сообщить куратору", "✉️ Написать куратору", "🔁 Другой наставник",
        "⏸ Пауза (каникулы, экзамены, болезнь)", "🚪 Выйти из программы",
    ]  # fmt: skip
    await mentee.press(own, "Написать куратору")
    await mentee.expect("Напиши куратору одним сообщением")
    await mentee.send("<i>Можно</i> перенести встречи?")
    await mentee.expect("Отправил куратору (Татьяна)", "Ответ придёт сюда")
    relayed = await curator.expect("✉️ Сообщение участника", "Алиса Тест", "<i>Можно</i> перенести встречи?")
    assert "tg://" not in str(relayed) and "max.ru" not in str(relayed)
    await curator.press(relayed, "Ответить")
    await curator.expect("Ответ участнику (Алиса Тест)")
    await curator.send("Да, <b>конечно</b>")
    await curator.expect("Ответ отправлен: Алиса Тест")
    answer = await mentee.expect("Ответ куратора (Татьяна)", "Да, <b>конечно</b>")
    assert labels(answer) == ["✉️ Написать куратору"] and "tg://" not in str(answer)

    # the mentor (a teacher: «вы») has no «Другой наставник»
    await mentor.send("/profile")
    mine = await mentor.expect("Участие в программе", "напишите куратору")
    assert "🔁 Другой наставник" not in labels(mine)

    # «Другой наставник»: a reason; the curators get the card and «Переназначить»
    await mentee.send("/help")
    await mentee.press(await mentee.expect("Что я умею"), "Другой наставник")
    reasons = await mentee.expect("Что не так?")
    assert labels(reasons) == ["не подходит время", "не сложилось общение", "другие цели", "другое"]
    await mentee.press(reasons, "не сложилось общение")
    await mentee.expect("Передал куратору (Татьяна)", "пара продолжает работу")
    request = await curator.expect("🔁", "просит другого наставника", "не сложилось общение", "Анна Тест")
    await curator.press(request, "Переназначить")
    await curator.expect("Алиса Тест")
    await curator.send("Просьба наставляемой")
    await curator.expect("Пара завершена")
    assert not any("не сложилось" in t for t in await texts_of(mentor, client))

    async def reassigned() -> bool:
        async with db.unit() as uow:
            mentee_part = await uow.participants.find(1, bot_id(mentee))
            pairs = await uow.pairs.in_programme(1, (PairStatus.ENDED,))
            return mentee_part is not None and mentee_part.priority and len(pairs) == 1

    await eventually(reassigned)


async def texts_of(person: Person, client: SandboxClient) -> list[str]:
    return [m.get("text") or "" for m in await client.get("/control/messages", chat_id=person.id, after=0)]


async def test_leaving_the_programme_ends_the_pair_and_keeps_the_data(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator, mentor, mentee = await school(bot, client, make_curator)
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db
    await mentor.send("/help")
    own = await mentor.expect("Что я умею")
    await mentor.press(own, "Выйти из программы")
    confirm = await mentor.expect("Выйти из программы «Наставничество 2026/27»?", "Ваши данные останутся")
    await mentor.press(confirm, "Нет, остаюсь")
    await mentor.expect("всё остаётся как было")
    await mentor.press(own, "Выйти из программы")
    confirm = await mentor.expect("Выйти из программы")
    await mentor.press(confirm, "Да, выйти")
    await mentor.expect("Вы вышли из программы «Наставничество 2026/27»")
    told = await mentee.expect("Твоя пара в программе «Наставничество 2026/27» завершена")
    assert "Анна" not in told["text"]
    await curator.expect("Анна Тест", "завершено по собственному решению", "Пар завершено: 1", "сохранены")
    again = await mentor.press_data(confirm, VoiceCb(a="bye", id=1).pack())
    assert again is not None and "уже решено" in again["text"]

    async with db.unit() as uow:
        left = await uow.participants.get(1)
        mentee_part = await uow.participants.find(1, bot_id(mentee))
        pair = await uow.pairs.get(1)
        assert left is not None and left.status is Status.LEFT and left.name == "Анна Тест"  # data kept
        assert mentee_part is not None and mentee_part.priority  # goes first next round
        assert pair is not None and pair.status is PairStatus.ENDED
    await mentor.send("/help")
    assert labels(await mentor.expect("Что я умею")) == []  # no programme any more
    await mentee.send("/meetings")
    await mentee.expect("нет пары")  # no working pair any more


async def test_bad_input_to_self_service_gets_a_clear_answer(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator, mentor, mentee = await school(bot, client, make_curator)
    await mentee.send("/help")
    own = await mentee.expect("Что я умею")
    await mentee.press(own, "Написать куратору")
    await mentee.expect("Напиши куратору")
    await mentee.sticker()
    await mentee.expect("Напиши словами")
    await mentee.send("б" * 5000)
    await mentee.expect("Получилось 5000 символов, а можно до 1000")
    await mentee.send("/cancel")
    await mentee.expect("отменил")
    # forged buttons: someone else's participation, a non-curator's «Ответить», a mentor's
    # «Другой наставник», a made-up reason
    for data in (
        VoiceCb(a="write", id=1).pack(),  # participant 1 is the mentor
        VoiceCb(a="ans", id=2).pack(),
        VoiceCb(a="leave", id=1).pack(),
        VoiceCb(a="why", id=1, k="zzz").pack(),
    ):
        answer = await mentee.press_data(own, data)
        assert answer is not None and answer["show_alert"], data
    await mentor.send("/help")
    answer = await mentor.press_data(await mentor.expect("Что я умею"), VoiceCb(a="other", id=1).pack())
    assert answer is not None and answer["show_alert"]
    assert not any("просит другого" in t for t in await texts_of(curator, client))


@BOTH_MESSENGERS
async def test_a_pause_silences_the_pair_until_its_day_or_until_lifted(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    _curator, mentor, mentee = await school(bot, client, make_curator)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    async with db.unit() as uow:
        pair = (await uow.pairs.in_programme(1, (PairStatus.ACTIVE,)))[0]
        for day in (3, 20):  # 03.10 and 20.10, 16:30 Moscow
            await uow.meetings.create(
                pair.id, Kind.REGULAR, datetime(2026, 10, day, 13, 30), True, None, MeetingStatus.CONFIRMED,
                bot_id(mentor), clock.now(),
            )  # fmt: skip

    # typed dates first: nonsense, the past... then a button
    await mentee.send("/help")
    await mentee.press(await mentee.expect("Что я умею"), "Пауза")
    choose = await mentee.expect("До какого дня пауза? Пока она идёт", "Выбери срок")
    assert labels(choose) == ["1 неделя", "2 недели", "месяц"]
    await mentee.send("31.02")
    await mentee.expect("Не получилось понять дату")
    await mentee.send("01.09.2026")
    await mentee.expect("Эта дата уже прошла")
    await mentee.send("25.01")
    await mentee.expect("Пауза может длиться до 92 дней")
    await mentee.press(choose, "2 недели")
    await mentee.expect("Пауза до 15 октября 2026")
    told = await mentor.expect("Алиса Тест берёт паузу до 15 октября 2026")
    assert "болез" not in told["text"] and "экзамен" not in told["text"]  # no reason, none asked

    # nothing for the pair while it lasts: no reminder, no check-in, no nudge
    for moment in (
        datetime(2026, 10, 2, 13, 30),
        datetime(2026, 10, 3, 12, 30),
        datetime(2026, 10, 3, 15, 0),
    ):
        clock.current = moment
        counts = await meetings_tick(db, i18n, clock)
        assert not any(counts.values()), (moment, counts)
    async with db.unit() as uow:
        me = await uow.participants.find(1, bot_id(mentee))
        assert me is not None and me.paused_until is not None
        assert "На паузе до 15 октября 2026" in render.participant_card(
            i18n.get("ru"), me, pair_programme(await uow.programmes.get(1))
        )

    # «Снять паузу»: the other side is told, reminders come again
    await mentee.send("/help")
    own = await mentee.expect("Что я умею")
    assert "▶️ Снять паузу" in labels(own)
    await mentee.press(own, "Снять паузу")
    await mentee.expect("Пауза снята")
    await mentor.expect("Алиса Тест снова на связи")
    again = await mentee.press_data(own, VoiceCb(a="resume", id=2).pack())  # pressed twice
    assert again is not None and "уже решено" in again["text"]
    clock.current = datetime(2026, 10, 19, 13, 30)
    assert (await meetings_tick(db, i18n, clock))["reminders"] == 2
    remind = await mentee.expect("Напоминание: через 24 часа")
    assert labels(remind) == ["🆘 Сообщить куратору"]


def pair_programme(programme: object) -> Programme:
    assert isinstance(programme, Programme)
    return programme
