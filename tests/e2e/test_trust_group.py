"""The curators' group: /bind and the digest say how many people read it against how many
curators there are; the group digest names no one; a non-curator joining is reported."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.pairs import PairStatus
from bot.jobs import digest_tick
from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_trust_erasure import NAME, kid_and_mentor


async def test_the_group_digest_shows_no_names_and_outsiders_are_reported(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await kid_and_mentor(bot, client, curator, PairStatus.ACTIVE)
    parent = await client.person("Родитель")
    group = await client.post("/control/groups", title="Кураторы", members=[curator.id, parent.id])
    gid = group["id"]
    await curator.send("/bind", chat_id=gid)
    bound = await curator.expect("чат кураторов программы", chat_id=gid)
    assert "В чате 2 чел. (без бота), а кураторов в школе 1" in bound["text"]

    stranger = await client.person("Незнакомец", username="who_knows")
    joined = await client.post("/control/join", chat_id=gid, user_id=stranger.id)
    assert joined["update_id"] is not None, "the bot asked Telegram for chat_member updates"
    assert joined["service_update_id"] is not None
    await curator.expect("новый человек: Незнакомец (@who_knows) — не куратор")

    clock.current += timedelta(days=15)  # the pair has not met: it needs a human
    await curator.send("/digest", chat_id=gid)
    digest = await curator.expect("Сводка", "Требует внимания: 1 пара", chat_id=gid)
    text = digest["text"]
    assert "В чате 3 чел., а кураторов в школе 1" in text
    assert "Пара №1 (А. Т. → С. У.)" in text
    for secret in ("Снежана", "Уникальнова", "Анна Тест", "нет встречи"):
        assert secret not in text, secret
    # the names and the reasons open in the curator's private chat
    await curator.press(digest, "Карточка")
    await curator.expect("Анна Тест", NAME)

    # the weekly digest the scheduler posts: the same header, no names
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    for _ in range(7 * 24):  # up to the programme's digest hour
        if await digest_tick(bot.app.db, bot.app.i18n, clock):
            break
        clock.current += timedelta(hours=1)
    weekly = await curator.expect("Сводка", "В чате 3 чел., а кураторов в школе 1", chat_id=gid)
    assert "Пара №1 (А. Т. → С. У.)" in weekly["text"]
    assert "Снежана" not in weekly["text"] and "Анна Тест" not in weekly["text"]
    # a chat_member update and the service message told of the same join: one report
    mine = await client.get("/control/messages", chat_id=curator.id)
    assert sum("новый человек: Незнакомец" in (m.get("text") or "") for m in mine) == 1


async def test_a_join_is_reported_when_the_bot_is_no_admin(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    """Telegram sends chat_member updates only to an admin bot; the service message of the
    join reaches any bot in the group."""
    curator = await make_curator()
    await flows.create_programme(curator)
    group = await client.post("/control/groups", title="Кураторы", members=[curator.id], bot_admin=False)
    gid = group["id"]
    await curator.send("/bind", chat_id=gid)
    bound = await curator.expect("чат кураторов программы", chat_id=gid)
    assert "В чате 1 чел. (без бота), кураторов в школе: 1" in bound["text"]
    stranger = await client.person("Гость")
    joined = await client.post("/control/join", chat_id=gid, user_id=stranger.id)
    assert joined["update_id"] is None
    await curator.expect("новый человек: Гость — не куратор")
    await curator.send("/digest", chat_id=gid)
    await curator.expect("Сводка", "В чате 2 чел., а кураторов в школе 1", chat_id=gid)
