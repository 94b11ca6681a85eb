"""What people trying the bot found broken or confusing, each checked through the real bot."""

from __future__ import annotations

from typing import Any

from sandbox.client import Person, SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair


async def test_the_consent_list_speaks_of_the_childs_profile_not_a_questionnaire(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A curator read «нажмите кнопку под анкетой» while the card under it is the child's
    profile (a questionnaire is what the programme asks later): now the button and the
    profile are named."""
    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)
    kid = await client.person("Ева")
    await flows.register_mentee(kid, links["mentee"], "Ева Смирнова", minor_age=13)
    await flows.send_summary(kid)
    await curator.expect("Новая заявка: Ева Смирнова")
    await curator.press(card, "Согласия родителей")
    head = await curator.expect("Ждут согласия родителей")
    assert "анкет" not in head["text"], head["text"]
    assert "«Согласие родителя получено» под профилем ребёнка" in head["text"]
    child = await curator.expect("Ева Смирнова", "Ждём согласие родителя")
    await curator.press(child, "Согласие родителя получено")  # the button the head names is there


async def test_a_mentors_menu_does_not_offer_another_mentor_it_has_no_button_for(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A mentor's /profile said «…попросите другого наставника…» above buttons with no such
    one (only a mentee in a working pair has it): now it names what the buttons do."""
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    await mentor.send("/profile")
    mine = await mentor.expect("Участие в программе")
    labels = [b["text"] for row in mine["reply_markup"]["inline_keyboard"] for b in row]
    assert not any("Другой наставник" in label for label in labels), labels
    assert "другого наставника" not in mine["text"]
    assert "напишите куратору или выйдите из программы" in mine["text"]
    await mentee.send("/profile")
    theirs = await mentee.expect("Участие в программе")  # the mentee has the button and the words
    assert "попроси другого наставника" in theirs["text"]
    await theirs_has(mentee, theirs, "Другой наставник")


async def theirs_has(person: Person, message: dict[str, Any], label: str) -> None:
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert any(label in x for x in labels), labels


async def test_profile_in_the_middle_of_registration_says_it_is_on_its_way(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A pupil halfway through the registration sent /profile and read «У тебя пока нет
    профиля. Открой ссылку-приглашение от куратора» — the link she had just opened. Now she is
    told the profile is being filled in and gets the open question again."""
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    kid = await client.person("Ева")
    await kid.start(links["mentee"])
    await kid.press(await kid.expect("Выбери язык"), "Русский")
    await kid.press(await kid.expect("Согласие на обработку"), "Мне есть 18")
    await kid.expect("Как тебя зовут")
    await kid.send("/profile")
    said = await kid.expect("Профиль ещё заполняется")
    assert "ссылку-приглашение" not in said["text"]
    await kid.expect("Сейчас открыт диалог: заполнение профиля")
    await kid.expect("Как тебя зовут")
    await kid.send("Ева Смирнова")  # and the registration goes on where it was
    await kid.expect("Кто ты?")


async def test_a_command_in_the_middle_of_copying_a_programme_is_that_command_not_its_title(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A curator copying a programme typed /digest while the bot waited for the new title:
    the new programme got the title «/digest», and the next commands (/export, /meetings)
    were read as its dates («Не получилось понять даты»). Now a command does what it says
    and the copy goes on afterwards; the same in /new_programme."""
    curator = await make_curator()
    card = await flows.create_programme(curator)
    await curator.press(card, "Копировать программу")
    await curator.expect("Как назовём новую программу")
    await curator.send("/digest")
    await curator.expect("Сводка")  # the digest, not the next question of the copy
    await curator.send("/alerts")
    await curator.expect("Открытых сообщений от участников нет")
    await curator.send("Наставничество 2027/28")
    await curator.expect("01.09.2027 - 31.05.2028")  # the copy asks for the dates: the title took
    await curator.send("/alerts")
    await curator.expect("Открытых сообщений от участников нет")
    await curator.send("/cancel")
    await curator.expect("Хорошо, отменил")

    await curator.send("/new_programme")
    await curator.expect("Как называется программа")
    await curator.send("/alerts")
    await curator.expect("Открытых сообщений от участников нет")
    await curator.send("Наставничество 2028")
    await curator.expect("Какие формы")


async def test_a_command_while_the_bot_waits_for_a_meeting_place_or_a_break_is_no_answer(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """A mentor asked «Где встречаетесь?» typed /programmes: the proposal went to the mentee
    with the place «/programmes». A curator asked for a break's dates typed /digest and read
    «Не получилось понять период». Now each command does what it says, and the dialogue
    goes on with the next real answer."""
    curator = await make_curator()
    card = await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    await mentor.send("/meetings")
    await mentor.press(await mentor.expect("Встречи · Алиса Тест"), "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send("03.10 16:30")
    await mentor.press(await mentor.expect("Какая это встреча?"), "знакомство")
    await mentor.press(await mentor.expect("Как встречаетесь"), "очно")
    await mentor.expect("Где встречаетесь")
    await mentor.send("/programmes")
    said = await mentor.expect("только для кураторов")
    assert "отправлено" not in said["text"]
    await mentor.send("каб. 21")
    await mentor.expect("Предложение встречи", "отправлено: Алиса Тест")
    offer = await mentee.expect("Анна Тест предлагает встречу")
    assert "каб. 21" in offer["text"] and "/programmes" not in offer["text"]

    await curator.press(card, "Каникулы")
    await curator.expect("Каникулы и экзамены")
    await curator.send("/digest")
    await curator.expect("Сводка")
    await curator.send("28.12.2026 - 10.01.2027")
    await curator.expect("28 декабря")
