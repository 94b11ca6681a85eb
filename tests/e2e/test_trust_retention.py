"""Retention: an outbox row keeps its body only until delivered, delivered rows and update
marks are pruned, and an archived programme's personal data goes after the retention period
while its figures stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.clock import FakeClock
from bot.domain.pairs import PairStatus
from bot.jobs import housekeeping_tick
from sandbox.client import SandboxClient
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e.test_trust_erasure import dump, kid_and_mentor, leaks


async def scalar(bot: Running, sql: str) -> int:
    assert bot.app is not None and bot.app.db is not None
    async with bot.app.db.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar() or 0)


async def test_delivered_messages_keep_no_body_and_old_rows_are_pruned(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await kid_and_mentor(bot, client, curator, PairStatus.ACTIVE)  # the curator was told her name

    async def delivered() -> bool:
        return await scalar(bot, "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0

    await eventually(delivered)
    assert await scalar(bot, "SELECT count(*) FROM outbox WHERE status = 'sent'") >= 1
    kept = (  # a JSON column holds None as 'null'
        "SELECT count(*) FROM outbox WHERE text != '' OR coalesce(CAST(markup AS TEXT), 'null') != 'null' "
        "OR photo IS NOT NULL"
    )
    assert await scalar(bot, kept) == 0, "a delivered message keeps no text, buttons or picture"
    assert await scalar(bot, "SELECT count(*) FROM seen_updates") > 0
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    clock.current += timedelta(days=31)
    await housekeeping_tick(bot.app.db, bot.app.i18n, clock)
    assert await scalar(bot, "SELECT count(*) FROM outbox") == 0
    assert await scalar(bot, "SELECT count(*) FROM seen_updates") == 0


async def test_an_archived_programme_is_anonymised_after_the_retention_period(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    kid, mentor, _ = await kid_and_mentor(bot, client, curator, PairStatus.ACTIVE)
    await kid.send("/meetings")
    await kid.press(await kid.expect("Встречи · Анна Тест"), "План пары")
    await kid.press(await kid.expect("План пары"), "Цель")
    await kid.expect("цель пары")
    await kid.send("Цель ледяная: олимпиада")
    await kid.expect("Цель:")
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n
    async with db.unit() as uow:
        await uow.programmes.update(1, archived=True, archived_at=clock.now())
        before = await uow.participants.counts(1)
        await uow.session.execute(text("UPDATE mentor_profiles SET profession = 'Ледоруб'"))
        await uow.session.execute(text("UPDATE participants SET needs_support = TRUE WHERE role = 'mentee'"))
    pairs = await scalar(bot, "SELECT count(*) FROM pairs")
    start = clock.current
    clock.current = start + timedelta(days=330)  # 11 months: still kept
    await housekeeping_tick(db, i18n, clock, retention_months=12)
    assert leaks(await dump(db), kid.id), "inside the retention period nothing is anonymised"
    clock.current = start + timedelta(days=366)
    await housekeeping_tick(db, i18n, clock, retention_months=12)
    values = await dump(db)
    assert not leaks(values, kid.id), leaks(values, kid.id)
    assert not any(v == mentor.id or v == "Анна Тест" for _, _, v in values), "the mentor's too"
    async with db.unit() as uow:
        assert await uow.participants.counts(1) == before, "the figures for reports stay"
        assert await uow.organisations.is_curator(curator.id), (
            "the school's curators are not a programme's data"
        )
    assert await scalar(bot, "SELECT count(*) FROM pairs") == pairs
    assert await scalar(bot, "SELECT count(*) FROM mentor_profiles WHERE profession IS NOT NULL") == 0
    assert await scalar(bot, "SELECT count(*) FROM participants WHERE needs_support") == 0
