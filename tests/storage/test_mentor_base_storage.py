"""The mentor base on a real database: a record per school and person, the trained mark
only ever added, invitations once per programme, housekeeping after three years, and a
school never reading another's base."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.domain.base import History, InviteSource, InviteStatus
from bot.domain.catalog import Cadence, Form, MeetFormat, Role
from bot.domain.models import OrganisationId, Profile, Programme, ProgrammeId
from bot.i18n import Translator
from bot.jobs import housekeeping_tick
from storage.db import Database

NOW = datetime(2026, 9, 1, 9, 0)
PROFILE = Profile(Role.MENTOR, "teacher", experience=5, tags=("math",), interests=("chess",), capacity=2,
                  slots=("mon_am",), format=MeetFormat.ONLINE)  # fmt: skip


def programme(org_id: int, title: str) -> Programme:
    return Programme(
        ProgrammeId(0), OrganisationId(org_id), title, (Form.TEACHER_TEACHER,), False, NOW.date(),
        NOW.date().replace(year=2027), "Europe/Moscow", Cadence.WEEKLY, 20,
    )  # fmt: skip


async def test_the_base_per_school_invitations_and_housekeeping(database_url: str) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        async with db.unit() as uow:
            school = await uow.organisations.create("Школа №10", "Europe/Moscow", NOW)
            other = await uow.organisations.create("Гимназия №2", "Europe/Moscow", NOW)
            prog = await uow.programmes.create(programme(school.id, "П1"), NOW)
            for uid, name in ((1, "Анна"), (2, "Борис"), (3, "Вера")):
                await uow.people.touch(uid, name, None, NOW)
            anna = await uow.base.remember(school.id, 1, "Анна Соколова", None, PROFILE, True, NOW)
            later = NOW + timedelta(days=30)
            again = await uow.base.remember(school.id, 1, "Анна Соколова", None, PROFILE, False, later)
            assert again.id == anna.id and again.trained and again.trained_at == NOW  # kept, not undone
            await uow.base.remember(school.id, 2, "Борис Ким", 16, None, False, NOW)  # a candidate
            await uow.base.remember(other.id, 3, "Вера", None, PROFILE, False, NOW - timedelta(days=4 * 366))
            await uow.base.add_history(anna.id, History(prog.id, "П1", 2, 7, 4.5), {"reached": 2}, later)
            await uow.base.add_history(anna.id, History(prog.id, "П1", 9, 9, 1.0), {}, later)  # once
        async with db.unit() as uow:
            mine = await uow.base.of_organisation(school.id, NOW)
            assert [(m.name, m.candidate, m.profile is not None) for m in mine] == [
                ("Анна Соколова", False, True),
                ("Борис Ким", True, False),
            ]
            assert (mine[0].mentees, mine[0].meetings, mine[0].satisfaction) == (2, 7, 4.5)
            assert [m.name for m in await uow.base.of_organisation(other.id, NOW)] == ["Вера"]
            first = await uow.base.invite(prog.id, 1, Role.MENTOR, InviteSource.BASE, 9, NOW)
            assert first is not None
            assert await uow.base.invite(prog.id, 1, Role.MENTOR, InviteSource.BASE, 9, NOW) is None
            assert await uow.base.answer_invite(first.id, InviteStatus.ACCEPTED, NOW)
            assert not await uow.base.answer_invite(first.id, InviteStatus.DECLINED, NOW)  # settled once
            assert await uow.base.invited(prog.id) == {1: InviteStatus.ACCEPTED}
        i18n = Translator("ru")
        assert await housekeeping_tick(db, i18n, FakeClock(NOW)) >= 1  # Вера: untouched 4 years
        async with db.unit() as uow:
            assert await uow.base.of_organisation(other.id, NOW) == []
            assert len(await uow.base.of_organisation(school.id, NOW)) == 2
    finally:
        await db.close()
