"""Shared set-up for benchmarks: an emulator with people, and a database with active pairs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.domain.catalog import Cadence, Form, MeetFormat, Role, Status
from bot.domain.identity import from_max
from bot.domain.meetings import Kind, MeetingStatus
from bot.domain.models import OrganisationId, Profile, Programme, ProgrammeId
from bot.domain.pairs import PairStatus
from sandbox.emulator import Emulator
from storage.db import Database

MENTOR = Profile(
    Role.MENTOR,
    "teacher",
    experience=10,
    tags=("math",),
    interests=("chess",),
    capacity=1,
    slots=("tue_pm",),
    format=MeetFormat.ANY,
)
MENTEE = Profile(
    Role.MENTEE,
    "pupil",
    grade=7,
    tags=("olympiad",),
    interests=("chess",),
    slots=("tue_pm",),
    format=MeetFormat.ANY,
)


async def pairs_with_meetings(
    db: Database,
    emu: Emulator,
    n_pairs: int,
    now: datetime,
    meeting_in: timedelta,
    messenger: str = "telegram",
) -> None:
    """``n_pairs`` active pairs, each with a confirmed meeting ``meeting_in`` from ``now``,
    their people in ``messenger`` (telegram or max)."""
    async with db.unit() as uow:
        org = await uow.organisations.create("Бенчмарк", "Europe/Moscow", now)
        programme = await uow.programmes.create(
            Programme(
                ProgrammeId(0),
                OrganisationId(org.id),
                "Бенчмарк",
                (Form.TEACHER_PUPIL,),
                False,
                date(2026, 9, 1),
                date(2027, 5, 31),
                "Europe/Moscow",
                Cadence.WEEKLY,
                30,
            ),
            now,
        )
        for i in range(n_pairs):
            ids = []
            for role, profile in (("m", MENTOR), ("e", MENTEE)):
                user = emu.add_user(f"{role}{i}", messenger=messenger)
                emu.started.add(user["id"])
                uid = from_max(user["id"]) if messenger == "max" else user["id"]
                await uow.people.touch(uid, f"{role}{i}", None, now)
                p = await uow.participants.create(programme.id, uid, f"{role}{i}", None, profile, now)
                await uow.participants.decide(p.id, Status.APPROVED, True, 0, now)
                ids.append(p.id)
            pair_id = await uow.pairs.create(
                programme.id, ids[0], ids[1], PairStatus.ACTIVE, 1.0, None, None, False, now
            )
            await uow.pairs.update(pair_id, started_at=now)
            await uow.meetings.create(
                pair_id, Kind.INTRO, now + meeting_in, False, None, MeetingStatus.CONFIRMED, 0, now
            )
