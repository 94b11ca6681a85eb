"""The school's mentor base outlives a programme: a mentor trained in the first programme is
invited to the second with one tap and keeps the mark; registering again is pre-filled; a
programme is copied with its settings and its cohort asked to confirm; a mentee who plans
to mentor becomes a candidate; a curator of another school never sees this base."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain.catalog import Role
from bot.domain.models import Profile
from bot.services import surveys as survey_service
from handlers.callbacks import BaseAnswerCb, BaseCb
from handlers.surveys import bank_texts, launch_and_invite
from sandbox.client import Person, SandboxClient
from storage.tables import BaseHistoryRow, BaseInviteRow, BaseMentorRow, ParticipantRow, ProgrammeRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, bot_id, eventually
from tests.e2e import flows

pytestmark = BOTH_MESSENGERS
FIRST, SECOND = "Наставничество 2026/27", "Наставничество 2027/28"


async def trained_mentor(curator: Person, client: SandboxClient) -> tuple[Person, dict[str, Any]]:
    """A mentor registers in the first programme; the curator approves her as trained."""
    card = await flows.create_programme(curator, FIRST)
    links = await flows.invite_links(curator, card)
    mentor = await client.person("Анна")
    await flows.register_mentor(mentor, links["mentor"])
    await flows.send_summary(mentor)
    note = await curator.expect("Новая заявка: Анна Соколова")
    await curator.press(note, "Открыть заявки")
    application = await curator.expect("Анна Соколова", "ждёт решения")
    await curator.press(application, "обучение пройдено")
    await mentor.expect("одобрена 🎉")
    return mentor, card


async def rows(bot: Running, table: Any) -> list[Any]:
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.sessions() as s:
        return list(await s.scalars(select(table).order_by(table.id)))


async def test_a_trained_mentor_is_invited_to_the_next_programme_with_one_tap(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    mentor, _ = await trained_mentor(curator, client)
    second = await flows.create_programme(curator, SECOND)
    await curator.press(second, "База наставников")
    listing = await curator.expect("База наставников", "Школа №10", "Приглашение в «Наставничество 2027/28»")
    assert "1. Анна Соколова" in listing["text"] and "обучение пройдено" in listing["text"]
    assert "Олимпиады, Математика" in listing["text"] and "сейчас в программе" in listing["text"]
    answer = await curator.press(listing, "➕ 1")
    assert answer is not None and "Приглашение отправлено: Анна Соколова" in answer["text"]
    invitation = await mentor.expect("Вы в базе наставников школы", SECOND)
    stranger = await client.person("Пётр")  # someone else's invitation, forged: nothing happens
    await stranger.send("/start")
    forged = await stranger.press_data(await stranger.expect("/help"), BaseAnswerCb(a="y", i=1).pack())
    assert forged is not None and "устарела" in forged["text"]

    async def asked_once() -> bool:  # the list is edited after the answer to the press
        again = await client.message(listing["chat_id"], listing["message_id"])
        labels = [b["text"] for row in again["reply_markup"]["inline_keyboard"] for b in row]
        return "➕ 1" not in labels  # asked once

    await client.wait_for(asked_once)
    await mentor.press(invitation, "Участвовать")
    await mentor.expect("Вы в программе «Наставничество 2027/28»")
    await curator.expect("Из базы: Анна Соколова участвует в «Наставничество 2027/28»", "обучении сохранена")

    async def enrolled() -> bool:
        return len(await rows(bot, ParticipantRow)) == 2

    await eventually(enrolled)
    first, second_part = await rows(bot, ParticipantRow)
    assert (second_part.programme_id, second_part.status, second_part.trained) == (2, "approved", True)
    assert second_part.name == first.name == "Анна Соколова"
    # the old button, pressed again: already answered, nothing doubles
    repeat = await mentor.press_data(
        invitation, invitation["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    assert repeat is not None and "уже решено" in repeat["text"]
    assert len(await rows(bot, ParticipantRow)) == 2
    # the curator's list for this programme no longer shows her
    await curator.press(second, "База наставников")
    await curator.expect("Найдено: 0", "По этому фильтру никого нет")


async def test_registering_again_is_prefilled_and_the_trained_mark_carries_over(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    mentor, _ = await trained_mentor(curator, client)
    second = await flows.create_programme(curator, SECOND)
    links = await flows.invite_links(curator, second)
    await mentor.start(links["mentor"])
    await mentor.expect("Вы уже в базе наставников школы")
    await mentor.press(await mentor.expect("Выберите язык"), "Русский")
    await mentor.press(await mentor.expect("Согласие на обработку"), "Мне есть 18")
    summary = await mentor.expect("Проверьте профиль", "Анна Соколова", "Олимпиады, Математика")
    await mentor.press(summary, "Отправить")  # confirmed, not retyped
    await mentor.expect("Профиль отправлен куратору")
    note = await curator.expect("Новая заявка: Анна Соколова", SECOND)
    await curator.press(note, "Открыть заявки")
    card = await curator.expect("Анна Соколова", "Обучение наставников пройдено")
    await curator.press(card, "✅ Одобрить")
    await mentor.expect("одобрена 🎉")
    parts = await rows(bot, ParticipantRow)
    assert [(p.programme_id, p.status, p.trained) for p in parts] == [
        (1, "approved", True),
        (2, "approved", True),
    ]


async def test_a_programme_is_copied_and_its_cohort_asked_to_confirm(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    mentor, card = await trained_mentor(curator, client)
    links = await flows.invite_links(curator, card)
    pupil = await client.person("Алиса")
    await flows.register_mentee(pupil, links["mentee"], minor_age=14)
    await flows.send_summary(pupil)
    await curator.press(await curator.expect("Новая заявка: Алиса Смирнова"), "Открыть заявки")
    await curator.press(await curator.expect("Алиса Смирнова"), "Одобрить")
    await pupil.expect("одобрена 🎉")

    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    async with bot.app.db.unit() as uow:  # the curator switched a question off: the copy keeps it so
        await survey_service.ensure_items(uow, 1, bank_texts(bot.app.i18n))
        first_item = (await uow.surveys.items(1))[0]
        await uow.surveys.set_item_active(first_item.id, False)
    await curator.press(card, "Копировать программу")
    await curator.expect("Копируем «Наставничество 2026/27»", "Как назовём")
    await curator.send("12")  # not a title: asked again
    await curator.expect("Название — текст")
    await curator.send("Я" * 5000)
    await curator.expect("Название — текст")
    await curator.send(SECOND)
    await curator.expect("Даты новой программы")
    await curator.send("31.05.2028 - 01.09.2027")
    await curator.expect("Не понял даты")
    await curator.send("01.09.2027 - 31.05.2028")
    choice = await curator.expect("Пригласить участников прошлой программы")
    await curator.press(choice, "Скопировать и пригласить")
    await curator.expect("создана по образцу", "Приглашений отправлено: 2")
    await curator.expect(SECOND, "Этап 1 из 7")
    programmes = await rows(bot, ProgrammeRow)
    old, new = programmes
    assert (new.forms, new.group_format, new.cadence, new.min_meetings, new.timezone) == (
        old.forms,
        old.group_format,
        old.cadence,
        old.min_meetings,
        old.timezone,
    )
    assert (new.start_date.isoformat(), new.end_date.isoformat(), new.stage) == (
        "2027-09-01",
        "2028-05-31",
        1,
    )
    assert len(await rows(bot, ParticipantRow)) == 2  # nobody enrolled without saying yes
    async with bot.app.db.unit() as uow:
        copied = [(i.role, i.code, i.text, i.active) for i in await uow.surveys.items(new.id)]
        assert copied == [(i.role, i.code, i.text, i.active) for i in await uow.surveys.items(old.id)]
        assert copied[0][3] is False and len(copied) > 10

    kid_invite = await pupil.expect("продолжается наставничество", SECOND, "согласие родителя")
    mentor_invite = await mentor.expect("Вы в базе наставников школы", SECOND)
    await pupil.press(kid_invite, "Участвовать")
    await pupil.expect("Пару подберут, когда куратор получит согласие родителя")
    await mentor.press(mentor_invite, "Не сейчас")
    await mentor.expect("в этот раз без вас")
    await curator.expect("Анна Соколова: «Не сейчас»")
    parts = await rows(bot, ParticipantRow)
    kid = [p for p in parts if p.programme_id == new.id]
    assert [(p.name, p.role, p.status, p.age, p.parental_consent) for p in kid] == [
        ("Алиса Смирнова", "mentee", "approved", 14, False)  # a minor: the parent's consent again
    ]
    answers = {(i.role, i.status) for i in await rows(bot, BaseInviteRow)}
    assert answers == {("mentor", "declined"), ("mentee", "accepted")}


async def test_an_alumnus_who_plans_to_mentor_is_a_candidate_invited_with_one_tap(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    curator = await make_curator()
    card = await flows.create_programme(curator, FIRST)
    links = await flows.invite_links(curator, card)
    pupil = await client.person("Алиса")
    await flows.register_mentee(pupil, links["mentee"], minor_age=None)
    await flows.send_summary(pupil)
    await curator.press(await curator.expect("Новая заявка: Алиса Смирнова"), "Открыть заявки")
    await curator.press(await curator.expect("Алиса Смирнова"), "Одобрить")
    await pupil.expect("одобрена 🎉")
    i18n = bot.app.i18n
    async with bot.app.db.unit() as uow:  # the final questionnaire, cut to the one question
        await survey_service.ensure_items(uow, 1, bank_texts(i18n))
        for item in await uow.surveys.items(1):
            await uow.surveys.set_item_active(item.id, item.code == "become_mentor")
        await launch_and_invite(uow, bot.clock.now(), i18n, bot_id(curator), 1, "final")
    await pupil.press(await pupil.expect("заполнить анкету «Итоговая»"), "Начать анкету")
    question = await pupil.expect("Планируешь ли ты стать наставником")
    await pupil.press(question, "Да")
    await pupil.expect("Анкета заполнена")

    async def candidate() -> bool:
        return [(m.name, m.candidate, m.kind) for m in await rows(bot, BaseMentorRow)] == [
            ("Алиса Смирнова", True, None)
        ]

    await eventually(candidate)
    second = await flows.create_programme(curator, SECOND)
    await curator.press(second, "База наставников")
    listing = await curator.expect("Найдено: 0")  # a candidate is no mentor: under her own filter
    await curator.press(listing, "Кандидаты")
    candidates = await curator.expect("Найдено: 1", "Алиса Смирнова", "выпускник, хочет стать наставником")
    await curator.press(candidates, "➕ 1")
    invitation = await pupil.expect("хотите стать наставником", SECOND)  # an alumna: «вы»
    await pupil.press(invitation, "Участвовать")
    await pupil.expect("профиля наставника")
    await pupil.press(await pupil.expect("Выберите язык"), "Русский")
    await pupil.press(await pupil.expect("Согласие на обработку"), "Мне есть 18")
    await pupil.expect("Как вас зовут")
    await pupil.send("Алиса Смирнова")
    await pupil.expect("Кто вы как наставник")  # the mentor's questionnaire, for the curator to review


async def test_the_base_is_the_schools_own_and_exports(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    await trained_mentor(curator, client)
    other = await make_curator("Олег", org="Гимназия №2")
    await other.send("/base")
    theirs = await other.expect("База наставников", "Гимназия №2")
    assert "Найдено: 0" in theirs["text"] and "Анна" not in theirs["text"]
    # a forged invitation of this school's mentor into the other school's programme
    their_card = await flows.create_programme(other, "Чужая программа")
    assert bot.app is not None and bot.app.db is not None
    mentor_id = (await rows(bot, BaseMentorRow))[0].id
    forged = await other.press_data(their_card, BaseCb(a="inv", p=2, m=mentor_id).pack())
    assert forged is not None and "устарела" in forged["text"]
    assert await rows(bot, BaseInviteRow) == []
    # a stranger pressing a curator's base button
    stranger = await client.person("Пётр")
    await stranger.send("/start")
    hello = await stranger.expect("/help")
    refused = await stranger.press_data(hello, BaseCb(a="ls").pack())
    assert refused is not None and "только для кураторов" in refused["text"]
    await stranger.send("/base")
    await stranger.expect("только для кураторов")

    await curator.send("/base")
    mine = await curator.expect("База наставников", "Школа №10", "Найдено: 1", "Анна Соколова")
    await curator.press(mine, "Не обучены")
    await curator.expect("Найдено: 0")
    await curator.send("/base export")
    document = await curator.expect("База наставников: 1")
    data = await client.file(document["document"]["file_id"])
    sheet = load_workbook(io.BytesIO(data), read_only=True)["База наставников"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][:4] == ["ФИО", "Кто", "Кандидат из выпускников", "Обучение пройдено"]
    assert table[1][0] == "Анна Соколова" and table[1][3] == "да"


async def test_an_archived_programme_joins_the_mentors_history_and_the_copy_starts_from_it(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    mentor, card = await trained_mentor(curator, client)
    await curator.press(card, "Завершить программу")
    await curator.press(
        await curator.expect("Завершить программу «Наставничество 2026/27»?"), "Начать завершение"
    )
    await curator.press(await curator.expect("отправьте программу в архив"), "В архив")
    await curator.expect("в архиве", "Благодарности отправлены: 1 наставник")
    await mentor.expect("Спасибо за наставничество", "остаётесь в базе")
    history = await rows(bot, BaseHistoryRow)
    assert [(h.programme_id, h.title, h.mentees, h.meetings) for h in history] == [(1, FIRST, 0, 0)]
    await curator.send("/base")
    listing = await curator.expect("Найдено: 1", "Анна Соколова", "программ: 1")
    assert "сейчас без программы" in listing["text"]  # no running programme now
    await curator.press(listing, "В программе")
    await curator.expect("Найдено: 0")
    # the archived card offers a copy
    await curator.send("/programmes")
    archived = await curator.expect(FIRST)
    labels = [b["text"] for row in archived["reply_markup"]["inline_keyboard"] for b in row]
    assert any("Копировать" in label for label in labels)
    assert not any("База наставников" in label for label in labels)  # read-only: nobody to invite to


async def test_a_long_base_is_paged_and_split_within_message_limits(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None
    curator = await make_curator()
    profile = Profile(Role.MENTOR, "teacher", tags=("math", "physics", "olympiad", "career", "talents"))
    async with bot.app.db.unit() as uow:
        for i in range(45):
            await uow.people.touch(9_000 + i, f"P{i}", None, bot.clock.now())
            name = f"Наставник {i:02} " + "Очень-Длинная-Фамилия-<b>&" * 2
            await uow.base.remember(1, 9_000 + i, name[:64], None, profile, i % 2 == 0, bot.clock.now())
    await curator.send("/base")
    head = await curator.expect("Найдено: 45", "страница 1 из 2")
    assert "-&lt;b&gt;&amp;" in head["html"] and "-<b>&" in head["text"]  # shown as typed, escaped
    rest = await curator.expect("30. Наставник 29")  # the page went in more than one message
    assert all(len(m) <= 4096 for m in (head["text"], rest["text"]))
    assert head["message_id"] != rest["message_id"] and "reply_markup" in rest
    await curator.press(rest, "▶️")
    second = await curator.expect("страница 2 из 2", "31. Наставник 30")
    second_rest = second if "45. Наставник 44" in second["text"] else await curator.expect("45. Наставник 44")
    await curator.press(second_rest, "Не обучены")
    await curator.expect("Найдено: 22", "страница 1 из 1")


async def test_invite_everyone_in_the_filter_with_one_tap(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None
    curator = await make_curator()
    anna, _ = await trained_mentor(curator, client)
    boris = await client.person("Борис")
    await boris.send("/start")
    await boris.expect("/help")
    async with bot.app.db.unit() as uow:  # a mentor of an earlier year, in the base only
        profile = Profile(Role.MENTOR, "parent", tags=("career",), capacity=1)
        await uow.base.remember(1, bot_id(boris), "Борис Ким", None, profile, False, bot.clock.now())
    second = await flows.create_programme(curator, SECOND)
    await curator.press(second, "База наставников")
    listing = await curator.expect("Найдено: 2", "1. Анна Соколова", "2. Борис Ким")
    await curator.press(listing, "Родитель")
    only_parents = await curator.expect("Найдено: 1", "Борис Ким")
    await curator.press(only_parents, "Все")  # the kind filter off again
    listing = await curator.expect("Найдено: 2")
    answer = await curator.press(listing, "Пригласить всех по фильтру (2)")
    assert answer is not None and "Приглашений отправлено: 2" in answer["text"]
    await anna.expect("Вы в базе наставников школы", SECOND)
    await boris.expect("Вы в базе наставников школы", SECOND)

    async def all_asked() -> bool:  # the list is edited after the answer (and the invitations)
        after = await client.message(listing["chat_id"], listing["message_id"])
        return "reply_markup" in after and "Пригласить всех" not in str(after["reply_markup"])

    await client.wait_for(all_asked)
    await curator.press(second, "База наставников")
    await curator.expect("приглашение отправлено, ждём ответа")
    assert {(i.user_id, i.status) for i in await rows(bot, BaseInviteRow)} == {
        (bot_id(anna), "pending"),
        (bot_id(boris), "pending"),
    }
