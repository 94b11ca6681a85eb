"""A crowd at once: the bot lets in only ``UPDATES_IN_FLIGHT`` updates at a time (the rest
wait their turn in order of arrival) and answers every one of them."""

from __future__ import annotations

import asyncio

import pytest

from bot.middlewares import UnitOfWork
from bot.settings import Settings
from sandbox.client import SandboxClient
from tests.conftest import Running

IN_FLIGHT = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"updates_in_flight": IN_FLIGHT})


async def test_a_crowd_is_let_in_a_few_at_a_time_and_everyone_is_answered(
    bot: Running, client: SandboxClient
) -> None:
    assert bot.app is not None and bot.app.dp is not None
    unit_of_work = bot.app.dp.workflow_data["unit_of_work"]
    assert isinstance(unit_of_work, UnitOfWork)
    people = [await client.person(f"Ученик {i}") for i in range(30)]
    await asyncio.gather(*(p.send("/help") for p in people))
    answers = await asyncio.gather(*(p.expect("Что я умею", timeout=30.0) for p in people))
    assert len(answers) == len(people)
    # they came at once and were handled at once, but never more than the limit
    assert 2 <= unit_of_work.gate.peak <= IN_FLIGHT, unit_of_work.gate.peak
