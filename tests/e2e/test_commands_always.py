"""/start, /help and /cancel work in every step, buttons-only steps included: /cancel leaves
the dialogue and says so, /help helps and shows how to go on, /start starts over."""

from __future__ import annotations

from aiogram.fsm.state import StatesGroup

from bot.i18n import Translator
from handlers import states
from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows


async def _links(make_curator: MakeCurator) -> dict[str, str]:
    curator = await make_curator()
    return await flows.invite_links(curator, await flows.create_programme(curator))


async def test_commands_in_the_language_choice(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    links = await _links(make_curator)
    kid = await client.person("Ева")
    await kid.start(links["mentee"])
    await kid.expect("Выбери язык")
    await kid.send("/help")
    await kid.expect("Что я умею")
    await kid.expect("Сейчас открыт диалог: регистрация в программе", "/cancel")
    lang = await kid.expect("Выбери язык")  # the step again, to go on
    await kid.send("/cancel")
    await kid.expect("Хорошо, отменил")
    await kid.send("/cancel")  # nothing is open any more
    await kid.expect("Сейчас нечего отменять")
    # the link works again after /cancel, and the flow goes on as usual
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.send("/start")
    await kid.expect("Чтобы присоединиться, открой ссылку-приглашение")
    await kid.send("привет")  # no dialogue any more: the general hint, not the language prompt
    await kid.expect("Я понимаю команды и кнопки")
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    await kid.expect("Согласие")


async def test_commands_in_the_consent_and_age_steps(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    links = await _links(make_curator)
    kid = await client.person("Максим")
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.send("/help")
    await kid.expect("Что я умею")
    await kid.expect("Сейчас открыт диалог")
    await kid.expect("кнопкой под сообщением")
    await kid.send("/start")
    await kid.expect("Чтобы присоединиться")
    answer = await kid.press(consent, "Мне меньше 18")  # the old step's button after /start
    assert answer is not None and "устарел" in answer["text"]
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне меньше 18")
    await kid.expect("Сколько тебе лет")
    await kid.send("/cancel")
    await kid.expect("Хорошо, отменил")


async def test_commands_in_the_questionnaire_show_the_question_again(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    links = await _links(make_curator)
    kid = await client.person("Лиза")
    await kid.start(links["mentee"])
    lang = await kid.expect("Выбери язык")
    await kid.press(lang, "Русский")
    consent = await kid.expect("Согласие")
    await kid.press(consent, "Мне есть 18")
    await kid.expect("Как тебя зовут")
    await kid.send("/help")
    await kid.expect("Что я умею")
    await kid.expect("Сейчас открыт диалог: заполнение профиля")
    await kid.expect("Как тебя зовут")
    await kid.send("Лиза Петрова")
    await kid.expect("Кто ты?")


async def test_commands_always_work_in_english(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    links = await _links(make_curator)
    kid = await client.person("Tom", "en")
    await kid.start(links["mentee"])
    lang = await kid.expect("Choose your language")
    await kid.press(lang, "English")
    await kid.expect("Consent to the processing")
    await kid.send("/help")
    await kid.expect("What I can do")
    await kid.expect("A dialogue is open: joining a programme", "/cancel")
    await kid.expect("choose an option with the buttons")
    await kid.send("/cancel")
    await kid.expect("All right, cancelled")
    await kid.start(links["mentee"])
    await kid.expect("Choose your language")
    await kid.send("/start")
    await kid.expect("invite link")


def test_every_dialogue_has_a_name_in_every_language() -> None:
    i18n = Translator("ru")
    groups = [g for g in vars(states).values() if isinstance(g, type) and issubclass(g, StatesGroup)]
    assert len(groups) > 5
    for lang in i18n.languages:
        t = i18n.get(lang)
        missing = [g.__name__ for g in groups if g is not StatesGroup and not t.has(f"dialogue.{g.__name__}")]
        assert missing == [], (lang, missing)
