"""The bot under Telegram's hiccups: 429 waited out, 5xx retried, a blocked curator skipped."""

from __future__ import annotations

from sandbox.client import SandboxClient
from storage.tables import UserRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


async def test_replies_arrive_despite_flood_limits_and_server_errors(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    await client.post("/control/limits", enabled=True, chat_burst=2, chat_rate=2)
    await client.post("/control/faults", error_rate=0.2)
    kid = await client.person("Лев")
    await flows.register_mentee(kid, links["mentee"], name="Лев Степанов", minor_age=None)
    await client.post("/control/faults", error_rate=0)
    await flows.send_summary(kid)
    stats = await client.get("/control/stats")
    assert stats["http_429"] > 0 and stats["http_5xx"] > 0  # they happened, and nothing was lost


async def test_a_curator_who_blocked_the_bot_does_not_break_registration(
    bot: Running, client: SandboxClient, make_curator: MakeCurator
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    await client.post("/control/block", user_id=curator.id)
    kid = await client.person("Ника")
    await flows.register_mentee(kid, links["mentee"], name="Ника Орлова", minor_age=None)
    await flows.send_summary(kid)

    async def refused() -> bool:
        return bool((await client.get("/control/stats"))["http_403"] >= 1)

    await client.wait_for(refused)  # the curator's notice went through the outbox and hit the block
    assert bot.app is not None and bot.app.db is not None
    db = bot.app.db

    async def marked() -> bool:
        async with db.sessions() as s:
            user = await s.get(UserRow, curator.id)
            return user is not None and user.unreachable

    await eventually(marked)
