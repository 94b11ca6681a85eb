"""The curator's path without dead ends or one-tap surprises: a parent's consent can be
marked after approval, the next stage is explained and asked for, the card says what the
current stage means."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.client import SandboxClient
from storage.tables import ParticipantRow, ProgrammeRow
from tests.conftest import BOTH_MESSENGERS, MakeCurator, Running, eventually
from tests.e2e import flows
from tests.e2e.test_emulator_max import max_call
from tests.e2e.test_pairs import seed

pytestmark = BOTH_MESSENGERS


async def test_an_approved_minor_waiting_for_consent_has_a_button(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None
    curator = await make_curator()
    card = await flows.create_programme(curator)
    links = await flows.invite_links(curator, card)
    pupil = await client.person("Алиса")
    await flows.register_mentee(pupil, links["mentee"], minor_age=13)
    await flows.send_summary(pupil)
    application = await curator.expect("Новая заявка: Алиса Смирнова")
    await curator.send("/programmes")
    card = await curator.expect("Наставничество 2026/27", "ждут согласия родителей: 1")
    await curator.press(card, "Заявки")
    await curator.expect("всего 1")
    queued = await curator.expect("Алиса Смирнова")
    await curator.press(queued, "Одобрить")  # approved first, the consent comes later
    await curator.send("/programmes")
    card = await curator.expect("Наставничество 2026/27", "ждут согласия родителей: 1")
    await curator.press(card, "Согласия родителей")
    await curator.expect("Ждут согласия родителей в «Наставничество 2026/27»: 1")
    waiting = await curator.expect("Алиса Смирнова")
    await curator.press(waiting, "Согласие родителя получено")

    async def consented() -> bool:
        assert bot.app is not None and bot.app.db is not None
        async with bot.app.db.sessions() as s:
            row = (await s.scalars(select(ParticipantRow))).one()
            return (row.status, row.parental_consent) == ("approved", True)

    await eventually(consented)
    await curator.press(card, "Согласия родителей")
    await curator.expect("никто не ждёт согласия родителей")
    assert application  # the notice came; the queue and the consent list are two ways in


async def test_the_next_stage_is_explained_and_asked_for(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    assert bot.app is not None and bot.app.db is not None
    curator = await make_curator()
    card = await flows.create_programme(curator)
    assert "Сейчас: подготовка" in card["text"] and "Дальше: сбор наставляемых" in card["text"]
    await curator.press(card, "Следующий этап")
    ask = await curator.expect("Перейти с этапа 1", "на этап 2 из 7", "Участникам ничего не отправится")

    async def has_stage(n: int) -> bool:
        return await stage() == n

    async def stage() -> int:
        assert bot.app is not None and bot.app.db is not None
        async with bot.app.db.sessions() as s:
            return int((await s.scalars(select(ProgrammeRow.stage))).one())

    assert await stage() == 1  # one tap asked, changed nothing
    await curator.press(ask, "Да, перейти на этап 2")
    now = await curator.expect("Этап 2 из 7", "Сейчас: собираем наставляемых")
    await eventually(lambda: has_stage(2))
    collapsed = await client.edited(ask, "→ Этап изменён", markup=False)
    assert "→ Этап изменён: теперь 2 из 7" in collapsed["text"] and "reply_markup" not in collapsed
    assert "<" not in collapsed["text"]  # as the person sees it
    assert "→ <b>Этап изменён: теперь 2 из 7</b>" in collapsed["html"]
    if curator.messenger == "max":  # MAX gave the pressed message back as text + markup: kept
        assert "<i>Сейчас: собираем наставляемых" in ask["html"]
        assert "<i>Сейчас: собираем наставляемых" in collapsed["html"]
        status, shown = await max_call(client.base_url, "GET", f"/messages/{collapsed['mid']}")
        assert status == 200 and "<" not in shown["body"]["text"]
        kinds = {m["type"] for m in shown["body"]["markup"]}
        assert kinds == {"emphasized", "strong"}, shown["body"]["markup"]
    again = await curator.press_data(ask, ask["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    assert again and "устарела" in again["text"] and "сейчас 2 из 7" in again["text"]
    assert await stage() == 2  # an old confirmation moves nothing
    await curator.press(now, "Следующий этап")
    ask = await curator.expect("на этап 3 из 7")
    await curator.press(ask, "Не сейчас")
    await curator.expect("Этап 2 из 7")
    assert await stage() == 2


async def test_an_old_publish_button_says_it_is_out_of_date(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    card = await flows.create_programme(curator)
    await seed(bot, client, programme_id=1)
    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «Наставничество 2026/27»")
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар")
    await curator.press(draft, "Опубликовать")
    await curator.expect("Опубликовано предложений")
    again = await curator.press(draft, "Опубликовать")
    assert again is not None and "устарела" in again["text"] and "недоступно" not in again["text"]
    assert "Пары в работе" in again["text"]
