"""A bot told to stop at any moment of its start stops: a sandbox stopped right after it
started used to poll on forever when the stop came before aiogram's polling had begun."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.settings import Settings


@pytest.mark.parametrize("after_s", [0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3])
async def test_a_stop_at_any_moment_of_the_start_ends_serving(
    settings: Settings, clock: FakeClock, after_s: float
) -> None:
    app = App(settings, clock)
    await app.start()
    try:
        serving = asyncio.create_task(app.serve(handle_signals=False))
        await asyncio.sleep(after_s)
        await app.stop()
        await asyncio.wait_for(serving, 20)  # returns; before the fix it polled on
        assert app.max_polling is None  # no MAX polling left behind either
    finally:
        await app.close()


async def test_a_stop_before_serving_began_ends_it_at_once(settings: Settings, clock: FakeClock) -> None:
    app = App(settings, clock)
    await app.start()
    try:
        await app.stop()
        await asyncio.wait_for(app.serve(handle_signals=False), 10)
        assert app.max_polling is None
    finally:
        await app.close()
