"""One digest at a time in the curators' group: a group bound mid-week is told when the
first digest comes and gets none at once; /digest near or after the weekly slot stands
for the scheduled one, so the group never gets the same digest twice seconds apart."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.jobs import digest_tick
from sandbox.client import Person, SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows

MONDAY_9_MSK = datetime(2026, 10, 5, 6, 0)  # the default digest moment, in UTC


async def _bound_group(client: SandboxClient, curator: Person) -> int:
    await flows.create_programme(curator)
    group = await client.post("/control/groups", title="Кураторы", members=[curator.id])
    gid = int(group["id"])
    await curator.send("/bind", chat_id=gid)
    return gid


async def _digests(client: SandboxClient, gid: int) -> int:
    found = await client.get("/control/messages", chat_id=gid, after=0)
    return sum(1 for m in found if "Сводка:" in (m.get("text") or m.get("caption") or ""))


async def test_a_group_bound_on_thursday_gets_its_first_digest_on_monday(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()  # the clock: Thursday 01.10.2026 12:00 in Moscow
    gid = await _bound_group(client, curator)
    await curator.expect(
        "чат кураторов программы", "первая — пн, 5 октября, 09:00 (Москва)", "/digest", chat_id=gid
    )
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    assert await digest_tick(db, i18n, clock) == 0  # not this week's digest at once
    clock.current = MONDAY_9_MSK
    assert await digest_tick(db, i18n, clock) == 1
    await curator.expect("Сводка:", chat_id=gid)


async def test_digest_on_demand_near_the_slot_is_that_weeks_digest(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    gid = await _bound_group(client, curator)
    await curator.expect("чат кураторов программы", chat_id=gid)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    # Monday 10:00 in Moscow, the 09:00 digest not sent yet (the bot was down): /digest is it
    clock.current = MONDAY_9_MSK + timedelta(hours=1)
    await curator.send("/digest", chat_id=gid)
    await curator.expect("Сводка:", chat_id=gid)
    await curator.send("/help", chat_id=gid)  # the curator's updates go one by one: /digest is done
    await curator.expect("Я бот", chat_id=gid)
    assert await digest_tick(db, i18n, clock) == 0
    assert await _digests(client, gid) == 1

    # the next Monday at 08:30 /digest, then the 09:00 slot: one digest, not two half an hour apart
    clock.current = MONDAY_9_MSK + timedelta(weeks=1, minutes=-30)
    await curator.send("/digest", chat_id=gid)
    await curator.expect("Сводка:", chat_id=gid)
    await curator.send("/help", chat_id=gid)
    await curator.expect("Я бот", chat_id=gid)
    clock.current = MONDAY_9_MSK + timedelta(weeks=1)
    assert await digest_tick(db, i18n, clock) == 0
    assert await _digests(client, gid) == 2

    # asked on Wednesday, the next Monday's digest still comes
    clock.current = MONDAY_9_MSK + timedelta(weeks=1, days=2)
    await curator.send("/digest", chat_id=gid)
    await curator.expect("Сводка:", chat_id=gid)
    await curator.send("/help", chat_id=gid)
    await curator.expect("Я бот", chat_id=gid)
    clock.current = MONDAY_9_MSK + timedelta(weeks=2)
    assert await digest_tick(db, i18n, clock) == 1
