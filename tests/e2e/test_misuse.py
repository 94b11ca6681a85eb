"""Mistakes real people make: a double press, the same choice again. Nothing of it is an
error, and nothing the first press did is lost."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from handlers.callbacks import DigestSetCb
from sandbox.client import SandboxClient, button_data
from storage.db import Database
from storage.tables import ProgrammeRow, UserRow
from tests.conftest import MakeCurator, Running, eventually
from tests.e2e import flows


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_same_digest_schedule_twice_is_no_error(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, caplog: pytest.LogCaptureFixture
) -> None:
    curator = await make_curator()
    await flows.create_programme(curator)
    await curator.send("/digest")
    schedule = await curator.expect("Изменить день и час")
    data = button_data(schedule, "Ср")
    for _ in range(3):  # a double (triple) press: the second and third change nothing
        answer = await curator.press_data(schedule, data)
        assert answer is not None and "сохранено" in answer["text"]
    await curator.send("/help")  # the same person's updates go one by one: the presses are done
    await curator.expect("Команды куратора")
    assert _errors(caplog) == []
    db = Database(bot.settings.database_url)
    try:

        async def saved() -> bool:
            async with db.sessions() as s:
                return (await s.scalar(select(ProgrammeRow.digest_weekday))) == DigestSetCb.unpack(data).d

        await eventually(saved)
    finally:
        await db.close()


async def test_the_contact_choice_pressed_twice_is_no_error(
    bot: Running, client: SandboxClient, make_curator: MakeCurator, caplog: pytest.LogCaptureFixture
) -> None:
    curator = await make_curator()
    links = await flows.invite_links(curator, await flows.create_programme(curator))
    mentor = await client.person("Анна")
    await flows.register_mentor(mentor, links["mentor"])
    await flows.send_summary(mentor)
    await mentor.send("/profile")
    setting = await mentor.expect("Telegram")
    data = button_data(setting, "Telegram")
    for _ in range(2):
        answer = await mentor.press_data(setting, data)
        assert answer is not None and answer["text"]
    await mentor.send("/help")  # the same person's updates go one by one: the presses are done
    await mentor.expect("Что я умею")
    assert _errors(caplog) == []
    db = Database(bot.settings.database_url)
    try:

        async def saved() -> bool:
            async with db.sessions() as s:
                shares = await s.scalar(select(UserRow.share_contact).where(UserRow.id == mentor.id))
                return shares is not None and shares == data.endswith(":1")

        await eventually(saved)
    finally:
        await db.close()
