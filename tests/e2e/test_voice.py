"""Issue 16, «Сообщить куратору»: a pupil reaches the curators privately and at once from
/help, from every meeting reminder and every check-in; the report is marked urgent with the
pair's card; curators see the open ones (/alerts) until one of them presses «Решено». Bad
input (empty, 5,000 characters, HTML-like text, stale or forged buttons) gets a clear answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.meetings import Kind, MeetingStatus
from bot.domain.pairs import PairStatus
from bot.jobs import meetings_tick
from handlers.callbacks import SafetyCb
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
    closed = await curator.client.message(first["chat_id"], first["message_id"])
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
    await mentee.sticker()  # no words
    await mentee.expect("Напиши словами, что произошло")
    await mentee.send("а" * 5000)
    await mentee.expect("Получилось 5000 символов, а можно до 1000")
    await mentee.send("Помогите, пожалуйста")  # still in the dialogue after the refusals
    await mentee.expect("ответит в течение дня")
    urgent = await curator.expect("🔴 Срочно", "Помогите, пожалуйста")

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
