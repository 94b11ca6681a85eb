"""Bad input gets a clear answer and loses nothing; a restart resumes the dialogue."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.callbacks import ChoiceCb, DecideCb, ProgCb
from sandbox.client import SandboxClient
from storage.tables import ParticipantRow
from tests.conftest import MakeCurator, Running
from tests.e2e import flows


async def _ready_programme(client: SandboxClient, make_curator: MakeCurator) -> tuple[object, dict[str, str]]:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    return curator, await flows.invite_links(curator, card)


async def test_name_step_survives_bad_answers(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    _, links = await _ready_programme(client, make_curator)
    kid = await client.person("Ева")
    await kid.start(links["mentee"])
    await kid.expect("Тебя пригласили")
    await kid.expect("Выбери язык")
    await kid.send("привет")  # text where a button is expected
    again = await kid.expect("Выбери язык")
    await kid.press(again, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне есть 18")
    await kid.expect("Как тебя зовут")
    await kid.sticker()
    await kid.expect("Имя должно быть текстом от 2 до 64 символов")
    await kid.send("x" * 5000)
    await kid.expect("Имя должно быть текстом")
    await kid.send("😀😀😀")
    await kid.expect("Имя должно быть текстом")
    await kid.send("<script>alert(1)</script> Ева & Co")
    kind = await kid.expect("Кто ты?")
    await kid.press(kind, "Молодой педагог")
    exp = await kid.expect("Сколько лет опыта")
    await kid.send("пять")  # typing where buttons are expected
    await kid.expect("кнопкой")
    await kid.expect("Сколько лет опыта")
    await kid.press(exp, "1 год")
    tags = await kid.expect("С чем вам нужна помощь")
    answer = await kid.press(tags, "Готово")  # nothing chosen yet
    assert answer is not None and answer["show_alert"] and "хотя бы один" in answer["text"]
    await kid.press(tags, "Планирование уроков")
    await kid.press(tags, "Готово")
    await flows._multi(kid, "Что вам интересно", ["Театр"])
    await flows._multi(kid, "Когда вам удобно", ["Пн вечер"])
    fmt = await kid.expect("Как удобнее")
    await kid.press(fmt, "Очно")
    summary = await kid.expect("Проверьте профиль")
    # user text is escaped, never parsed as HTML
    assert "<script>alert(1)</script> Ева & Co" in summary["text"]
    assert "&lt;script&gt;" in summary["html"]
    # edit one field from the summary, then send
    await kid.press(summary, "Изменить")
    fields = await client.edited(summary, button="Имя")
    await kid.press(fields, "Имя")
    await kid.expect("Как вас зовут")
    await kid.send("Ева Васильева")
    summary = await kid.expect("Проверьте профиль", "Ева Васильева")
    await kid.press(summary, "Отправить")
    await kid.expect("Профиль отправлен")


async def test_restart_in_the_middle_of_the_questionnaire_resumes(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    _, links = await _ready_programme(client, make_curator)
    kid = await client.person("Максим")
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне меньше 18")
    ages = await kid.expect("Сколько тебе лет")
    await kid.press(ages, "12")
    await kid.expect("Как тебя зовут")
    await kid.send("Максим Попов")
    kind = await kid.expect("Кто ты?")
    await kid.press(kind, "Ученик")
    grade = await kid.expect("В каком ты классе")

    await bot.restart()

    await kid.press(grade, "6")
    tags = await kid.expect("С чем тебе нужна помощь")
    await kid.press(tags, "Мотивация к учёбе")
    await bot.restart()  # a selection in progress survives too
    await kid.press(tags, "Готово")
    await flows._multi(kid, "Что тебе интересно", ["Игры"])
    await flows._multi(kid, "Когда тебе удобно", ["Сб утро"])
    fmt = await kid.expect("Как удобнее")
    await kid.press(fmt, "Онлайн")
    summary = await kid.expect("Проверь профиль", "Максим Попов")
    assert "6" in summary["text"] and "Мотивация к учёбе" in summary["text"]
    await kid.press(summary, "Отправить")
    await kid.expect("Не забудь про согласие родителя")


async def test_stale_and_forged_buttons_change_nothing(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator, links = await _ready_programme(client, make_curator)
    kid = await client.person("Иван")
    await flows.register_mentee(kid, links["mentee"], name="Иван Зайцев", minor_age=None)
    await flows.send_summary(kid)
    note = await curator.expect("Новая заявка")

    # an old questionnaire button after the form was sent
    old = await kid.press_data(
        note | {"chat_id": kid.id, "message_id": 5}, ChoiceCb(step="grade", value="9").pack()
    )
    assert old is not None and "устарела" in old["text"]

    # the mentee forges the curator's "approve" for their own application
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        pid = await s.scalar(select(ParticipantRow.id).where(ParticipantRow.user_id == kid.id))
    assert pid is not None
    msg = {"chat_id": kid.id, "message_id": 1}
    forged = await kid.press_data(msg, DecideCb(action="ok", part=pid).pack())
    assert forged is not None and "только для кураторов" in forged["text"]
    forged_prog = await kid.press_data(msg, ProgCb(action="invites", pid=1).pack())
    assert forged_prog is not None and forged_prog["show_alert"]

    # another school's curator presses a button of this programme
    stranger = await make_curator("Пётр", org="Гимназия №2")
    other = await stranger.press_data(
        {"chat_id": stranger.id, "message_id": 1}, DecideCb(action="ok", part=pid).pack()
    )
    assert other is not None and "недоступно" in other["text"]

    # a participant id that does not exist
    ghost = await curator.press_data(note, DecideCb(action="ok", part=99999).pack())
    assert ghost is not None and "устарела" in ghost["text"]

    async with bot.app.db.sessions() as s:
        status = await s.scalar(select(ParticipantRow.status).where(ParticipantRow.id == pid))
    assert status == "pending"

    # the real curator approves once; a second press is refused and nothing doubles
    await curator.press(note, "Открыть заявки")
    await curator.expect("Заявки")
    card = await curator.expect("Иван Зайцев")
    data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await curator.press_data(card, data)
    again = await curator.press_data(card, data)
    assert again is not None and "уже решено" in again["text"]
    async with bot.app.db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(ParticipantRow)) == 1


async def test_commands_without_the_right_are_refused_politely(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    await make_curator()
    pupil = await client.person("Гоша")
    for command in ("/programmes", "/new_programme", "/add_curator"):
        await pupil.send(command)
        await pupil.expect("только для кураторов")
    group = await client.post("/control/groups", title="Кураторы", members=[pupil.id])
    await pupil.send("/bind", chat_id=group["id"])
    await pupil.expect("Подключить чат может только куратор", chat_id=group["id"])


async def test_free_text_and_start_without_invite_get_answers(bot: Running, client: SandboxClient) -> None:
    newcomer = await client.person("Новичок")
    await newcomer.send("Здравствуйте! Как записаться?")
    await newcomer.expect("/help")
    await newcomer.send("/start")
    await newcomer.expect("ссылку-приглашение")
    await newcomer.start("not-a-real-invite")
    await newcomer.expect("ссылка-приглашение не работает")
    await newcomer.send("/cancel")
    await newcomer.expect("нечего отменять")
    english = await client.person("John", language_code="en")
    await english.send("/start")
    await english.expect("invite link")


async def test_rapid_messages_from_one_user_do_not_race(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    _, links = await _ready_programme(client, make_curator)
    kid = await client.person("Быстрый")
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне есть 18")
    await kid.expect("Как тебя зовут")
    for name in ("Первое Имя", "Второе Имя", "Третье Имя"):  # three answers at once
        await kid.send(name)
    await kid.expect("Кто ты?")
    # the first answer was taken as the name; the next two came while buttons were expected
    await kid.expect("кнопкой")
    await kid.expect("кнопкой")
