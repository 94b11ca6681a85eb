"""Storage on a real database (SQLite, or PostgreSQL in the second run): migrations up, down,
up; the repository; the FSM storage."""

from __future__ import annotations

from datetime import datetime

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import inspect, text

from bot.domain.catalog import MeetFormat, Role, Status
from bot.domain.models import Profile
from storage.db import Database
from storage.fsm import SqlStorage

NOW = datetime(2026, 9, 1, 9, 0)
TABLES = {
    "seen_updates",
    "message_refs",
    "preferences",
    "plans",
    "plan_items",
    "surveys",
    "survey_items",
    "survey_responses",
    "organisations",
    "users",
    "curators",
    "programmes",
    "invites",
    "participants",
    "mentor_profiles",
    "mentee_profiles",
    "consents",
    "audit_log",
    "fsm_states",
    "kv",
    "pairs",
    "exclusions",
    "meetings",
    "reflections",
    "programme_breaks",
    "outbox",
    "leases",
    "safety_reports",
    "base_mentors",
    "base_history",
    "base_invites",
    "mentoring_groups",
}
REVISIONS = [
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
]


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names())) - {"alembic_version"}


async def test_stairway_every_migration_up_down_up(database_url: str) -> None:
    db = Database(database_url)
    try:
        previous = "base"
        for revision in REVISIONS:  # each step: up, down to where it was, up again
            await db.migrate(revision)
            await db.migrate(previous, down=True)
            await db.migrate(revision)
            previous = revision
        assert await tables(db) == TABLES
        await db.migrate("base", down=True)
        assert await tables(db) == set()
        await db.migrate()
        assert await tables(db) == TABLES
        if db.is_sqlite:
            async with db.engine.connect() as conn:
                assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await db.close()


async def test_repository_round_trip_and_forgetting(database_url: str) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        profile = Profile(
            Role.MENTOR,
            "teacher",
            experience=10,
            tags=("math",),
            interests=("chess",),
            capacity=3,
            slots=("mon_am",),
            format=MeetFormat.ONLINE,
        )
        async with db.unit() as uow:
            org = await uow.organisations.create("Школа", "Europe/Moscow", NOW)
            await uow.people.touch(1, "Анна", "anna", NOW)
            await uow.organisations.add_curator(org.id, 1, None, NOW)
            from bot.domain.catalog import Cadence, Form
            from bot.domain.models import OrganisationId, Programme, ProgrammeId

            prog = await uow.programmes.create(
                Programme(
                    ProgrammeId(0),
                    OrganisationId(org.id),
                    "П",
                    (Form.TEACHER_TEACHER,),
                    False,
                    NOW.date(),
                    NOW.date().replace(year=2027),
                    "Europe/Moscow",
                    Cadence.WEEKLY,
                    20,
                ),
                NOW,
            )
            await uow.people.touch(2, "Игорь", "igor", NOW)
            p = await uow.participants.create(prog.id, 2, "Игорь Петров", None, profile, NOW)
            await uow.people.add_consent(2, p.id, "v1", "self", NOW)
        async with db.unit() as uow:
            got = await uow.participants.get(p.id)
            assert got is not None and got.profile == profile and got.username == "igor"
            assert (await uow.participants.counts(prog.id)).pending == 1
            assert await uow.organisations.is_curator(1, org.id) and not await uow.organisations.is_curator(2)
            await uow.participants.decide(p.id, Status.APPROVED, True, 1, NOW)
            assert await uow.people.forget(2, "Удалённый", NOW) == [org.id]
        async with db.unit() as uow:
            gone = await uow.participants.get(p.id)
            assert gone is not None and gone.name == "Удалённый" and gone.profile is None
            assert gone.status is Status.LEFT
            assert await uow.people.consents(2) == []  # the record stays under a pseudonym, not the id
            assert [(v, w is not None) for v, _, w in await uow.people.consents(gone.user_id)] == [
                ("v1", True)
            ]
            assert (await uow.participants.counts(prog.id)).mentors == 0
    finally:
        await db.close()


async def test_a_failed_unit_of_work_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    await db.migrate()
    try:
        try:
            async with db.unit() as uow:
                await uow.people.touch(7, "x", None, NOW)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        async with db.unit() as uow:
            assert await uow.people.get(7) is None
    finally:
        await db.close()


async def test_fsm_state_survives_a_new_storage_instance(database_url: str) -> None:
    url = database_url
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    db = Database(url)
    await db.migrate()
    storage = SqlStorage(db.sessions)
    await storage.set_state(key, "Questionnaire:step")
    await storage.set_data(key, {"draft": {"name": "Ева"}, "sel": ["chess"]})
    await db.close()
    db2 = Database(url)
    try:
        again = SqlStorage(db2.sessions)
        assert await again.get_state(key) == "Questionnaire:step"
        assert await again.get_data(key) == {"draft": {"name": "Ева"}, "sel": ["chess"]}
        assert await again.get_state(StorageKey(bot_id=1, chat_id=6, user_id=6)) is None
    finally:
        await db2.close()
