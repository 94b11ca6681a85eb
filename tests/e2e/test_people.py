"""Profiles, language, command menus, curators' chat, adding curators, the right to be forgotten."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.client import SandboxClient
from storage.tables import AuditRow, ConsentRow, MenteeProfileRow, ParticipantRow, ProgrammeRow, UserRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


async def test_profile_edit_language_and_menus(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    kid = await client.person("Полина")
    before = await client.get("/control/commands", user_id=kid.id)
    assert [c["command"] for c in before] == ["start", "help", "language", "cancel"]
    await flows.register_mentee(kid, links["mentee"], name="Полина Павлова", minor_age=15)
    await flows.send_summary(kid)
    after = await client.get("/control/commands", user_id=kid.id)
    assert "profile" in [c["command"] for c in after] and "programmes" not in [c["command"] for c in after]
    curator_menu = await client.get("/control/commands", user_id=curator.id)
    assert "programmes" in [c["command"] for c in curator_menu]

    await kid.send("/profile")
    card = await kid.expect("Полина Павлова", "Запросы")
    await kid.press(card, "Изменить")
    summary = await kid.expect("Проверь профиль")
    await kid.press(summary, "Изменить")
    fields = await client.edited(summary, button="Интересы")
    await kid.press(fields, "Интересы")
    interests = await kid.expect("Что тебе интересно")
    await kid.press(interests, "Шахматы")  # untick
    await kid.press(interests, "Музыка")
    await kid.press(interests, "Готово")
    summary = await kid.expect("Проверь профиль")
    await kid.press(summary, "Сохранить")
    await kid.expect("Профиль сохранён")
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def saved() -> bool:
        async with db.sessions() as s:
            pid = await s.scalar(select(ParticipantRow.id).where(ParticipantRow.user_id == kid.id))
            profile = await s.get(MenteeProfileRow, pid)
            return profile is not None and profile.interests == ["music", "robotics"]

    await eventually(saved)

    await kid.send("/language")
    choice = await kid.expect("Choose your language")
    await kid.press(choice, "English")
    await kid.expect("I speak English now")
    menu = await client.get("/control/commands", user_id=kid.id)
    assert any(c["description"] == "My profile" for c in menu), menu
    await kid.send("/help")
    await kid.expect("What I can do")


async def test_curators_chat_binding_and_new_curator(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    outsider = await client.person("Посторонний")
    group = await client.post("/control/groups", title="Кураторы школы", members=[curator.id, outsider.id])
    await outsider.send("/bind", chat_id=group["id"])
    await outsider.expect("только куратор", chat_id=group["id"])
    await curator.send("/bind", chat_id=group["id"])
    await curator.expect("чат кураторов программы «Наставничество 2026/27»", chat_id=group["id"])
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def bound() -> bool:
        async with db.sessions() as s:
            return bool(await s.scalar(select(ProgrammeRow.curator_chat_id)) == group["id"])

    await eventually(bound)

    await curator.send("/add_curator")
    token = flows.LINK.findall((await curator.expect("Ссылка для нового куратора"))["text"])[0]
    colleague = await client.person("Коллега")
    await colleague.start(token)
    await colleague.expect("Вы стали куратором организации «Школа №10»")
    await colleague.send("/programmes")
    await colleague.expect("Наставничество 2026/27", "Этап 1 из 7")
    await colleague.start(token)
    await colleague.expect("Вы уже куратор")


async def test_forget_me_erases_personal_data_and_tells_the_curator(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    kid = await client.person("Кирилл", username="kirill_s")
    await flows.register_mentee(kid, links["mentee"], name="Кирилл Семёнов", minor_age=None)
    await flows.send_summary(kid)
    await curator.expect("Новая заявка")
    await kid.send("/forget_me")
    confirm = await kid.expect("Удалить твои данные")
    await kid.press(confirm, "Нет, оставить")
    await kid.expect("ничего не удаляю")
    await kid.send("/forget_me")
    confirm = await kid.expect("Удалить твои данные")
    await kid.press(confirm, "Да, удалить")
    await kid.expect("твои данные удалены")
    told = await curator.expect("попросил удалить свои данные")  # sent after the commit (outbox)
    assert "Кирилл" not in told["text"]
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:  # the Telegram id is gone; a pseudonym stands in
        assert await s.get(UserRow, kid.id) is None
        part = await s.scalar(select(ParticipantRow))
        assert part is not None and part.status == "left" and "Кирилл" not in part.name
        assert part.user_id != kid.id
        assert await s.get(MenteeProfileRow, part.id) is None
        consent = await s.scalar(select(ConsentRow).where(ConsentRow.user_id == part.user_id))
        assert consent is not None and consent.withdrawn_at is not None
        actions = list(await s.scalars(select(AuditRow.action)))
        assert "participant.forgotten" in actions
    # a later message from the same Telegram account is a new contact: nothing links it
    # to the erased application, whose name does not come back
    await kid.send("/start")
    await kid.expect("ссылку-приглашение")
    async with bot.app.db.sessions() as s:
        assert await s.scalar(select(ParticipantRow).where(ParticipantRow.user_id == kid.id)) is None
        part = await s.scalar(select(ParticipantRow))
        assert part is not None and "Кирилл" not in part.name


async def test_long_participant_lists_are_split_below_4096(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    assert bot.app is not None and bot.app.db is not None
    from datetime import datetime

    from bot.domain.catalog import MeetFormat, Role
    from bot.domain.models import Profile

    profile = Profile(
        Role.MENTEE,
        "pupil",
        grade=7,
        tags=("olympiad",),
        interests=("chess",),
        slots=("mon_am",),
        format=MeetFormat.ANY,
    )
    async with bot.app.db.unit() as uow:
        for i in range(50):
            await uow.people.touch(900000 + i, "x", None, datetime(2026, 9, 1))
            await uow.participants.create(
                1, 900000 + i, "Очень-длинное-имя-" * 5 + str(i), None, profile, datetime(2026, 9, 1)
            )
    await curator.press(card, "Участники")
    first = await curator.expect("Участников найдено: 50")
    second = await curator.reply()
    assert len(first["text"]) <= 4096 and len(second["text"]) <= 4096
    assert "49." in first["text"] + second["text"] and "50." in second["text"]
