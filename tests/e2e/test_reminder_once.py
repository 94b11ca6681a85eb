"""A meeting confirmed late gets each reminder at most once, never one whose moment passed
before the confirmation, and the confirmation says when the next reminder comes."""

from __future__ import annotations

from datetime import datetime

from bot.clock import FakeClock
from bot.jobs import meetings_tick
from sandbox.client import Person, SandboxClient
from tests.conftest import MakeCurator, Running
from tests.e2e import flows
from tests.e2e.test_meetings import active_pair, texts_of


async def _agree(mentor: Person, mentee: Person, when: str) -> dict[str, object]:
    """The mentor proposes an online meeting at ``when`` (Moscow time); the mentee confirms."""
    offer = await _propose(mentor, mentee, when)
    await mentee.press(offer, "Подтвердить")
    return await mentee.expect("подтверждена")


async def _propose(mentor: Person, mentee: Person, when: str) -> dict[str, object]:
    await mentor.send("/meetings")
    listing = await mentor.expect("Встречи · Алиса Тест")
    await mentor.press(listing, "Назначить встречу")
    await mentor.expect("день или напиш")
    await mentor.send(when)
    kinds = await mentor.expect("Какая это встреча?")
    await mentor.press(kinds, "⭐")
    fmt = await mentor.expect("Как встречаетесь")
    await mentor.press(fmt, "онлайн")
    link = await mentor.expect("ссылку на звонок")
    await mentor.press(link, "Пропустить")
    return await mentee.expect("Анна Тест предлагает встречу")


async def test_a_meeting_confirmed_late_gets_each_reminder_once(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)  # Europe/Moscow; the clock: 01.10.2026 09:00 UTC = 12:00
    mentor, mentee = await active_pair(bot, client)
    assert bot.app is not None and bot.app.db is not None and bot.app.i18n is not None
    db, i18n = bot.app.db, bot.app.i18n

    async def reminders() -> int:
        return (await meetings_tick(db, i18n, clock))["reminders"]

    # 5 hours ahead: no "24 hours" reminder seconds after «подтверждена»; the 1-hour one, once
    confirmed = await _agree(mentor, mentee, "01.10 17:00")
    assert "Напомню за 1 час — чт, 1 октября, 16:00" in str(confirmed["text"])
    await mentor.expect("подтверждена ✅", "Напомню за 1 час")
    assert await reminders() == 0
    clock.current = datetime(2026, 10, 1, 11, 30)
    await reminders()  # the wave planner may queue it early; it goes by its moment
    clock.current = datetime(2026, 10, 1, 13, 0)  # 16:00 in Moscow
    await reminders()
    assert await reminders() == 0
    await mentee.expect("Напоминание: через 1 час", "17:00")
    await mentor.expect("Напоминание: через 1 час", "17:00")

    # 20 hours ahead (02.10 08:00 Moscow = 05:00 UTC): only the 1-hour reminder
    clock.current = datetime(2026, 10, 1, 14, 0)
    confirmed = await _agree(mentor, mentee, "02.10 08:00")
    assert "Напомню за 1 час — пт, 2 октября, 07:00" in str(confirmed["text"])
    assert await reminders() == 0
    clock.current = datetime(2026, 10, 2, 4, 0)
    await reminders()
    await mentee.expect("Напоминание: через 1 час", "08:00")

    # 40 minutes ahead: no reminder at all, and the confirmation says so
    clock.current = datetime(2026, 10, 2, 6, 0)  # 09:00 in Moscow
    confirmed = await _agree(mentor, mentee, "02.10 09:40")
    assert "отдельного напоминания не будет" in str(confirmed["text"])
    assert await reminders() == 0

    for person in (mentor, mentee):
        texts = [t for t in await texts_of(person, client) if "Напоминание:" in t]
        assert len(texts) == 2, texts  # one per meeting that had a reminder ahead, never twice
        assert not any("через 5 час" in t or "через 20 час" in t or "через 24" in t for t in texts)


async def test_a_meeting_confirmed_two_days_ahead_promises_the_24_hour_reminder_in_english(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, clock: FakeClock
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    mentor, mentee = await active_pair(bot, client)
    assert bot.app is not None and bot.app.db is not None
    offer = await _propose(mentor, mentee, "03.10 16:30")
    async with bot.app.db.unit() as uow:
        await uow.people.set_locale(mentor.id, "en")
    await mentee.press(offer, "Подтвердить")
    confirmed = await mentee.expect("подтверждена")
    assert "Напомню за 24 часа — пт, 2 октября, 16:30" in str(confirmed["text"])
    await mentor.expect("confirmed the meeting", "I'll remind you 24 hours before, Fri, 2 October, 16:30")
