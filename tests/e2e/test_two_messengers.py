"""One installation, two messengers: a pair across Telegram and MAX from the invite to the
curators' digest in a MAX group, a person moving between messengers with a one-time link,
and an installation with MAX alone."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.domain.identity import from_max
from bot.jobs import digest_tick
from bot.settings import Settings
from sandbox.client import SandboxClient
from storage.tables import ParticipantRow, UserRow
from tests.conftest import MakeCurator, Running, bot_id, eventually
from tests.e2e import flows
from tests.e2e.test_digest import MONDAY_9_MSK
from tests.e2e.test_meetings import active_pair


async def test_a_pair_across_messengers_from_invite_to_digest(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator(messenger="max")  # the school moved to MAX; a teacher stayed in Telegram
    card = await flows.create_programme(curator, forms=("Педагог — учащийся",))
    await curator.press(card, "Приглашения")
    invites = (await curator.expect("Наставникам:", "Наставляемым:"))["text"]
    assert invites.count("https://t.me/") == 2 and invites.count("https://max.ru/") == 2
    tokens = flows.LINK.findall(invites)

    teacher = await client.person("Анна", messenger="telegram", username="anna_teacher")
    await flows.register_mentor(teacher, tokens[0])
    await flows.send_summary(teacher)
    pupil = await client.person("Алиса", messenger="max")
    max_link = next(line for line in invites.splitlines() if "max.ru" in line and tokens[1] in line)
    await flows.register_mentee(pupil, max_link.split(": ", 1)[1], minor_age=14)  # the whole MAX link
    await flows.send_summary(pupil)

    note = await curator.expect("Новая заявка: Анна Соколова")
    await curator.expect("Новая заявка: Алиса Смирнова")
    await curator.press(note, "Открыть заявки")
    await curator.expect("Заявки в «Наставничество 2026/27» (всего 2)")
    mentor_card = await curator.expect("Анна Соколова")
    mentee_card = await curator.expect("Алиса Смирнова")
    await curator.press(mentor_card, "обучение пройдено")
    await curator.press(mentee_card, "Одобрить")
    await curator.press(mentee_card, "Согласие родителя получено")
    await teacher.expect("одобрена 🎉")
    await pupil.expect("одобрена 🎉")

    await curator.press(card, "Пары")
    menu = await curator.expect("Пары «Наставничество 2026/27»")
    await curator.press(menu, "Подобрать пары")
    draft = await curator.expect("Черновик пар", "Алиса Смирнова ↔ Анна Соколова")
    await curator.press(draft, "Опубликовать")
    await curator.expect("Опубликовано предложений: 1")
    offer = await pupil.expect("Мы нашли", "Анна Соколова")
    await pupil.press(offer, "Принять")
    ask = await teacher.expect("Мы нашли", "Алиса Смирнова")
    await teacher.press(ask, "Принять")
    # each side's contact: a Telegram @handle would not open in MAX, so it says where the other is
    to_pupil = await pupil.expect("Наставническая пара сложилась")
    assert "@anna_teacher в Telegram — это другой мессенджер" in to_pupil["text"]
    to_teacher = await teacher.expect("Наставническая пара сложилась")
    assert "в MAX — это другой мессенджер" in to_teacher["text"] and "tg://" not in to_teacher["text"]
    await curator.expect("Пара начала работу")

    # the curators' group is a MAX group chat: bound, then Monday's digest arrives there
    colleague = await client.person("Олег", messenger="max")
    group = await client.post("/control/groups", title="Кураторы", members=[curator.id, colleague.id])
    gid = int(group["id"])
    await curator.send("/bind", chat_id=gid)
    await curator.expect("чат кураторов программы", chat_id=gid)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    clock.current = MONDAY_9_MSK
    assert await digest_tick(bot.app.db, bot.app.i18n, clock) == 1
    digest = await curator.expect("Сводка: Наставничество 2026/27", chat_id=gid)
    assert "Алиса" not in digest["text"] and "Анна" not in digest["text"]  # a group names no one
    await curator.expect("Цифры недели", "Работающих пар: 1", chat_id=gid)
    # (the chart, sent once there are meetings, goes to MAX in test_digest's MAX run)
    stats = await client.get("/control/stats")
    assert stats["max_sent"] > 0 and stats["sent"] > 0 and stats["max_http_400"] == 0


async def test_moving_to_max_keeps_the_profile_and_the_pair(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    await flows.create_programme(await make_curator())
    mentor, mentee = await active_pair(bot, client)  # both in Telegram
    await mentee.send("/move")
    told = await mentee.expect("Ссылка для перехода в MAX", "одноразовая")
    link = next(w for w in told["text"].split() if w.startswith("https://max.ru/"))
    token = link.split("start=", 1)[1]

    in_max = await client.person("Алиса", messenger="max")
    await in_max.start(token)
    await in_max.expect("Готово: профиль теперь здесь, в MAX")
    await mentee.expect("Профиль перешёл в MAX")
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def moved() -> bool:
        async with db.sessions() as s:
            owner = await s.scalar(select(ParticipantRow.user_id).where(ParticipantRow.name == "Алиса Тест"))
            old = await s.get(UserRow, mentee.id)
            return owner == from_max(in_max.id) and old is None

    await eventually(moved)
    await in_max.send("/meetings")  # the pair came along: the meetings screen names the mentor
    await in_max.expect("Анна Тест")
    # a used link does nothing more; a link opened in the same messenger is refused
    other = await client.person("Кто-то", messenger="max")
    await other.start(token)
    await other.expect("ссылка для перехода не действует")
    await mentor.send("/move")
    second = await mentor.expect("Ссылка для перехода в MAX")
    same = next(w for w in second["text"].split() if "start=" in w).split("start=", 1)[1]
    await mentor.start(same)
    await mentor.expect("нужно открыть в другом мессенджере — в MAX")


async def test_an_installation_with_max_alone(
    settings: Settings, clock: FakeClock, client: SandboxClient
) -> None:
    only_max = settings.model_copy(update={"bot_token": None})
    assert only_max.messengers == ("max",)
    app = App(only_max, clock)
    await app.start()
    serving = asyncio.create_task(app.serve(handle_signals=False))
    try:
        assert app.links is not None and app.links.telegram is None and app.links.max
        assert app.owner_link is not None and app.owner_link.startswith("https://max.ru/")
        pupil = await client.person("Маша", messenger="max")
        await pupil.send("/start")
        await pupil.expect("Я бот «Наставник»")
        await pupil.send("/move")
        await pupil.expect("работает только в MAX")
        assert bot_id(pupil) == from_max(pupil.id)
    finally:
        await app.stop()
        with suppress(asyncio.CancelledError):
            await asyncio.wait_for(serving, 10)
        await app.close()


async def test_a_max_file_is_streamed_without_the_bots_token() -> None:
    from aiohttp import web

    from bot.messengers.max_api import MaxApi
    from bot.messengers.max_session import MaxSession
    from storage.message_refs import MessageRefs
    from tests.conftest import serve_app

    seen: list[str | None] = []

    async def file(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(body=b"x" * 100_000)

    app = web.Application()
    app.router.add_get("/f", file)
    runner, port = await serve_app(app)
    session = MaxSession(
        MaxApi("secret-token", "http://127.0.0.1:1"), MessageRefs(None), lambda: MONDAY_9_MSK
    )  # type: ignore[arg-type]
    try:
        data = b"".join(
            [c async for c in session.stream_content(f"http://127.0.0.1:{port}/f", chunk_size=4096)]
        )
    finally:
        await session.close()
        await runner.cleanup()
    assert data == b"x" * 100_000 and seen == [None]
