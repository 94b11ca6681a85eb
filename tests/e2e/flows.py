"""Steps people take in the bot, shared by the end-to-end tests."""

from __future__ import annotations

import re
from typing import Any

from sandbox.client import Person

LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")  # the same token opens the MAX link too


async def create_programme(
    curator: Person,
    title: str = "Наставничество 2026/27",
    forms: tuple[str, ...] = ("Ученик — ученик", "Учитель — учитель"),
    details: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``details``: sub-models and directions to tick (buttons' texts), none by default."""
    await curator.send("/new_programme")
    await curator.expect("Как называется программа")
    await curator.send(title)
    choice = await curator.expect("Какие формы")
    for form in forms:
        await curator.press(choice, form)
    await curator.press(choice, "Готово")
    refine = await curator.expect("Уточните программу")
    for label in details:
        await curator.press(refine, label)
    await curator.press(refine, "Готово")
    fmt = await curator.expect("Формат работы")
    await curator.press(fmt, "пары 1:1")
    await curator.expect("Дата начала")
    await curator.send("01.09.2026")
    await curator.expect("Дата окончания")
    await curator.send("31.05.2027")
    tz = await curator.expect("Часовой пояс")
    await curator.press(tz, "Москва")
    cadence = await curator.expect("Как часто")
    await curator.press(cadence, "раз в неделю")
    await curator.expect("Программа создана")
    return await curator.expect(title, "Этап 1 из 7")


async def invite_links(curator: Person, card: dict[str, Any]) -> dict[str, str]:
    await curator.press(card, "Приглашения")
    text = (await curator.expect("Наставникам:", "Наставляемым:"))["text"]
    mentor, mentee = LINK.findall(text)
    return {"mentor": mentor, "mentee": mentee}


async def register_mentee(
    person: Person, token: str, name: str = "Алиса Смирнова", minor_age: int | None = 14
) -> None:
    await person.start(token)
    await person.expect("Тебя пригласили как: наставляемый")
    lang = await person.expect("Выбери язык")
    await person.press(lang, "Русский")
    consent = await person.expect("Согласие на обработку")
    if minor_age is None:
        await person.press(consent, "Мне есть 18")
    else:
        await person.press(consent, "Мне меньше 18")
        ages = await person.expect("Сколько тебе лет")
        await person.press(ages, str(minor_age))
        await person.expect("согласие и передать его куратору")
    await person.expect("Как тебя зовут")
    await person.send(name)
    kind = await person.expect("Кто ты?")
    await person.press(kind, "Ученик")
    grade = await person.expect("В каком ты классе")
    await person.press(grade, "7")
    await _multi(person, "С чем тебе нужна помощь", ["Подготовка к олимпиадам", "Общение"])
    await _multi(person, "Что тебе интересно", ["Шахматы", "Робототехника"])
    await _multi(person, "Когда тебе удобно", ["Вт день", "Чт день"])
    fmt = await person.expect("Как удобнее встречаться")
    await person.press(fmt, "Онлайн")


async def register_mentor(person: Person, token: str, name: str = "Анна Соколова") -> None:
    await person.start(token)
    await person.expect("Вас пригласили как: наставник")
    lang = await person.expect("Выберите язык")
    await person.press(lang, "Русский")
    consent = await person.expect("Согласие на обработку")
    await person.press(consent, "Мне есть 18")
    await person.expect("Как вас зовут")
    await person.send(name)
    kind = await person.expect("Кто вы как наставник")
    await person.press(kind, "Учитель")
    exp = await person.expect("Сколько лет опыта")
    await person.press(exp, "10 лет")
    await _multi(person, "В чём вы можете помочь", ["Олимпиады", "Математика"])
    await _multi(person, "Что вам интересно", ["Шахматы"])
    cap = await person.expect("Скольким наставляемым")
    await person.press(cap, "2")
    await _multi(person, "Когда вам удобно", ["Вт день"])
    fmt = await person.expect("Как удобнее встречаться")
    await person.press(fmt, "Всё равно")


async def _multi(person: Person, prompt: str, labels: list[str]) -> None:
    message = await person.expect(prompt)
    for label in labels:
        await person.press(message, label)
    await person.press(message, "Готово")


async def send_summary(person: Person) -> None:
    summary = await person.expect("профиль", "Всё верно?")
    await person.press(summary, "Отправить")
    await person.expect("Профиль отправлен куратору")
